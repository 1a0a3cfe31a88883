/** A short list of passwords every cracking dictionary starts with; refused whatever their length. */
const COMMON_PASSWORDS = new Set([
  '123456789012',
  '1234567890123',
  'passwordpassword',
  'password1234',
  'password12345',
  'password123456',
  'qwertyuiopasdf',
  'qwertyuiop123',
  'qwerty123456',
  'iloveyou1234',
  'administrator',
  'administrator1',
  'letmeinletmein',
  'welcome12345',
  'changemechangeme',
  'footballfootball',
  'football1234',
  'football12345',
  'correcthorsebatterystaple',
  'trustno1trustno1',
  'oracxpred1234',
  'oracxpredadmin',
]);

export const PASSWORD_MAX_LENGTH = 256;

/**
 * NIST SP 800-63B style: length matters, composition rules do not. Returns the reasons a
 * password is refused (empty when it is acceptable); the password itself never appears in them.
 */
export function passwordProblems(password: string, email: string, minLength: number): string[] {
  const problems: string[] = [];
  if (password.length < minLength) problems.push(`must have at least ${minLength} characters`);
  if (password.length > PASSWORD_MAX_LENGTH) {
    problems.push(`must have at most ${PASSWORD_MAX_LENGTH} characters`);
  }
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower)) problems.push('is a commonly used password');
  if (new Set(password).size < 5) problems.push('must use at least 5 different characters');
  const localPart = email.toLowerCase().split('@')[0];
  if (localPart.length >= 4 && lower.includes(localPart)) {
    problems.push("must not contain the e-mail address's name (the part before @)");
  }
  return problems;
}
