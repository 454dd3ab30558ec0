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

/**
 * SDK types with branded keys/ids as plain strings, so tests can pass and compare literals;
 * in answers (`Out`) search results always carry `items` and `page`.
 */
export type Plain<T, Out extends boolean = true> = T extends { readonly __brand: string }
  ? string
  : T extends Blob
    ? T
    : T extends (infer U)[]
      ? Plain<U, Out>[]
      : T extends (...args: never[]) => unknown
        ? T
        : T extends object
          ? { [K in keyof T as Out extends true ? (K extends Always ? never : K) : K]: Plain<T[K], Out> } & {
              [K in keyof T as Out extends true ? (K extends Always ? K : never) : never]-?: Plain<
                NonNullable<T[K]>,
                Out
              >;
            }
          : T;
type Always = 'items' | 'page';

/** The SDK client as tests use it: same methods and wire behaviour, plain-string keys in and out. */
export type PlainClient = {
  [K in keyof EngineClient]: EngineClient[K] extends (...args: infer A) => infer R
    ? R extends PromiseLike<infer V>
      ? (...args: { [I in keyof A]: Plain<A[I], false> }) => Promise<Plain<V>>
      : EngineClient[K]
    : EngineClient[K];
};

export interface TestEngine {
  engine: EmbeddedEngine;
  client: EngineClient;
  /** `client` typed with plain strings for keys (the same object) */
  sdk: PlainClient;
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
    logLevel: (process.env.CAMUNDA_SDK_LOG_LEVEL ?? 'error') as 'error',
    // tests run many job workers on one client: no gating behind long polls (as the app's workers)
    backpressure: 'LEGACY',
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
  const client = clientFor(engine);
  const t: TestEngine = {
    engine,
    client,
    sdk: client as unknown as PlainClient,
    db,
    async restart(between) {
      t.client.stopAllWorkers();
      await t.engine.close();
      await between?.();
      t.engine = await boot(db.url);
      t.client = clientFor(t.engine);
      t.sdk = t.client as unknown as PlainClient;
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

const plain = (client: EngineClient) => client as unknown as PlainClient;

/** Activates up to `max` jobs of a type, long-polling up to `waitMs` (as a worker would). */
export async function activateJobs(
  client: EngineClient,
  type: string,
  opts: { max?: number; timeoutMs?: number; waitMs?: number; worker?: string; fetchVariable?: string[] } = {},
) {
  const res = await plain(client).activateJobs({
    type,
    worker: opts.worker ?? 'test-worker',
    timeout: opts.timeoutMs ?? 60_000,
    maxJobsToActivate: opts.max ?? 1,
    requestTimeout: opts.waitMs ?? 5_000,
    ...(opts.fetchVariable ? { fetchVariable: opts.fetchVariable } : {}),
  });
  return res.jobs;
}

/** Activates exactly one job of a type (fails the test when none arrives within waitMs). */
export async function activateOne(client: EngineClient, type: string, opts: Parameters<typeof activateJobs>[2] = {}) {
  const [job] = await activateJobs(client, type, { ...opts, max: 1 });
  if (!job) throw new Error(`no job of type ${type} became activatable`);
  return job;
}

/** Element instances of a process instance, in start order. */
export async function elementsOf(client: EngineClient, processInstanceKey: string) {
  const r = await plain(client).searchElementInstances({ filter: { processInstanceKey }, page: { limit: 1000 } }, NOW);
  return r.items ?? [];
}

/** `elementId:STATE` for every element instance of a process instance, sorted (readable assertions). */
export async function trail(client: EngineClient, processInstanceKey: string): Promise<string[]> {
  return (await elementsOf(client, processInstanceKey)).map((e) => `${e.elementId}:${e.state}`).sort();
}

export async function instanceState(client: EngineClient, processInstanceKey: string) {
  return (await plain(client).getProcessInstance({ processInstanceKey }, NOW)).state;
}

export async function incidentsOf(client: EngineClient, processInstanceKey: string, state = 'ACTIVE') {
  const r = await client.searchIncidents({ filter: { processInstanceKey, state } } as never, NOW);
  return r.items ?? [];
}

/** Variables visible at the root scope of an instance, decoded from their JSON strings. */
export async function rootVariables(client: EngineClient, processInstanceKey: string) {
  const r = await plain(client).searchVariables(
    { filter: { processInstanceKey, scopeKey: processInstanceKey }, page: { limit: 1000 } },
    NOW,
  );
  return Object.fromEntries((r.items ?? []).map((v) => [v.name, JSON.parse(v.value) as unknown]));
}
