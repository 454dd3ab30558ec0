/**
 * A complete 附件1 passes the materials check the first time (R6, R9, R14, R16/R24): over real
 * HTTP, the whole system as `npm start` runs it (bootstrap: embedded engine, the deployed
 * project-lifecycle model, the real egov.materials-check worker through the SDK), SQLite or
 * MariaDB (TEST_DATABASE_URL). A department with a catalogue entry that ticks every R16/R24 item
 * is not returned; one without catalogue and ticks is returned (退回修改) with exactly those
 * defects; the resubmission diff shows the ticks with their Chinese labels.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { loadConfig } from '../../config';
import { createDomainServices } from '../../services/api/services';
import { bootstrap, type System } from '../../services/bootstrap';
import { R24_ITEMS, R24_KEYS } from '../../services/domain/application-form';
import { R9_NO_CATALOGUE } from '../../workers/materials-check';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { eventually, NOW } from '../support/engine';
import { Client, files, multipart, sampleForm } from './support/api';

jest.setTimeout(300_000);

const PASSWORD = 'Apply@2026test';
const R6 = ['construction-basis', 'construction-plan', 'budget-estimate', 'feasibility-report'];

describe('附件1 through the API and the real materials check', () => {
  let db: TestDatabase;
  let system: System;
  let server: http.Server;
  let jyj: Client;
  let wjw: Client;
  const uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'egov-apply-'));

  beforeAll(async () => {
    db = await createTestDatabase('apply');
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.url,
      ENGINE: 'embedded',
      ENGINE_PORT: '0',
      UPLOAD_DIR: uploadDir,
      DEMO_DATA: 'false',
    });
    const quiet = pino({ level: 'warn' }, new Writable({ write: (_c, _e, done) => done() }));
    system = await bootstrap(config, quiet);
    const services = createDomainServices(system.dataSource, config);
    await services.identity.ensureOrganisations();
    for (const [username, orgCode] of [
      ['jyj.apply', 'JYJ'],
      ['wjw.apply', 'WJW'],
    ] as const) {
      await services.identity.createUser({
        username,
        displayName: username,
        orgCode,
        roles: ['staff'],
        password: PASSWORD,
      });
    }
    server = http.createServer(system.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    jyj = new Client(base);
    await jyj.login('jyj.apply', PASSWORD);
    wjw = new Client(base);
    await wjw.login('wjw.apply', PASSWORD);
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await system?.close();
    await db?.drop();
    fs.rmSync(uploadDir, { recursive: true, force: true });
  });

  /** create, upload the R6 materials, submit: the project's process instance key */
  async function apply(c: Client, form: Record<string, unknown>): Promise<{ id: number; key: string }> {
    const created = await c.post<{ project: { id: number } }>('/api/projects', form);
    expect(created.status).toBe(201);
    const id = created.body.project.id;
    for (const kind of R6) {
      const up = await c.request('POST', `/api/projects/${id}/attachments`, {
        body: multipart({ kind }, { name: `${kind}.pdf`, data: files.pdf(), type: 'application/pdf' }),
      });
      expect(up.status).toBe(201);
    }
    const submitted = await c.post<{ project: { processInstanceKey: string | null } }>(`/api/projects/${id}/submit`);
    expect(submitted.status).toBe(200);
    expect(submitted.body.project.processInstanceKey).toBeTruthy();
    return { id, key: submitted.body.project.processInstanceKey! };
  }

  const trail = async (key: string) =>
    (
      (await system.engine.searchElementInstances(
        { filter: { processInstanceKey: key }, page: { limit: 200 } } as never,
        NOW as never,
      )) as { items: { elementId: string; state: string }[] }
    ).items.map((e) => `${e.elementId}:${e.state}`);
  const vars = async (key: string) =>
    Object.fromEntries(
      (
        (await system.engine.searchVariables(
          { filter: { processInstanceKey: key, scopeKey: key }, page: { limit: 200 } } as never,
          NOW as never,
        )) as { items: { name: string; value: string }[] }
      ).items.map((v) => [v.name, JSON.parse(v.value) as unknown]),
    );

  const form = (over: Record<string, unknown> = {}) =>
    sampleForm({
      planYear: 2028,
      constructionPeriod: { start: '2028-03', end: '2028-10' },
      supervisorOpinion: '情况属实，同意申报。',
      supervisorSealed: true,
      procuresProducts: true,
      securityStatement: '拟采购的服务器、操作系统和数据库均为安全可靠产品（R14）。',
      r24Compliance: [...R24_KEYS],
      ...over,
    });

  it('should pass a complete application on its first materials check and go on to the review window', async () => {
    const entry = await jyj.post('/api/catalogue', {
      name: '校园安全事件数据',
      description: '校园安全事件及处置记录，按目录接入区政务数据共享交换平台。',
      dataItems: ['事件编号', '学校', '事件类型', '处置结果'],
      shareType: 'unconditional',
      recipients: [],
      updateCycle: '每日',
    });
    expect(entry.status).toBe(201);
    const { key } = await apply(jyj, form({ projectName: '校园安全管理平台' }));
    const done = await eventually(async () => {
      const t = await trail(key);
      expect(t).toContain('Gateway_AwaitReviewWindow:COMPLETED');
      return t;
    }, 60_000);
    expect(done.filter((e) => e.startsWith('Task_ReviseApplication'))).toEqual([]);
    const v = await vars(key);
    expect(v).toMatchObject({
      materialsComplete: true,
      materialsDefects: [],
      materialsDefectsText: '申报材料齐全合规',
    });
  });

  it('should return an application without catalogue and ticks with exactly those defects', async () => {
    const { key } = await apply(wjw, form({ projectName: '互联网医院信息系统', r24Compliance: [] }));
    await eventually(async () => expect(await trail(key)).toContain('Task_ReviseApplication:ACTIVE'), 60_000);
    const v = await vars(key);
    expect(v.materialsComplete).toBe(false);
    expect(v.materialsDefects).toEqual([
      R9_NO_CATALOGUE,
      `R16/R24 附件1 未勾选建设要求：${Object.values(R24_ITEMS).join('、')}`,
    ]);
  });

  it('should show the new fields with their Chinese labels in the version diff', async () => {
    const created = await jyj.post<{ project: { id: number } }>(
      '/api/projects',
      form({
        projectName: '教育资源公共服务平台',
        r24Compliance: [],
        procuresProducts: false,
        securityStatement: undefined,
      }),
    );
    expect(created.status).toBe(201);
    const again = await jyj.post<{ changes: { field: string; label: string; before: unknown; after: unknown }[] }>(
      `/api/projects/${created.body.project.id}/applications`,
      form({ projectName: '教育资源公共服务平台', r24Compliance: ['gov-cloud', 'domestic-crypto'] }),
    );
    expect(again.status).toBe(201);
    expect(again.body.changes).toEqual([
      { field: 'procuresProducts', label: '采购软硬件产品', before: false, after: true },
      {
        field: 'securityStatement',
        label: '产品安全可靠说明',
        before: null,
        after: '拟采购的服务器、操作系统和数据库均为安全可靠产品（R14）。',
      },
      {
        field: 'r24Compliance',
        label: '建设要求符合情况（R16、R24）',
        before: [],
        after: [R24_ITEMS['gov-cloud'], R24_ITEMS['domestic-crypto']],
      },
    ]);
  });

  it('should refuse unknown or repeated ticks and unknown fields (strict 附件1)', async () => {
    for (const bad of [
      { r24Compliance: ['gov-cloud', 'bitcoin'] },
      { r24Compliance: ['gov-cloud', 'gov-cloud'] },
      { procuresProducts: 'yes' },
      { docResourceCatalogue: '目录.xlsx' },
    ]) {
      const res = await jyj.post('/api/projects', form(bad));
      expect(res.status).toBe(400);
      expect(String(res.headers.get('content-type'))).toMatch(/problem\+json/);
    }
  });
});
