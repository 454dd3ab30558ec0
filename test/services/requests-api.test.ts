/**
 * issue 4/7 — the API drives the process's "at any time" events: a department's change request
 * (R20) and delay request (R22.3) and a supervising body's rectification order (R26/R27), filed
 * over HTTP as the right user, start the event sub-processes of the project's instance on the
 * embedded engine (real workers, world harness); the domain row and the message never diverge
 * (engine unreachable → 503, nothing written; a repeated POST does not correlate twice).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../services/app';
import { createApiRouter } from '../../services/api/router';
import { createDomainServices, type ApiServices } from '../../services/api/services';
import { createEngineClient } from '../../services/engine-client';
import { createLogger } from '../../services/logger';
import { WorkingDayCalendar } from '../../services/calendar';
import { FIXTURE_2027 } from '../workers/helpers';
import { NOW } from '../support/engine';
import { applicationForm, FIXTURE_2028, type LifeRun, openWorld, submitProject, type World } from '../processes/world';
import { includeInPlan, investmentPlan, jointReview, opinion, throughMaterials } from '../processes/e2e-steps';
import { Client } from './support/api';

const PASSWORD = 'Yeji@2026demo';

/** The variables a user task sees (its event sub-process instance's included). */
async function taskVars(userTaskKey: string | number): Promise<Record<string, unknown>> {
  const r = await w.t.sdk.searchUserTaskVariables(
    { userTaskKey: String(userTaskKey), page: { limit: 1000 } } as never,
    NOW,
  );
  return Object.fromEntries(
    (r.items as { name: string; value: string }[]).map((v) => [v.name, JSON.parse(v.value) as unknown]),
  );
}

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

let base: string;
beforeAll(async () => {
  w = await openWorld('reqapi');
  base = await serve(w.services);
}, 60_000);
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  await w?.close();
});

async function inConstruction(dept: string, name: string): Promise<LifeRun> {
  await w.at('2026-09-15T10:00:00+08:00');
  const run = await submitProject(w, dept, applicationForm({ projectName: name, summary: `${name}建设。` }));
  await throughMaterials(run, name);
  await w.at('2026-10-12T09:00:00+08:00');
  await jointReview(run);
  await investmentPlan(run);
  await w.at('2027-01-04T09:00:00+08:00');
  await includeInPlan(run);
  await run.open('Task_ProjectStart');
  return run;
}

const change = { changeCase: 'optimisation', description: '复用省平台随访终端', newAmount: '100' };

