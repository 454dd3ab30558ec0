/**
 * startEmbeddedEngine as a host: ephemeral loopback port reflected in restAddress, and an orderly
 * close — parked long polls are answered with empty job lists, the database is released (a new
 * engine opens it again), and the port stops answering.
 */
import pino from 'pino';
import { startEmbeddedEngine } from '../../engine';
import { createEngineClient } from '../../services/engine-client';
import { createTestDatabase, type TestDatabase } from '../support/db';
import type { PlainClient } from '../support/engine';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('httpembedded');
});
afterAll(async () => {
  await db?.drop();
});

const boot = () =>
  startEmbeddedEngine({ databaseUrl: db.url, host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) });

it('should listen on an ephemeral loopback port and close in order, answering parked activations', async () => {
  const engine = await boot();
  expect(engine.restAddress).toMatch(/^http:\/\/127\.0\.0\.1:(\d+)$/);
  expect(Number(new URL(engine.restAddress).port)).toBeGreaterThan(0);
  const client = createEngineClient({ restAddress: engine.restAddress, validation: 'fanatical' });
  const sdk = client as unknown as PlainClient;
  expect((await sdk.getTopology()).brokers).toHaveLength(1);

  const parked = sdk.activateJobs({
    type: 'nobody-creates-these',
    worker: 'w',
    timeout: 1000,
    maxJobsToActivate: 1,
    requestTimeout: 30_000,
  });
  await new Promise((r) => setTimeout(r, 200));
  const t0 = Date.now();
  await engine.close();
  expect(await parked).toEqual({ jobs: [] });
  expect(Date.now() - t0).toBeLessThan(10_000);
  await engine.close(); // idempotent
  await expect(fetch(`${engine.restAddress}/v2/topology`)).rejects.toThrow();

  // the database was released and keeps its state: a new engine serves from it
  const again = await boot();
  try {
    const res = await fetch(`${again.restAddress}/v2/status`);
    expect(res.status).toBe(204);
  } finally {
    await again.close();
  }
});
