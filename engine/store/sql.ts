/**
 * A thin layer over parameterised SQL for both dialects. SQLite goes straight to the better-sqlite3
 * connection TypeORM opened (prepared statements cached; no per-query promise plumbing on the hot
 * path); MySQL/MariaDB goes through a TypeORM QueryRunner. `?` placeholders in both.
 */
import { Worker } from 'node:worker_threads';
import type { DataSource, QueryRunner } from 'typeorm';

export type Row = Record<string, unknown>;

export interface Sql {
  all<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** returns the number of affected rows */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

interface SqliteStatement {
  reader: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): { changes: number };
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): void;
  pragma(sql: string, opts?: { simple?: boolean }): unknown;
  readonly name: string;
  readonly memory: boolean;
}

/**
 * WAL checkpoints on a thread of their own. Durability: the engine's SQLite runs in WAL mode with
 * synchronous=NORMAL (services/db/data-source.ts): COMMIT appends the transaction to the WAL file
 * before it returns, so every acknowledged command survives a crash of the process (kill -9); only
 * a power loss or OS crash could lose the last transactions, which is not what the issue's
 * durability asks (the process being killed at any moment). What COMMIT does not need is the
 * checkpoint — copying the WAL back into the database file, with two fsyncs — which SQLite by
 * default runs inside every commit that crosses 1,000 WAL pages, on the writer's thread: tens of
 * milliseconds on a busy disk during which the single-writer event loop serves nobody. So the
 * writer's automatic checkpoints are off and this worker, on its own connection, runs PASSIVE
 * checkpoints (never blocking the writer) a few times a second; the WAL stays small and is reused.
 */
