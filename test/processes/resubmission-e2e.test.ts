/**
 * issue 4/7 — 退回修改 (R6) through the API: a project whose 附件1 lacks the R9 catalogue and the
 * R16/R24 items is returned by the REAL materials check (stage `returned` with the reasons); the
 * department edits its 附件1 and resubmits it over HTTP (`POST /api/projects/:id/applications`),
 * which writes version 2 with its diff AND completes `Task_ReviseApplication` as that user, so the
 * process checks the materials again and passes `Gateway_MaterialsOk` the second time. The
 * tasklist's completion of the same task writes the same record. Refusals: not returned → 409,
 * another department → 404 (the route's own-department scope), engine unreachable or the
 * completion lost → 503 with nothing written, and a retry never makes version 3.
 * SQLite by default, MariaDB with TEST_DATABASE_URL.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../services/app';
import { createApiRouter } from '../../services/api/router';
import { createDomainServices, type ApiServices } from '../../services/api/services';
import { WorkingDayCalendar } from '../../services/calendar';
import { R24_KEYS } from '../../services/domain/r24-items';
import { createEngineClient } from '../../services/engine-client';
import { createLogger } from '../../services/logger';
import { FIXTURE_2027 } from '../workers/helpers';
import { NOW } from '../support/engine';
import { Client, files, multipart } from '../services/support/api';
import { revisedApplication } from './e2e-steps';
import { applicationForm, FIXTURE_2028, openWorld, submitProject, type LifeRun, type World } from './world';

const PASSWORD = 'Yeji@2026demo';

let w: World;
const servers: http.Server[] = [];

async function serve(services: ApiServices): Promise<string> {
  const logger = createLogger(services.config);
  const app = createApp({
    config: services.config,
    logger,
    dataSource: services.dataSource,
    engine: services.engine!,
    api: createApiRouter({ config: services.config, dataSource: services.dataSource, services, logger }),
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function as(baseUrl: string, username: string): Promise<Client> {
  const c = new Client(baseUrl);
  await c.login(username, PASSWORD);
  return c;
}

/** The API's services over the same database, with an engine client at `restAddress`. */
function servicesWithEngine(restAddress: string): ApiServices {
  const calendar = new WorkingDayCalendar([FIXTURE_2027, FIXTURE_2028]);
  return createDomainServices(w.ds, w.services.config, {
    engine: createEngineClient({ restAddress }),
    now: w.clock.now,
    calendar,
  });
}

beforeAll(async () => {
  w = await openWorld('e2eresub');
}, 60_000);
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  await w?.close();
});

/** A project as the department applies for it: no R16/R24 ticks and no R9 catalogue — returned. */
async function returnedProject(name: string): Promise<{ run: LifeRun; form: ReturnType<typeof applicationForm> }> {
  await w.at('2026-09-15T10:00:00+08:00');
  const form = applicationForm({ projectName: name, summary: `${name}：线上受理与办理。` });
  const run = await submitProject(w, 'JYJ', form);
  await run.open('Task_ReviseApplication');
  return { run, form };
}

/** The department's fix: the R9 catalogue uploaded over HTTP, every R16/R24 item ticked on 附件1. */
async function fixMaterials(dept: Client, run: LifeRun) {
  const up = await dept.request('POST', `/api/projects/${run.projectId}/attachments`, {
    body: multipart(
      { kind: 'resource-catalogue' },
      { name: '信息资源目录.pdf', data: files.pdf(), type: 'application/pdf' },
    ),
  });
  expect(up.status).toBe(201);
}

/** The project's 附件1 versions and the revision task each answers (keys as strings: they exceed 2^53 on some engines). */
const versions = async (run: LifeRun) =>
  (await run.rows('application_version')).map((r) => ({
    version: Number(r.version),
    revision_task_key: r.revision_task_key === null ? null : String(r.revision_task_key),
  }));
const visits = async (run: LifeRun) => (await run.table('project_stage_history', ['stage'])).map((r) => r.stage);

