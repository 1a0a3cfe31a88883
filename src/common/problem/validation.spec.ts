import { Type } from 'class-transformer';
import { IsInt, IsString, Max, MaxLength, Min, ValidateNested, validate } from 'class-validator';
import { toInvalidFields } from './validation';

class Inner {
  @IsString()
  @MaxLength(5)
  name!: string;
}

class Query {
  @IsInt()
  @Min(1)
  @Max(200)
  pageSize!: number;

  @ValidateNested()
  @Type(() => Inner)
  inner?: Inner;
}

const fieldsOf = async (value: Record<string, unknown>) =>
  toInvalidFields(await validate(Object.assign(new Query(), value)));

describe('toInvalidFields', () => {
  it('gives a value of the wrong type its type reason alone, not the ranges it cannot be held to', async () => {
    expect(await fieldsOf({ pageSize: 'abc' })).toEqual([
      { field: 'pageSize', reason: 'pageSize must be an integer number' },
    ]);
  });

  it('gives a value of the right type every rule it breaks', async () => {
    expect(await fieldsOf({ pageSize: 0 })).toEqual([
      { field: 'pageSize', reason: 'pageSize must not be less than 1' },
    ]);
    expect(await fieldsOf({ pageSize: 2.5 })).toEqual([
      { field: 'pageSize', reason: 'pageSize must be an integer number' },
    ]);
  });

  it('says a missing field is required, and names nested fields by their path', async () => {
    const inner = Object.assign(new Inner(), { name: 42 });
    expect(await fieldsOf({ inner })).toEqual([
      { field: 'pageSize', reason: 'pageSize is required' },
      { field: 'inner.name', reason: 'name must be a string' },
    ]);
    expect(
      await fieldsOf({ pageSize: 5, inner: Object.assign(new Inner(), { name: 'too long' }) }),
    ).toEqual([
      { field: 'inner.name', reason: 'name must be shorter than or equal to 5 characters' },
    ]);
  });
});
