/**
 * Password storage and policy (等保 level 3, GB/T 22239-2019 8.1.4.1 身份鉴别):
 * PBKDF2-HMAC-SM3, random 16-byte salt, stored as `pbkdf2-sm3$<iter>$<salt b64>$<hash b64>`,
 * compared in constant time.
 */
import crypto from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2 = promisify(crypto.pbkdf2);

export const PBKDF2_ITERATIONS = 120_000;
const KEY_BYTES = 32;
const PREFIX = 'pbkdf2-sm3';

export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await pbkdf2(password.normalize('NFC'), salt, iterations, KEY_BYTES, 'sm3');
  return `${PREFIX}$${iterations}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 4 || parts[0] !== PREFIX) return false;
  const iterations = Number(parts[1]);
  if (!Number.isInteger(iterations) || iterations < 1) return false;
  const salt = Buffer.from(parts[2]!, 'base64');
  const expected = Buffer.from(parts[3]!, 'base64');
  if (expected.length === 0) return false;
  const actual = await pbkdf2(password.normalize('NFC'), salt, iterations, expected.length, 'sm3');
  return crypto.timingSafeEqual(actual, expected);
}

/**
 * Policy: at least 10 characters from at least 3 of 4 classes (lower, upper, digit, other).
 * Returns the reasons it fails, in Chinese, or an empty list.
 */
export function checkPasswordPolicy(password: string, username?: string): string[] {
  const problems: string[] = [];
  if ([...password].length < 10) problems.push('密码长度至少 10 位');
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^a-zA-Z\d]/].filter((re) => re.test(password)).length;
  if (classes < 3) problems.push('密码须包含大写字母、小写字母、数字、特殊字符中的至少三类');
  if (username && password.toLowerCase().includes(username.toLowerCase())) problems.push('密码不得包含用户名');
  if (password.length > 128) problems.push('密码长度不得超过 128 位');
  return problems;
}