describe('退回修改 through the API (R6): one revision path for the application screen and the tasklist', () => {
  it('returned for the missing R9/R24 items, resubmitted over HTTP: version 2 with its diff, the task completed as the department, the materials pass the second time', async () => {
    const name = '叶集区不动产登记一窗受理系统';
    const { run, form } = await returnedProject(name);
    const dept = await as(await baseOf(), 'jyj.owner');

    // returned: the stage and the materials check's reasons, on the project the UI reads
    const returned = await dept.get<{ stage: string; stageName: string; returnReasons: string[] }>(
      `/api/projects/${run.projectId}`,
    );
    expect(returned.status).toBe(200);
    expect(returned.body).toMatchObject({ stage: 'returned', stageName: '退回修改' });
    expect(returned.body.returnReasons.some((r) => r.startsWith('R9 未提供信息资源目录'))).toBe(true);
    expect(returned.body.returnReasons.some((r) => r.startsWith('R16/R24 附件1 未勾选建设要求'))).toBe(true);
    expect((await run.vars()).materialsDefects).toEqual(returned.body.returnReasons);

    // another department: the project is not theirs (own-department scope → 404), nothing written
    const other = await as(await baseOf(), 'wjw.owner');
    const foreign = await other.post(`/api/projects/${run.projectId}/applications`, {
      ...form,
      r24Compliance: [...R24_KEYS],
    });
    expect(foreign.status).toBe(404);
    expect(foreign.headers.get('content-type')).toContain('application/problem+json');

    await fixMaterials(dept, run);
    const [task] = await run.open('Task_ReviseApplication');
    const resubmitted = await dept.post<{
      version: number;
      changes: { field: string; label: string; before: unknown; after: unknown }[];
      project: { stage: string; currentVersion: number; returnReasons: string[] };
    }>(`/api/projects/${run.projectId}/applications`, {
      ...form,
      r24Compliance: [...R24_KEYS],
      remarks: '已补充信息资源目录，逐项落实建设要求。',
    });
    expect(resubmitted.status).toBe(201);
    expect(resubmitted.body.version).toBe(2);
    expect(resubmitted.body.project).toMatchObject({ stage: 'submitted', currentVersion: 2, returnReasons: [] });
    expect(resubmitted.body.changes.map((c) => c.field)).toEqual(['remarks', 'r24Compliance']);
    const r24 = resubmitted.body.changes.find((c) => c.field === 'r24Compliance')!;
    expect(r24).toMatchObject({ label: '建设要求符合情况（R16、R24）', before: [] });
    expect(r24.after).toHaveLength(R24_KEYS.length);

    // the version history shows the revision with the same diff, answering the process's task
    const v2 = await dept.get<{ version: number; changes: { field: string }[] }>(
      `/api/projects/${run.projectId}/applications/2`,
    );
    expect(v2.status).toBe(200);
    expect(v2.body.changes.map((c) => c.field)).toEqual(['remarks', 'r24Compliance']);
    expect(await versions(run)).toEqual([
      { version: 1, revision_task_key: null },
      { version: 2, revision_task_key: String(task!.userTaskKey) },
    ]);

    // the process took it: the task completed by the department's user with the new version's
    // variables, the materials checked again and passed, the project waits for the review window
    const done = await w.t.sdk.getUserTask({ userTaskKey: task!.userTaskKey }, NOW);
    expect(done).toMatchObject({ state: 'COMPLETED', assignee: 'jyj.owner' });
    await run.reached('Event_JointReviewOpened', 'ACTIVE');
    const trail = await run.trail();
    expect(trail.filter((e) => e === 'Task_MaterialsCheck:COMPLETED')).toHaveLength(2);
    expect(trail.filter((e) => e === 'Gateway_MaterialsOk:COMPLETED')).toHaveLength(2);
    expect(trail.filter((e) => e === 'Task_ReviseApplication:COMPLETED')).toHaveLength(1);
    expect(trail).toContain('Gateway_AwaitReviewWindow:COMPLETED');
    const vars = await run.vars();
    expect(vars).toMatchObject({ materialsComplete: true, duplicateFound: false, materialsDefects: [] });
    expect(vars.r24Compliance).toEqual([...R24_KEYS]);
    expect(await visits(run)).toEqual(['draft', 'submitted', 'returned', 'submitted']);
    const [returnedVisit] = await run.rows('project_stage_history', "AND stage = 'returned'");
    expect(JSON.parse(String(returnedVisit!.note))).toEqual(returned.body.returnReasons);

    // no longer returned: the same resubmission again is refused, still two versions
    const again = await dept.post(`/api/projects/${run.projectId}/applications`, {
      ...form,
      r24Compliance: [...R24_KEYS],
    });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect(String(again.body.detail)).toContain('退回修改');
    expect(await versions(run)).toHaveLength(2);
  }, 180_000);

  it('the tasklist completion of 退回修改 (application-form) writes the same record: version 2 with its diff, then the materials pass', async () => {
    const name = '叶集区公共法律服务预约平台';
    const { run } = await returnedProject(name);
    const dept = await as(await baseOf(), 'jyj.owner');
    const [raw] = await run.open('Task_ReviseApplication');
    const key = String(raw!.userTaskKey);
    expect((await dept.post(`/api/tasks/${key}/claim`)).status).toBe(200);
    // the process form's own validation still applies on this path
    const invalid = await dept.post(`/api/tasks/${key}/complete`, {
      variables: revisedApplication(run, name, { contactPhone: '12345' }),
    });
    expect(invalid.status).toBe(400);
    expect(await versions(run)).toHaveLength(1);
    const completed = await dept.post(`/api/tasks/${key}/complete`, {
      variables: revisedApplication(run, name, { remarks: '按退回意见修改' }),
    });
    expect(completed.status).toBe(204);
    expect(await versions(run)).toEqual([
      { version: 1, revision_task_key: null },
      { version: 2, revision_task_key: key },
    ]);
    const v2 = await dept.get<{ createdBy: number; changes: { field: string; after: unknown }[] }>(
      `/api/projects/${run.projectId}/applications/2`,
    );
    expect(v2.body.createdBy).toBe(w.users.get('jyj.owner')!.id);
    expect(v2.body.changes.map((c) => c.field)).toEqual(['summary', 'remarks', 'r24Compliance']);
    expect(v2.body.changes.find((c) => c.field === 'remarks')!.after).toBe('按退回意见修改');
    await run.reached('Event_JointReviewOpened', 'ACTIVE');
    expect(await run.count('Gateway_MaterialsOk')).toBe(2);
    expect((await run.project()).stage).toBe('submitted');
  }, 180_000);

  it('not returned → 409 and nothing written; engine unreachable or the completion lost → 503, nothing written; the retry writes version 2 once', async () => {
    // a project whose materials pass at once is never returned
    await w.at('2026-09-15T10:00:00+08:00');
    const okName = '叶集区河长制巡河管理系统';
    const ok = await submitProject(
      w,
      'JYJ',
      applicationForm({
        projectName: okName,
        summary: `${okName}：巡河轨迹与问题处置。`,
        r24Compliance: [...R24_KEYS],
      }),
      {
        attachments: [
          'construction-basis',
          'construction-plan',
          'budget-estimate',
          'feasibility-report',
          'resource-catalogue',
        ],
      },
    );
    await ok.reached('Event_JointReviewOpened', 'ACTIVE');
    expect(await ok.count('Task_ReviseApplication', 'ACTIVE')).toBe(0);
    const dept = await as(await baseOf(), 'jyj.owner');
    const notReturned = await dept.post(`/api/projects/${ok.projectId}/applications`, {
      ...applicationForm({ projectName: okName, summary: '改写说明。' }),
      r24Compliance: [...R24_KEYS],
    });
    expect(notReturned.status).toBe(409);
    expect(await versions(ok)).toHaveLength(1);

    const name = '叶集区农村集体资产监管平台';
    const { run, form } = await returnedProject(name);
    await fixMaterials(dept, run);
    const body = { ...form, r24Compliance: [...R24_KEYS] };
    const before = await visits(run);

    // 1. no engine at all (a port nobody listens on): 503 problem+json, nothing written
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const down = await (
      await as(await serve(servicesWithEngine(`http://127.0.0.1:${deadPort}`)), 'jyj.owner')
    ).post(`/api/projects/${run.projectId}/applications`, body);
    expect(down.status).toBe(503);
    expect(down.headers.get('content-type')).toContain('application/problem+json');
    expect(down.body).toMatchObject({ retryable: true });
    expect(await versions(run)).toEqual([{ version: 1, revision_task_key: null }]);
    expect((await run.project()).stage).toBe('returned');

    // 2. the engine answers everything but the completion (gone between the calls): the revision
    // written before it is taken back — no version, the stage history as before
    const target = new URL(w.t.engine.restAddress);
    // `blind`: after a lost completion the engine cannot be asked about the task either
    let blind = false;
    let completionLost = false;
    const proxy = http.createServer((req, res) => {
      const url = req.url ?? '';
      if (/\/user-tasks\/\d+\/completion/.test(url) || (blind && completionLost && /\/user-tasks\/\d+$/.test(url))) {
        if (url.endsWith('/completion')) completionLost = true;
        req.socket.destroy();
        return;
      }
      const up = http.request(
        { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      req.pipe(up);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    servers.push(proxy);
    const flaky = await as(
      await serve(servicesWithEngine(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`)),
      'jyj.owner',
    );
    const lost = await flaky.post(`/api/projects/${run.projectId}/applications`, body);
    expect(lost.status).toBe(503);
    expect(lost.headers.get('content-type')).toContain('application/problem+json');
    expect(await versions(run)).toEqual([{ version: 1, revision_task_key: null }]);
    const project = await run.project();
    expect(project).toMatchObject({ stage: 'returned', currentVersion: 1 });
    expect(await visits(run)).toEqual(before);
    const [open] = await run.open('Task_ReviseApplication');
    expect(open!.state).toBe('CREATED');

    // 2b. the same, and then the engine cannot say whether it took the task: the version stays
    // (it may have been taken), the stage goes back to returned so that the department can retry
    blind = true;
    completionLost = false;
    const unknown = await flaky.post(`/api/projects/${run.projectId}/applications`, {
      ...body,
      remarks: '第一次尝试',
    });
    expect(unknown.status).toBe(503);
    expect(completionLost).toBe(true);
    expect(await versions(run)).toEqual([
      { version: 1, revision_task_key: null },
      { version: 2, revision_task_key: String(open!.userTaskKey) },
    ]);
    expect(await run.project()).toMatchObject({ stage: 'returned', currentVersion: 2 });
    expect(await visits(run)).toEqual(before);
    expect((await run.open('Task_ReviseApplication'))[0]!.state).toBe('CREATED');

    // 3. the retry with the engine reachable: version 2 once (rewritten), the process moves on
    const retry = await dept.post<{ version: number }>(`/api/projects/${run.projectId}/applications`, body);
    expect(retry.status).toBe(201);
    expect(retry.body.version).toBe(2);
    // the kept version is rewritten with what the department sent now; its diff is against version 1
    const v2 = await dept.get<{ form: { remarks?: string }; changes: { field: string }[] }>(
      `/api/projects/${run.projectId}/applications/2`,
    );
    expect(v2.body.form.remarks).toBeUndefined();
    expect(v2.body.changes.map((c) => c.field)).toEqual(['r24Compliance']);
    await run.reached('Event_JointReviewOpened', 'ACTIVE');
    expect(await versions(run)).toEqual([
      { version: 1, revision_task_key: null },
      { version: 2, revision_task_key: String(open!.userTaskKey) },
    ]);
    expect(await run.count('Task_ReviseApplication')).toBe(1);
    expect((await dept.post(`/api/projects/${run.projectId}/applications`, body)).status).toBe(409);
    expect(await versions(run)).toHaveLength(2);
  }, 240_000);
});

let base: Promise<string> | null = null;
/** The API over the world's services (the real engine). */
function baseOf(): Promise<string> {
  base ??= serve(w.services);
  return base;
}
