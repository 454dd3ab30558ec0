/** The SMTP transport from configuration; none when SMTP_HOST is unset (mail stays in the outbox). */
import nodemailer from 'nodemailer';
import type { Config } from '../../config';
import type { MailTransport } from './dispatcher';

/** SMTP timeouts, all well under the dispatcher's lease (DISPATCHER_DEFAULTS.leaseMs). */
export const SMTP_TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };

export function createSmtpTransport(
  config: Pick<Config, 'SMTP_HOST' | 'SMTP_PORT' | 'SMTP_SECURE' | 'SMTP_USER' | 'SMTP_PASSWORD'>,
): MailTransport | null {
  if (!config.SMTP_HOST) return null;
  return nodemailer.createTransport({
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    secure: config.SMTP_SECURE,
    auth: config.SMTP_USER ? { user: config.SMTP_USER, pass: config.SMTP_PASSWORD ?? '' } : undefined,
    ...SMTP_TIMEOUTS,
  });
}