const CHECKPOINTER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 0');
const run = () => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* busy or closing: the next round retries */ }
};
const timer = setInterval(run, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'close') return;
  clearInterval(timer);
  try { db.close(); } catch { /* already gone */ }
  parentPort.close();
});
`;

function startCheckpointer(db: SqliteConnection): Worker | undefined {
  if (db.memory || process.env.ENGINE_SQLITE_INLINE_CHECKPOINT === '1') return undefined;
  const mode = db.pragma('journal_mode', { simple: true });
  if (String(mode).toLowerCase() !== 'wal') return undefined;
  db.pragma('wal_autocheckpoint = 0');
  const worker = new Worker(CHECKPOINTER, {
    eval: true,
    workerData: { module: require.resolve('better-sqlite3'), file: db.name, intervalMs: 200 },
  });
  worker.unref();
  worker.on('error', () => {
    // without the worker the writer checkpoints for itself again, as SQLite does by default
    db.pragma('wal_autocheckpoint = 1000');
  });
  return worker;
}

const norm = (params: readonly unknown[]): unknown[] =>
  params.map((p) => (p === undefined ? null : typeof p === 'boolean' ? (p ? 1 : 0) : p));

class SqliteSql implements Sql {
  private readonly cache = new Map<string, SqliteStatement>();
  constructor(readonly db: SqliteConnection) {}

  stmt(sql: string): SqliteStatement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      // bounded: ad-hoc search SQL varies with filters
      if (this.cache.size > 500) this.cache.clear();
      this.cache.set(sql, s);
    }
    return s;
  }

  all<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    try {
      return Promise.resolve(this.stmt(sql).all(...norm(params)) as T[]);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  run(sql: string, params: readonly unknown[] = []): Promise<number> {
    try {
      return Promise.resolve(this.stmt(sql).run(...norm(params)).changes);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }
}

class QueryRunnerSql implements Sql {
  constructor(readonly qr: QueryRunner) {}
  async all<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    const r = (await this.qr.query(sql, norm(params), true)) as { records?: T[]; raw: unknown };
    return r.records ?? (Array.isArray(r.raw) ? (r.raw as T[]) : []);
  }
  async run(sql: string, params: readonly unknown[] = []): Promise<number> {
    const r = (await this.qr.query(sql, norm(params), true)) as { affected?: number };
    return r.affected ?? 0;
  }
}

export class Store {
  readonly kind: 'sqlite' | 'mysql';
  private sqlite?: SqliteSql;
  private writer?: QueryRunner;
  private writerSql?: QueryRunnerSql;
  private checkpointer?: Worker;

  constructor(readonly ds: DataSource) {
    const t = ds.options.type;
    if (t === 'better-sqlite3') {
      this.kind = 'sqlite';
      const driver = ds.driver as unknown as { databaseConnection: SqliteConnection };
      this.sqlite = new SqliteSql(driver.databaseConnection);
      this.checkpointer = startCheckpointer(driver.databaseConnection);
    } else if (t === 'mysql' || t === 'mariadb') {
      this.kind = 'mysql';
    } else {
      throw new Error(`engine: unsupported database type ${t}`);
    }
  }

  /** for reads outside the writer; on SQLite the caller serialises them with the writer queue */
  reader(): Sql {
    return this.sqlite ?? this.poolSql;
  }

  /** pool-backed reads for MySQL: each query takes any free connection */
  private readonly poolSql: Sql = {
    all: async <T extends Row = Row>(sql: string, params: readonly unknown[] = []) =>
      (await this.ds.query(sql, norm(params))) as T[],
    run: async (sql: string, params: readonly unknown[] = []) => {
      const qr = this.ds.createQueryRunner('master');
      try {
        return await new QueryRunnerSql(qr).run(sql, params);
      } finally {
        await qr.release();
      }
    },
  };

  /** runs fn in one transaction on the single writer connection; the caller guarantees one at a time */
  async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    const tx = await this.begin();
    try {
      const r = await fn(tx);
      await this.commit();
      return r;
    } catch (e) {
      await this.rollback();
      throw e;
    }
  }

  /** opens the writer's transaction and returns the SQL handle bound to it */
  async begin(): Promise<Sql> {
    if (this.sqlite) {
      this.sqlite.db.exec('BEGIN IMMEDIATE');
      return this.sqlite;
    }
    if (!this.writer || this.writer.isReleased) {
      this.writer = this.ds.createQueryRunner('master');
      await this.writer.connect();
      await this.writer.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
      this.writerSql = new QueryRunnerSql(this.writer);
    }
    await this.writer.startTransaction();
    return this.writerSql as QueryRunnerSql;
  }

  async commit(): Promise<void> {
    if (this.sqlite) this.sqlite.db.exec('COMMIT');
    else await this.writer?.commitTransaction();
  }

  async rollback(): Promise<void> {
    if (this.sqlite) {
      this.sqlite.db.exec('ROLLBACK');
      return;
    }
    if (this.writer?.isTransactionActive) await this.writer.rollbackTransaction().catch(() => undefined);
  }

  /** savepoints let one command of a batch fail without undoing the others */
  async savepoint(tx: Sql): Promise<void> {
    await tx.run('SAVEPOINT zb_cmd');
  }
  async release(tx: Sql): Promise<void> {
    await tx.run('RELEASE SAVEPOINT zb_cmd');
  }
  async rollbackToSavepoint(tx: Sql): Promise<void> {
    await tx.run('ROLLBACK TO SAVEPOINT zb_cmd');
    await tx.run('RELEASE SAVEPOINT zb_cmd');
  }

  async close(): Promise<void> {
    if (this.writer && !this.writer.isReleased) await this.writer.release();
    const w = this.checkpointer;
    if (w) {
      this.checkpointer = undefined;
      const exited = new Promise((r) => w.once('exit', r));
      w.postMessage('close');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000).unref())]);
      if (this.sqlite) {
        // the writer checkpoints for itself again (the DataSource may stay open after the runtime)
        this.sqlite.db.pragma('wal_autocheckpoint = 1000');
      }
    }
  }
}

/** int64 keys as Zeebe makes them: partition 1 in the high bits, monotonic, persisted in blocks */
export class KeyGenerator {
  static readonly FIRST = 2251799813685249;
  private static readonly BLOCK = 1000;
  private cur = 0;
  private hi = 0;

  async init(sql: Sql): Promise<void> {
    const rows = await sql.all<{ value: number | string }>(`SELECT value FROM zb_sequence WHERE name = 'key'`);
    if (rows[0]) {
      this.cur = Number(rows[0].value);
    } else {
      this.cur = KeyGenerator.FIRST;
      await sql.run(`INSERT INTO zb_sequence (name, value) VALUES ('key', ?)`, [this.cur]);
    }
    this.hi = this.cur;
  }

  /** a key inside the running transaction; the reserved block is written by that transaction */
  async next(tx: Sql): Promise<string> {
    if (this.cur >= this.hi) {
      this.hi = this.cur + KeyGenerator.BLOCK;
      await tx.run(`UPDATE zb_sequence SET value = ? WHERE name = 'key'`, [this.hi]);
    }
    return String(this.cur++);
  }

  /** after a rollback the reservation was undone: reserve again before handing out more */
  rolledBack(): void {
    this.hi = this.cur;
  }
}
