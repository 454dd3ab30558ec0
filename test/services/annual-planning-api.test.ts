/**
 * Starting the plan year's `annual-planning` instance through the API, over real HTTP, with the
 * real app, the embedded engine and the domain database (SQLite, or MariaDB with
 * TEST_DATABASE_URL): the data bureau starts 2027 once (201, the instance waits at its first job),
 * a second start and a concurrent double click answer 409, a department 403, a bad year 400, an
 * unreachable engine 503 with nothing written.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../config';
import { createApp } from '../../services/app';
import { createApiRouter } from '../../services/api/router';
import { createDomainServices, type ApiServices } from '../../services/api/services';
import { openDatabase } from '../../services/db/data-source';
import { entities, migrations } from '../../services/db/schema';
import { DEMO_PASSWORD, seedDemoData } from '../../services/demo/seed';
import { AnnualPlanningProcessEntity } from '../../services/domain/entities';
import { createEngineClient } from '../../services/engine-client';
import { HttpError } from '../../services/http/problem';
import { createLogger } from '../../services/logger';
import { startAnnualPlanning } from '../../services/processes/annual-planning-start';
import { deployProcessResources } from '../../services/processes/deploy';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { eventually, NOW, rootVariables, startTestEngine, trail, type TestEngine } from '../support/engine';
import { Client } from './support/api';

type Started = { year: number; processInstanceKey: string; state: string; startedBy: number; startedAt: string };

describe('annual-planning start API (R6/R7/R8.1)', () => {
  let t: TestEngine;
  let db: TestDatabase;
  let ds: DataSource;
  let services: ApiServices;
  let server: http.Server;
  let uploadDir: string;
  const clock = { now: Date.parse('2026-03-02T01:00:00Z') };
  const c: Record<string, Client> = {};

  beforeAll(async () => {
    t = await startTestEngine('annualapi');
    db = await createTestDatabase('annualapi');
    uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'egov-annualapi-'));
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: db.url,
      UPLOAD_DIR: uploadDir,
      DEMO_DATA: 'false',
    });
    ds = await openDatabase({ url: db.url, entities, migrations });
    services = createDomainServices(ds, config, { engine: t.client, now: () => new Date(clock.now) });
    await services.identity.ensureOrganisations();
    await seedDemoData(services);
    await deployProcessResources(t.client);
    const app = createApp({
      config,
      logger: createLogger(config),
      dataSource: ds,
      engine: t.client,
      api: createApiRouter({ config, dataSource: ds, services }),
    });
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const u of ['sgj.staff', 'sgj.owner', 'jyj.staff', 'sjj.auditor']) {
      c[u] = new Client(baseUrl);
      await c[u].login(u, DEMO_PASSWORD);
    }
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await ds?.destroy();
    await db?.drop();
    await t?.stop();
    if (uploadDir) fs.rmSync(uploadDir, { recursive: true, force: true });
  });

  it('should start one annual-planning instance for 2027, waiting at its first job, and audit it', async () => {
    expect((await c['sgj.staff']!.get('/api/annual-plans/2027/process')).status).toBe(404);
    const res = await c['sgj.staff']!.post<Started>('/api/annual-plans/2027/process', {});
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ year: 2027, state: 'ACTIVE' });
    const key = res.body.processInstanceKey;
    expect(key).toMatch(/^\d{16,}$/);

    const instance = await t.sdk.getProcessInstance({ processInstanceKey: key }, NOW);
    expect(instance.processDefinitionId).toBe('annual-planning');
    expect(instance.state).toBe('ACTIVE');
    expect(await rootVariables(t.client, key)).toMatchObject({ planYear: 2027 });
    // no workers run here: the instance waits at the calendar job (egov.due-date), its first wait state
    await eventually(async () => expect(await trail(t.client, key)).toContain('Task_PlanCalendar:ACTIVE'));

    const row = await ds.getRepository(AnnualPlanningProcessEntity).findOneByOrFail({ year: 2027 });
    expect(row.processInstanceKey).toBe(key);
    const shown = await c['sjj.auditor']!.get<Started>('/api/annual-plans/2027/process');
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({ year: 2027, processInstanceKey: key, state: 'ACTIVE' });

    const audit = (await ds.query(
      "SELECT actor, target, outcome FROM audit_log WHERE action = 'annualPlans.startProcess'",
    )) as { actor: string; target: string; outcome: string }[];
    expect(audit).toEqual([{ actor: 'sgj.staff', target: 'annual-planning:2027', outcome: expect.any(String) }]);
  });

  it('should answer 409 to a second start of the same year, and start nothing', async () => {
    const res = await c['sgj.owner']!.post<{ processInstanceKey: string }>('/api/annual-plans/2027/process', {});
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    const row = await ds.getRepository(AnnualPlanningProcessEntity).findOneByOrFail({ year: 2027 });
    expect(res.body.processInstanceKey).toBe(row.processInstanceKey);
    const all = await t.sdk.searchProcessInstances(
      { filter: { processDefinitionId: 'annual-planning' }, page: { limit: 100 } },
      NOW,
    );
    expect(all.items).toHaveLength(1);
  });

  it('should start one instance when the button is clicked twice at once', async () => {
    const [a, b] = await Promise.all([
      c['sgj.staff']!.post('/api/annual-plans/2028/process', {}),
      c['sgj.owner']!.post('/api/annual-plans/2028/process', {}),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const all = await t.sdk.searchProcessInstances(
      { filter: { processDefinitionId: 'annual-planning' }, page: { limit: 100 } },
      NOW,
    );
    expect(all.items.filter((i) => i.state === 'ACTIVE')).toHaveLength(2);
    expect(await ds.getRepository(AnnualPlanningProcessEntity).countBy({ year: 2028 })).toBe(1);
  });

  it('should answer 409 when the engine already runs an instance of that year started elsewhere', async () => {
    const other = await t.sdk.createProcessInstance({
      processDefinitionId: 'annual-planning',
      variables: { planYear: 2031 },
    });
    const res = await c['sgj.staff']!.post<{ processInstanceKey: string }>('/api/annual-plans/2031/process', {});
    expect(res.status).toBe(409);
    expect(res.body.processInstanceKey).toBe(String(other.processInstanceKey));
    expect(await ds.getRepository(AnnualPlanningProcessEntity).countBy({ year: 2031 })).toBe(0);
    const shown = await c['sgj.staff']!.get<Started>('/api/annual-plans/2031/process');
    expect(shown.body).toMatchObject({ processInstanceKey: String(other.processInstanceKey), state: 'ACTIVE' });
    await t.sdk.cancelProcessInstance({ processInstanceKey: String(other.processInstanceKey) });
  });

  it('should refuse departments and the audit bureau (403)', async () => {
    const dept = await c['jyj.staff']!.post('/api/annual-plans/2029/process', {});
    expect(dept.status).toBe(403);
    expect((await c['sjj.auditor']!.post('/api/annual-plans/2029/process', {})).status).toBe(403);
    expect((await c['jyj.staff']!.get('/api/annual-plans/2027/process')).status).toBe(403);
    expect(await ds.getRepository(AnnualPlanningProcessEntity).countBy({ year: 2029 })).toBe(0);
  });

  it('should answer 400 to a year that is not four digits or lies in the past', async () => {
    for (const year of ['27', '20270', 'abcd', '2025']) {
      const res = await c['sgj.staff']!.post<{ detail: string }>(`/api/annual-plans/${year}/process`, {});
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    }
    expect((await c['sgj.staff']!.post('/api/annual-plans/2029/process', { year: 2029 })).status).toBe(400);
    expect(await ds.getRepository(AnnualPlanningProcessEntity).count()).toBe(2);
  });

  it('should answer 503 and write nothing when the engine is unreachable', async () => {
    const down = createEngineClient({ restAddress: 'http://127.0.0.1:9' });
    const err = await startAnnualPlanning(ds, down, 2030, 1, new Date(clock.now)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(503);
    expect(await ds.getRepository(AnnualPlanningProcessEntity).countBy({ year: 2030 })).toBe(0);
  });
});
