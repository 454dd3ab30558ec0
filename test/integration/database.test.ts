import { AuditLog } from '../../services/audit/audit-log';
import { openDatabase } from '../../services/db/data-source';
import { entities, migrations } from '../../services/db/schema';
import { createTestDatabase, type TestDatabase } from '../support/db';
import type { DataSource } from 'typeorm';

describe('database (migrations, audit chain)', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('db');
    ds = await openDatabase({ url: db.url, entities, migrations });
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('should apply every migration on start and record them', async () => {
    const rows = (await ds.query('SELECT name FROM migrations')) as { name: string }[];
    expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining(migrations.map((m) => new m().name!)));
    expect(await ds.showMigrations()).toBe(false);
  });

  it('should run SQLite in WAL mode', async () => {
    if (db.kind !== 'sqlite') return;
    const [mode] = (await ds.query('PRAGMA journal_mode')) as { journal_mode: string }[];
    expect(mode!.journal_mode).toBe('wal');
  });

  it('should chain audit rows so that tampering is detected', async () => {
    const audit = new AuditLog(ds);
    await audit.record({ actor: 'alice', action: 'login', ip: '127.0.0.1' });
    await audit.record({ actor: 'alice', action: 'project.create', target: 'project:1', detail: { name: '测试' } });
    await audit.record({ actor: 'bob', action: 'login', outcome: 'failure' });
    expect(await audit.verify()).toBeNull();
    const rows = (await ds.query('SELECT id FROM audit_log ORDER BY id')) as { id: number }[];
    await ds.query("UPDATE audit_log SET actor = 'mallory' WHERE id = ?", [rows[1]!.id]);
    expect(await audit.verify()).toBe(Number(rows[1]!.id));
  });
});

describe('SQLite access is serialised (one connection, many async callers)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase('serial');
    ds = await openDatabase({ url: db.url, entities, migrations });
    await ds.query('CREATE TABLE probe (id INTEGER PRIMARY KEY, v VARCHAR(20))');
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('should run concurrent transactions one after another without errors', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        ds.transaction(async (m) => {
          await m.query('INSERT INTO probe (id, v) VALUES (?, ?)', [i + 1, 'a']);
          await new Promise((r) => setTimeout(r, 2));
          await m.query('UPDATE probe SET v = ? WHERE id = ?', ['b', i + 1]);
        }),
      ),
    );
    const rows = (await ds.query("SELECT COUNT(*) AS n FROM probe WHERE v = 'b'")) as { n: number | string }[];
    expect(Number(rows[0]!.n)).toBe(20);
  });

  it('should keep a statement from another caller out of a transaction that rolls back', async () => {
    const failing = ds
      .transaction(async (m) => {
        await m.query('INSERT INTO probe (id, v) VALUES (?, ?)', [100, 'tx']);
        await new Promise((r) => setTimeout(r, 20));
        throw new Error('roll back');
      })
      .catch((e: Error) => e.message);
    // issued while the transaction above is open
    await new Promise((r) => setTimeout(r, 5));
    const outside = ds.query('INSERT INTO probe (id, v) VALUES (?, ?)', [101, 'outside']);
    expect(await failing).toBe('roll back');
    await outside;
    const rows = (await ds.query('SELECT id FROM probe WHERE id IN (100, 101) ORDER BY id')) as { id: number }[];
    expect(rows.map((r) => Number(r.id))).toEqual([101]);
  });
});
