/**
 * The transactional outbox: a mail is a row written in the same database transaction as the
 * change that causes it (`enqueueMail(manager, …)`), so a rolled-back change sends nothing and a
 * committed one cannot lose its mail. The dispatcher (dispatcher.ts) sends the rows.
 *
 * `dedupe_key` is UNIQUE and stable per (instance, element, recipient, purpose): enqueueing the
 * same mail twice — a re-run poller, a second replica — is a no-op.
 */
import crypto from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { sanitizeHeader, validateAddress } from './address';
import type { Recipient } from './recipients';

export const MAIL_STATUSES = ['pending', 'sending', 'sent', 'failed', 'dead', 'uncertain'] as const;
/**
 * pending: waiting (first try or back-off); sending: claimed under a lease; sent; failed: refused
 * permanently (SMTP 5xx); dead: transient failures exhausted the attempts; uncertain: a
 * dispatcher stopped between handing the mail to SMTP and recording the outcome (not re-sent).
 */
export type MailStatus = (typeof MAIL_STATUSES)[number];

export const MAIL_PURPOSES = ['gateway', 'reminder', 'escalation', 'urge'] as const;
export type MailPurpose = (typeof MAIL_PURPOSES)[number];

/** Labels for the UI's mail page (zh-CN). */
export const MAIL_STATUS_NAMES: Record<MailStatus, string> = {
  pending: '待发送',
  sending: '发送中',
  sent: '已发送',
  failed: '被拒收',
  dead: '多次发送失败，已停止重试',
  uncertain: '发送中断，状态未知（请核查后重新排队）',
};

export const MAIL_PURPOSE_NAMES: Record<MailPurpose, string> = {
  gateway: '流程进展',
  reminder: '到期提醒',
  escalation: '逾期督办',
  urge: '催办',
};

export interface OutgoingMail {
  dedupeKey: string;
  recipient: Recipient;
  subject: string;
  text: string;
  html: string;
  purpose: MailPurpose;
  projectId?: string | null;
}

export interface OutboxRow {
  id: number;
  dedupeKey: string;
  recipientUserId: string;
  recipientName: string;
  recipientAddress: string;
  subject: string;
  bodyText: string;
  bodyHtml: string;
  purpose: string;
  projectId: string | null;
  status: MailStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  claimedBy: string | null;
  claimedUntil: string | null;
  createdAt: string;
  sentAt: string | null;
  messageId: string;
}

export class InvalidMailError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidMailError';
  }
}

const MAX_KEY = 191;
const MAX_BODY = 60_000;

/** Joins key parts; a key longer than the column is replaced by its digest (still stable). */
export function dedupeKey(...parts: (string | number)[]): string {
  const key = parts.map((p) => String(p).replace(/[\s|]/g, '_')).join('|');
  return key.length <= MAX_KEY ? key : `sha256|${crypto.createHash('sha256').update(key).digest('hex')}`;
}

/**
 * The Message-ID derived from the dedupe key: every attempt for a row carries the same id, so a
 * duplicate that did reach a mailbox is recognisable (and collapsed by clients that dedupe on it).
 */
export function messageIdFor(key: string, domain: string): string {
  const digest = crypto.createHash('sha256').update(key).digest('hex').slice(0, 32);
  return `<${digest}.outbox@${domain}>`;
}

export function mailDomain(from: string): string {
  const m = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return m?.[1]?.toLowerCase() ?? 'localhost';
}

export function isMysql(manager: EntityManager): boolean {
  const t = manager.connection.options.type;
  return t === 'mysql' || t === 'mariadb';
}

export interface EnqueueOptions {
  /** domain for the Message-ID (from MAIL_FROM) */
  domain?: string;
  now?: Date;
}

/**
 * Writes the mail in the caller's transaction. Returns true when a row was inserted, false when
 * a row with the same dedupe key exists already.
 */