describe('change, delay and rectification requests through the API start the process events', () => {
  it('R20/R22.3/R26: filed over HTTP by the department / supervisor, each starts its event sub-process once', async () => {
    // before construction the model has no place for the message: 409, nothing written
    await w.at('2026-09-15T10:00:00+08:00');
    const early = await submitProject(w, 'MZJ', applicationForm({ projectName: '早期项目', summary: '尚未立项。' }));
    const mzj = await as(base, 'mzj.owner');
    const tooEarly = await mzj.post(`/api/projects/${early.projectId}/change-requests`, change);
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.headers.get('content-type')).toContain('application/problem+json');
    expect(await early.rows('change_request')).toEqual([]);

    const run = await inConstruction('WJW', '叶集区家庭医生签约系统');
    const dept = await as(base, 'wjw.owner');
    // a department of another project neither sees nor files it
    const other = await (await as(base, 'jyj.owner')).post(`/api/projects/${run.projectId}/change-requests`, change);
    expect([403, 404]).toContain(other.status);
    // a bureau that is not a supervising body cannot order rectification
    const gov = await as(base, 'qzf.staff');
    const notSupervisor = await gov.post(`/api/projects/${run.projectId}/rectifications`, {
      issue: '越权',
      deadline: '2027-02-01',
    });
    expect(notSupervisor.status).toBe(403);

    // R20
    const filed = await dept.post(`/api/projects/${run.projectId}/change-requests`, change);
    expect(filed.status).toBe(201);
    const [form] = await run.open('Task_ChangeRequestForm');
    expect(form).toBeDefined();
    const again = await dept.post(`/api/projects/${run.projectId}/change-requests`, change);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ pendingId: filed.body.id });
    expect(await run.count('StartEvent_ChangeRequested')).toBe(1);
    expect(await run.table('change_request', ['status'])).toEqual([{ status: 'submitted' }]);
    // the form is prefilled from the request the message carried
    // (the message's variables stay in the event sub-process instance: the task sees them, the root not)
    expect(await taskVars(form!.userTaskKey)).toMatchObject({
      changeRequestId: filed.body.id,
      changeCase: 'case-2',
      changeTotalInvestment: 100,
    });
    expect(await run.vars()).not.toHaveProperty('changeRequestId');
    await run.complete('Task_ChangeRequestForm', run.deptGroup, {
      changeCase: 'case-2',
      changeOriginalContent: '自建随访终端',
      changeNewContent: '复用省平台随访终端',
      changeReason: '省平台已提供',
      changeTotalInvestment: 100,
      changeGoalsUnchanged: true,
      changeWithinBudget: true,
    });
    await run.complete('Task_ChangeApproval', 'government', opinion('pass', '同意变更'));
    await run.reached('EndEvent_ChangeApproved');
    // the process decided the API's row (no second row)
    expect(await run.table('change_request', ['id', 'status'])).toEqual([{ id: filed.body.id, status: 'approved' }]);

    // R22.3, before the contracted date
    const delay = await dept.post(`/api/projects/${run.projectId}/delay-requests`, {
      contractedDate: '2027-11-30',
      requestedDate: '2028-03-31',
      reason: '设备到货延迟',
    });
    expect(delay.status).toBe(201);
    const [delayForm] = await run.open('Task_DelayRequestForm');
    expect(await taskVars(delayForm!.userTaskKey)).toMatchObject({
      delayRequestId: delay.body.id,
      requestedAcceptanceDate: '2028-03-31',
    });
    expect(await run.count('StartEvent_DelayRequested')).toBe(1);

    // R27, by the cyberspace office (a supervising body), its deadline a date
    const supervisor = await as(base, 'wxb.staff');
    const order = await supervisor.post(`/api/projects/${run.projectId}/rectifications`, {
      issue: '未按规定开展等保测评',
      deadline: '2027-01-20',
      orderRule: 'R27',
    });
    expect(order.status).toBe(201);
    const [rectify] = await run.open('Task_Rectify');
    expect(await taskVars(rectify!.userTaskKey)).toMatchObject({
      rectificationOrderId: order.body.id,
      rectificationId: String(order.body.id),
    });
    // R27's budget cut belongs to the project (root scope), the order's id to its sub-process
    expect(await run.vars()).toMatchObject({ budgetCutNextYear: true });
    expect(await run.vars()).not.toHaveProperty('rectificationId');
    // egov.rectification-register adopted the API's order instead of registering a second one
    const orders = await run.table('rectification_order', ['id', 'issue', 'deadline', 'status']);
    expect(orders).toEqual([
      { id: order.body.id, issue: '【R27】未按规定开展等保测评', deadline: '2027-01-20', status: 'open' },
    ]);
    expect(await run.count('StartEvent_RectificationOrdered')).toBe(1);
  }, 300_000);

  it('engine unreachable while publishing → 503 problem+json, nothing written; the retry correlates once', async () => {
    const run = await inConstruction('JYJ', '叶集区食堂明厨亮灶系统');
    // a path to the real engine that answers searches but drops the publication (engine gone
    // between the two calls)
    const target = new URL(w.t.engine.restAddress);
    const proxy = http.createServer((req, res) => {
      if (req.url?.includes('/messages/publication')) {
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
    const flaky = createEngineClient({ restAddress: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` });
    const calendar = new WorkingDayCalendar([FIXTURE_2027, FIXTURE_2028]);
    const services = createDomainServices(w.ds, w.services.config, { engine: flaky, now: w.clock.now, calendar });
    const flakyBase = await serve(services);

    const dept = await as(flakyBase, 'jyj.owner');
    const down = await dept.post(`/api/projects/${run.projectId}/change-requests`, change);
    expect(down.status).toBe(503);
    expect(down.headers.get('content-type')).toContain('application/problem+json');
    expect(down.body).toMatchObject({ retryable: true });
    expect(await run.rows('change_request')).toEqual([]);
    expect(await run.count('StartEvent_ChangeRequested')).toBe(0);
    const supervisor = await as(flakyBase, 'sjj.staff');
    const orderDown = await supervisor.post(`/api/projects/${run.projectId}/rectifications`, {
      issue: '未按期报送材料',
      deadline: '2027-01-20',
    });
    expect(orderDown.status).toBe(503);
    expect(await run.rows('rectification_order')).toEqual([]);

    // the same request again, the engine reachable: written once, correlated once
    const retry = await (await as(base, 'jyj.owner')).post(`/api/projects/${run.projectId}/change-requests`, change);
    expect(retry.status).toBe(201);
    await run.open('Task_ChangeRequestForm');
    expect(await run.table('change_request', ['id', 'status'])).toEqual([{ id: retry.body.id, status: 'submitted' }]);
    // publishing the same row's message again is refused by the engine (ALREADY_EXISTS within the TTL)
    await expect(
      w.t.sdk.publishMessage({
        name: 'change-requested',
        correlationKey: String(run.projectId),
        messageId: `change-request:${retry.body.id}`,
        timeToLive: 60_000,
        variables: {},
      }),
    ).rejects.toMatchObject({ status: 409 });
    await new Promise((r) => setTimeout(r, 500));
    expect(await run.count('StartEvent_ChangeRequested')).toBe(1);
    expect(
      (
        await w.t.sdk.searchUserTasks(
          { filter: { processInstanceKey: run.key, elementId: 'Task_ChangeRequestForm' } },
          NOW,
        )
      ).items,
    ).toHaveLength(1);
  }, 300_000);
});
