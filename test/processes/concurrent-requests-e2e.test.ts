/**
 * Two requests of the same kind open at the same time in one project (R20 change requests, R26
 * rectification orders): each event sub-process instance keeps its own variables (input mappings
 * on SubProcess_ChangeRequest / SubProcess_Rectification; the engine maps them when the event
 * sub-process is triggered, as Zeebe does), so each decision — one through the API, one through
 * the tasklist — closes only its own row, and `decidedBy` is the user who completed the deciding
 * task. World harness: embedded engine, real workers, real HTTP, the TaskService as the tasklist.
 */
import pino from 'pino';
import { WorkingDayCalendar } from '../../services/calendar';
import { createWorkerConfig, createWorkers } from '../../workers';
import { startWorkers, type RunningWorkers } from '../../workers/runner';
import { eventually, NOW } from '../support/engine';
import { FIXTURE_2027 } from '../workers/helpers';
import { includeInPlan, investmentPlan, jointReview, throughMaterials } from './e2e-steps';
import { applicationForm, FIXTURE_2028, type LifeRun, openWorld, submitProject, type World } from './world';

let w: World;
let run: LifeRun;
/** the workers started again after a test stopped the world's (closed in afterAll) */
let restarted: RunningWorkers | null = null;

beforeAll(async () => {
  w = await openWorld('concurrent');
  const name = '叶集区社区养老服务平台';
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
  await w?.close();
});

/** Stops the running workers: jobs wait in the engine until `startAgain`. */
async function stopWorkers() {
  await (restarted ?? w.workers).close(2_000);
  restarted = null;
}

/**
 * Starts the workers again (the world's own, over the same database and clock); a long poll of the
 * stopped ones may have been handed a job, whose lock expires on the engine's clock (60 s job
 * timeout): the clock moves on two minutes.
 */
async function startAgain() {
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
  await w.at(new Date(w.clock.now().getTime() + 120_000).toISOString());
}

type Vars = Record<string, unknown>;

/** The open task of `elementId` whose (event sub-process) variable `idVar` is `id`. */
async function taskOf(elementId: string, idVar: string, id: number) {
  return eventually(async () => {
    const r = await w.t.sdk.searchUserTasks(
      { filter: { processInstanceKey: run.key, elementId, state: 'CREATED' }, page: { limit: 50 } },
      NOW,
    );
    const found: string[] = [];
    for (const t of r.items) {
      const vars = await w.t.sdk.searchUserTaskVariables(
        { userTaskKey: t.userTaskKey, filter: { name: idVar } } as never,
        NOW,
      );
      const v = (vars.items as { name: string; value: string }[]).find((x) => x.name === idVar);
      if (v && JSON.parse(v.value) === id) found.push(String(t.userTaskKey));
    }
    expect(found).toHaveLength(1);
    return found[0]!;
  }, 20_000);
}

/** Claims and completes that task as `username` through the TaskService (the tasklist's path). */
async function completeAs(username: string, key: string, vars: Vars) {
  const actor = w.users.get(username)!;
  const tasks = w.services.tasks!;
  await tasks.claim(actor, key);
  await tasks.complete(actor, key, vars);
}

async function userId(username: string): Promise<number> {
  const [u] = (await w.ds.query('SELECT id FROM app_user WHERE username = ?', [username])) as { id: number }[];
  return Number(u!.id);
}

async function row(table: string, id: number): Promise<Record<string, unknown>> {
  const [r] = await run.rows(table, `AND id = ${Number(id)}`);
  return r!;
}

