import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import argon2 from 'argon2';
import { ValidationError } from '../../errors.js';

/**
 * argon2id with the OWASP Password Storage Cheat Sheet's first recommended setting:
 * 19 MiB of memory, 2 passes, 1 lane. About 25 ms per hash on this project's 2-core machines.
 */
export const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export const MIN_PASSWORD_LENGTH = 12;
/** Long enough for any passphrase, short enough that hashing it cannot be used to burn CPU. */
export const MAX_PASSWORD_LENGTH = 1024;

/** src/modules/auth and dist/modules/auth sit at the same depth, so this resolves from both. */
const COMMON_PASSWORDS_FILE = fileURLToPath(new URL('../../../data/common-passwords.txt', import.meta.url));

let commonPasswords: Set<string> | undefined;

function loadCommonPasswords(): Set<string> {
  commonPasswords ??= new Set(
    readFileSync(COMMON_PASSWORDS_FILE, 'utf8')
      .split('\n')
      .map((line) => line.trim().toLowerCase())
      .filter(Boolean),
  );
  return commonPasswords;
}

/**
 * Every entry of the 1,000 most common passwords is shorter than 12 characters, so the list
 * alone would never fire after the length rule. It also refuses what people type to get a
 * common password past a length rule: the word repeated ("qwertyqwerty") or padded with
 * digits and symbols ("password1234!").
 */
export function isCommonPassword(password: string): boolean {
  const list = loadCommonPasswords();
  const lower = password.toLowerCase();
  if (list.has(lower)) return true;
  const stripped = lower.replace(/[^a-z]+$/, '').replace(/^[^a-z]+/, '');
  if (stripped.length >= 4 && list.has(stripped)) return true;
  for (let size = 1; size <= lower.length / 2; size++) {
    if (lower.length % size !== 0) continue;
    const unit = lower.slice(0, size);
    if (unit.repeat(lower.length / size) === lower && (size < 4 || list.has(unit))) return true;
  }
  return false;
}

/** Throws a 422 naming the broken rule; used by registration, password change and the CLI. */
export function assertPasswordAllowed(password: string, field = 'password'): void {
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw new ValidationError('password_too_short', `the password must be at least ${MIN_PASSWORD_LENGTH} characters long`, field);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new ValidationError('password_too_long', `the password must be at most ${MAX_PASSWORD_LENGTH} characters long`, field);
  }
  if (isCommonPassword(password)) {
    throw new ValidationError('password_too_common', 'this password is one of the most commonly used passwords; choose another', field);
  }
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON2_OPTIONS);
}

let dummyHash: Promise<string> | undefined;

/**
 * Checks a password against a stored hash. With no hash (unknown email) it verifies against a
 * dummy hash made with the same parameters, so both answers take the same time.
 */
export async function verifyPassword(storedHash: string | undefined, password: string): Promise<boolean> {
  dummyHash ??= argon2.hash('curbside-dummy-password-for-timing', ARGON2_OPTIONS);
  const hash = storedHash && storedHash.startsWith('$argon2') ? storedHash : await dummyHash;
  try {
    const ok = await argon2.verify(hash, password);
    return ok && hash === storedHash;
  } catch {
    return false;
  }
}
