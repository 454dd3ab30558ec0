/**
 * issue 7 — every branch of project-lifecycle end to end: projects are created and submitted
 * through the API's domain services (the process starts as in production), the REAL workers answer
 * every job, every user task is claimed and completed through the TaskService by a user of the
 * right organisation (forms validated server-side), the clock moves for statutory timers; each test
 * asserts the path taken (element instances) and the domain rows the run leaves.
 */
import { listOutbox } from '../../services/notify/outbox';
import { eventually, NOW } from '../support/engine';
import { applicationForm, LifeRun, openWorld, submitProject, type World } from './world';
import {
  acceptanceOpinion,
  annualPlan,
  finalApplication,
  implementation,
  includeInPlan,
  inspectAndPreliminary,
  investmentPlan,
  jointReview,
  opinion,
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
    // issue 6: passing Gateway_ReviewOutcome mails the department with the reason
    await w.gatewayNotifier.runOnce();
    const mail = await listOutbox(w.ds.manager, { projectId: String(run.projectId) });
    const outcome = mail.items.filter(
      (m) => m.recipientAddress === 'jyj.owner@yeji.gov.cn' && m.purpose === 'gateway' && /网信办/.test(m.bodyText),
    );
    expect(outcome.length).toBeGreaterThan(0);
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
    await w.at('2027-01-04T09:00:00+08:00');
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
    await run.complete('Task_FinalAcceptanceReview', 'experts', {
      ...acceptanceOpinion('fail'),
      itemSecurityReview: 'fail',
    });
    // 不合格 is on file before the department rectifies: attempt 1 and the stage's failed result
    await run.reached('Task_FinalAcceptanceFailedRecord');
    expect(await run.table('acceptance_attempt', ['attempt', 'result'])).toEqual([{ attempt: 1, result: 'failed' }]);
    expect(await run.table('acceptance', ['stage', 'result'])).toContainEqual({ stage: 'final', result: 'failed' });
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
    // R28: the audit bureau's read-only auditor sees and does exactly their audit task (R25 elsewhere)
    const auditor = w.users.get('sjj.auditor')!;
    const tasks = w.services.tasks!;
    await run.open('Task_Audit');
    const [selfEvaluation] = await run.open('Task_SelfEvaluation');
    expect((await tasks.list(auditor)).filter((t) => t.processInstanceKey === run.key).map((t) => t.elementId)).toEqual(
      ['Task_Audit'],
    );
    await w.t.sdk.assignUserTask({
      userTaskKey: selfEvaluation!.userTaskKey,
      assignee: auditor.username,
      allowOverride: true,
    });
    await expect(tasks.complete(auditor, selfEvaluation!.userTaskKey, {})).rejects.toMatchObject({ status: 403 });
    await expect(tasks.unclaim(auditor, selfEvaluation!.userTaskKey)).rejects.toMatchObject({ status: 403 });
    await w.t.sdk.unassignUserTask({ userTaskKey: selfEvaluation!.userTaskKey });
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
    // the domain records the workers wrote along the way (R5, R8.1, R14, R18, R12/R13, R22, R23, R29)
    // R5: the DRC user who completed Task_KeyProjectApproval through the tasklist, on that day
    expect(
      await run.table('key_project_approval', [
        'decision',
        'document_no',
        'approved_investment',
        'approver',
        'approver_user_id',
        'decided_on',
      ]),
    ).toEqual([
      {
        decision: 'approve',
        document_no: '叶发改〔2026〕88号',
        approved_investment: 120,
        approver: 'fgw.staff',
        approver_user_id: w.users.get('fgw.staff')!.id,
        decided_on: '2026-10-12',
      },
    ]);
    expect(await run.table('annual_plan_entry', ['amount', 'urgent'])).toEqual([{ amount: 120, urgent: 0 }]);
    // R5/R8.1 资金安排: egov.fund-allocate's row, approved by the government user of Task_GovernmentApproval
    expect(await run.table('fund_allocation', ['plan_year', 'amount', 'approved_by'])).toEqual([
      { plan_year: 2027, amount: 120, approved_by: w.users.get('qzf.staff')!.id },
    ]);
    expect(await run.table('procurement', ['supplier', 'amount', 'tender_no'])).toEqual([
      { supplier: '安徽政通信息技术有限公司', amount: 110, tender_no: 'YJZC-2027-018' },
    ]);
    expect(await run.table('contract', ['contract_no', 'amount', 'acceptance_due'])).toEqual([
      { contract_no: 'HT-2027-018', amount: 110, acceptance_due: '2027-08-31' },
    ]);
    expect((await run.table('unit_designation', ['kind'])).map((r) => r.kind).sort()).toEqual([
      'security-assessment',
      'supervision',
      'testing',
    ]);
    expect(await run.table('compliance_check', ['kind', 'passed'])).toEqual([
      { kind: 'security-inspection', passed: 1 },
      { kind: 'crypto-review', passed: 1 },
    ]);
    expect(await run.table('acceptance', ['stage', 'result', 'due_on', 'late'])).toEqual([
      { stage: 'preliminary', result: 'passed', due_on: null, late: 0 },
      { stage: 'final', result: 'passed', due_on: '2027-08-25', late: 0 },
    ]);
    // R22.2: both reviews are on file — attempt 1 failed (R14 安全审查 not met), attempt 2 passed
    const panel = organisation.finalAcceptancePanel;
    expect(await run.table('acceptance_attempt', ['attempt', 'result', 'failed_items', 'panel', 'decided_on'])).toEqual(
      [
        { attempt: 1, result: 'failed', failed_items: '["securityReview"]', panel, decided_on: '2027-07-20' },
        { attempt: 2, result: 'passed', failed_items: null, panel, decided_on: '2027-07-20' },
      ],
    );
    const attempts = await (
      await w.api(w.actorFor(run.deptGroup).username)
    ).get<Record<string, unknown>[]>(`/api/projects/${run.projectId}/acceptances/attempts`);
    expect(attempts.status).toBe(200);
    expect(attempts.body.map((a) => [a.attempt, a.resultName, a.opinion, a.failedItems])).toEqual([
      [1, '不合格', '部分功能未达合同要求，限期整改', [{ code: 'securityReview', name: '安全审查' }]],
      [2, '合格', '验收合格', []],
    ]);
    // who decided: the expert who completed each review in the tasklist (task_completion)
    const expert = w.actorFor('experts').username;
    expect(attempts.body.map((a) => (a.decidedBy as { username: string } | null)?.username)).toEqual([expert, expert]);
    expect(await run.table('self_evaluation', ['due_on', 'late'])).toEqual([{ due_on: '2028-02-21', late: 0 }]);
    expect(await run.table('post_evaluation', ['grade', 'evaluated_on'])).toEqual([
      { grade: 'good', evaluated_on: '2028-08-21' },
    ]);
  }, 180_000);
});

