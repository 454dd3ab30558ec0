/**
 * egov.notify (mail in the outbox, recipients from user records, once per job) and the
 * annual-planning workers (R6 window close, R8.1 compile and publish, R5 fund allocation), on the
 * real database (SQLite, or MariaDB with TEST_DATABASE_URL).
 */
import { ProjectEntity } from '../../services/domain/entities';
import { listOutbox } from '../../services/notify/outbox';
import { createApplicationWindowCloseWorker } from '../../workers/application-window-close';
import { createFundAllocateWorker } from '../../workers/fund-allocate';
import { createNotifyWorker } from '../../workers/notify';
import { createPlanCompileWorker } from '../../workers/plan-compile';
import { createPlanPublishWorker } from '../../workers/plan-publish';
import { createPublishMessageWorker } from '../../workers/publish-message';
import type { WorkerDefinition } from '../../workers/framework';
import { addProject, addUser, completed, openWorkerTestEnv, run, snapshot, type WorkerTestEnv } from './helpers';

let env: WorkerTestEnv;
beforeAll(async () => {
  env = await openWorkerTestEnv('wnotify');
  await addUser(env, 'JYJ', ['staff'], { username: 'jyj.a' });
  await addUser(env, 'JYJ', ['manager'], { username: 'jyj.b' });
  await addUser(env, 'JYJ', ['staff'], { username: 'jyj.nomail', email: null });
  await addUser(env, 'JYJ', ['staff'], { username: 'jyj.gone', disabled: true });
  await addUser(env, 'data-bureau', ['staff'], { username: 'sgj.a' });
  await addUser(env, 'WJW', ['staff'], { username: 'wjw.a' });
});
afterAll(async () => {
  await env?.close();
});

const notify = () => createNotifyWorker(env.deps) as unknown as WorkerDefinition;
const headers = (template: string, recipients: string) => ({ customHeaders: { template, recipients } });

describe('egov.notify', () => {
  it('should mail the department’s users with an address and the named group, with the reason (R7)', async () => {
    const p = await addProject(env, { name: '叶集区教育局智慧校园管理平台' });
    const at = {
      ...headers('review-failed', 'department,data-bureau'),
      elementInstanceKey: '5001',
      processInstanceKey: '6001',
    };
    const action = await run(
      env,
      notify(),
      { projectId: String(p.id), reviewReason: '联合审查论证不通过（R7）：综合平均分 65 低于通过线 70' },
      at,
    );
    expect(action).toEqual({ action: 'complete', variables: {} });
    const { items } = await listOutbox(env.ds.manager, { projectId: String(p.id) });
    const to = items.map((i) => i.recipientAddress).sort();
    // the project creator (a JYJ user from the seed helper) is a department user too
    expect(to).toEqual(expect.arrayContaining(['jyj.a@yeji.gov.cn', 'jyj.b@yeji.gov.cn', 'sgj.a@yeji.gov.cn']));
    expect(to).not.toContain('jyj.gone@yeji.gov.cn');
    expect(to.some((a) => a.startsWith('wjw.'))).toBe(false);
    const mail = items[0]!;
    expect(mail).toMatchObject({ purpose: 'gateway', status: 'pending' });
    expect(mail.subject).toBe('【项目进展】叶集区教育局智慧校园管理平台：联合审查论证（R7） — 不通过');
    expect(mail.bodyText).toContain('未通过原因：联合审查论证不通过（R7）：综合平均分 65 低于通过线 70');
    expect(mail.bodyText).toContain(`https://egov.yeji.gov.cn`);

    // the same job delivered again: no second mail
    const before = await snapshot(env.ds);
    expect(await run(env, notify(), { projectId: String(p.id), reviewReason: 'x' }, { ...at, jobKey: '2' })).toEqual(
      action,
    );
    expect(await snapshot(env.ds)).toEqual(before);
  });

  it('should escalate an overdue R22.2 application with the working days overdue', async () => {
    env.clock.set('2026-10-15T09:00:00+08:00');
    const p = await addProject(env);
    await run(
      env,
      notify(),
      { projectId: String(p.id), finalApplicationDueDate: '2026-10-08T23:59:59+08:00' },
      headers('final-application-overdue', 'department'),
    );
    const { items } = await listOutbox(env.ds.manager, { projectId: String(p.id) });
    expect(items.length).toBeGreaterThan(0);
    // due 8 Oct; 9, 10 (make-up Saturday), 12, 13, 14, 15 → 6 working days overdue on the 15th
    expect(items[0]!.subject).toContain('已逾期 6 个工作日');
    expect(items[0]!.purpose).toBe('escalation');
    env.clock.set('2026-11-25T10:00:00+08:00');
  });

  it('should remind of the R15 report window with the working days left', async () => {
    env.clock.set('2026-10-12T09:00:00+08:00');
    const p = await addProject(env);
    await run(
      env,
      notify(),
      { projectId: String(p.id), reportDueDate: '2026-10-13T23:59:59+08:00' },
      headers('progress-report-reminder', 'department'),
    );
    const { items } = await listOutbox(env.ds.manager, { projectId: String(p.id) });
    expect(items[0]!.subject).toContain('2026-10-13 截止（还剩 1 个工作日）');
    env.clock.set('2026-11-25T10:00:00+08:00');
  });

  it('should call all departments for applications (R6) without a project', async () => {
    await run(
      env,
      notify(),
      { planYear: 2027, applicationDeadline: '2026-10-01T00:00:00+08:00' },
      { ...headers('application-call', 'all-departments'), processDefinitionId: 'annual-planning' },
    );
    const { items } = await listOutbox(env.ds.manager, { purpose: 'reminder' });
    const calls = items.filter((i) => i.subject.includes('2027 年度政务信息化项目'));
    expect(calls.map((c) => c.recipientAddress)).toContain('wjw.a@yeji.gov.cn');
    expect(calls.map((c) => c.recipientAddress)).not.toContain('sgj.a@yeji.gov.cn');
    expect(calls[0]!.bodyText).toContain('请各单位于 2026-09-30 前');
  });

  it('should fail the job for an unknown template or group (an incident, nothing queued)', async () => {
    const p = await addProject(env);
    const before = (await listOutbox(env.ds.manager)).totalItems;
    expect(await run(env, notify(), { projectId: String(p.id) }, headers('no-such', 'department'))).toMatchObject({
      action: 'fail',
    });
    expect(
      await run(env, notify(), { projectId: String(p.id) }, headers('withdrawn', 'department,nobody')),
    ).toMatchObject({
      action: 'fail',
    });
    expect((await listOutbox(env.ds.manager)).totalItems).toBe(before);
  });
});

