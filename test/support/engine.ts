/**
 * The engine test harness: a fresh database (SQLite file, or MariaDB with TEST_DATABASE_URL), the
 * embedded engine on an ephemeral loopback port, and the official SDK client on top of it with
 * response validation at its strictest ('fanatical'). Tests talk to the engine only through
 * `client` (and the SDK's job workers), exactly as production code does.
 */
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { startEmbeddedEngine, type EmbeddedEngine } from '../../engine';
import { createEngineClient, type EngineClient } from '../../services/engine-client';
import { createTestDatabase, type TestDatabase } from './db';

export interface TestEngine {
  engine: EmbeddedEngine;
  client: EngineClient;
  db: TestDatabase;
  /** closes the engine (state stays in the database) and starts a new one on the same database */
  restart(between?: () => Promise<void>): Promise<void>;
  /** stops all job workers, closes the engine, drops the database */
  stop(): Promise<void>;
}

function clientFor(engine: EmbeddedEngine): EngineClient {
  return createEngineClient({
    restAddress: engine.restAddress,
    validation: process.env.CAMUNDA_SDK_VALIDATION ?? 'fanatical',
    logLevel: process.env.CAMUNDA_SDK_LOG_LEVEL ?? 'error',
  });
}

async function boot(url: string): Promise<EmbeddedEngine> {
  return startEmbeddedEngine({
    databaseUrl: url,
    host: '127.0.0.1',
    port: 0,
    logger: pino({ level: process.env.ENGINE_TEST_LOG_LEVEL ?? 'silent' }),
  });
}

export async function startTestEngine(label = 'engine'): Promise<TestEngine> {
  const db = await createTestDatabase(label);
  let engine: EmbeddedEngine;
  try {
    engine = await boot(db.url);
  } catch (err) {
    await db.drop();
    throw err;
  }
  const t: TestEngine = {
    engine,
    client: clientFor(engine),
    db,
    async restart(between) {
      t.client.stopAllWorkers();
      await t.engine.close();
      await between?.();
      t.engine = await boot(db.url);
      t.client = clientFor(t.engine);
    },
    async stop() {
      t.client.stopAllWorkers();
      await t.engine.close();
      await db.drop();
    },
  };
  return t;
}

export const FIXTURES = path.join(__dirname, '..', 'engine', 'fixtures');

/** A fixture file as the SDK uploads it: a File whose name carries the extension. */
export function fixtureFile(name: string): File {
  return new File([fs.readFileSync(path.join(FIXTURES, name))], name, {
    type: name.endsWith('.form') ? 'application/json' : 'application/xml',
  });
}

/** Deploys fixtures (test/engine/fixtures/…) in one deployment. */
export async function deployFixtures(client: EngineClient, ...names: string[]) {
  type Resources = Parameters<EngineClient['createDeployment']>[0]['resources'];
  return client.createDeployment({ resources: names.map(fixtureFile) as unknown as Resources });
}

/** Retries an assertion until it passes (engine work after a command is asynchronous). */
export async function eventually<T>(assertion: () => Promise<T> | T, timeoutMs = 10_000, intervalMs = 25): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}

/** Reads calls of the generated client without eventual-consistency polling. */
export const NOW = { consistency: { waitUpToMs: 0 } } as const;

/** The status and problem title of a failed SDK call (HttpSdkError carries the problem fields). */
export async function rejection(p: Promise<unknown>): Promise<{ status: number; title?: string; detail?: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as { status?: number; title?: string; detail?: string };
    return { status: e.status ?? -1, title: e.title, detail: e.detail };
  }
  throw new Error('expected the call to be rejected');
}