/** 申报 → 材料退回修改 → 联合审查 → 投资计划, as every construction branch begins. */
async function approvedProject(
  dept: string,
  name: string,
  summary: string,
  over: Partial<Parameters<typeof applicationForm>[0]> = {},
  revised: Record<string, unknown> = {},
): Promise<LifeRun> {
  await w.at('2026-09-15T10:00:00+08:00');
  const run = await submitProject(w, dept, applicationForm({ projectName: name, summary, ...over }));
  await throughMaterials(run, name, revised);
  if (!over.urgent) await w.at('2026-10-12T09:00:00+08:00');
  await jointReview(run, { awaitWindow: !over.urgent });
  await investmentPlan(run);
  return run;
}

/** The active called instances (children) of a run. */
async function children(run: LifeRun, processId: string, count: number): Promise<LifeRun[]> {
  return eventually(async () => {
    const { items } = await w.t.sdk.searchProcessInstances(
      { filter: { processDefinitionId: processId, parentProcessInstanceKey: run.key } },
      NOW,
    );
    if (items.length < count) throw new Error(`${items.length} ${processId} instances, expected ${count}`);
    return items.map((i) => new LifeRun(w, i.processInstanceKey, run.projectId, run.dept));
  }, 20_000);
}

describe('project-lifecycle end to end: plan branches', () => {
  it('R8.1 not in the plan: carried over to the next plan year and then included; another is withdrawn', async () => {
    const run = await approvedProject('WJW', '叶集区基层医疗机构影像云', '乡镇卫生院影像集中存储与远程诊断。');
    const withdrawn = await approvedProject(
      'MZJ',
      '叶集区养老服务补贴发放系统',
      '高龄津贴、养老服务补贴线上申领与发放。',
    );
    // the 2027 plan (annual-planning) leaves both out
    await w.at('2027-01-04T09:00:00+08:00');
    await annualPlan([
      { run, included: false },
      { run: withdrawn, included: false },
    ]);
    await run.complete('Task_NotInPlanDecision', run.deptGroup, {
      notInPlanDecision: 'carry-over',
      notInPlanReason: '资金不足，顺延下一年度',
    });
    await run.reached('Task_PlanCarryOver');
    expect(await run.project()).toMatchObject({ planYear: 2028 });
    await withdrawn.complete('Task_NotInPlanDecision', withdrawn.deptGroup, { notInPlanDecision: 'withdraw' });
    await withdrawn.reached('EndEvent_Withdrawn');
    expect(await withdrawn.state()).toBe('COMPLETED');
    expect(await withdrawn.trail()).toContain('Task_NotifyWithdrawn:COMPLETED');
    // the 2028 plan includes the carried-over project
    await w.at('2028-01-04T09:00:00+08:00');
    await includeInPlan(run, 2028);
    await run.open('Task_ProjectStart');
    expect(await run.vars()).toMatchObject({ planYear: 2028 });
    expect(await run.project()).toMatchObject({ planYear: 2028, stage: 'annual-plan' });
    expect(await run.table('investment_plan_entry', ['year', 'amount'])).toEqual([{ year: 2027, amount: 120 }]);
    const mail = await listOutbox(w.ds.manager, { projectId: String(withdrawn.projectId) });
    expect(mail.items.map((m) => m.recipientAddress)).toContain('mzj.owner@yeji.gov.cn');
  }, 180_000);

  it('R8.2 an urgent ad-hoc project is reviewed at once and enters the plan by the government’s approval', async () => {
    await w.at('2026-11-25T10:00:00+08:00');
    const name = '叶集区防汛应急指挥调度平台';
    const run = await submitProject(
      w,
      'MZJ',
      applicationForm({ projectName: name, summary: '汛期雨情水情汇聚、转移安置调度。', urgent: true }),
    );
    await throughMaterials(run, name, { urgentAdHoc: true });
    await jointReview(run, { awaitWindow: false });
    await investmentPlan(run);
    await run.complete('Task_AdHocApproval', 'government', {
      adHocDecision: 'approve',
      adHocApprovalNo: '叶政〔2026〕9号',
      adHocReason: '防汛应急，确需临时追加',
    });
    await run.open('Task_ProjectStart');
    const trail = await run.trail();
    expect(trail).toContain('Task_AdHocPlanAdd:COMPLETED');
    expect(trail.filter((e) => e.startsWith('Gateway_PlanDecision'))).toEqual([]);
    expect(trail.filter((e) => e.startsWith('Event_JointReviewOpened'))).toEqual([]);
    expect(await run.vars()).toMatchObject({ planIncluded: true, awaitReviewWindow: false });
    expect(await run.project()).toMatchObject({ stage: 'annual-plan' });
    expect(await run.table('annual_plan_entry', ['amount', 'urgent'])).toEqual([{ amount: 120, urgent: 1 }]);
    expect(await run.table('investment_plan_entry', ['year', 'amount', 'plan_no'])).toEqual([
      { year: 2027, amount: 120, plan_no: '叶发改投〔2026〕12号' },
    ]);
  }, 120_000);

  it('R10 a cross-department project with two participants joins both sub-projects before acceptance', async () => {
    await w.at('2026-09-15T10:00:00+08:00');
    const name = '叶集区一老一小综合服务平台';
    const run = await submitProject(
      w,
      'JYJ',
      applicationForm({
        projectName: name,
        summary: '托育、学前教育与居家养老服务一网通办。',
        participantOrgCodes: ['WJW', 'MZJ'],
      }),
    );
    await run.complete('Task_FrameworkPlan', run.deptGroup, {
      leadUnit: '区教育局',
      buildGoals: '统一门户、统一数据、分部门建设',
      mainContent: '门户与数据底座由牵头单位建设，业务模块由参建单位建设',
      participants: [
        {
          departmentCode: 'WJW',
          departmentName: '区卫生健康委员会',
          subProjectName: '托育机构监管模块',
          subProjectContent: '托育机构备案与监管',
          subProjectBudget: 30,
        },
        {
          departmentCode: 'MZJ',
          departmentName: '区民政局',
          subProjectName: '居家养老服务模块',
          subProjectContent: '居家养老服务派单与结算',
          subProjectBudget: 20,
        },
      ],
      businessFlow: '统一受理、分部门办理',
      dataFlow: '业务数据汇聚至区数据底座',
      systemInterfaces: '统一身份认证、电子证照接口',
      docInitialDataCatalogue: '初始数据目录.xlsx',
      noOverlapDeclared: true,
    });
    await throughMaterials(run, name, { crossDepartment: true });
    await w.at('2026-10-12T09:00:00+08:00');
    await jointReview(run);
    await investmentPlan(run);
    await w.at('2027-01-04T09:00:00+08:00');
    await includeInPlan(run);
    await w.at('2027-01-05T09:00:00+08:00');
    await startConstruction(run);
    await run.upload('security-assessment');
    await run.upload('crypto-assessment');
    await run.complete('Task_Implementation', run.deptGroup, implementation('2027-10-30', 60));
    const subs = await children(run, 'cross-department-subproject', 2);
    const plans: Record<string, { subProjectName: string; subProjectContent: string }> = {
      'dept:WJW': { subProjectName: '托育机构监管模块', subProjectContent: '托育机构备案登记、日常检查与监管' },
      'dept:MZJ': { subProjectName: '居家养老服务模块', subProjectContent: '居家养老服务工单派发与费用结算' },
    };
    for (const sub of subs) {
      const [task] = await sub.open('Task_SubProjectApplication');
      const dept = task!.candidateGroups!.find((g) => g.startsWith('dept:'))!;
      await sub.complete('Task_SubProjectApplication', dept, {
        ...plans[dept],
        subProjectBudget: 20,
        subProjectResponsiblePerson: '陈敏',
        subProjectPhone: '13912345678',
      });
      // the lead unit's construction is done, but acceptance waits for every participant (R10)
      expect((await run.trail()).filter((e) => e.startsWith('Task_SecurityGate'))).toEqual([]);
      await sub.complete('Task_SubProjectImplementation', dept, {
        subProjectCompletedDate: '2027-10-31',
        subProjectSummary: '模块已上线',
        subProjectInvested: 20,
      });
      await sub.reached('Task_SubProjectImplementation');
    }
    await run.open('Task_SecurityInspection');
    const results = (await run.vars()).subProjectResults as { department: string }[];
    expect(results.map((r) => r.department).sort()).toEqual(['MZJ', 'WJW']);
    expect(await run.count('CallActivity_SubProjects')).toBeGreaterThan(0);
    expect(await run.table('project_participant', ['project_id'])).toHaveLength(2);
  }, 180_000);
});