describe('annual planning (R6, R8.1, R5)', () => {
  it('should close the window with the submitted projects of the plan year', async () => {
    const a = await addProject(env, { planYear: 2031, stage: 'submitted' });
    await addProject(env, { planYear: 2031, stage: 'draft' });
    await addProject(env, { planYear: 2032, stage: 'submitted' });
    const b = await addProject(env, { planYear: 2031, stage: 'submitted', processInstanceKey: null });
    const out = await completed(env, createApplicationWindowCloseWorker(env.deps) as unknown as WorkerDefinition, {
      planYear: 2031,
    });
    expect(out).toEqual({ appliedProjectIds: [String(a.id), String(b.id)] });
  });

  it('should compile the candidates, publish the plan and allocate funds capped at the approval', async () => {
    const a = await addProject(env, {
      planYear: 2033,
      stage: 'investment-plan',
      approvedAmount: '90.00',
      name: '甲项目',
    });
    const b = await addProject(env, { planYear: 2033, stage: 'approval', totalInvestment: '60.00', name: '乙项目' });
    await addProject(env, { planYear: 2033, stage: 'rejected' });
    const compiled = await completed(env, createPlanCompileWorker(env.deps) as unknown as WorkerDefinition, {
      planYear: 2033,
    });
    expect(compiled).toEqual({
      candidateProjects: [
        { projectId: String(a.id), projectName: '甲项目', requestedFunds: 90 },
        { projectId: String(b.id), projectName: '乙项目', requestedFunds: 60 },
      ],
      planItems: [
        { projectId: String(a.id), projectName: '甲项目', included: 'yes', allocatedFunds: 90 },
        { projectId: String(b.id), projectName: '乙项目', included: 'yes', allocatedFunds: 60 },
      ],
      planTotalFunds: 150,
    });
    const planItems = [
      { projectId: String(a.id), projectName: '甲项目', included: 'yes', allocatedFunds: 95 },
      { projectId: String(b.id), projectName: '乙项目', included: 'no', allocatedFunds: 0 },
    ];
    const published = await completed(env, createPlanPublishWorker(env.deps) as unknown as WorkerDefinition, {
      planYear: 2033,
      planItems,
    });
    expect(published).toEqual({ includedProjectIds: [String(a.id)], excludedProjectIds: [String(b.id)] });
    expect((await env.ds.getRepository(ProjectEntity).findOneByOrFail({ id: a.id })).stage).toBe('annual-plan');
    expect((await env.ds.getRepository(ProjectEntity).findOneByOrFail({ id: b.id })).stage).toBe('approval');
    const allocated = await completed(env, createFundAllocateWorker(env.deps) as unknown as WorkerDefinition, {
      planYear: 2033,
      planItems,
    });
    expect(allocated).toEqual({ allocatedTotal: 90, allocations: [{ projectId: String(a.id), amount: 90 }] });
  });

  it('should retry publishing a message while no engine is connected', async () => {
    const action = await run(
      env,
      createPublishMessageWorker(env.deps) as unknown as WorkerDefinition,
      { projectId: '1', planYear: 2027 },
      { customHeaders: { messageName: 'annual-plan-included' } },
    );
    expect(action).toMatchObject({ action: 'fail', retries: 2, errorMessage: '流程引擎未连接，稍后重试' });
  });
});

describe('idempotency of the planning workers: the same job twice changes nothing the second time', () => {
  it.each([
    ['application-window-close', createApplicationWindowCloseWorker, { planYear: 2040 }],
    ['plan-compile', createPlanCompileWorker, { planYear: 2040 }],
    [
      'plan-publish',
      createPlanPublishWorker,
      { planYear: 2040, planItems: [{ projectId: 'P', projectName: '甲', included: 'yes', allocatedFunds: 1 }] },
    ],
    [
      'fund-allocate',
      createFundAllocateWorker,
      { planYear: 2040, planItems: [{ projectId: 'P', projectName: '甲', included: 'yes', allocatedFunds: 1 }] },
    ],
  ] as const)('%s', async (_name, create, template) => {
    const p = await addProject(env, { planYear: 2040, stage: 'investment-plan', approvedAmount: '5.00' });
    const vars = JSON.parse(JSON.stringify(template).replaceAll('"P"', `"${p.id}"`)) as Record<string, unknown>;
    const def = create(env.deps) as unknown as WorkerDefinition;
    const at = { elementInstanceKey: `99${p.id}`, processInstanceKey: `98${p.id}` };
    const first = await run(env, def, vars, at);
    expect(first.action).toBe('complete');
    const before = await snapshot(env.ds);
    expect(await run(env, def, vars, { ...at, jobKey: '7' })).toEqual(first);
    expect(await snapshot(env.ds)).toEqual(before);
  });
});
