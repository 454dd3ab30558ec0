/**
 * The live view's containers over real HTTP (real app, embedded engine through the SDK, SQLite or
 * MariaDB with TEST_DATABASE_URL): a sub-process, a nested sub-process, an event sub-process, each
 * inner instance of a multi-instance sub-process and a call activity are badged with the tokens
 * the engine's element statistics count — clicking one lists exactly those projects, each with
 * the innermost element it stands at (also inside the called instance), filtered by department.
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
import { ProjectEntity, type Project } from '../../services/domain/entities';
import { createLogger } from '../../services/logger';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { deployFixtures, eventually, startTestEngine, type TestEngine } from '../support/engine';
import { Client } from './support/api';

interface Stat {
  elementId: string;
  active: number;
  incidents: number;
  oldestDays: number | null;
}
interface Innermost {
  elementId: string;
  elementName: string | null;
  processDefinitionId: string | null;
  hasIncident: boolean;
}
interface AtElement {
  processInstanceKey: string;
  type: string;
  daysWaiting: number;
  hasIncident: boolean;
  innermost: Innermost[];
  project: {
    id: number;
    name: string;
    orgCode: string;
    orgName: string;
    nextDeadline: string | null;
    overdue: boolean;
  } | null;
}

describe('live view: projects inside a container', () => {
  let t: TestEngine;
  let db: TestDatabase;
  let ds: DataSource;
  let services: ApiServices;
  let server: http.Server;
  let baseUrl: string;
  let uploadDir: string;
  let key: string;
  const c: Record<string, Client> = {};
  let jyjProject: Project;
  let wjwProject: Project;
  let jyjInstance: string;
  let wjwInstance: string;

  beforeAll(async () => {
    t = await startTestEngine('livecont');
    db = await createTestDatabase('livecont');
    uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'egov-livecont-'));
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: db.url,
      UPLOAD_DIR: uploadDir,
      DEMO_DATA: 'false',
    });
    ds = await openDatabase({ url: db.url, entities, migrations });
    services = createDomainServices(ds, config, { engine: t.client });
    await services.identity.ensureOrganisations();
    await seedDemoData(services);
    await deployFixtures(t.client, 'sdk-call-child.bpmn');
    await t.client.createDeployment({
      resources: [
        new File([fs.readFileSync(path.join(__dirname, 'fixtures', 'live-containers.bpmn'))], 'live-containers.bpmn', {
          type: 'application/xml',
        }),
      ],
    } as never);
    const logger = createLogger(config);
    const app = createApp({
      config,
      logger,
      dataSource: ds,
      engine: t.client,
      api: createApiRouter({ config, dataSource: ds, services, logger }),
    });
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const u of ['jyj.manager', 'sgj.manager', 'admin']) {
      c[u] = new Client(baseUrl);
      await c[u].login(u, DEMO_PASSWORD);
    }
    const repo = ds.getRepository(ProjectEntity);
    jyjProject = await repo.findOneByOrFail({ name: '叶集区智慧教育云平台扩容' });
    wjwProject = await repo.findOneByOrFail({ name: '区人民医院互联网医院信息系统' });
    const start = async (project: Project, group: string, noteKey: string) => {
      const created = await t.sdk.createProcessInstance({
        processDefinitionId: 'live-containers',
        variables: { departmentGroup: group, noteKey },
      });
      const pi = String(created.processInstanceKey);
      await repo.update({ id: project.id }, { processInstanceKey: pi });
      return pi;
    };
    jyjInstance = await start(jyjProject, 'dept:JYJ', 'note-jyj');
    wjwInstance = await start(wjwProject, 'dept:WJW', 'note-wjw');
    // only the JYJ instance gets a 补充说明: its event sub-process runs inside the outer sub-process
    await t.sdk.publishMessage({ name: 'live-note', correlationKey: 'note-jyj', variables: {} });
    const defs =
      await c['sgj.manager']!.get<{ processDefinitionId: string; latestKey: string }[]>('/api/process-definitions');
    key = defs.body.find((d) => d.processDefinitionId === 'live-containers')!.latestKey;
    // every token placed: both instances in the called child's work, JYJ's note task waiting
    await eventually(async () => {
      const stats = await statistics();
      expect(stats.get('ChildWork')).toBeUndefined(); // another definition: not in these statistics
      expect(stats.get('Task_Note')?.active).toBe(1);
      expect(stats.get('Task_Multi')?.active).toBe(4);
      expect(stats.get('CallActivity_Child')?.active).toBe(2);
    });
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await ds?.destroy();
    await db?.drop();
    await t?.stop();
    fs.rmSync(uploadDir, { recursive: true, force: true });
  });

  async function statistics(): Promise<Map<string, Stat>> {
    const res = await c['sgj.manager']!.get<Stat[]>(`/api/process-definitions/${key}/statistics`);
    expect(res.status).toBe(200);
    return new Map(res.body.map((s) => [s.elementId, s]));
  }

  async function at(user: string, elementId: string): Promise<AtElement[]> {
    const res = await c[user]!.get<AtElement[]>(`/api/process-definitions/${key}/elements/${elementId}/projects`);
    expect(res.status).toBe(200);
    return res.body;
  }

  const names = (rows: AtElement[]) => rows.map((r) => r.project?.name).sort();
  const leaves = (row: AtElement | undefined) => (row?.innermost ?? []).map((i) => i.elementId).sort();

  it('should list as many rows at every container as its badge counts, each with the innermost element', async () => {
    const stats = await statistics();
    for (const id of [
      'SubProcess_Outer',
      'SubProcess_Inner',
      'SubProcess_Note',
      'SubProcess_Multi',
      'CallActivity_Child',
    ]) {
      const s = stats.get(id)!;
      const rows = await at('sgj.manager', id);
      expect({ id, rows: rows.length }).toEqual({ id, rows: s.active + s.incidents });
      // the containers now have ages like any element
      expect(s.oldestDays).not.toBeNull();
    }
    expect(stats.get('SubProcess_Outer')!.active).toBe(2);
    expect(stats.get('SubProcess_Note')!.active).toBe(1);
    // a multi-instance sub-process counts each inner instance (the body is not counted)
    expect(stats.get('SubProcess_Multi')!.active).toBe(4);

    // the outer sub-process: both projects, JYJ at its inner task and its 补充说明, WJW at the inner task only
    const outer = await at('sgj.manager', 'SubProcess_Outer');
    expect(names(outer)).toEqual([wjwProject.name, jyjProject.name].sort());
    expect(outer.every((r) => r.type === 'SUB_PROCESS' && r.daysWaiting === 0)).toBe(true);
    const jyjOuter = outer.find((r) => r.processInstanceKey === jyjInstance);
    expect(leaves(jyjOuter)).toEqual(['Task_Inner', 'Task_Note']);
    expect(jyjOuter!.innermost.find((i) => i.elementId === 'Task_Note')!.elementName).toBe('处理补充说明');
    expect(leaves(outer.find((r) => r.processInstanceKey === wjwInstance))).toEqual(['Task_Inner']);
    expect(jyjOuter!.project).toMatchObject({
      orgCode: 'JYJ',
      orgName: expect.any(String),
      nextDeadline: null,
      overdue: false,
    });

    // the event sub-process: only the instance whose message arrived
    const note = await at('sgj.manager', 'SubProcess_Note');
    expect(note.map((r) => [r.processInstanceKey, r.type, leaves(r)])).toEqual([
      [jyjInstance, 'EVENT_SUB_PROCESS', ['Task_Note']],
    ]);

    // each inner instance of the multi-instance sub-process is one row at its own task
    const multi = await at('sgj.manager', 'SubProcess_Multi');
    expect(multi.map((r) => r.processInstanceKey).sort()).toEqual(
      [jyjInstance, jyjInstance, wjwInstance, wjwInstance].sort(),
    );
    expect(multi.every((r) => r.innermost.length === 1 && r.innermost[0]!.elementId === 'Task_Multi')).toBe(true);

    // the call activity: the element in the called instance
    const call = await at('sgj.manager', 'CallActivity_Child');
    expect(call).toHaveLength(2);
    for (const r of call) {
      expect(r.type).toBe('CALL_ACTIVITY');
      expect(r.innermost.map((i) => [i.elementId, i.processDefinitionId])).toEqual([['ChildWork', 'sdk-call-child']]);
    }

    // a plain task lists itself as where the project stands
    const inner = await at('sgj.manager', 'Task_Inner');
    expect(inner).toHaveLength(stats.get('Task_Inner')!.active);
    expect(inner.every((r) => leaves(r).join() === 'Task_Inner')).toBe(true);
  });

  it('should show a department only its own projects inside a container', async () => {
    const outer = await at('jyj.manager', 'SubProcess_Outer');
    expect(outer.map((r) => r.processInstanceKey)).toEqual([jyjInstance]);
    const multi = await at('jyj.manager', 'SubProcess_Multi');
    expect(multi.map((r) => r.project?.orgCode)).toEqual(['JYJ', 'JYJ']);
  });

  it('should flag an incident in the called instance on the innermost element and keep the count', async () => {
    const jobs = await t.sdk.activateJobs({
      type: 'sdk-child-work',
      maxJobsToActivate: 10,
      timeout: 60_000,
      worker: 'test',
    });
    const job = jobs.jobs.find((j) => j.processInstanceKey !== undefined)!;
    await t.sdk.failJob({ jobKey: job.jobKey, retries: 0, errorMessage: '子流程失败' });
    const rows = await eventually(async () => {
      const r = await at('sgj.manager', 'CallActivity_Child');
      expect(r.some((x) => x.innermost.some((i) => i.hasIncident))).toBe(true);
      return r;
    });
    const stats = await statistics();
    const s = stats.get('CallActivity_Child')!;
    expect(rows).toHaveLength(s.active + s.incidents);
  });

  it('should refuse a bad element id with problem+json', async () => {
    const res = await c['sgj.manager']!.get<{ status: number }>(
      `/api/process-definitions/${key}/elements/${encodeURIComponent("x' OR 1=1")}/projects`,
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });
});