describe('project-lifecycle end to end: during construction', () => {
  it('R20 a change request and R22.3 a delay request run beside construction', async () => {
    const run = await approvedProject('WJW', '叶集区家庭医生签约服务系统', '签约、随访、健康档案调阅。');
    await w.at('2027-01-04T09:00:00+08:00');
    await includeInPlan(run);
    await run.open('Task_ProjectStart');
    await run.file('change-requests', 'wjw.owner', {
      changeCase: 'optimisation',
      description: '复用省平台随访终端',
      newAmount: '120',
    });
    await run.complete('Task_ChangeRequestForm', run.deptGroup, {
      changeCase: 'case-2',
      changeOriginalContent: '自建随访终端',
      changeNewContent: '复用省平台随访终端',
      changeReason: '省平台已提供，避免重复建设',
      changeTotalInvestment: 120,
      changeGoalsUnchanged: true,
      changeWithinBudget: true,
    });
    await run.complete('Task_ChangeApproval', 'government', opinion('pass', '同意变更'));
    await run.reached('EndEvent_ChangeApproved');
    await run.file('delay-requests', 'wjw.owner', {
      contractedDate: '2027-11-30',
      requestedDate: '2028-03-31',
      reason: '设备到货延迟',
    });
    await run.complete('Task_DelayRequestForm', run.deptGroup, {
      requestedAcceptanceDate: '2028-03-31',
      delayReason: '设备到货延迟',
    });
    await run.complete('Task_DelayReview', 'data-bureau', opinion('pass', '同意延期'));
    await run.reached('EndEvent_DelayApproved');
    const trail = await run.trail();
    expect(trail).toContain('Task_ChangeCheck:COMPLETED');
    expect(trail).toContain('Task_ChangeFile:COMPLETED');
    expect(trail).toContain('Task_AcceptanceDateUpdate:COMPLETED');
    // the change's variables stay in its event sub-process instance; the contract's date is the project's
    expect(await run.vars()).toMatchObject({ contractedAcceptanceDate: '2028-03-31' });
    expect(await run.vars()).not.toHaveProperty('changeEligible');
    // construction was never interrupted
    expect(await run.table('change_request', ['status', 'new_amount'])).toEqual([
      { status: 'approved', new_amount: 120 },
    ]);
    expect(await run.table('delay_request', ['requested_date', 'status'])).toEqual([
      { requested_date: '2028-03-31', status: 'approved' },
    ]);
    await run.open('Task_ProjectStart');
    expect(await run.state()).toBe('ACTIVE');
  }, 180_000);

  it('R26 an overdue rectification suspends the project, and termination ends it', async () => {
    const run = await approvedProject('MZJ', '叶集区婚姻登记预约系统', '婚姻登记网上预约与材料预审。');
    await w.at('2027-01-04T09:00:00+08:00');
    await includeInPlan(run);
    await w.at('2027-02-01T10:00:00+08:00');
    await run.open('Task_ProjectStart');
    // ten working days from 1 February 2027 (labelled 2027 fixture: no Spring Festival in it)
    await run.file('rectifications', 'wxb.staff', { issue: '未按规定开展等保测评', deadline: '2027-02-15' });
    const [rectify] = await run.open('Task_Rectify');
    const due = String((await run.vars()).rectificationDueDate ?? rectify!.dueDate);
    // the supervisor's deadline, a working day, is the task's due date (end of the day)
    expect(Date.parse(rectify!.dueDate!)).toBe(Date.parse('2027-02-15T23:59:59+08:00'));
    expect(await run.table('rectification_order', ['deadline'])).toEqual([{ deadline: '2027-02-15' }]);
    await w.at(new Date(Date.parse(due) + 1000).toISOString());
    await run.reached('Task_ProjectSuspend');
    expect(await run.project()).toMatchObject({ stage: 'suspended' });
    await run.complete('Task_SuspensionDecision', 'data-bureau', {
      suspensionDecision: 'terminate',
      suspensionReason: '逾期未整改',
    });
    await run.reached('EndEvent_Terminated');
    expect(await run.state()).toBe('COMPLETED');
    const trail = await run.trail();
    expect(trail).toContain('Timer_RectificationOverdue:COMPLETED');
    expect(trail).toContain('Task_ProjectTerminate:COMPLETED');
    expect(trail).toContain('Task_ProjectStart:TERMINATED');
    expect(trail.filter((e) => e.startsWith('Task_PreliminaryAcceptance'))).toEqual([]);
    expect(await run.project()).toMatchObject({ stage: 'terminated' });
    // the order the project still owed ends with it (terminated, dated)
    expect(await run.table('rectification_order', ['issue', 'deadline', 'status'])).toEqual([
      { issue: '未按规定开展等保测评', deadline: '2027-02-15', status: 'terminated' },
    ]);
    expect((await run.rows('rectification_order'))[0]!.closed_at).toBeTruthy();
  }, 180_000);
});

