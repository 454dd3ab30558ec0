/**
 * The one DataSource factory: better-sqlite3 (WAL) for the embedded default, mysql2 for MySQL/MariaDB.
 * The schema comes only from migrations; `synchronize` is never on.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import type { EntitySchema, MigrationInterface } from 'typeorm';
import { DataSource } from 'typeorm';
import { sqlitePath } from '../../config';

export type DbKind = 'sqlite' | 'mysql';

export interface DataSourceOptions {
  url: string;
  entities?: (EntitySchema | (new () => unknown))[];
  migrations?: (new () => MigrationInterface)[];
  /** name of the TypeORM migrations bookkeeping table (each component keeps its own) */
  migrationsTableName?: string;
  poolSize?: number;
}

export function dbKind(url: string): DbKind {
  if (url.startsWith('sqlite:')) return 'sqlite';
  if (url.startsWith('mysql:') || url.startsWith('mariadb:')) return 'mysql';
  throw new Error(`unsupported database URL scheme: ${url.split(':')[0]}`);
}

export function createDataSource(opts: DataSourceOptions): DataSource {
  const common = {
    entities: opts.entities ?? [],
    migrations: opts.migrations ?? [],
    migrationsTableName: opts.migrationsTableName ?? 'migrations',
    migrationsRun: false,
    synchronize: false,
    logging: false,
  } as const;
  if (dbKind(opts.url) === 'sqlite') {
    const file = sqlitePath(opts.url);
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    return new DataSource({
      ...common,
      type: 'better-sqlite3',
      database: file,
      enableWAL: file !== ':memory:',
      prepareDatabase: (db: { pragma(s: string): unknown }) => {
        db.pragma('busy_timeout = 5000');
        db.pragma('synchronous = NORMAL');
        db.pragma('foreign_keys = ON');
      },
    });
  }
  const u = new URL(opts.url.replace(/^mariadb:/, 'mysql:'));
  return new DataSource({
    ...common,
    type: 'mysql',
    host: u.hostname,
    port: u.port ? Number(u.port) : 3306,
    username: decodeURIComponent(u.username || 'root'),
    password: decodeURIComponent(u.password),
    database: u.pathname.replace(/^\//, ''),
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: true,
    poolSize: opts.poolSize ?? 10,
  });
}

/** Initialises the DataSource and applies pending migrations, each in its own transaction. */
export async function openDatabase(opts: DataSourceOptions): Promise<DataSource> {
  const ds = createDataSource(opts);
  await ds.initialize();
  if (dbKind(opts.url) === 'sqlite') serializeSqliteAccess(ds);
  await ds.runMigrations({ transaction: 'each' });
  return ds;
}

/**
 * TypeORM's better-sqlite3 driver has ONE query runner over one connection for the whole process.
 * Two concurrent `transaction()` calls would fail ("cannot start a transaction within a
 * transaction"), and worse, a statement from another request issued while a transaction is open
 * would silently become part of it (and vanish on its rollback). So on SQLite every transaction
 * holds a process-wide lock for its duration, and every statement outside a transaction takes the
 * same lock for itself; statements inside the transaction (same async context) pass. better-sqlite3
 * is synchronous anyway, so nothing is lost in throughput.
 */
export function serializeSqliteAccess(ds: DataSource): void {
  const inTransaction = new AsyncLocalStorage<true>();
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
  const manager = ds.manager;
  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>;
  (manager as unknown as { transaction: (...args: unknown[]) => Promise<unknown> }).transaction = (...args) =>
    inTransaction.getStore()
      ? transaction(...args)
      : exclusive(() => inTransaction.run(true, () => transaction(...args)));
  const runner = ds.driver.createQueryRunner('master');
  const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
  (runner as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = (...args) =>
    inTransaction.getStore() ? query(...args) : exclusive(() => query(...args));
}

/** The engine's database URL: its own SQLite file beside the domain one, or the same MySQL database. */
export function engineDatabaseUrl(databaseUrl: string, explicit?: string): string {
  if (explicit) return explicit;
  if (dbKind(databaseUrl) === 'mysql') return databaseUrl;
  const file = sqlitePath(databaseUrl);
  if (file === ':memory:') return 'sqlite::memory:';
  return `sqlite:${path.join(path.dirname(file), 'engine.sqlite')}`;
}
