/**
 * Header hygiene. nodemailer encodes headers itself; these checks are the second line: an
 * address must be one plain mailbox, and no header value may carry CR/LF or other controls.
 */

// one mailbox, no display name, quotes, commas, angle brackets or whitespace
const MAILBOX =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

/** The address, trimmed and lower-cased in its domain, or null when it is not one plain mailbox. */
export function validateAddress(value: string): string | null {
  const v = value.trim();
  if (v.length > 254 || !MAILBOX.test(v)) return null;
  const at = v.lastIndexOf('@');
  const local = v.slice(0, at);
  if (local.length > 64 || local.startsWith('.') || local.endsWith('.') || local.includes('..')) return null;
  return `${local}@${v.slice(at + 1).toLowerCase()}`;
}

// C0 controls (CR, LF, TAB, NUL …), DEL, C1 controls, and Unicode line/paragraph separators
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** One header line: controls become a single space, whitespace collapsed, length capped. */
export function sanitizeHeader(value: string, max = 200): string {
  return value.replace(CONTROLS, ' ').replace(/\s+/g, ' ').trim().slice(0, max);
}

/** A display name: header-safe and without the characters that delimit addresses. */
export function sanitizeDisplayName(value: string): string {
  return sanitizeHeader(value.replace(/[<>"@,;:\\]/g, ' '), 100);
}
