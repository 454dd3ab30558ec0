/**
 * Security audit trail (等保 level 3: 安全审计). Rows are append-only and chained with SM3:
 * hash = SM3(prev_hash | at | actor | action | target | outcome | ip | detail), so editing or
 * deleting a row breaks `verify()`.
 */
import crypto from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';

export interface AuditEntry {
  actor: string;
  action: string;
  target?: string | null;
  outcome?: 'success' | 'failure' | 'denied';
  ip?: string | null;
  detail?: unknown;
}

const GENESIS = '0'.repeat(64);

export function sm3(data: string | Buffer): string {
  return crypto.createHash('sm3').update(data).digest('hex');
}

function rowDigest(
  prev: string,
  r: {
    at: string;
    actor: string;
    action: string;
    target: string | null;
    outcome: string;
    ip: string | null;
    detail: string | null;
  },
): string {
  return sm3([prev, r.at, r.actor, r.action, r.target ?? '', r.outcome, r.ip ?? '', r.detail ?? ''].join('\u001f'));
}

export class AuditLog {
  /** serialises appends within this process so the chain stays linear */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly ds: DataSource) {}

  record(entry: AuditEntry, manager?: EntityManager): Promise<void> {
    const run = async () => {
      const m = manager ?? this.ds.manager;
      const last = (await m.query('SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1')) as { hash: string }[];
      const prev = last[0]?.hash ?? GENESIS;
      const row = {
        at: new Date().toISOString(),
        actor: entry.actor,
        action: entry.action,
        target: entry.target ?? null,
        outcome: entry.outcome ?? 'success',
        ip: entry.ip ?? null,
        detail: entry.detail === undefined ? null : JSON.stringify(entry.detail),
      };
      const hash = rowDigest(prev, row);
      await m.query(
        'INSERT INTO audit_log (at, actor, action, target, outcome, ip, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [row.at, row.actor, row.action, row.target, row.outcome, row.ip, row.detail, prev, hash],
      );
    };
    const next = this.tail.then(run, run);
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Recomputes the chain; returns the id of the first row that does not match, or null when intact. */
  async verify(): Promise<number | null> {
    const rows = (await this.ds.query(
      'SELECT id, at, actor, action, target, outcome, ip, detail, prev_hash, hash FROM audit_log ORDER BY id',
    )) as {
      id: number;
      at: string;
      actor: string;
      action: string;
      target: string | null;
      outcome: string;
      ip: string | null;
      detail: string | null;
      prev_hash: string;
      hash: string;
    }[];
    let prev = GENESIS;
    for (const r of rows) {
      if (r.prev_hash !== prev || rowDigest(prev, r) !== r.hash) return Number(r.id);
      prev = r.hash;
    }
    return null;
  }
}
