/**
 * The outbox dispatcher: claims due rows, sends each through SMTP (nodemailer), records the
 * outcome. Any number of replicas may run against one database.
 *
 * Claiming. MySQL/MariaDB: `SELECT … FOR UPDATE SKIP LOCKED` in a transaction, then the rows
 * are marked `sending` with a lease (claimed_by = a token unique to this claim, claimed_until)
 * before the transaction commits — a row is locked by at most one replica and, once committed,
 * belongs to that claim token. SQLite: one atomic `UPDATE … WHERE id IN (SELECT … LIMIT n)`;
 * SQLite has a single writer, so two claims cannot interleave. Every later write is guarded by
 * `WHERE claimed_by = <token>`.
 *
 * Crash between send and mark — the trade-off chosen: AT MOST ONCE. A row is committed as
 * `sending` before SMTP is contacted. If the dispatcher dies before recording the outcome, the
 * lease expires and the row becomes `uncertain`: it is NOT sent again automatically, because we
 * cannot ask the SMTP server whether it accepted the message. `uncertain` rows show on the UI's
 * mail page with their stable Message-ID; an administrator checks the mailbox / MTA log for that
 * id and re-queues if it never arrived (`requeueMail`). The alternative (re-send on lease
 * expiry) would be at-least-once: a duplicate for the recipient on every such crash.
 *
 * Failures while the dispatcher is alive are known outcomes and retried: an SMTP reply 4xx or a
 * connection-level error (server down, refused, timed out) → `pending` with exponential back-off,
 * `dead` after maxAttempts; an SMTP reply 5xx → `failed` at once (the server refused for good).
 * A connection that breaks after the server accepted the data but before its reply arrives is
 * indistinguishable from one that broke earlier; it is retried, and the repeated Message-ID lets
 * the receiving side recognise the duplicate. The lease must exceed the SMTP timeouts.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import type { DataSource, EntityManager } from 'typeorm';
import type { Logger } from '../logger';
import { execute, isMysql, selectOutboxRows, type OutboxRow } from './outbox';

export interface MailMessage {
  from: string;
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  messageId: string;
}

/** The part of a nodemailer Transporter the dispatcher uses. */
export interface MailTransport {
  sendMail(message: MailMessage): Promise<{ messageId?: string }>;
}

export interface DispatcherOptions {
  dataSource: DataSource;
  transport: MailTransport;
  /** From header (MAIL_FROM) */
  from: string;
  logger?: Logger;
  /** replica name in claim tokens; default host:pid */
  id?: string;
  batchSize?: number;
  /** how long a claim holds; must exceed the SMTP connection + socket timeouts */
  leaseMs?: number;
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** pause between runs when the queue is empty */
  intervalMs?: number;
  now?: () => number;
  /** test seam: runs after SMTP accepted a message and before the outcome is recorded */
  afterSend?: (row: OutboxRow) => Promise<void> | void;
}

export interface DispatchStats {
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  dead: number;
  expired: number;
}

export const DISPATCHER_DEFAULTS = {
  batchSize: 20,
  leaseMs: 5 * 60_000,
  maxAttempts: 8,
  backoffBaseMs: 60_000,
  backoffMaxMs: 6 * 3_600_000,
  intervalMs: 5_000,
} as const;

/** Back-off before attempt n+1 after n failed attempts: base · 2^(n−1), capped. */
export function backoffMs(attempts: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.max(0, attempts - 1));
}

type Outcome = 'retry' | 'failed';

/** SMTP 5xx is a permanent refusal; 4xx and connection-level errors are worth another try. */
export function classifySmtpError(err: unknown): Outcome {
  const code = (err as { responseCode?: unknown })?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600 ? 'failed' : 'retry';
}

function describe(err: unknown): string {
  const e = err as { message?: string; responseCode?: number; code?: string };
  const parts = [e?.code, e?.responseCode, e?.message ?? String(err)].filter((p) => p !== undefined && p !== '');
  return parts.join(' ').slice(0, 1000);
}

export class MailDispatcher {
  private readonly opts: Required<Omit<DispatcherOptions, 'logger' | 'afterSend'>> &
    Pick<DispatcherOptions, 'logger' | 'afterSend'>;
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;
  private wakeRequested = false;

  constructor(options: DispatcherOptions) {
    this.opts = {
      ...DISPATCHER_DEFAULTS,
      id: `${os.hostname()}:${process.pid}`,
      now: Date.now,
      ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    } as MailDispatcher['opts'];
  }

  private get ds(): DataSource {
    return this.opts.dataSource;
  }

  private nowIso(offsetMs = 0): string {
    return new Date(this.opts.now() + offsetMs).toISOString();
  }

  /** One pass: expire stale leases, claim a batch, send it. */
  async runOnce(): Promise<DispatchStats> {
    const stats: DispatchStats = { claimed: 0, sent: 0, retried: 0, failed: 0, dead: 0, expired: 0 };
    stats.expired = await this.expireLeases();
    const rows = await this.claim();
    stats.claimed = rows.length;
    for (const row of rows) stats[await this.deliver(row)]++;
    return stats;
  }

