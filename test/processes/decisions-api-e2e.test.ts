/**
 * issue 4 — one decision path: with an engine, the API's decision routes for a change request
 * (R20), a delay request (R22.3) and a rectification order (R26/R27) complete the project's
 * process task for that request as the caller (TaskService: candidate groups, claim, form
 * validation, audit) instead of writing the row beside it; the real workers then write the row,
 * as after a tasklist completion. World harness: embedded engine, real workers, real HTTP, one
 * project in construction for the whole file (the three event sub-processes run beside it).
 */
import http from 'node:http';
import pino from 'pino';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../services/app';
import { createApiRouter } from '../../services/api/router';
import { createDomainServices } from '../../services/api/services';
import { WorkingDayCalendar } from '../../services/calendar';
import { createEngineClient } from '../../services/engine-client';
import { createLogger } from '../../services/logger';
import { DECISION_WAIT_MS } from '../../services/api/request-decisions';
import { createWorkerConfig, createWorkers } from '../../workers';
import { startWorkers, type RunningWorkers } from '../../workers/runner';
import { eventually, NOW } from '../support/engine';
import { Client } from '../services/support/api';
import { FIXTURE_2027 } from '../workers/helpers';
import { includeInPlan, investmentPlan, jointReview, throughMaterials } from './e2e-steps';
import { applicationForm, FIXTURE_2028, type LifeRun, openWorld, submitProject, type World } from './world';

let w: World;
let run: LifeRun;
const servers: http.Server[] = [];
let restarted: RunningWorkers | null = null;

beforeAll(async () => {
  w = await openWorld('decide');
  const name = '叶集区家庭医生随访系统';
  run = await submitProject(w, 'WJW', applicationForm({ projectName: name, summary: `${name}建设。` }));
  await throughMaterials(run, name);
  await w.at('2026-10-12T09:00:00+08:00');
  await jointReview(run);
  await investmentPlan(run);
  await w.at('2027-01-04T09:00:00+08:00');
  await includeInPlan(run);
  await run.open('Task_ProjectStart');
}, 300_000);
afterAll(async () => {
  await restarted?.close(2_000);
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  await w?.close();
});

const api = (username: string) => w.api(username);

/** The open (CREATED) user tasks of an element in the project's instance, without waiting. */
async function openTasks(elementId: string) {
  const r = await w.t.sdk.searchUserTasks(
    { filter: { processInstanceKey: run.key, elementId, state: 'CREATED' } },
    NOW,
  );
  return r.items;
}

/** A 200 answer is the decided row; a 202 the row still pending while the worker writes it. */
async function decided<T extends Record<string, unknown>>(
  res: { status: number; body: T },
  pending: (body: T) => boolean,
  table: string,
  id: number,
  done: (row: Record<string, unknown>) => boolean,
) {
  expect([200, 202]).toContain(res.status);
  if (res.status === 202) {
    expect(res.body).toMatchObject({ taskCompleted: true });
    expect(pending(res.body)).toBe(true);
  } else {
    expect(pending(res.body)).toBe(false);
  }
  return eventually(async () => {
    const [row] = await run.rows(table, `AND id = ${Number(id)}`);
    expect(done(row!)).toBe(true);
    return row!;
  }, 20_000);
}

async function auditOf(actor: string, action: string, target: string) {
  return (await w.ds.query('SELECT outcome FROM audit_log WHERE actor = ? AND action = ? AND target = ? ORDER BY id', [
    actor,
    action,
    target,
  ])) as { outcome: string }[];
}

