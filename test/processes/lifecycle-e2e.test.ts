/**
 * issue 7 — every branch of project-lifecycle end to end: projects are created and submitted
 * through the API's domain services (the process starts as in production), the REAL workers answer
 * every job, every user task is claimed and completed through the TaskService by a user of the
 * right organisation (forms validated server-side), the clock moves for statutory timers; each test
 * asserts the path taken (element instances) and the domain rows the run leaves.
 */
import { listOutbox } from '../../services/notify/outbox';
import { applicationForm, openWorld, submitProject, type World } from './world';
import {
  acceptanceOpinion,
  finalApplication,
  implementation,
  includeInPlan,
  inspectAndPreliminary,
  investmentPlan,
  jointReview,
  organisation,
  startConstruction,
  throughMaterials,
} from './e2e-steps';

let w: World;
beforeAll(async () => {
  w = await openWorld('e2elife');
}, 60_000);
afterAll(async () => {
  await w?.close();
});

describe('project-lifecycle end to end (real workers, TaskService, domain state)', () => {
  it('R2.2 a 9.8万元 department-budget project is not governed: notice mailed, stage not-governed, nothing reviewed', async () => {
    const run = await submitProject(
      w,
      'JYJ',
      applicationForm({
        projectName: '教育局会议室预约小程序',
        summary: '机关会议室线上预约，列入部门预算。',
        investment: { fiscal: '9.80', loan: '0', selfRaised: '0', other: '0' },
        departmentBudget: true,
      }),
    );
    await run.reached('EndEvent_NotGoverned');
    expect(await run.state()).toBe('COMPLETED');
    const trail = await run.trail();
    expect(trail).toContain('Task_NotifyNotGoverned:COMPLETED');
    expect(trail.filter((e) => e.startsWith('Task_MaterialsCheck'))).toEqual([]);
    expect(await run.project()).toMatchObject({ stage: 'not-governed', totalInvestment: '9.80' });
    const mail = await listOutbox(w.ds.manager, { projectId: String(run.projectId) });
    expect(mail.items.map((m) => m.recipientAddress)).toContain('jyj.owner@yeji.gov.cn');
    expect(mail.items[0]!.subject).toContain('R2.2');
    expect(await run.rows('review_round')).toEqual([]);
  }, 60_000);

  it('R6 materials returned and revised; R7 a failed review ends the project as rejected', async () => {
    const name = '叶集区校车安全监管平台';
    const run = await submitProject(
      w,
      'JYJ',
      applicationForm({ projectName: name, summary: '校车定位、上下车刷卡与家长通知。' }),
    );
    await throughMaterials(run, name);
    await jointReview(run, { cyberspace: 'fail' });
    await run.reached('EndEvent_ReviewFailed');
    expect(await run.state()).toBe('COMPLETED');
    const trail = await run.trail();
    expect(trail.filter((e) => e === 'Task_MaterialsCheck:COMPLETED')).toHaveLength(2);
    expect(trail).toContain('Task_ReviseApplication:COMPLETED');
    expect(trail).toContain('Task_NotifyReviewFailed:COMPLETED');
    expect(trail.filter((e) => e.startsWith('Task_InvestmentPlan'))).toEqual([]);
    expect(await run.project()).toMatchObject({ stage: 'rejected' });
    const [round] = await run.rows('review_round');
    expect(round).toMatchObject({ status: 'closed', outcome: 'failed' });
    expect(String(round!.reason)).toContain('区委网信办');
    expect(await w.ds.query('SELECT * FROM expert_score WHERE round_id = ?', [round!.id])).toHaveLength(3);
  }, 120_000);
});

