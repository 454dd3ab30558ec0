/**
 * The demo process instances of `npm start` (services/demo/process-demo.ts) on the embedded engine
 * and the domain database (SQLite, or MariaDB with TEST_DATABASE_URL): every submitted sample
 * project gets one real `project-lifecycle` instance with its start variables, drafts get none,
 * and a second run starts nothing.
 */
import os from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../config';
import { createDomainServices, type ApiServices } from '../../services/api/services';
import { openDatabase } from '../../services/db/data-source';
import { entities, migrations } from '../../services/db/schema';
import { runProcessDemo } from '../../services/demo/process-demo';
import { seedDemoData } from '../../services/demo/seed';
import { ProjectEntity } from '../../services/domain/entities';
import { deployProcessResources } from '../../services/processes/deploy';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { NOW, startTestEngine, type TestEngine } from '../support/engine';

describe('demo process instances', () => {
  let t: TestEngine;
  let db: TestDatabase;
  let ds: DataSource;
  let services: ApiServices;

  beforeAll(async () => {
    t = await startTestEngine('demoinst');
    db = await createTestDatabase('demoinst');
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: db.url,
      UPLOAD_DIR: path.join(os.tmpdir(), 'egov-demo-instances'),
      DEMO_DATA: 'false',
    });
    ds = await openDatabase({ url: db.url, entities, migrations });
    services = createDomainServices(ds, config, { engine: t.client });
    await services.identity.ensureOrganisations();
    await seedDemoData(services);
    await deployProcessResources(t.client);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
    await t?.stop();
  });

  it('should start one lifecycle instance per submitted sample project and none for drafts', async () => {
    const projects = await ds.getRepository(ProjectEntity).find({ order: { id: 'ASC' } });
    const submitted = projects.filter((p) => p.stage !== 'draft');
    expect(submitted.length).toBeGreaterThanOrEqual(10);
    const result = await runProcessDemo(services);
    expect(result).toEqual({ started: submitted.length, skipped: 0, failed: 0 });
    const after = await ds.getRepository(ProjectEntity).find({ order: { id: 'ASC' } });
    for (const p of after) {
      if (p.stage === 'draft') {
        expect({ code: p.code, key: p.processInstanceKey }).toEqual({ code: p.code, key: null });
        continue;
      }
      expect(p.processInstanceKey).toMatch(/^\d{16,}$/);
      const instance = await t.sdk.getProcessInstance({ processInstanceKey: p.processInstanceKey! }, NOW);
      expect(instance.processDefinitionId).toBe('project-lifecycle');
      const vars = await t.sdk.searchVariables(
        { filter: { processInstanceKey: p.processInstanceKey!, name: 'projectId' }, page: { limit: 5 } },
        NOW,
      );
      expect(vars.items.map((v) => JSON.parse(v.value) as unknown)).toEqual([String(p.id)]);
    }
    expect(new Set(after.map((p) => p.processInstanceKey).filter(Boolean)).size).toBe(submitted.length);
  });

  it('should start nothing on a second run (idempotent)', async () => {
    const before = (await ds.getRepository(ProjectEntity).find()).map((p) => p.processInstanceKey);
    const result = await runProcessDemo(services);
    expect(result.started).toBe(0);
    expect(result.failed).toBe(0);
    expect(result.skipped).toBe(before.filter(Boolean).length);
    expect((await ds.getRepository(ProjectEntity).find()).map((p) => p.processInstanceKey)).toEqual(before);
  });

  it('should do nothing without an engine', async () => {
    const without = createDomainServices(ds, services.config);
    expect(await runProcessDemo(without)).toEqual({ started: 0, skipped: 0, failed: 0 });
  });
});