  /** A `sending` row whose lease ran out belonged to a dispatcher that stopped mid-send. */
  private async expireLeases(): Promise<number> {
    const n = await execute(
      this.ds.manager,
      "UPDATE mail_outbox SET status = 'uncertain', last_error = ?, claimed_until = NULL WHERE status = 'sending' AND claimed_until < ?",
      ['发送过程中断（租约过期）：可能已送达，为避免重复未自动重发；请按 Message-ID 核查后再重新排队', this.nowIso()],
    );
    if (n > 0) this.opts.logger?.warn({ rows: n }, 'mail outbox: interrupted sends marked uncertain');
    return n;
  }

  private async claim(): Promise<OutboxRow[]> {
    const token = `${this.opts.id}:${++this.seq}:${crypto.randomBytes(4).toString('hex')}`.slice(-100);
    const now = this.nowIso();
    const until = this.nowIso(this.opts.leaseMs);
    const limit = Math.max(1, Math.trunc(this.opts.batchSize));
    const mark = async (m: EntityManager, idsSql: string, params: unknown[]) =>
      execute(
        m,
        `UPDATE mail_outbox SET status = 'sending', claimed_by = ?, claimed_until = ?, attempts = attempts + 1 WHERE ${idsSql}`,
        [token, until, ...params],
      );
    if (isMysql(this.ds.manager)) {
      const claimed = await this.ds
        .transaction(async (m) => {
          const rows = (await m.query(
            `SELECT id FROM mail_outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
            [now],
          )) as { id: number }[];
          if (rows.length === 0) return 0;
          return mark(
            m,
            `id IN (${rows.map(() => '?').join(', ')})`,
            rows.map((r) => r.id),
          );
        })
        .catch((err: unknown) => {
          // a deadlock / lock-wait timeout between replicas rolls the claim back: nothing was claimed
          const errno = (err as { driverError?: { errno?: number } }).driverError?.errno;
          if (errno !== 1213 && errno !== 1205) throw err;
          this.opts.logger?.warn({ errno }, 'mail outbox: claim rolled back by the database, retried next pass');
          return 0;
        });
      if (claimed === 0) return [];
    } else {
      const claimed = await mark(
        this.ds.manager,
        `id IN (SELECT id FROM mail_outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ${limit})`,
        [now],
      );
      if (claimed === 0) return [];
    }
    return selectOutboxRows(this.ds.manager, "status = 'sending' AND claimed_by = ? ORDER BY id", [token]);
  }

  private async deliver(row: OutboxRow): Promise<'sent' | 'retried' | 'failed' | 'dead'> {
    try {
      await this.opts.transport.sendMail({
        from: this.opts.from,
        to: { name: row.recipientName, address: row.recipientAddress },
        subject: row.subject,
        text: row.bodyText,
        html: row.bodyHtml,
        messageId: row.messageId,
      });
    } catch (err) {
      return this.recordFailure(row, err);
    }
    await this.opts.afterSend?.(row);
    await execute(
      this.ds.manager,
      "UPDATE mail_outbox SET status = 'sent', sent_at = ?, last_error = NULL, claimed_until = NULL WHERE id = ? AND claimed_by = ? AND status = 'sending'",
      [this.nowIso(), row.id, row.claimedBy],
    );
    this.opts.logger?.info({ id: row.id, purpose: row.purpose, messageId: row.messageId }, 'mail sent');
    return 'sent';
  }

  private async recordFailure(row: OutboxRow, err: unknown): Promise<'retried' | 'failed' | 'dead'> {
    const error = describe(err);
    let status: 'pending' | 'failed' | 'dead';
    if (classifySmtpError(err) === 'failed') status = 'failed';
    else status = row.attempts >= this.opts.maxAttempts ? 'dead' : 'pending';
    const next = this.nowIso(
      status === 'pending' ? backoffMs(row.attempts, this.opts.backoffBaseMs, this.opts.backoffMaxMs) : 0,
    );
    await execute(
      this.ds.manager,
      'UPDATE mail_outbox SET status = ?, next_attempt_at = ?, last_error = ?, claimed_until = NULL WHERE id = ? AND claimed_by = ? AND status = ?',
      [status, next, error, row.id, row.claimedBy, 'sending'],
    );
    this.opts.logger?.warn({ id: row.id, attempts: row.attempts, status, error }, 'mail not sent');
    return status === 'pending' ? 'retried' : status;
  }

  private readonly loop = async (): Promise<void> => {
    if (this.stopped) return;
    this.timer = undefined;
    let full = false;
    this.wakeRequested = false;
    try {
      const stats = await this.runOnce();
      full = stats.claimed >= this.opts.batchSize;
    } catch (err) {
      this.opts.logger?.error({ err }, 'mail dispatcher pass failed');
    }
    const again = full || this.wakeRequested;
    if (!this.stopped) this.timer = setTimeout(() => (this.running = this.loop()), again ? 0 : this.opts.intervalMs);
  };

  /** Runs passes until stopped: immediately again after a full batch, else after intervalMs. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.running = this.loop();
  }

  /** Runs a pass now instead of at the next interval (a 催办 should not wait). */
  wake(): void {
    if (this.stopped) return;
    if (!this.timer) {
      this.wakeRequested = true; // a pass is in flight: run another right after it
      return;
    }
    clearTimeout(this.timer);
    this.running = this.loop();
  }

  /** Stops scheduling and waits for the pass in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