describe('project-lifecycle end to end: key project to archive', () => {
  it('key project: DRC approval, investment plan, plan, construction, failed then passed final acceptance, payment over approval refused, surplus returned, audit, post-evaluation', async () => {
    await w.at('2026-09-15T10:00:00+08:00');
    const name = '叶集区城市运行管理中心';
    const run = await submitProject(
      w,
      'JYJ',
      applicationForm({
        projectName: name,
        summary: '城市运行体征监测、事件联动处置和领导驾驶舱。',
        keyProject: true,
        constructionPeriod: { start: '2027-03', end: '2027-07' },
      }),
    );
    await throughMaterials(run, name, { constructionStart: '2027-03', constructionEnd: '2027-07' });
    await w.at('2026-10-12T09:00:00+08:00');
    await jointReview(run);
    expect(await run.project()).toMatchObject({ stage: 'approval', keyProject: true });
    await investmentPlan(run, 120, true);
    expect(await run.table('investment_plan_entry', ['year', 'amount'])).toEqual([{ year: 2027, amount: 120 }]);
    await w.at('2026-12-28T09:00:00+08:00');
    await includeInPlan(run);
    await w.at('2027-03-01T09:00:00+08:00');
    await startConstruction(run, 110, '2027-08-31');
    await run.upload('security-assessment');
    await run.upload('crypto-assessment');
    await w.at('2027-07-20T09:00:00+08:00');
    await run.complete('Task_Implementation', run.deptGroup, implementation('2027-07-15', 110));
    await inspectAndPreliminary(run, '2027-07-25');
    const application = (await run.open('Task_FinalAcceptanceApplication'))[0]!;
    expect(application.dueDate).toBeTruthy();
    await run.complete('Task_FinalAcceptanceApplication', run.deptGroup, finalApplication);
    // First acceptance fails → rectification → documents checked again → the second panel passes (R22.2).
    await run.complete('Task_AcceptanceOrganisation', 'data-bureau', organisation);
    await run.complete('Task_FinalAcceptanceReview', 'experts', acceptanceOpinion('fail'));
    await run.complete('Task_AcceptanceRectify', run.deptGroup, {
      rectificationMeasures: '补齐统计报表功能',
      rectificationCompletedDate: '2027-08-10',
      docRectificationEvidence: '整改报告.pdf',
    });
    await run.complete('Task_AcceptanceOrganisation', 'trading-center', organisation);
    await run.complete('Task_FinalAcceptanceReview', 'experts', acceptanceOpinion('pass', '2027-08-20'));
    await run.reached('Task_AcceptanceRecord');
    // R19.2: a request above the approved investment is refused by egov.payment, then paid with a surplus.
    await run.complete('Task_PaymentRequest', run.deptGroup, {
      requestedAmount: 130,
      paidSoFar: 0,
      docInvoice: '发票-1.pdf',
      auditRequested: true,
    });
    await run.complete('Task_PaymentApproval', 'finance', {
      paymentDecision: 'approve',
      paymentApprovedAmount: 130,
      paymentOpinion: '同意',
    });
    await run.reached('Boundary_PaymentExceedsApproved');
    await run.complete('Task_PaymentRequest', run.deptGroup, {
      requestedAmount: 110,
      paidSoFar: 0,
      docInvoice: '发票-2.pdf',
      auditRequested: true,
    });
    await run.complete('Task_PaymentApproval', 'data-bureau', {
      paymentDecision: 'approve',
      paymentApprovedAmount: 110,
      paymentOpinion: '同意',
    });
    await run.complete('Task_SurplusReturn', run.deptGroup, {
      returnedAmount: 10,
      surplusReturnedDate: '2027-09-10',
      surplusVoucherNo: 'JK-2027-1',
    });
    await run.complete('Task_Audit', 'sjj.auditor', {
      auditReportNo: '叶审〔2027〕3号',
      auditFindings: '资金使用合规',
    });
    await run.complete('Task_SelfEvaluation', run.deptGroup, {
      operationEffect: '运行良好',
      problemsMet: '无',
      docSelfEvaluationReport: '自评报告.pdf',
    });
    await run.reached('Event_PostEvaluationStart', 'ACTIVE');
    // R23 six months and R29 twelve months of operation from the go-live date 2027-08-20
    // (2028-02-20 is a Sunday: the period ends on the next working day, Civil Code art. 203).
    expect(await run.vars()).toMatchObject({
      finalApplicationDueDate: '2027-08-25T23:59:59+08:00',
      goLiveDate: '2027-08-20',
      selfEvaluationDueDate: '2028-02-21T23:59:59+08:00',
      postEvaluationStartAt: '2028-08-21T09:00:00+08:00',
      paidTotal: 110,
      surplusAmount: 10,
    });
    await w.at('2028-08-21T09:00:01+08:00');
    await run.complete('Task_PostEvaluation', 'data-bureau', {
      scoreOperationEfficiency: 85,
      scoreUsageEffect: 88,
      postEvaluationGrade: 'good',
      budgetRecommendation: 'normal',
    });
    await run.reached('EndEvent_Completed');
    expect(await run.state()).toBe('COMPLETED');
    const trail = await run.trail();
    for (const e of [
      'Task_KeyProjectApproval:COMPLETED',
      'Task_InvestmentPlanRegister:COMPLETED',
      'Boundary_PaymentExceedsApproved:COMPLETED',
      'Task_SurplusReturnRecord:COMPLETED',
      'Task_Audit:COMPLETED',
      'Task_AuditRecord:COMPLETED',
      'Task_PostEvaluationRecord:COMPLETED',
      'Task_Archive:COMPLETED',
    ])
      expect(trail).toContain(e);
    expect(trail.filter((e) => e === 'Task_FinalAcceptanceReview:COMPLETED')).toHaveLength(2);
    expect(trail.filter((e) => e === 'Task_AcceptanceDocsCheck:COMPLETED')).toHaveLength(2);
    const p = await run.project();
    expect({ stage: p.stage, keyProject: p.keyProject, approved: Number(p.approvedAmount) }).toEqual({
      stage: 'closed',
      keyProject: true,
      approved: 120,
    });
    expect(await run.table('review_round', ['status', 'outcome'])).toEqual([{ status: 'closed', outcome: 'passed' }]);
    // R19.2: paid ≤ approved, the surplus returned; the refused 130万元 left no entry
    expect(await run.table('ledger_entry', ['kind', 'amount'])).toEqual([
      { kind: 'payment', amount: 110 },
      { kind: 'surplus-return', amount: 10 },
    ]);
  }, 180_000);
});
