/** The session cookie: HttpOnly, SameSite=Strict, Secure behind https. */
import type { CookieOptions } from 'express';
import type { Config } from '../../config';
import { DEFAULT_AUTH_POLICY } from '../auth/auth-service';

export const SESSION_COOKIE = 'sid';

export function sessionCookie(config: Pick<Config, 'PUBLIC_BASE_URL'>): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'strict',
    secure: config.PUBLIC_BASE_URL.startsWith('https:'),
    path: '/',
    maxAge: DEFAULT_AUTH_POLICY.absoluteHours * 3_600_000,
  };
}