describe('project-lifecycle end to end: reporting and statutory deadlines', () => {
  const report = (run: LifeRun, quarter: string, date: string) => ({
    reportDepartmentName: '区民政局',
    reportResponsiblePerson: '张伟',
    reportDate: date,
    reportContactPerson: '王晓梅',
    reportPhone: '0564-6661234',
    reportMobile: '13812345678',
    reportEmail: 'mzj@yeji.gov.cn',
    reportProjectName: '叶集区社会救助一件事平台',
    reportMainContent: '救助申请、审核、发放全流程网办',
    reportConstructionUnit: '安徽政通信息技术有限公司',
    reportProgress: `${quarter} 按计划推进`,
    expectedCompletionDate: '2027-12-31',
    reportTotalInvestment: 120,
    reportInvestedAmount: 40,
  });

  it('R15 a project spanning 2026–2027 reports every quarter in the first five working days (National Day 调休 in 2026), with reminder and overdue escalation', async () => {
    await w.at('2026-08-03T10:00:00+08:00');
    const name = '叶集区社会救助一件事平台';
    const run = await submitProject(
      w,
      'MZJ',
      applicationForm({
        projectName: name,
        summary: '低保、特困、临时救助申请审核发放一件事办理。',
        urgent: true,
        planYear: 2026,
        constructionPeriod: { start: '2026-08', end: '2027-12' },
      }),
    );
    await throughMaterials(run, name, { urgentAdHoc: true, constructionStart: '2026-08', constructionEnd: '2027-12' });
    await jointReview(run, { awaitWindow: false });
    await investmentPlan(run);
    await run.complete('Task_AdHocApproval', 'government', { adHocDecision: 'approve', adHocReason: '民生急需' });
    await w.at('2026-08-20T09:00:00+08:00');
    await startConstruction(run, 110, '2027-12-20');
    expect(await run.vars()).toMatchObject({ quarterlyReportsRequired: true });
    const [reporting] = await children(run, 'quarterly-reporting', 1);
    // 2026Q3: 1–7 October 2026 are National Day holidays, Saturday 10 October is a make-up working
    // day (chinese-days): 8, 9, 10, 12, 13 October. 2026Q4 and 2027Q1 come from the labelled 2027
    // fixture (New Year's Day only): 4–8 January; 1, 2, 5, 6, 7 April.
    const quarters = [
      {
        quarter: '2026Q3',
        opens: '2026-10-08T00:00:00+08:00',
        reminder: '2026-10-12T09:00:00+08:00',
        due: '2026-10-13T23:59:59+08:00',
      },
      {
        quarter: '2026Q4',
        opens: '2027-01-04T00:00:00+08:00',
        reminder: '2027-01-07T09:00:00+08:00',
        due: '2027-01-08T23:59:59+08:00',
      },
      {
        quarter: '2027Q1',
        opens: '2027-04-01T00:00:00+08:00',
        reminder: '2027-04-06T09:00:00+08:00',
        due: '2027-04-07T23:59:59+08:00',
      },
    ];
    for (const [i, q] of quarters.entries()) {
      await reporting!.reached('Event_ReportWindowOpens', 'ACTIVE');
      expect(await reporting!.vars()).toMatchObject({
        reportQuarter: q.quarter,
        reportWindowOpensAt: q.opens,
        reportReminderAt: q.reminder,
        reportDueDate: q.due,
      });
      // nothing before the window opens
      expect((await reporting!.trail()).filter((e) => e === 'Task_ProgressReport:ACTIVE')).toEqual([]);
      await w.at(q.opens);
      const [task] = await reporting!.open('Task_ProgressReport');
      expect(Date.parse(task!.dueDate!)).toBe(Date.parse(q.due));
      if (i === 0) {
        // not reported by the fourth working day: reminder; after the fifth: escalation; the task stays open
        await w.at(q.reminder);
        await reporting!.reached('Task_NotifyReportReminder');
        await w.at(new Date(Date.parse(q.due) + 1000).toISOString());
        await reporting!.reached('Task_NotifyReportOverdue');
      }
      await reporting!.complete('Task_ProgressReport', run.deptGroup, report(run, q.quarter, q.opens.slice(0, 10)));
      await reporting!.reached('Task_ProgressReportRecord', 'COMPLETED');
      await eventually(async () => expect(await reporting!.count('Task_ProgressReportRecord')).toBe(i + 1));
    }
    await w.at('2027-04-20T09:00:00+08:00');
    await run.upload('security-assessment');
    await run.upload('crypto-assessment');
    await run.complete('Task_Implementation', run.deptGroup, implementation('2027-04-15', 110));
    await run.open('Task_SecurityInspection');
    // completing construction ended the reporting loop (R15 ends with construction)
    expect(await reporting!.state()).toBe('TERMINATED');
    const trail = await reporting!.trail();
    expect(trail.filter((e) => e === 'Task_ProgressReport:COMPLETED')).toHaveLength(3);
    expect(trail.filter((e) => e === 'Timer_ReportReminder:COMPLETED')).toHaveLength(1);
    expect(trail.filter((e) => e === 'Timer_ReportOverdue:COMPLETED')).toHaveLength(1);
    const mail = await listOutbox(w.ds.manager, { projectId: String(run.projectId) });
    expect(mail.items.length).toBeGreaterThanOrEqual(2);
    // 附件2 in the domain: one per quarter, the first late (after its fifth working day)
    expect(await run.table('progress_report', ['quarter', 'due_on', 'late'])).toEqual([
      { quarter: '2026-Q3', due_on: '2026-10-13', late: 1 },
      { quarter: '2026-Q4', due_on: '2027-01-08', late: 0 },
      { quarter: '2027-Q1', due_on: '2027-04-07', late: 0 },
    ]);
  }, 240_000);

  it('R22.2 a final-acceptance application missing the one-month window is escalated; R23 an overdue self-evaluation too', async () => {
    const run = await approvedProject(
      'WJW',
      '叶集区卫生监督执法记录系统',
      '执法记录仪数据归集、案件办理与文书生成。',
      { constructionPeriod: { start: '2027-06', end: '2027-10' } },
      { constructionStart: '2027-06', constructionEnd: '2027-10' },
    );
    await w.at('2027-01-04T09:00:00+08:00');
    await includeInPlan(run);
    await w.at('2027-06-01T09:00:00+08:00');
    await startConstruction(run, 120, '2027-11-30');
    await run.upload('security-assessment');
    await run.upload('crypto-assessment');
    await w.at('2027-11-01T09:00:00+08:00');
    await run.complete('Task_Implementation', run.deptGroup, implementation('2027-10-30', 120));
    await inspectAndPreliminary(run, '2027-11-10');
    const [application] = await run.open('Task_FinalAcceptanceApplication');
    expect(Date.parse(application!.dueDate!)).toBe(Date.parse('2027-12-10T23:59:59+08:00'));
    const mailsBefore = (await listOutbox(w.ds.manager, { projectId: String(run.projectId) })).items.length;
    await w.at('2027-12-11T00:00:01+08:00');
    await run.reached('EndEvent_FinalApplicationEscalated');
    await eventually(async () =>
      expect((await listOutbox(w.ds.manager, { projectId: String(run.projectId) })).items.length).toBeGreaterThan(
        mailsBefore,
      ),
    );
    // the application task stays open after the escalation (non-interrupting)
    await run.complete('Task_FinalAcceptanceApplication', run.deptGroup, finalApplication);
    await run.complete('Task_AcceptanceOrganisation', 'data-bureau', organisation);
    await run.complete('Task_FinalAcceptanceReview', 'experts', acceptanceOpinion('pass', '2027-12-20'));
    await run.complete('Task_PaymentRequest', run.deptGroup, {
      requestedAmount: 120,
      paidSoFar: 0,
      docInvoice: '发票.pdf',
      auditRequested: false,
    });
    await run.complete('Task_PaymentApproval', 'finance', {
      paymentDecision: 'approve',
      paymentApprovedAmount: 120,
      paymentOpinion: '同意',
    });
    const [selfEvaluation] = await run.open('Task_SelfEvaluation');
    expect(Date.parse(selfEvaluation!.dueDate!)).toBe(Date.parse('2028-06-20T23:59:59+08:00'));
    await w.at('2028-06-21T00:00:01+08:00');
    await run.reached('EndEvent_SelfEvaluationEscalated');
    await run.open('Task_SelfEvaluation');
    const trail = await run.trail();
    expect(trail).toContain('Timer_FinalApplicationOverdue:COMPLETED');
    expect(trail).toContain('Task_NotifyFinalApplicationOverdue:COMPLETED');
    expect(trail).toContain('Timer_SelfEvaluationOverdue:COMPLETED');
    expect(trail).toContain('Task_NotifySelfEvaluationOverdue:COMPLETED');
    expect(trail).toContain('Gateway_AuditMerge:COMPLETED');
    expect(trail.filter((e) => e.startsWith('Task_SurplusReturn'))).toEqual([]);
    expect(trail.filter((e) => e.startsWith('Task_Audit'))).toEqual([]);
    expect(await run.table('ledger_entry', ['kind', 'amount'])).toEqual([{ kind: 'payment', amount: 120 }]);
    expect(await run.project()).toMatchObject({ stage: 'payment' });
    // the final acceptance is recorded as applied late (R22.2); the self-evaluation is still owed
    expect(await run.table('acceptance', ['stage', 'result', 'due_on', 'late'])).toEqual([
      { stage: 'preliminary', result: 'passed', due_on: null, late: 0 },
      { stage: 'final', result: 'passed', due_on: '2027-12-10', late: 1 },
    ]);
    expect(await run.rows('self_evaluation')).toEqual([]);
  }, 240_000);
});