export async function enqueueMail(
  manager: EntityManager,
  mail: OutgoingMail,
  opts: EnqueueOptions = {},
): Promise<boolean> {
  if (!mail.dedupeKey || mail.dedupeKey.length > MAX_KEY) throw new InvalidMailError('dedupe key missing or too long');
  const address = validateAddress(mail.recipient.email);
  if (!address) throw new InvalidMailError('recipient address invalid');
  const subject = sanitizeHeader(mail.subject, 300);
  if (!subject) throw new InvalidMailError('subject empty');
  const now = (opts.now ?? new Date()).toISOString();
  const values = [
    mail.dedupeKey,
    mail.recipient.userId,
    mail.recipient.name,
    address,
    subject,
    mail.text.slice(0, MAX_BODY),
    mail.html.slice(0, MAX_BODY),
    mail.purpose,
    mail.projectId ?? null,
    'pending',
    0,
    now,
    now,
    messageIdFor(mail.dedupeKey, opts.domain ?? 'localhost'),
  ];
  const columns =
    'dedupe_key, recipient_user_id, recipient_name, recipient_address, subject, body_text, body_html, purpose, project_id, status, attempts, next_attempt_at, created_at, message_id';
  const placeholders = values.map(() => '?').join(', ');
  const insert = `INSERT INTO mail_outbox (${columns}) VALUES (${placeholders})`;
  if (isMysql(manager)) {
    // Plain INSERT and the duplicate-key error: MySQL rolls back only the statement, not the
    // caller's transaction. (INSERT IGNORE would also hide truncation; ON DUPLICATE KEY UPDATE
    // reports 1 affected row for a no-op under mysql2's FOUND_ROWS flag.)
    try {
      await execute(manager, insert, values);
      return true;
    } catch (err) {
      if (isDuplicateKey(err)) return false;
      throw err;
    }
  }
  return (await execute(manager, `${insert} ON CONFLICT (dedupe_key) DO NOTHING`, values)) === 1;
}

function isDuplicateKey(err: unknown): boolean {
  const e = err as { driverError?: { errno?: number }; errno?: number };
  return (e.driverError?.errno ?? e.errno) === 1062;
}

/** Runs a write statement in the manager's transaction (if any) and returns the affected rows. */
export async function execute(manager: EntityManager, sql: string, params: unknown[]): Promise<number> {
  const own =
    manager.queryRunner && !manager.queryRunner.isReleased ? undefined : manager.connection.createQueryRunner();
  const runner = own ?? manager.queryRunner!;
  try {
    const result = await runner.query(sql, params, true);
    return result.affected ?? 0;
  } finally {
    await own?.release();
  }
}

// ------------------------------------------------------------------ reading (the UI's mail page)

export interface OutboxFilter {
  status?: MailStatus | MailStatus[];
  purpose?: MailPurpose;
  projectId?: string;
  recipientUserId?: string;
  /** part of the recipient's address, name or user id (case-insensitive) */
  recipient?: string;
  /** part of the subject (case-insensitive) */
  q?: string;
  /** ISO timestamps, inclusive */
  createdFrom?: string;
  createdTo?: string;
}

export const OUTBOX_SORT_FIELDS = ['createdAt', 'sentAt', 'status', 'recipient', 'attempts', 'nextAttemptAt'] as const;
export type OutboxSortField = (typeof OUTBOX_SORT_FIELDS)[number] | 'id';
export interface OutboxSort {
  field: OutboxSortField;
  order: 'asc' | 'desc';
}
export interface OutboxPage {
  from: number;
  limit: number;
}

const SORT_COLUMNS: Record<OutboxSortField, string> = {
  createdAt: 'created_at',
  sentAt: 'sent_at',
  status: 'status',
  nextAttemptAt: 'next_attempt_at',
  recipient: 'recipient_address',
  attempts: 'attempts',
  id: 'id',
};

