import { containsPattern, escapeLike } from './like';

describe('escapeLike', () => {
  it.each([
    ['100%', '100\\%'],
    ['a_b', 'a\\_b'],
    ['C:\\dir', 'C:\\\\dir'],
    ['%_\\', '\\%\\_\\\\'],
    ['Man City', 'Man City'],
    ['', ''],
  ])('escapes %j as %j', (input, escaped) => {
    expect(escapeLike(input)).toBe(escaped);
  });

  it('wraps the escaped text in wildcards for a contains search', () => {
    expect(containsPattern('50%_off')).toBe('%50\\%\\_off%');
  });
});
