import { competitionRef } from './text-filter';

describe('competitionRef', () => {
  it('reads up to 9 digits as an id and anything else as a code', () => {
    expect(competitionRef('7')).toEqual({ id: 7 });
    expect(competitionRef('123456789')).toEqual({ id: 123456789 });
    expect(competitionRef('england/premier-league')).toEqual({ code: 'england/premier-league' });
    // Past PostgreSQL's int: no id can be that large, so it is looked up (in vain) as a code.
    expect(competitionRef('1234567890')).toEqual({ code: '1234567890' });
    expect(competitionRef('1e3')).toEqual({ code: '1e3' });
  });
});