describe('project-lifecycle end to end: the other outcomes', () => {
  it('R20 an ineligible change and R22.3 a rejected delay are answered; R26 a rectification passes, a second one (R27) is resumed after suspension', async () => {
    const run = await approvedProject('JYJ', '叶集区中小学食堂明厨亮灶系统', '食堂后厨视频接入与食材溯源。');
    await w.at('2027-01-04T09:00:00+08:00');
    await includeInPlan(run);
    await w.at('2027-04-01T10:00:00+08:00');
    await run.open('Task_ProjectStart');
    await run.file('change-requests', 'jyj.owner', {
      changeCase: 'business-need',
      description: '增加校外培训机构监管',
      newAmount: '100',
    });
    await run.complete('Task_ChangeRequestForm', run.deptGroup, {
      changeCase: 'none',
      changeOriginalContent: '食堂视频接入',
      changeNewContent: '增加校外培训机构监管',
      changeReason: '业务扩展',
      changeTotalInvestment: 180,
      changeGoalsUnchanged: false,
      changeWithinBudget: false,
    });
    await run.reached('EndEvent_ChangeIneligible');
    expect(await run.trail()).toContain('Task_NotifyChangeIneligible:COMPLETED');
    // the check's reason is the refused row's note (the variable stays in the event sub-process)
    expect(String((await run.table('change_request', ['decision_note'])).at(-1)?.decision_note)).toContain('R20');
    await run.file('delay-requests', 'jyj.owner', {
      contractedDate: '2027-11-30',
      requestedDate: '2028-06-30',
      reason: '需求变化',
    });
    await run.complete('Task_DelayRequestForm', run.deptGroup, {
      requestedAcceptanceDate: '2028-06-30',
      delayReason: '需求变化',
    });
    await run.complete('Task_DelayReview', 'data-bureau', opinion('fail', '理由不充分'));
    await run.reached('EndEvent_DelayRejected');
    // R26: the body that ordered it verifies — the data bureau its order, the finance bureau its
    // R27 order (candidate group = the order's orderedBy)
    for (const [i, verdict] of (['pass', 'fail'] as const).entries()) {
      const issuer = i === 0 ? 'sjj.staff' : 'czj.staff';
      await run.file('rectifications', issuer, {
        issue: `问题${i + 1}：未按期报送材料`,
        deadline: '2027-04-15',
        orderRule: i === 0 ? 'R26' : 'R27',
      });
      await run.complete('Task_Rectify', run.deptGroup, {
        rectificationMeasures: '已整改',
        rectificationCompletedDate: '2027-04-08',
        docRectificationEvidence: `整改材料${i + 1}.pdf`,
      });
      expect((await run.open('Task_RectificationVerify'))[0]!.candidateGroups).toEqual([
        i === 0 ? 'data-bureau' : 'finance',
      ]);
      await run.complete('Task_RectificationVerify', issuer, opinion(verdict));
    }
    await run.reached('Task_ProjectSuspend');
    expect(await run.project()).toMatchObject({ stage: 'suspended' });
    await run.complete('Task_SuspensionDecision', 'data-bureau', {
      suspensionDecision: 'resume',
      suspensionReason: '已整改到位',
    });
    await run.reached('EndEvent_Resumed');
    await run.open('Task_ProjectStart');
    const trail = await run.trail();
    expect(trail).toContain('EndEvent_Rectified:COMPLETED');
    expect(trail).toContain('Task_ProjectResume:COMPLETED');
    expect(trail.filter((e) => e.startsWith('Timer_RectificationOverdue'))).toEqual([]);
    expect(await run.state()).toBe('ACTIVE');
    expect((await run.project()).stage).not.toBe('suspended');
    // the API's rows, decided by the process: the refused change and delay are rejected (with the
    // reason), the first order closed on its passed verification, the second still owed
    expect(await run.table('change_request', ['status'])).toEqual([{ status: 'rejected' }]);
    expect(String((await run.rows('change_request'))[0]!.decision_note)).toContain('R20');
    expect(await run.table('delay_request', ['requested_date', 'status'])).toEqual([
      { requested_date: '2028-06-30', status: 'rejected' },
    ]);
    // the second order's report was found not satisfactory (不合格): owed again, no reporter named
    expect(
      await run.table('rectification_order', ['issue', 'status', 'response', 'responded_at', 'responded_by']),
    ).toEqual([
      {
        issue: '问题1：未按期报送材料',
        status: 'closed',
        response: '已整改',
        responded_at: expect.any(String),
        responded_by: expect.any(Number),
      },
      { issue: '【R27】问题2：未按期报送材料', status: 'open', response: null, responded_at: null, responded_by: null },
    ]);
  }, 180_000);

  it('R19.3 not carried out in its year: written explanation, funds recovered, construction continues', async () => {
    const run = await approvedProject('WJW', '叶集区传染病直报预警平台', '发热门诊数据直报与多点触发预警。');
    await w.at('2027-01-04T09:00:00+08:00');
    await includeInPlan(run);
    await run.open('Task_ProjectStart');
    expect((await run.vars()).yearEndCheckAt).toBe('2027-12-01T09:00:00+08:00');
    await w.at('2027-12-01T09:00:01+08:00');
    await run.complete('Task_YearEndExplanation', run.deptGroup, {
      notCarriedOutReason: '招标两次流标',
      notCarriedOutPlan: '次年一季度重新招标',
    });
    await run.complete('Task_FundRecoveryDecision', 'data-bureau', {
      fundRecoveryDecision: 'recover',
      fundRecoveryAmount: 60,
      fundRecoveryReason: '当年未实施',
    });
    await run.reached('EndEvent_FundRecovered');
    expect(await run.vars()).toMatchObject({ carriedOutAsPlanned: false, recoveredAmount: 60 });
    // the approved investment falls by what was recovered
    expect(Number((await run.project()).approvedAmount)).toBe(60);
    await run.open('Task_ProjectStart');
    expect(await run.state()).toBe('ACTIVE');
  }, 180_000);

  it('R12/R13 missing documents are supplied, a failed security inspection is rectified and inspected again; R22.1 a failed preliminary acceptance is rectified', async () => {
    const run = await approvedProject('MZJ', '叶集区殡葬服务管理系统', '殡葬服务预约、惠民补贴与公墓管理。');
    await w.at('2027-01-04T09:00:00+08:00');
    await includeInPlan(run);
    await w.at('2027-03-01T09:00:00+08:00');
    await startConstruction(run);
    await run.upload('security-assessment');
    await run.complete('Task_Implementation', run.deptGroup, implementation('2027-10-30', 110));
    // no 密评 report on file: the department supplies it (R13)
    await run.upload('crypto-assessment');
    await run.complete('Task_CryptoSupplement', run.deptGroup, {
      supplementDescription: '补交密码应用安全性评估报告',
      docSupplement: '密评报告.pdf',
    });
    const inspection = (result: 'pass' | 'fail') => ({
      securityInspectionResult: result,
      classifiedProtectionLevel: '2',
      riskAssessmentDate: '2027-11-02',
      ...(result === 'fail' ? { securityIssues: '存在高危漏洞' } : {}),
    });
    await run.complete('Task_SecurityInspection', 'cyberspace-office', inspection('fail'));
    await run.complete('Task_SecurityRectify', run.deptGroup, {
      rectificationMeasures: '修补高危漏洞',
      rectificationCompletedDate: '2027-11-05',
      docRectificationEvidence: '复测报告.pdf',
    });
    await run.complete('Task_SecurityInspection', 'cyberspace-office', inspection('pass'));
    // R12: the passed round is on file as soon as the inspection passed — round 2 after the failed
    // round 1, named after the inspector who completed the task — while the crypto review is still
    // open and long before the final-acceptance application
    await run.reached('Task_SecurityInspectionPassedRecord');
    const inspector = w.actorFor('cyberspace-office').id;
    expect(await run.table('compliance_check', ['kind', 'passed', 'round_no', 'findings', 'recorded_by'])).toEqual([
      { kind: 'security-inspection', passed: 0, round_no: 1, findings: '存在高危漏洞', recorded_by: inspector },
      { kind: 'security-inspection', passed: 1, round_no: 2, findings: null, recorded_by: inspector },
    ]);
    expect((await run.trail()).filter((e) => e.startsWith('Task_PreliminaryAcceptance'))).toEqual([]);
    await run.complete('Task_CryptoReview', 'crypto-bureau', {
      cryptoReviewResult: 'pass',
      cryptoSynchronised: ['planned', 'built', 'running'],
    });
    await run.reached('Task_CryptoReviewPassedRecord');
    expect(
      await run.table('compliance_check', ['kind', 'passed', 'round_no', 'recorded_by'], "AND kind = 'crypto-review'"),
    ).toEqual([{ kind: 'crypto-review', passed: 1, round_no: 1, recorded_by: w.actorFor('crypto-bureau').id }]);
    const preliminary = (result: 'pass' | 'fail') => ({
      preliminaryAcceptanceDate: '2027-11-10',
      preliminaryResult: result,
      preliminaryParticipants: '建设单位、监理单位、承建单位',
      ...(result === 'fail' ? { preliminaryIssues: '统计报表缺失' } : {}),
      docPreliminaryReport: '初验报告.pdf',
    });
    await run.complete('Task_PreliminaryAcceptance', run.deptGroup, preliminary('fail'));
    await run.complete('Task_PreliminaryRectify', run.deptGroup, {
      rectificationMeasures: '补齐统计报表',
      rectificationCompletedDate: '2027-11-15',
      docRectificationEvidence: '整改报告.pdf',
    });
    await run.complete('Task_PreliminaryAcceptance', run.deptGroup, preliminary('pass'));
    await run.open('Task_FinalAcceptanceApplication');
    const trail = await run.trail();
    expect(trail.filter((e) => e === 'Task_SecurityInspection:COMPLETED')).toHaveLength(2);
    expect(trail.filter((e) => e === 'Task_CryptoGate:COMPLETED')).toHaveLength(2);
    expect(trail.filter((e) => e === 'Task_PreliminaryAcceptance:COMPLETED')).toHaveLength(2);
    expect(trail).toContain('Task_CryptoSupplement:COMPLETED');
    // the final-acceptance application is open: the rounds are the ones recorded when they were decided
    expect(await run.table('compliance_check', ['kind', 'passed', 'round_no'])).toEqual([
      { kind: 'security-inspection', passed: 0, round_no: 1 },
      { kind: 'security-inspection', passed: 1, round_no: 2 },
      { kind: 'crypto-review', passed: 1, round_no: 1 },
    ]);
  }, 180_000);
});
