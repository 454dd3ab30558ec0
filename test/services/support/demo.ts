/**
 * What the `npm start` demo left behind, for demo-instances.test.ts and demo-resume.test.ts: where
 * each sample project's instance stands against PLACEMENTS, and the row counts of the domain
 * tables and engine instances (an interrupted and resumed demo must match an uninterrupted one).
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { loadConfig, type Config } from '../../../config';
import { PLACEMENTS } from '../../../services/demo/process-demo';
import { ProjectEntity } from '../../../services/domain/entities';
import type { EngineClient } from '../../../services/engine-client';

const consistency = { consistency: { waitUpToMs: 0 } };

/** `npm start` with the demo: embedded engine on a free port, uploads in `uploadDir`. */
export function demoStartConfig(databaseUrl: string, uploadDir: string): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATABASE_URL: databaseUrl,
    ENGINE: 'embedded',
    ENGINE_PORT: '0',
    UPLOAD_DIR: uploadDir,
    DEMO_DATA: 'true',
  });
}

export type LogLine = { msg: string; [k: string]: unknown };

/** A pino logger (info) whose JSON lines land, parsed, in `lines`. */
export function capturingLogger(lines: LogLine[] = []) {
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as LogLine);
        done();
      },
    }),
  );
  return { logger, lines };
}

export async function activeElements(engine: EngineClient, key: string): Promise<string[]> {
  const res = (await engine.searchElementInstances(
    { filter: { processInstanceKey: key, state: 'ACTIVE' }, page: { limit: 100 } } as never,
    consistency,
  )) as { items: { elementId: string }[] };
  return res.items.map((e) => e.elementId).sort();
}

/** Per placed project: where it stands (`where`) and where PLACEMENTS says it should (`expected`). */
export async function placementReport(ds: DataSource, engine: EngineClient) {
  const placed = (await ds.getRepository(ProjectEntity).find({ order: { id: 'ASC' } })).filter(
    (p) => PLACEMENTS[p.name],
  );
  const where: Record<string, unknown> = {};
  const expected: Record<string, unknown> = {};
  for (const p of placed) {
    const pl = PLACEMENTS[p.name]!;
    const key = p.processInstanceKey!;
    const instance = (await engine.getProcessInstance({ processInstanceKey: key } as never, consistency)) as {
      state: string;
    };
    const ids = await activeElements(engine, key);
    if (pl.endedAt) {
      const end = (await engine.searchElementInstances(
        { filter: { processInstanceKey: key, elementId: pl.endedAt, state: 'COMPLETED' }, page: { limit: 5 } } as never,
        consistency,
      )) as { items: unknown[] };
      where[p.name] = { state: instance.state, ended: end.items.length, stage: p.stage };
      expected[p.name] = { state: 'COMPLETED', ended: 1, stage: pl.stage };
    } else {
      where[p.name] = { state: instance.state, at: pl.waitAt.filter((id) => ids.includes(id)), stage: p.stage };
      expected[p.name] = { state: 'ACTIVE', at: [...pl.waitAt], stage: pl.stage };
    }
  }
  return { placed, where, expected };
}

/**
 * Rows per domain table, except the ones that grow with time or with the number of starts
 * (sessions, mail, audit trail, worker bookkeeping, migrations, the demo's own progress), and
 * process instances per process and state in the engine.
 */
export async function demoCounts(ds: DataSource, engine: EngineClient): Promise<Record<string, number>> {
  const skip = /^(zb_|migrations$|demo_state$|user_session$|mail_|notif|audit|worker_|sqlite_)/;
  const tables = (
    ds.options.type === 'mysql'
      ? ((await ds.query(
          'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()',
        )) as { name: string }[])
      : ((await ds.query("SELECT name FROM sqlite_master WHERE type = 'table'")) as { name: string }[])
  )
    .map((t) => t.name)
    .filter((t) => !skip.test(t))
    .sort();
  const counts: Record<string, number> = {};
  for (const t of tables) counts[t] = Number((await ds.query(`SELECT COUNT(*) AS n FROM ${t}`))[0].n);
  const instances = (await engine.searchProcessInstances({ page: { limit: 1000 } } as never, consistency)) as {
    items: { processDefinitionId: string; state: string }[];
  };
  for (const i of instances.items) {
    const k = `engine:${i.processDefinitionId}:${i.state}`;
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}