describe('decision routes complete the process task (one path)', () => {
  it('R20: the government decides the change request over HTTP — Task_ChangeApproval completed, the row approved by egov.change-file once', async () => {
    const dept = await api('wjw.owner');
    const gov = await api('qzf.staff');
    const filed = await dept.post(`/api/projects/${run.projectId}/change-requests`, {
      changeCase: 'optimisation',
      description: '复用省平台随访终端',
      newAmount: '110',
    });
    expect(filed.status).toBe(201);
    const changeId = Number(filed.body.id);
    const decide = (c: Client, body: Record<string, unknown>) =>
      c.post(`/api/projects/${run.projectId}/change-requests/${changeId}/decision`, body);

    // the department has not filled the change form yet: the process has no approval task → 409
    await run.open('Task_ChangeRequestForm');
    const early = await decide(gov, { approved: true, note: '同意' });
    expect(early.status).toBe(409);
    expect(early.headers.get('content-type')).toContain('application/problem+json');
    expect(String(early.body.detail)).toContain('Task_ChangeApproval');
    expect(await run.table('change_request', ['status'])).toEqual([{ status: 'submitted' }]);

    await run.complete('Task_ChangeRequestForm', run.deptGroup, {
      changeCase: 'case-2',
      changeOriginalContent: '自建随访终端',
      changeNewContent: '复用省平台随访终端',
      changeReason: '省平台已提供，避免重复建设',
      changeTotalInvestment: 110,
      changeGoalsUnchanged: true,
      changeWithinBudget: true,
    });
    const [task] = await run.open('Task_ChangeApproval');
    const taskKey = String(task!.userTaskKey);

    // the data bureau is not the district government: 403, the task waits on untouched
    const wrong = await decide(await api('sjj.staff'), { approved: true, note: '同意' });
    expect(wrong.status).toBe(403);
    // the form's 意见及理由 is required, as in the tasklist: 400, nothing decided
    const noReason = await decide(gov, { approved: true });
    expect(noReason.status).toBe(400);
    expect(noReason.headers.get('content-type')).toContain('application/problem+json');
    expect(await openTasks('Task_ChangeApproval')).toHaveLength(1);
    expect(await run.table('change_request', ['status'])).toEqual([{ status: 'submitted' }]);

    const res = await decide(gov, { approved: true, note: '同意变更' });
    const row = await decided(
      res,
      (b) => b.status === 'submitted',
      'change_request',
      changeId,
      (r) => r.status === 'approved',
    );
    expect(row.decision_note).toBe('同意变更');
    await run.reached('EndEvent_ChangeApproved');
    const trail = await run.trail();
    expect(trail).toContain('Task_ChangeApproval:COMPLETED');
    expect(trail).toContain('Gateway_ChangeApproved:COMPLETED');
    expect(trail).toContain('Task_ChangeFile:COMPLETED');
    expect(trail).toContain('SubProcess_ChangeRequest:COMPLETED');
    expect(trail.filter((e) => e.startsWith('Task_NotifyChangeRejected'))).toEqual([]);
    expect(await run.count('Task_ChangeApproval')).toBe(1);
    expect(await openTasks('Task_ChangeApproval')).toEqual([]);
    // the government's answer became the process variables the gateway read
    // the decision stays in the change's event sub-process instance (input mappings), not at the top level
    expect(await run.vars()).not.toHaveProperty('changeDecision');
    // decided once: one row, approved
    expect(await run.table('change_request', ['id', 'status', 'new_amount'])).toEqual([
      { id: changeId, status: 'approved', new_amount: 110 },
    ]);
    // completed as the caller: the task's audit (the refused submission without a reason, then the
    // completion) and the decision on the timeline name qzf.staff
    expect(await auditOf('qzf.staff', 'task.complete', `user-task:${taskKey}`)).toEqual([
      { outcome: 'failure' },
      { outcome: 'success' },
    ]);
    expect(await auditOf('qzf.staff', 'task.claim', `user-task:${taskKey}`)).toEqual([{ outcome: 'success' }]);
    const comments = (await w.ds.query(
      "SELECT author_username, text FROM task_comment WHERE user_task_key = ? AND kind = 'decision'",
      [taskKey],
    )) as { author_username: string; text: string }[];
    expect(comments).toEqual([{ author_username: 'qzf.staff', text: 'pass' }]);

    // a second decision: the request is decided → 409, nothing changes
    const again = await decide(gov, { approved: false, note: '再次审批' });
    expect(again.status).toBe(409);
    expect(await run.count('Task_ChangeApproval')).toBe(1);
    expect(await run.table('change_request', ['status'])).toEqual([{ status: 'approved' }]);
  }, 180_000);

  it('R22.3: the data bureau refuses the delay request over HTTP — Task_DelayReview completed, the row rejected by egov.notify', async () => {
    const dept = await api('wjw.owner');
    const filed = await dept.post(`/api/projects/${run.projectId}/delay-requests`, {
      contractedDate: '2027-11-30',
      requestedDate: '2028-03-31',
      reason: '设备到货延迟',
    });
    expect(filed.status).toBe(201);
    const delayId = Number(filed.body.id);
    await run.complete('Task_DelayRequestForm', run.deptGroup, {
      requestedAcceptanceDate: '2028-03-31',
      delayReason: '设备到货延迟',
    });
    await run.open('Task_DelayReview');
    const decide = async (username: string, body: Record<string, unknown>) =>
      (await api(username)).post(`/api/projects/${run.projectId}/delay-requests/${delayId}/decision`, body);

    expect((await decide('qzf.staff', { approved: true, note: '同意' })).status).toBe(403);
    const res = await decide('sjj.staff', { approved: false, note: '理由不充分' });
    const row = await decided(
      res,
      (b) => b.status === 'submitted',
      'delay_request',
      delayId,
      (r) => r.status === 'rejected',
    );
    expect(row.decision_note).toBe('理由不充分');
    await run.reached('EndEvent_DelayRejected');
    const trail = await run.trail();
    expect(trail).toContain('Task_DelayReview:COMPLETED');
    expect(trail).toContain('Task_NotifyDelayRejected:COMPLETED');
    expect(trail).toContain('SubProcess_DelayRequest:COMPLETED');
    expect(trail.filter((e) => e.startsWith('Task_AcceptanceDateUpdate'))).toEqual([]);
    expect(await openTasks('Task_DelayReview')).toEqual([]);
    expect(await run.table('delay_request', ['id', 'status'])).toEqual([{ id: delayId, status: 'rejected' }]);

    const again = await decide('sjj.staff', { approved: true, note: '改为同意' });
    expect(again.status).toBe(409);
    expect(await run.count('Task_DelayReview')).toBe(1);
    expect(await run.table('delay_request', ['status'])).toEqual([{ status: 'rejected' }]);
  }, 180_000);

  it('R26: report and verification over HTTP complete Task_Rectify and Task_RectificationVerify; the order closes once', async () => {
    const issued = await (
      await api('wxb.staff')
    ).post(`/api/projects/${run.projectId}/rectifications`, {
      issue: '未按规定开展等保测评',
      deadline: '2027-01-20',
    });
    expect(issued.status).toBe(201);
    const orderId = Number(issued.body.id);
    const respond = async (username: string, body: Record<string, unknown>) =>
      (await api(username)).post(`/api/rectifications/${orderId}/response`, body);
    const review = async (username: string, body: Record<string, unknown>) =>
      (await api(username)).post(`/api/rectifications/${orderId}/review`, body);
    await run.open('Task_Rectify');

    // nothing to verify yet: the department has not reported → 409
    const early = await review('wxb.staff', { accepted: true, note: '整改到位' });
    expect(early.status).toBe(409);
    expect(String(early.body.detail)).toContain('Task_RectificationVerify');
    // another department does not see the order
    expect([403, 404]).toContain((await respond('jyj.owner', { response: '越权' })).status);
    // the report form requires the evidence: 400, the task waits on
    const noEvidence = await respond('wjw.owner', { response: '已完成等保测评' });
    expect(noEvidence.status).toBe(400);
    expect(await openTasks('Task_Rectify')).toHaveLength(1);

    const reported = await respond('wjw.owner', {
      response: '已完成等保测评',
      completedDate: '2027-01-10',
      evidence: '等保测评报告.pdf',
    });
    expect(reported.status).toBe(200);
    expect(reported.body).toMatchObject({
      id: orderId,
      status: 'responded',
      response: '已完成等保测评',
      // the department user who completed Task_Rectify (task_completion), not a form value
      respondedBy: { username: 'wjw.owner' },
      closedBy: null,
    });
    await run.open('Task_RectificationVerify');
    expect(await run.count('Task_Rectify')).toBe(1);
    // the report's variables stay in the order's event sub-process instance (input mappings);
    // egov.rectification-report-record wrote the report on the order
    expect(await run.vars()).not.toHaveProperty('rectificationMeasures');
    expect(await run.count('Task_RectificationReportRecord')).toBe(1);
    expect((await respond('wjw.owner', { response: '再报一次', evidence: 'x.pdf' })).status).toBe(409);

    // R26: the body that ordered the rectification verifies it (candidate group = orderedBy): the
    // data bureau is a supervisor too, but did not issue this order → 403, the task waits on
    const [verify] = await openTasks('Task_RectificationVerify');
    expect(verify!.candidateGroups).toEqual(['cyberspace-office']);
    const notIssuer = await review('sjj.staff', { accepted: true, note: '整改到位' });
    expect(notIssuer.status).toBe(403);
    expect(String(notIssuer.body.detail)).toContain('cyberspace-office');
    expect(await openTasks('Task_RectificationVerify')).toHaveLength(1);

    const res = await review('wxb.staff', { accepted: true, note: '整改到位' });
    await decided(
      res,
      (b) => b.status !== 'closed',
      'rectification_order',
      orderId,
      (r) => r.status === 'closed',
    );
    await run.reached('EndEvent_Rectified');
    const trail = await run.trail();
    expect(trail).toContain('Task_RectificationVerify:COMPLETED');
    expect(trail).toContain('Task_NotifyRectified:COMPLETED');
    expect(trail).toContain('SubProcess_Rectification:COMPLETED');
    expect(trail.filter((e) => e.startsWith('Task_ProjectSuspend'))).toEqual([]);
    expect(await openTasks('Task_RectificationVerify')).toEqual([]);
    const users: { id: number | string; username: string }[] = await w.ds.query(
      "SELECT id, username FROM app_user WHERE username IN ('wjw.owner', 'wxb.staff')",
    );
    const idOf = (u: string) => Number(users.find((r) => r.username === u)?.id);
    expect(await run.table('rectification_order', ['id', 'status', 'response', 'responded_by', 'closed_by'])).toEqual([
      {
        id: orderId,
        status: 'closed',
        response: '已完成等保测评',
        responded_by: idOf('wjw.owner'),
        closed_by: idOf('wxb.staff'),
      },
    ]);
    // the API view names them
    const listed = await (await api('wjw.owner')).get(`/api/projects/${run.projectId}/rectifications`);
    expect(listed.body).toEqual([
      expect.objectContaining({
        id: orderId,
        respondedBy: expect.objectContaining({ username: 'wjw.owner' }),
        closedBy: expect.objectContaining({ username: 'wxb.staff' }),
      }),
    ]);

    const again = await review('wxb.staff', { accepted: false, note: '再次复核' });
    expect(again.status).toBe(409);
    expect(await run.count('Task_RectificationVerify')).toBe(1);
    expect((await run.project()).stage).not.toBe('suspended');
  }, 180_000);

  it('engine unreachable → 503 problem+json, nothing decided; the same decision then goes through once', async () => {
    const filed = await (
      await api('wjw.owner')
    ).post(`/api/projects/${run.projectId}/change-requests`, {
      changeCase: 'deployment',
      description: '迁移至区政务云',
      newAmount: '100',
    });
    expect(filed.status).toBe(201);
    const changeId = Number(filed.body.id);
    await run.complete('Task_ChangeRequestForm', run.deptGroup, {
      changeCase: 'case-1',
      changeOriginalContent: '本地机房部署',
      changeNewContent: '迁移至区政务云',
      changeReason: '统一部署',
      changeTotalInvestment: 100,
      changeGoalsUnchanged: true,
      changeWithinBudget: true,
    });
    await run.open('Task_ChangeApproval');

    // an engine address that accepts the connection and drops every user-task request
    const dead = http.createServer((req) => req.socket.destroy());
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    servers.push(dead);
    const down = createEngineClient({ restAddress: `http://127.0.0.1:${(dead.address() as AddressInfo).port}` });
    const calendar = new WorkingDayCalendar([FIXTURE_2027, FIXTURE_2028]);
    const services = createDomainServices(w.ds, w.services.config, { engine: down, now: w.clock.now, calendar });
    const logger = createLogger(services.config);
    const app = createApp({
      config: services.config,
      logger,
      dataSource: w.ds,
      engine: down,
      api: createApiRouter({ config: services.config, dataSource: w.ds, services, logger }),
    });
    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    const gov = new Client(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    await gov.login('qzf.staff', 'Yeji@2026demo');

    const res = await gov.post(`/api/projects/${run.projectId}/change-requests/${changeId}/decision`, {
      approved: true,
      note: '同意',
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ retryable: true });
    const [waiting] = await openTasks('Task_ChangeApproval');
    expect(waiting?.assignee ?? null).toBeNull();
    expect(await run.table('change_request', ['id', 'status'], `AND id = ${changeId}`)).toEqual([
      { id: changeId, status: 'submitted' },
    ]);

    const ok = await (
      await api('qzf.staff')
    ).post(`/api/projects/${run.projectId}/change-requests/${changeId}/decision`, {
      approved: false,
      note: '暂不同意',
    });
    await decided(
      ok,
      (b) => b.status === 'submitted',
      'change_request',
      changeId,
      (r) => r.status === 'rejected',
    );
    await eventually(async () => expect(await run.count('EndEvent_ChangeRejected')).toBe(1), 20_000);
    expect(await run.count('Task_ChangeApproval')).toBe(2);
    expect(await openTasks('Task_ChangeApproval')).toEqual([]);
  }, 180_000);

  // last: it stops the world's workers
  it('the worker has not written the row within the wait → 202 with the row still pending; the worker then decides it', async () => {
    const filed = await (
      await api('wjw.owner')
    ).post(`/api/projects/${run.projectId}/delay-requests`, {
      contractedDate: '2027-11-30',
      requestedDate: '2028-01-31',
      reason: '系统联调延后',
    });
    expect(filed.status).toBe(201);
    const delayId = Number(filed.body.id);
    await run.complete('Task_DelayRequestForm', run.deptGroup, {
      requestedAcceptanceDate: '2028-01-31',
      delayReason: '系统联调延后',
    });
    await run.open('Task_DelayReview');
    await w.workers.close(2_000);
    const started = Date.now();
    const res = await (
      await api('sjj.staff')
    ).post(`/api/projects/${run.projectId}/delay-requests/${delayId}/decision`, { approved: true, note: '同意延期' });
    expect(res.status).toBe(202);
    expect(Date.now() - started).toBeGreaterThanOrEqual(DECISION_WAIT_MS);
    expect(res.body).toMatchObject({ id: delayId, status: 'submitted', taskCompleted: true });
    // the decision is taken: the task is completed, the process waits on the worker's job
    expect(await openTasks('Task_DelayReview')).toEqual([]);
    await run.reached('Task_AcceptanceDateUpdate', 'ACTIVE');
    // a repeated decision finds the row pending but no task: 409, not a second decision
    const again = await (
      await api('sjj.staff')
    ).post(`/api/projects/${run.projectId}/delay-requests/${delayId}/decision`, { approved: true, note: '同意延期' });
    expect(again.status).toBe(409);
    expect(String(again.body.detail)).toContain('Task_DelayReview');

    restarted = startWorkers({
      client: w.t.client,
      definitions: createWorkers({
        dataSource: w.ds,
        calendar: new WorkingDayCalendar([FIXTURE_2027, FIXTURE_2028]),
        clock: w.clock.now,
        config: createWorkerConfig(),
        mail: { baseUrl: 'https://egov.yeji.gov.cn', domain: 'yeji.gov.cn' },
        engine: w.t.client,
      }),
      dataSource: w.ds,
      logger: pino({ level: 'silent' }),
    });
    // a long poll of the stopped workers may have been handed the job: its lock expires on the
    // engine's clock (60 s job timeout)
    await w.at(new Date(w.clock.now().getTime() + 120_000).toISOString());
    await run.reached('EndEvent_DelayApproved');
    expect(await run.table('delay_request', ['id', 'status', 'requested_date'], `AND id = ${delayId}`)).toEqual([
      { id: delayId, status: 'approved', requested_date: '2028-01-31' },
    ]);
    expect(await run.count('Task_DelayReview')).toBe(2);
  }, 180_000);
});