/** `%` and `_` in a user's search are literal: escaped with `!` (same ESCAPE clause on SQLite and MySQL) */
function likeContains(text: string): string {
  return `%${text.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

const SELECT_COLUMNS =
  'id, dedupe_key, recipient_user_id, recipient_name, recipient_address, subject, body_text, body_html, purpose, project_id, status, attempts, next_attempt_at, last_error, claimed_by, claimed_until, created_at, sent_at, message_id';

export function toOutboxRow(r: Record<string, unknown>): OutboxRow {
  const s = (k: string) => (r[k] === null || r[k] === undefined ? null : String(r[k]));
  return {
    id: Number(r.id),
    dedupeKey: String(r.dedupe_key),
    recipientUserId: String(r.recipient_user_id),
    recipientName: String(r.recipient_name),
    recipientAddress: String(r.recipient_address),
    subject: String(r.subject),
    bodyText: String(r.body_text),
    bodyHtml: String(r.body_html),
    purpose: String(r.purpose),
    projectId: s('project_id'),
    status: String(r.status) as MailStatus,
    attempts: Number(r.attempts),
    nextAttemptAt: String(r.next_attempt_at),
    lastError: s('last_error'),
    claimedBy: s('claimed_by'),
    claimedUntil: s('claimed_until'),
    createdAt: String(r.created_at),
    sentAt: s('sent_at'),
    messageId: String(r.message_id),
  };
}

export async function selectOutboxRows(manager: EntityManager, where: string, params: unknown[]): Promise<OutboxRow[]> {
  const rows = (await manager.query(`SELECT ${SELECT_COLUMNS} FROM mail_outbox WHERE ${where}`, params)) as Record<
    string,
    unknown
  >[];
  return rows.map(toOutboxRow);
}

/** Mail rows for the UI's mail page: filter, sort (whitelisted columns), page. */
export async function listOutbox(
  manager: EntityManager,
  filter: OutboxFilter = {},
  sort: OutboxSort[] = [{ field: 'createdAt', order: 'desc' }],
  page: OutboxPage = { from: 0, limit: 50 },
): Promise<{ items: OutboxRow[]; totalItems: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.status !== undefined) {
    const list = Array.isArray(filter.status) ? filter.status : [filter.status];
    if (list.length === 0) return { items: [], totalItems: 0 };
    where.push(`status IN (${list.map(() => '?').join(', ')})`);
    params.push(...list);
  }
  const eq: [keyof OutboxFilter, string][] = [
    ['purpose', 'purpose'],
    ['projectId', 'project_id'],
    ['recipientUserId', 'recipient_user_id'],
  ];
  for (const [key, column] of eq) {
    if (filter[key] !== undefined) {
      where.push(`${column} = ?`);
      params.push(filter[key]);
    }
  }
  if (filter.recipient) {
    where.push(
      "(LOWER(recipient_address) LIKE ? ESCAPE '!' OR LOWER(recipient_name) LIKE ? ESCAPE '!' OR LOWER(recipient_user_id) LIKE ? ESCAPE '!')",
    );
    const like = likeContains(filter.recipient);
    params.push(like, like, like);
  }
  if (filter.q) {
    where.push("LOWER(subject) LIKE ? ESCAPE '!'");
    params.push(likeContains(filter.q));
  }
  if (filter.createdFrom) {
    where.push('created_at >= ?');
    params.push(filter.createdFrom);
  }
  if (filter.createdTo) {
    where.push('created_at <= ?');
    params.push(filter.createdTo);
  }
  const whereSql = where.length ? where.join(' AND ') : '1 = 1';
  const orderSql = [...sort, { field: 'id' as const, order: 'desc' as const }]
    .map((s) => `${SORT_COLUMNS[s.field]} ${s.order === 'asc' ? 'ASC' : 'DESC'}`)
    .join(', ');
  const limit = Math.max(1, Math.min(500, Math.trunc(page.limit)));
  const from = Math.max(0, Math.trunc(page.from));
  const items = await selectOutboxRows(
    manager,
    `${whereSql} ORDER BY ${orderSql} LIMIT ${limit} OFFSET ${from}`,
    params,
  );
  const [count] = (await manager.query(`SELECT COUNT(*) AS n FROM mail_outbox WHERE ${whereSql}`, params)) as {
    n: number | string;
  }[];
  return { items, totalItems: Number(count?.n ?? 0) };
}

/**
 * An administrator's decision after checking the mailbox / MTA log by Message-ID: put an
 * uncertain, failed or dead row back in the queue.
 */
export async function requeueMail(manager: EntityManager, id: number, now = new Date()): Promise<boolean> {
  const changed = await execute(
    manager,
    "UPDATE mail_outbox SET status = 'pending', attempts = 0, next_attempt_at = ?, claimed_by = NULL, claimed_until = NULL WHERE id = ? AND status IN ('uncertain', 'failed', 'dead')",
    [now.toISOString(), id],
  );
  return changed === 1;
}
