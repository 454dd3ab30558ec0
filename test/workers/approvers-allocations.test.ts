/**
 * Issue 4: who decided, and the money allocated — R5 key-project approval with its approver and
 * R5/R8.1 fund allocations as domain rows. The tasklist records who completed a user task
 * (`task_completion`, services/domain/task-completions.ts); the workers read the deciding user
 * from there. Real database (SQLite, or MariaDB with TEST_DATABASE_URL); every job is delivered
 * twice and the second delivery changes nothing.
 */
import {
  AnnualPlanEntity,
  AnnualPlanEntryEntity,
  FundAllocationEntity,
  InvestmentPlanEntryEntity,
  KeyProjectApprovalEntity,
  UserEntity,
} from '../../services/domain/entities';
import { PlanService } from '../../services/domain/plans';
import { recordTaskCompletion } from '../../services/domain/task-completions';
import type { JobInfo, WorkerDefinition } from '../../workers/framework';
import { createFundAllocateWorker } from '../../workers/fund-allocate';
import { createInvestmentPlanRegisterWorker } from '../../workers/investment-plan-register';
import { createNotifyWorker } from '../../workers/notify';
import { addProject, addUser, openWorkerTestEnv, run, snapshot, type WorkerTestEnv } from './helpers';

let env: WorkerTestEnv;

beforeAll(async () => {
  env = await openWorkerTestEnv('wapprove');
  await addUser(env, 'JYJ', ['staff'], { username: 'rows.jyj' });
  await addUser(env, 'data-bureau', ['staff'], { username: 'rows.sgj' });
  await addUser(env, 'drc', ['staff'], { username: 'rows.fgw' });
  await addUser(env, 'government', ['staff'], { username: 'rows.zf' });
});
afterAll(async () => {
  await env?.close();
});

const w = <T>(create: (d: typeof env.deps) => T) => create(env.deps) as unknown as WorkerDefinition;
const pid = (p: { id: number }) => String(p.id);
const userId = async (username: string) => (await env.ds.getRepository(UserEntity).findOneByOrFail({ username })).id;
const vars = (a: { action: string }) => (a as unknown as { variables: Record<string, unknown> }).variables;
let position = 8000;

/** Runs the job, then delivers the same job again: same answer, not one row changed. */
async function onceAndAgain(def: WorkerDefinition, variables: Record<string, unknown>, over: Partial<JobInfo> = {}) {
  position += 1;
  const at = { processInstanceKey: `6${position}`, elementInstanceKey: `7${position}`, ...over };
  const first = await run(env, def, variables, at);
  expect(first.action).not.toBe('fail');
  const before = await snapshot(env.ds);
  expect(await run(env, def, variables, { ...at, jobKey: `9${position}` })).toEqual(first);
  expect(await snapshot(env.ds)).toEqual(before);
  return first;
}

