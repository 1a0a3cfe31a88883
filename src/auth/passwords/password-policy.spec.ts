import { passwordProblems } from './password-policy';

describe('passwordProblems', () => {
  it('accepts a long passphrase', () => {
    expect(passwordProblems('tidal-orange-kettle-93', 'ann@example.org', 12)).toEqual([]);
  });

  it.each([
    ['too short', 'sh0rt-pass', /at least 12 characters/],
    ['too long', 'x1y2z3'.repeat(50), /at most 256 characters/],
    ['a common password', 'Password1234', /commonly used/],
    ['too few distinct characters', 'aaaaabbbbbbbb', /5 different characters/],
    [
      'the e-mail local part',
      'annabelle-2026-spring',
      /e-mail address's name \(the part before @\)/,
    ],
  ])('refuses %s', (_case, password, reason) => {
    const problems = passwordProblems(password, 'annabelle@example.org', 12);
    expect(problems).toEqual([expect.stringMatching(reason)]);
    expect(problems.join(' ')).not.toContain(password);
  });

  it('follows the configured minimum length', () => {
    expect(passwordProblems('kettle-93x', 'ann@example.org', 10)).toEqual([]);
    expect(passwordProblems('kettle-93x', 'ann@example.org', 11)).toHaveLength(1);
  });
});