describe('concurrent requests keep their own event sub-process variables', () => {
  it('R26: two rectification orders at once — reported and verified one through the tasklist, one through the API, each order closes alone', async () => {
    const issue = async (username: string, text: string) => {
      const res = await (
        await w.api(username)
      ).post(`/api/projects/${run.projectId}/rectifications`, { issue: text, deadline: '2027-02-26' });
      expect(res.status).toBe(201);
      return Number(res.body.id);
    };
    const a = await issue('wxb.staff', '未按规定开展等保测评');
    const b = await issue('sjj.staff', '未按规定接入政务云');
    await run.open('Task_Rectify', 2);
    // each instance carries its own order: neither id is at the process's top level
    const root = await run.vars();
    expect(root).not.toHaveProperty('rectificationOrderId');
    expect(root).not.toHaveProperty('rectificationId');

    // B through the tasklist first, then A through the API: each order gets its own report
    await completeAs('wjw.owner', await taskOf('Task_Rectify', 'rectificationOrderId', b), {
      rectificationIssues: '未按规定接入政务云',
      rectificationMeasures: '已迁移至区政务云',
      rectificationCompletedDate: '2027-01-08',
      docRectificationEvidence: '迁移报告.pdf',
    });
    await eventually(async () => expect(await row('rectification_order', b)).toMatchObject({ status: 'responded' }));
    expect(await row('rectification_order', a)).toMatchObject({ status: 'open', response: null });
    const reported = await (
      await w.api('wjw.owner')
    ).post(`/api/rectifications/${a}/response`, {
      response: '已完成等保测评',
      completedDate: '2027-01-10',
      evidence: '等保测评报告.pdf',
    });
    expect([200, 202]).toContain(reported.status);
    await eventually(async () =>
      expect(await row('rectification_order', a)).toMatchObject({ status: 'responded', response: '已完成等保测评' }),
    );
    expect(await row('rectification_order', b)).toMatchObject({ status: 'responded', response: '已迁移至区政务云' });
    await run.open('Task_RectificationVerify', 2);

    // B passes in the tasklist: only B closes, A waits for its own verification
    await completeAs('sjj.staff', await taskOf('Task_RectificationVerify', 'rectificationOrderId', b), {
      decision: 'pass',
      reason: '已接入',
    });
    await eventually(async () => expect(await row('rectification_order', b)).toMatchObject({ status: 'closed' }));
    expect(await row('rectification_order', a)).toMatchObject({ status: 'responded' });
    // egov.notify closes the row in its job; the end event follows once the job is completed
    await eventually(async () => expect(await run.count('EndEvent_Rectified')).toBe(1));

    // A through the API by its issuer, the cyberspace office (R26: the ordering body verifies):
    // the route finds A's task (the other instance is gone, and ids never mixed)
    const res = await (
      await w.api('wxb.staff')
    ).post(`/api/rectifications/${a}/review`, { accepted: true, note: '整改到位' });
    expect([200, 202]).toContain(res.status);
    await eventually(async () => expect(await row('rectification_order', a)).toMatchObject({ status: 'closed' }));
    await eventually(async () => expect(await run.count('EndEvent_Rectified')).toBe(2));
    expect(await run.count('Task_RectificationReportRecord')).toBe(2);
    expect(await run.count('Task_ProjectSuspend')).toBe(0);
    expect((await run.project()).stage).not.toBe('suspended');
  }, 240_000);

  // The domain takes one pending change request per project (409 已有待审批的变更申请), so two R20
  // event sub-processes never wait side by side through the API; the decider and the row the
  // decision names are still the point: decidedBy is the government user, each row decided alone.
  it('R20: a change refused in the tasklist, the next approved through the API — each row decided alone, decidedBy the government user, no id left at the top level', async () => {
    const dept = await w.api('wjw.owner');
    const file = async (description: string, newAmount: string) => {
      const res = await dept.post(`/api/projects/${run.projectId}/change-requests`, {
        changeCase: 'optimisation',
        description,
        newAmount,
      });
      expect([res.status, res.body.detail]).toEqual([201, undefined]);
      return Number(res.body.id);
    };
    const form = (content: string, amount: number) => ({
      changeCase: 'case-2',
      changeOriginalContent: '自建',
      changeNewContent: content,
      changeReason: '避免重复建设',
      changeTotalInvestment: amount,
      changeGoalsUnchanged: true,
      changeWithinBudget: true,
    });
    const gov = await userId('qzf.staff');

    const c1 = await file('改用区统一身份认证', '105');
    await completeAs(
      'wjw.owner',
      await taskOf('Task_ChangeRequestForm', 'changeRequestId', c1),
      form('改用区统一身份认证', 105),
    );
    await completeAs('qzf.staff', await taskOf('Task_ChangeApproval', 'changeRequestId', c1), {
      decision: 'fail',
      reason: '不同意调整',
    });
    await eventually(async () =>
      expect(await row('change_request', c1)).toMatchObject({ status: 'rejected', decided_by: gov }),
    );
    await run.reached('EndEvent_ChangeRejected');
    expect(await run.vars()).not.toHaveProperty('changeRequestId');
    expect(await run.vars()).not.toHaveProperty('changeDecision');

    const c2 = await file('复用省平台视频终端', '110');
    await completeAs(
      'wjw.owner',
      await taskOf('Task_ChangeRequestForm', 'changeRequestId', c2),
      form('复用省平台视频终端', 110),
    );
    await run.open('Task_ChangeApproval');
    const res = await (
      await w.api('qzf.staff')
    ).post(`/api/projects/${run.projectId}/change-requests/${c2}/decision`, { approved: true, note: '同意变更' });
    expect([200, 202]).toContain(res.status);
    await eventually(async () =>
      expect(await row('change_request', c2)).toMatchObject({ status: 'approved', decided_by: gov }),
    );
    expect(await row('change_request', c1)).toMatchObject({ status: 'rejected', decision_note: '不同意调整' });
    expect((await run.table('change_request', ['status'])).map((r) => r.status)).toEqual(['rejected', 'approved']);
    await run.reached('EndEvent_ChangeApproved');
  }, 240_000);

  // Last in the file: it stops the workers twice, and a stopped worker's long poll may still be
  // parked in the engine and take a job created later (its lock expires only when the pinned
  // clock moves, see startAgain).
  it('R26: two orders reported and verified back to back before any worker runs — each row names its own reporter and its own verifier (the issuer; R28 the audit bureau’s auditor for its order)', async () => {
    // a second reporter in the department, so that the two reports' users differ
    const second = await w.services.identity.createUser({
      username: 'wjw.second',
      displayName: 'wjw.second',
      email: 'wjw.second@yeji.gov.cn',
      orgCode: 'WJW',
      roles: ['staff'],
      password: 'Yeji@2026demo',
    });
    w.users.set('wjw.second', { ...second, orgCode: 'WJW' });
    const issue = async (username: string, text: string) => {
      const res = await (
        await w.api(username)
      ).post(`/api/projects/${run.projectId}/rectifications`, { issue: text, deadline: '2027-02-26' });
      expect([res.status, res.body.detail]).toEqual([201, undefined]);
      return Number(res.body.id);
    };
    // A by the cyberspace office, B by the audit bureau (R26 supervision; its auditor issues)
    const a = await issue('wxb.staff', '未落实网络安全责任制');
    const b = await issue('sjj.auditor', '资金使用台账不全');
    await run.open('Task_Rectify', 2);
    const [ka, kb] = [
      await taskOf('Task_Rectify', 'rectificationOrderId', a),
      await taskOf('Task_Rectify', 'rectificationOrderId', b),
    ];

    // both reports completed before egov.rectification-report-record runs for either
    await stopWorkers();
    await completeAs('wjw.owner', ka, {
      rectificationMeasures: '已落实责任制',
      rectificationCompletedDate: '2027-01-06',
      docRectificationEvidence: '责任制文件.pdf',
    });
    await completeAs('wjw.second', kb, {
      rectificationMeasures: '已补全台账',
      rectificationCompletedDate: '2027-01-06',
      docRectificationEvidence: '资金台账.xlsx',
    });
    expect(await row('rectification_order', a)).toMatchObject({ status: 'open', responded_by: null });
    await startAgain();
    await eventually(async () => {
      expect(await row('rectification_order', a)).toMatchObject({
        status: 'responded',
        response: '已落实责任制',
        responded_by: await userId('wjw.owner'),
      });
      expect(await row('rectification_order', b)).toMatchObject({
        status: 'responded',
        response: '已补全台账',
        responded_by: await userId('wjw.second'),
      });
    }, 30_000);

    // each verification is the issuer's: candidate group = the order's orderedBy
    await run.open('Task_RectificationVerify', 2);
    const va = await taskOf('Task_RectificationVerify', 'rectificationOrderId', a);
    const vb = await taskOf('Task_RectificationVerify', 'rectificationOrderId', b);
    const groupsOf = async (key: string) =>
      (await w.t.sdk.getUserTask({ userTaskKey: key } as never, NOW)).candidateGroups;
    expect(await groupsOf(va)).toEqual(['cyberspace-office']);
    expect(await groupsOf(vb)).toEqual(['audit']);
    // the auditor may not take the cyberspace office's task (not its group, R28 audit tasks only)
    await expect(w.services.tasks!.claim(w.users.get('sjj.auditor')!, va)).rejects.toMatchObject({ status: 404 });

    // both verifications completed before egov.notify (整改合格, closes the order) runs for either
    await stopWorkers();
    await completeAs('wxb.staff', va, { decision: 'pass', reason: '责任制已落实' });
    await completeAs('sjj.auditor', vb, { decision: 'pass', reason: '台账已补全' });
    expect(await row('rectification_order', a)).toMatchObject({ status: 'responded', closed_by: null });
    // the tasklist recorded each completion with its order
    const completions = (await w.ds.query(
      `SELECT element_id, request_id, username FROM task_completion
        WHERE process_instance_key = ? AND element_id IN ('Task_Rectify', 'Task_RectificationVerify')
          AND request_id IN (?, ?) ORDER BY id`,
      [run.key, String(a), String(b)],
    )) as Record<string, unknown>[];
    expect(completions).toEqual([
      { element_id: 'Task_Rectify', request_id: String(a), username: 'wjw.owner' },
      { element_id: 'Task_Rectify', request_id: String(b), username: 'wjw.second' },
      { element_id: 'Task_RectificationVerify', request_id: String(a), username: 'wxb.staff' },
      { element_id: 'Task_RectificationVerify', request_id: String(b), username: 'sjj.auditor' },
    ]);
    await startAgain();
    await eventually(async () => {
      expect(await row('rectification_order', a)).toMatchObject({
        status: 'closed',
        responded_by: await userId('wjw.owner'),
        closed_by: await userId('wxb.staff'),
      });
      expect(await row('rectification_order', b)).toMatchObject({
        status: 'closed',
        responded_by: await userId('wjw.second'),
        closed_by: await userId('sjj.auditor'),
      });
    }, 30_000);
    // the API view names them too
    const listed = await (await w.api('wjw.owner')).get(`/api/projects/${run.projectId}/rectifications`);
    const viewOf = (id: number) => (listed.body as unknown as { id: number }[]).find((o) => o.id === id);
    expect(viewOf(a)).toMatchObject({
      issuedBy: { code: 'cyberspace-office' },
      respondedBy: { username: 'wjw.owner' },
      closedBy: { username: 'wxb.staff' },
    });
    expect(viewOf(b)).toMatchObject({
      issuedBy: { code: 'audit' },
      respondedBy: { username: 'wjw.second' },
      closedBy: { username: 'sjj.auditor' },
    });
    expect(await run.count('Task_ProjectSuspend')).toBe(0);
  }, 240_000);
});