describe('R5 key-project approval and R5/R8.1 fund allocations: who decided', () => {
  it('investment-plan-register keeps the 文号 and records the DRC’s key-project approval with its approver (R5, R21)', async () => {
    const p = await addProject(env, { stage: 'approval', keyProject: true, totalInvestment: '1500.00' });
    // the DRC user completed Task_KeyProjectApproval of this instance through the tasklist (another
    // instance's completion of the same task, and a 退回 of this one, are not the approval)
    const completion = (key: string, pik: string, username: string, outcome: 'complete' | 'return', at: string) =>
      recordTaskCompletion(
        env.ds,
        {
          userTaskKey: key,
          elementId: 'Task_KeyProjectApproval',
          processInstanceKey: pik,
          processDefinitionId: 'project-lifecycle',
        },
        username,
        outcome,
        new Date(at),
      );
    await completion('41001', '880001', 'rows.fgw', 'complete', '2026-11-24T02:15:00Z');
    await completion('41002', '880002', 'rows.sgj', 'complete', '2026-11-25T02:15:00Z');
    await completion('41003', '880001', 'rows.sgj', 'return', '2026-11-24T03:00:00Z');
    await onceAndAgain(
      w(createInvestmentPlanRegisterWorker),
      {
        projectId: pid(p),
        investmentPlanNo: '叶发改投〔2026〕12号',
        investmentPlanYear: 2027,
        approvedInvestment: 1400,
        keyApprovalDecision: 'approve',
        approvalDocumentNo: '叶发改〔2026〕88号',
        keyApprovedInvestment: 1450,
        keyApprovalReason: '同意单独立项',
      },
      { processInstanceKey: '880001' },
    );
    expect(await env.ds.getRepository(InvestmentPlanEntryEntity).findOneByOrFail({ projectId: p.id })).toMatchObject({
      year: 2027,
      amount: '1400.00',
      planNo: '叶发改投〔2026〕12号',
    });
    const approvals = await env.ds.getRepository(KeyProjectApprovalEntity).findBy({ projectId: p.id });
    expect(approvals).toEqual([
      expect.objectContaining({
        decision: 'approve',
        documentNo: '叶发改〔2026〕88号',
        approvedInvestment: '1450.00',
        reason: '同意单独立项',
        approverOrgId: await env.orgId('drc'),
        approver: 'rows.fgw',
        approverUserId: await userId('rows.fgw'),
        // the day and time of the task's completion, not of the job (2026-11-25)
        decidedOn: '2026-11-24',
        decidedAt: '2026-11-24T02:15:00.000Z',
        processInstanceKey: '880001',
      }),
    ]);
  });

  it('fund-allocate writes one fund_allocation row per included project with the plan’s approver (R5, R8.1, R19.1)', async () => {
    const a = await addProject(env, { planYear: 2037, stage: 'annual-plan', approvedAmount: '80.00' });
    const b = await addProject(env, { planYear: 2037, stage: 'annual-plan', totalInvestment: '30.00' });
    const c = await addProject(env, { planYear: 2037, stage: 'annual-plan', totalInvestment: '20.00' });
    await recordTaskCompletion(
      env.ds,
      {
        userTaskKey: '42001',
        elementId: 'Task_GovernmentApproval',
        processInstanceKey: '880100',
        processDefinitionId: 'annual-planning',
      },
      'rows.zf',
      'complete',
      new Date('2026-11-20T08:00:00Z'),
    );
    const planItems = [
      // more than the approved 80: capped (R19.1)
      { projectId: pid(a), projectName: '甲', included: 'yes', allocatedFunds: 95 },
      { projectId: pid(b), projectName: '乙', included: 'yes', allocatedFunds: 12.5 },
      { projectId: pid(c), projectName: '丙', included: 'no', allocatedFunds: 20 },
    ];
    const out = await onceAndAgain(
      w(createFundAllocateWorker),
      { planYear: 2037, planItems },
      { processInstanceKey: '880100', elementInstanceKey: '880101' },
    );
    expect(vars(out)).toMatchObject({ allocatedTotal: 92.5 });
    const rows = await env.ds
      .getRepository(FundAllocationEntity)
      .find({ where: { planYear: 2037 }, order: { projectId: 'ASC' } });
    const zf = await userId('rows.zf');
    expect(rows).toEqual([
      expect.objectContaining({
        projectId: a.id,
        amount: '80.00',
        approvedBy: zf,
        approvedByOrgId: await env.orgId('government'),
        approvedAt: '2026-11-20T08:00:00.000Z',
        processInstanceKey: '880100',
        elementInstanceKey: '880101',
      }),
      expect.objectContaining({ projectId: b.id, amount: '12.50', approvedBy: zf }),
    ]);
    // the plans API shows them: the annual plan's entries carry their allocation
    await env.ds.getRepository(AnnualPlanEntity).insert({
      year: 2037,
      status: 'approved',
      compiledBy: 0,
      compiledAt: '2026-11-01T00:00:00.000Z',
      approvedBy: 0,
      approvedAt: '2026-11-20T08:00:00.000Z',
    });
    const plan = await env.ds.getRepository(AnnualPlanEntity).findOneByOrFail({ year: 2037 });
    for (const [project, amount] of [
      [a, '80.00'],
      [b, '30.00'],
    ] as const)
      await env.ds.getRepository(AnnualPlanEntryEntity).insert({
        planId: plan.id,
        projectId: project.id,
        amount,
        urgent: false,
        addedBy: 0,
        addedAt: '2026-11-20T08:00:00.000Z',
      });
    const view = await new PlanService(env.ds).view(2037);
    expect(view.allocatedTotal).toBe('92.50');
    expect(view.entries.map((e) => [e.projectId, e.allocation?.amount, e.allocation?.approvedBy?.username])).toEqual([
      [a.id, '80.00', 'rows.zf'],
      [b.id, '12.50', 'rows.zf'],
    ]);
    // allocating the year again (another run of the plan) replaces the rows, without an approver on record
    await onceAndAgain(w(createFundAllocateWorker), {
      planYear: 2037,
      planItems: [{ ...planItems[1]!, allocatedFunds: 10 }],
    });
    expect(
      (
        await env.ds
          .getRepository(FundAllocationEntity)
          .find({ where: { planYear: 2037 }, order: { projectId: 'ASC' } })
      ).map((r) => [r.projectId, r.amount, r.approvedBy]),
    ).toEqual([
      [a.id, '80.00', zf],
      [b.id, '10.00', null],
    ]);
  });

  it('the 不予立项 notice records the DRC’s rejection (R5) with the user who decided it', async () => {
    const p = await addProject(env, { stage: 'approval', keyProject: true });
    await recordTaskCompletion(
      env.ds,
      {
        userTaskKey: '43001',
        elementId: 'Task_KeyProjectApproval',
        processInstanceKey: '880200',
        processDefinitionId: 'project-lifecycle',
      },
      'rows.fgw',
      'complete',
      new Date('2026-11-25T01:00:00Z'),
    );
    await onceAndAgain(
      w(createNotifyWorker),
      { projectId: pid(p), keyApprovalReason: '与已建系统重复', approvalDocumentNo: '叶发改〔2026〕90号' },
      { customHeaders: { template: 'key-project-rejected', recipients: 'department' }, processInstanceKey: '880200' },
    );
    expect(await env.ds.getRepository(KeyProjectApprovalEntity).findBy({ projectId: p.id })).toEqual([
      expect.objectContaining({
        decision: 'reject',
        reason: '与已建系统重复',
        documentNo: '叶发改〔2026〕90号',
        approver: 'rows.fgw',
        approverUserId: await userId('rows.fgw'),
        decidedAt: '2026-11-25T01:00:00.000Z',
      }),
    ]);
  });

  it('leaves the approver unknown when the task was not completed through the tasklist', async () => {
    const p = await addProject(env, { stage: 'approval', keyProject: true, totalInvestment: '900.00' });
    await onceAndAgain(w(createInvestmentPlanRegisterWorker), {
      projectId: pid(p),
      investmentPlanNo: '叶发改投〔2026〕13号',
      investmentPlanYear: 2027,
      approvedInvestment: 900,
      keyApprovalDecision: 'approve',
    });
    expect(await env.ds.getRepository(KeyProjectApprovalEntity).findBy({ projectId: p.id })).toEqual([
      expect.objectContaining({ approver: null, approverUserId: null, decidedAt: null, decidedOn: '2026-11-25' }),
    ]);
  });
});
