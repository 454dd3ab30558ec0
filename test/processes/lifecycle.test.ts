/**
 * issue 7: the MODEL ALONE — the branches of project-lifecycle executed on the embedded engine
 * through the SDK with scripted, worker-shaped job outputs and user tasks completed directly
 * through the engine. Fast, and it pins the model's gateways, timers and event sub-processes
 * independently of the workers; it proves nothing about the domain. The end-to-end tests that
 * count (real workers, TaskService, domain rows) are in lifecycle-e2e.test.ts.
 */
import { eventually, NOW, startTestEngine, type TestEngine } from '../support/engine';
import { deployProcesses, Run } from './driver';
import {
  applyAndReview,
  approve,
  DEPT,
  finalDocs,
  includeInPlan,
  inspectAndPreliminary,
  NEVER,
  opinion,
  pin as pinClock,
  project,
  review,
  startConstruction,
  scores,
} from './steps';

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine('processes');
  await deployProcesses(t);
});
afterAll(async () => {
  await t?.stop();
});

const pin = (iso: string) => pinClock(t, iso);

describe('project-lifecycle model only (scripted worker outputs, no domain)', () => {
  it('R2.2 a 9.8万元 department-budget project is told it is not governed and ends', async () => {
    const run = await Run.start(
      t,
      'project-lifecycle',
      project('p-not-governed', { totalInvestment: 9.8, listedInDepartmentBudget: true }),
    );
    const seen = await run.job('egov.applicability-check', 'Task_ApplicabilityCheck', {
      governed: false,
      quarterlyReportsRequired: false,
    });
    expect(seen).toMatchObject({ totalInvestment: 9.8, listedInDepartmentBudget: true });
    await run.job('egov.notify', 'Task_NotifyNotGoverned');
    await run.reached('EndEvent_NotGoverned');
    expect(await run.state()).toBe('COMPLETED');
    expect((await run.trail()).filter((e) => e.startsWith('Task_MaterialsCheck'))).toEqual([]);
  });

  it('R6 incomplete materials are returned for revision and checked again; R7 a failed review ends the project', async () => {
    const run = await Run.start(t, 'project-lifecycle', project('p-review-fail'));
    await run.job('egov.applicability-check', 'Task_ApplicabilityCheck', {
      governed: true,
      quarterlyReportsRequired: false,
    });
    await run.job('egov.materials-check', 'Task_MaterialsCheck', {
      materialsComplete: false,
      materialsDefects: ['缺少可行性研究报告'],
      awaitReviewWindow: true,
    });
    await run.job('egov.duplicate-check', 'Task_DuplicateCheck', { duplicateFound: false });
    await run.complete('Task_ReviseApplication', DEPT, { docFeasibilityStudy: '可研报告.pdf' });
    await review(run, { outcome: 'fail', awaitWindow: true });
    await run.job('egov.notify', 'Task_NotifyReviewFailed');
    await run.reached('EndEvent_ReviewFailed');
    expect(await run.state()).toBe('COMPLETED');
    const trail = await run.trail();
    expect(trail.filter((e) => e === 'Task_MaterialsCheck:COMPLETED')).toHaveLength(2);
    expect(trail).toContain('Task_ReviseApplication:COMPLETED');
    expect(trail).toContain('Event_JointReviewOpened:COMPLETED');
    expect(trail.filter((e) => e.startsWith('Task_InvestmentPlan'))).toEqual([]);
  });

  it('key project: DRC approval, plan, construction, failed then passed final acceptance, surplus returned, audit, post-evaluation', async () => {
    await pin('2026-11-25T10:00:00+08:00');
    const run = await Run.start(t, 'project-lifecycle', project('p-key'));
    await applyAndReview(run, { isKeyProject: true });
    await approve(run, { isKeyProject: true });
    await includeInPlan(run, 'p-key');
    await startConstruction(run);
    await run.complete('Task_Implementation', DEPT, {
      constructionCompletedDate: '2027-10-30',
      builtAsApproved: true,
      deployedOnGovCloud: true,
    });
    await inspectAndPreliminary(run);
    await run.job('egov.due-date', 'Task_FinalApplicationDueDate', { dueDate: '2027-12-10T23:59:59+08:00' });
    const application = await run.task('Task_FinalAcceptanceApplication');
    expect(Date.parse(application.dueDate!)).toBe(Date.parse('2027-12-10T23:59:59+08:00'));
    await run.complete('Task_FinalAcceptanceApplication', DEPT, finalDocs);
    // First acceptance fails → rectification → docs checked again → second panel passes (R22.2).
    for (const result of ['fail', 'pass'] as const) {
      await run.job('egov.acceptance-docs-check', 'Task_AcceptanceDocsCheck', { acceptanceDocsComplete: true });
      await run.complete('Task_AcceptanceOrganisation', 'trading-center', {
        finalAcceptancePanel: '专家组',
        finalAcceptancePanelLead: 'expert.wang',
      });
      await run.complete('Task_FinalAcceptanceReview', 'experts', {
        finalAcceptanceResult: result,
        itemEnergyEfficiency: result,
        finalAcceptanceOpinion: result === 'pass' ? '验收合格' : 'PUE 不达标，限期整改',
      });
      if (result === 'fail') {
        // R22.2: the failed attempt is recorded before the department rectifies
        await run.job('egov.acceptance-failed-record', 'Task_FinalAcceptanceFailedRecord', {
          finalAcceptanceAttempt: 1,
        });
        await run.complete('Task_AcceptanceRectify', DEPT, { rectificationMeasures: '更换空调' });
      }
    }
    await run.job('egov.acceptance-record', 'Task_AcceptanceRecord', { goLiveDate: '2027-12-20' });
    // Payment exceeding the approved investment is sent back (R19.2), then paid with a surplus.
    await run.complete('Task_PaymentRequest', DEPT, { requestedAmount: 130, paidSoFar: 0, auditRequested: true });
    await run.complete('Task_PaymentApproval', 'finance', { paymentDecision: 'approve', paymentApprovedAmount: 130 });
    await run.throwError('egov.payment', 'Task_Payment', 'ERR_PAYMENT_EXCEEDS_APPROVED');
    await run.complete('Task_PaymentRequest', DEPT, { requestedAmount: 110, paidSoFar: 0, auditRequested: true });
    await run.complete('Task_PaymentApproval', 'data-bureau', {
      paymentDecision: 'approve',
      paymentApprovedAmount: 110,
    });
    await run.job('egov.payment', 'Task_Payment', { paidTotal: 110, surplusAmount: 10 });
    await run.complete('Task_SurplusReturn', DEPT, { returnedAmount: 10, surplusVoucherNo: 'JK-1' });
    await run.job('egov.surplus-return-record', 'Task_SurplusReturnRecord');
    // R23 self-evaluation, R28 audit at the department's request, R29 post-evaluation after operation.
    await run.job('egov.due-date', 'Task_SelfEvaluationDueDate', { dueDate: '2028-06-20T23:59:59+08:00' });
    await run.complete('Task_Audit', 'audit', { auditReportNo: '叶审〔2028〕3号', auditFindings: '无' });
    await run.job('egov.audit-record', 'Task_AuditRecord');
    await run.complete('Task_SelfEvaluation', DEPT, { operationEffect: '运行良好', problemsMet: '无' });
    await run.job('egov.self-evaluation-submit', 'Task_SelfEvaluationSubmit');
    await run.job('egov.due-date', 'Task_PostEvaluationDate', { dueDate: '2028-12-21T09:00:00+08:00' });
    await run.reached('Event_PostEvaluationStart', 'ACTIVE');
    await pin('2028-12-21T09:00:01+08:00');
    await run.complete('Task_PostEvaluation', 'data-bureau', {
      postEvaluationGrade: 'good',
      budgetRecommendation: 'normal',
    });
    await run.job('egov.post-evaluation-record', 'Task_PostEvaluationRecord');
    await run.job('egov.archive', 'Task_Archive', { projectStatus: 'completed' });
    await run.reached('EndEvent_Completed');
    expect(await run.state()).toBe('COMPLETED');
    const trail = await run.trail();
    for (const e of [
      'Task_KeyProjectApproval:COMPLETED',
      'Boundary_PaymentExceedsApproved:COMPLETED',
      'Task_SurplusReturnRecord:COMPLETED',
      'Task_Audit:COMPLETED',
      'EndEvent_NoQuarterlyReports:COMPLETED',
    ])
      expect(trail).toContain(e);
    expect(trail.filter((e) => e === 'Task_FinalAcceptanceReview:COMPLETED')).toHaveLength(2);
    expect(trail.filter((e) => e === 'Task_FinalAcceptanceFailedRecord:COMPLETED')).toHaveLength(1);
    expect(trail.filter((e) => e.startsWith('Timer_'))).toEqual([]);
  });

  it('R8.1 not in the plan: carried over to the next year, then included; or withdrawn', async () => {
    const run = await Run.start(t, 'project-lifecycle', project('p-not-in-plan'));
    await applyAndReview(run);
    await approve(run);
    await run.reached('Gateway_PlanDecision', 'ACTIVE');
    await run.publish('annual-plan-not-included', 'p-not-in-plan');
    await run.complete('Task_NotInPlanDecision', DEPT, { notInPlanDecision: 'carry-over' });
    const seen = await run.job('egov.plan-carry-over', 'Task_PlanCarryOver', { planYear: 2028 });
    expect(seen.planYear).toBe(2027);
    await includeInPlan(run, 'p-not-in-plan', 2028);
    await run.task('Task_ProjectStart');
    expect((await run.vars()).planYear).toBe(2028);

    const withdrawn = await Run.start(t, 'project-lifecycle', project('p-withdrawn'));
    await applyAndReview(withdrawn);
    await approve(withdrawn);
    await withdrawn.reached('Gateway_PlanDecision', 'ACTIVE');
    await withdrawn.publish('annual-plan-not-included', 'p-withdrawn');
    await withdrawn.complete('Task_NotInPlanDecision', DEPT, { notInPlanDecision: 'withdraw' });
    await withdrawn.job('egov.notify', 'Task_NotifyWithdrawn');
    await withdrawn.reached('EndEvent_Withdrawn');
    expect(await withdrawn.state()).toBe('COMPLETED');
  });

  it('R8.2 an urgent ad-hoc project enters the plan by the government’s approval without waiting for the annual plan', async () => {
    const run = await Run.start(t, 'project-lifecycle', project('p-adhoc', { urgentAdHoc: true }));
    await applyAndReview(run);
    await approve(run);
    await run.complete('Task_AdHocApproval', 'government', { adHocDecision: 'approve', adHocReason: '防汛应急' });
    await run.job('egov.plan-add-adhoc', 'Task_AdHocPlanAdd', { planIncluded: true });
    await run.job('egov.due-date', 'Task_YearEndCheckDate', { dueDate: NEVER });
    await run.task('Task_ProjectStart');
    const trail = await run.trail();
    expect(trail.filter((e) => e.startsWith('Gateway_PlanDecision'))).toEqual([]);
  });

  it('R10 a cross-department project with two participants joins both sub-projects before acceptance', async () => {
    const run = await Run.start(t, 'project-lifecycle', project('p-cross', { crossDepartment: true }));
    await run.job('egov.applicability-check', 'Task_ApplicabilityCheck', {
      governed: true,
      quarterlyReportsRequired: false,
    });
    await run.complete('Task_FrameworkPlan', DEPT, {
      leadUnit: '区教育局',
      participants: [
        { departmentCode: 'health', departmentName: '区卫健委', subProjectName: '健康档案对接', subProjectBudget: 30 },
        { departmentCode: 'civil', departmentName: '区民政局', subProjectName: '救助数据对接', subProjectBudget: 20 },
      ],
      noOverlapDeclared: true,
    });
    await review(run, {});
    await approve(run);
    await includeInPlan(run, 'p-cross');
    await startConstruction(run);
    await run.complete('Task_Implementation', DEPT, { constructionCompletedDate: '2027-10-30' });
    for (const dept of ['dept:health', 'dept:civil']) {
      const sub = await subProjectRun(dept);
      await sub.complete('Task_SubProjectApplication', dept, { subProjectName: '子项目', subProjectBudget: 20 });
      await sub.job('egov.subproject-register', 'Task_SubProjectRegister', { subProjectAccepted: true });
      // The lead unit's construction is done, but acceptance waits for every participant (R10).
      expect((await run.trail()).filter((e) => e.startsWith('Task_PreliminaryAcceptance'))).toEqual([]);
      await sub.complete('Task_SubProjectImplementation', dept, { subProjectCompletedDate: '2027-10-31' });
    }
    await run.job('egov.security-gate', 'Task_SecurityGate', { securityDocsComplete: true });
    await run.job('egov.crypto-gate', 'Task_CryptoGate', { cryptoDocsComplete: true });
    expect((await run.vars()).subProjectResults).toHaveLength(2);
    expect((await run.trail()).filter((e) => e === 'CallActivity_SubProjects:COMPLETED').length).toBeGreaterThan(0);
  });

  it('R15 a two-year project reports every quarter in its window, with reminder and overdue escalation, until construction completes', async () => {
    await pin('2026-12-20T10:00:00+08:00');
    const run = await Run.start(
      t,
      'project-lifecycle',
      project('p-two-year', { constructionStart: '2027-01', constructionEnd: '2028-06' }),
    );
    await applyAndReview(run, { reportsRequired: true });
    await approve(run);
    await includeInPlan(run, 'p-two-year');
    await startConstruction(run);
    const reporting = await reportingRun();
    // 2026Q4 is reported in the first five working days of January 2027 (1 Jan is a holiday: 4–8 Jan),
    // 2027Q1 in those of April (5 Apr is 清明: 1, 2, 6, 7, 8 Apr) — dates as egov.due-date answers them.
    const quarters = [
      {
        quarter: '2026Q4',
        opens: '2027-01-04T00:00:00+08:00',
        reminder: '2027-01-07T09:00:00+08:00',
        due: '2027-01-08T23:59:59+08:00',
      },
      {
        quarter: '2027Q1',
        opens: '2027-04-01T00:00:00+08:00',
        reminder: '2027-04-07T09:00:00+08:00',
        due: '2027-04-08T23:59:59+08:00',
      },
    ];
    for (const [i, q] of quarters.entries()) {
      const seen = await reporting.job('egov.due-date', 'Task_NextReportWindow', {
        dueDate: q.due,
        windowOpensAt: q.opens,
        reminderAt: q.reminder,
        quarter: q.quarter,
      });
      expect(seen.lastReportedQuarter ?? null).toBe(i === 0 ? null : quarters[i - 1]!.quarter);
      await reporting.reached('Event_ReportWindowOpens', 'ACTIVE');
      await pin(q.opens);
      const task = await reporting.task('Task_ProgressReport');
      expect(Date.parse(task.dueDate!)).toBe(Date.parse(q.due));
      if (i === 0) {
        // Not reported by the fifth working day: reminder, then escalation; the task stays open.
        await pin(q.reminder);
        await reporting.job('egov.notify', 'Task_NotifyReportReminder');
        await pin('2027-01-09T00:00:00+08:00');
        await reporting.job('egov.notify', 'Task_NotifyReportOverdue');
      }
      await reporting.complete('Task_ProgressReport', DEPT, { reportProgress: `${q.quarter} 进展` });
      await reporting.job('egov.progress-report-record', 'Task_ProgressReportRecord', {
        lastReportedQuarter: q.quarter,
      });
    }
    await run.complete('Task_Implementation', DEPT, { constructionCompletedDate: '2028-05-30' });
    await run.job('egov.security-gate', 'Task_SecurityGate', { securityDocsComplete: true });
    await run.job('egov.crypto-gate', 'Task_CryptoGate', { cryptoDocsComplete: true });
    // Completing construction terminated the reporting loop (R15 ends with construction).
    expect(await reporting.state()).toBe('TERMINATED');
    const trail = await reporting.trail();
    expect(trail.filter((e) => e === 'Task_ProgressReport:COMPLETED')).toHaveLength(2);
    expect(trail).toContain('Timer_ReportReminder:COMPLETED');
    expect(trail).toContain('Timer_ReportOverdue:COMPLETED');
  });

  it('R20 change request and R22.3 delay request during construction run beside it', async () => {
    const run = await Run.start(t, 'project-lifecycle', project('p-change'));
    await applyAndReview(run);
    await approve(run);
    await includeInPlan(run, 'p-change');
    await run.task('Task_ProjectStart');
    await run.publish('change-requested', 'p-change');
    await run.complete('Task_ChangeRequestForm', DEPT, {
      changeCase: 'case-2',
      changeWithinBudget: true,
      changeGoalsUnchanged: true,
    });
    await run.job('egov.change-check', 'Task_ChangeCheck', { changeEligible: true });
    await run.complete('Task_ChangeApproval', 'government', opinion('pass'));
    await run.job('egov.change-file', 'Task_ChangeFile');
    await run.reached('EndEvent_ChangeApproved');
    await run.publish('acceptance-delay-requested', 'p-change');
    await run.complete('Task_DelayRequestForm', DEPT, {
      requestedAcceptanceDate: '2028-03-31',
      delayReason: '设备到货延迟',
    });
    await run.complete('Task_DelayReview', 'data-bureau', opinion('pass'));
    const seen = await run.job('egov.acceptance-date-update', 'Task_AcceptanceDateUpdate', {
      contractedAcceptanceDate: '2028-03-31',
    });
    expect(seen.delayReason).toBe('设备到货延迟');
    await run.reached('EndEvent_DelayApproved');
    // Construction was never interrupted.
    await run.task('Task_ProjectStart');
    expect(await run.state()).toBe('ACTIVE');
  });

  it('R26 an overdue rectification suspends the project, and termination ends it', async () => {
    await pin('2027-02-01T10:00:00+08:00');
    const run = await Run.start(t, 'project-lifecycle', project('p-rectify'));
    await applyAndReview(run);
    await approve(run);
    await includeInPlan(run, 'p-rectify');
    await run.task('Task_ProjectStart');
    await run.publish('rectification-ordered', 'p-rectify', {
      rectificationIssues: '未按规定开展等保测评',
      rectificationDays: 10,
      orderedBy: 'cyberspace-office',
      orderRule: 'R26',
    });
    await run.job('egov.rectification-register', 'Task_RectificationRegister', { rectificationId: 'r-1' });
    await run.job('egov.due-date', 'Task_RectificationDueDate', { dueDate: '2027-02-22T23:59:59+08:00' });
    expect(Date.parse((await run.task('Task_Rectify')).dueDate!)).toBe(Date.parse('2027-02-22T23:59:59+08:00'));
    await pin('2027-02-23T00:00:00+08:00');
    await run.job('egov.project-suspend', 'Task_ProjectSuspend', { projectStatus: 'suspended' });
    await run.complete('Task_SuspensionDecision', 'data-bureau', {
      suspensionDecision: 'terminate',
      suspensionReason: '逾期未整改',
    });
    await run.job('egov.project-terminate', 'Task_ProjectTerminate', { projectStatus: 'terminated' });
    await run.job('egov.notify', 'Task_NotifyTerminated');
    await run.reached('EndEvent_Terminated');
    expect(await run.state()).toBe('COMPLETED');
    const trail = await run.trail();
    expect(trail).toContain('Timer_RectificationOverdue:COMPLETED');
    expect(trail).toContain('Task_ProjectStart:TERMINATED');
    expect(trail.filter((e) => e.startsWith('Task_PreliminaryAcceptance'))).toEqual([]);
  });

  it('R22.2 a final-acceptance application missing the one-month window is escalated; R23 an overdue self-evaluation too', async () => {
    await pin('2027-11-01T10:00:00+08:00');
    const run = await Run.start(t, 'project-lifecycle', project('p-late'));
    await applyAndReview(run);
    await approve(run);
    await includeInPlan(run, 'p-late');
    await startConstruction(run);
    await run.complete('Task_Implementation', DEPT, { constructionCompletedDate: '2027-10-30' });
    await inspectAndPreliminary(run, '2027-11-10');
    await run.job('egov.due-date', 'Task_FinalApplicationDueDate', { dueDate: '2027-12-10T23:59:59+08:00' });
    await run.task('Task_FinalAcceptanceApplication');
    await pin('2027-12-11T00:00:00+08:00');
    await run.job('egov.notify', 'Task_NotifyFinalApplicationOverdue');
    await run.reached('EndEvent_FinalApplicationEscalated');
    // The application task stays open after the escalation (non-interrupting).
    await run.complete('Task_FinalAcceptanceApplication', DEPT, finalDocs);
    await run.job('egov.acceptance-docs-check', 'Task_AcceptanceDocsCheck', { acceptanceDocsComplete: true });
    await run.complete('Task_AcceptanceOrganisation', 'data-bureau', {
      finalAcceptancePanel: '专家组',
      finalAcceptancePanelLead: 'expert.wang',
    });
    await run.complete('Task_FinalAcceptanceReview', 'experts', { finalAcceptanceResult: 'pass' });
    await run.job('egov.acceptance-record', 'Task_AcceptanceRecord', { goLiveDate: '2027-12-20' });
    await run.complete('Task_PaymentRequest', DEPT, { requestedAmount: 120, paidSoFar: 0, auditRequested: false });
    await run.complete('Task_PaymentApproval', 'finance', { paymentDecision: 'approve' });
    await run.job('egov.payment', 'Task_Payment', { paidTotal: 120, surplusAmount: 0 });
    await run.job('egov.due-date', 'Task_SelfEvaluationDueDate', { dueDate: '2028-06-20T23:59:59+08:00' });
    await run.task('Task_SelfEvaluation');
    await pin('2028-06-21T00:00:00+08:00');
    await run.job('egov.notify', 'Task_NotifySelfEvaluationOverdue');
    await run.reached('EndEvent_SelfEvaluationEscalated');
    await run.task('Task_SelfEvaluation');
    const trail = await run.trail();
    expect(trail).toContain('Timer_FinalApplicationOverdue:COMPLETED');
    expect(trail).toContain('Timer_SelfEvaluationOverdue:COMPLETED');
    expect(trail).toContain('Gateway_AuditMerge:COMPLETED');
    expect(trail.filter((e) => e.startsWith('Task_SurplusReturn'))).toEqual([]);
  });

  it('R12/R13 missing documents are supplied, a failed security inspection is rectified and inspected again', async () => {
    const run = await Run.start(t, 'project-lifecycle', project('p-inspect'));
    await applyAndReview(run);
    await approve(run);
    await includeInPlan(run, 'p-inspect');
    await startConstruction(run);
    await run.complete('Task_Implementation', DEPT, { constructionCompletedDate: '2027-10-30' });
    await run.job('egov.security-gate', 'Task_SecurityGate', { securityDocsComplete: true });
    await run.job('egov.crypto-gate', 'Task_CryptoGate', {
      cryptoDocsComplete: false,
      materialsDefectsText: '缺密评报告',
    });
    await run.complete('Task_CryptoSupplement', DEPT, { supplementDescription: '补交密评报告', docSupplement: 'M-1' });
    await run.job('egov.crypto-gate', 'Task_CryptoGate', { cryptoDocsComplete: true });
    await run.complete('Task_SecurityInspection', 'cyberspace-office', { securityInspectionResult: 'fail' });
    await run.job('egov.check-failed-record', 'Task_SecurityInspectionFailedRecord');
    await run.complete('Task_SecurityRectify', DEPT, { rectificationMeasures: '修补高危漏洞' });
    await run.complete('Task_SecurityInspection', 'cyberspace-office', { securityInspectionResult: 'pass' });
    // the passed round is recorded on the pass path, before the join (not by the acceptance documents check)
    const passed = await run.job('egov.check-passed-record', 'Task_SecurityInspectionPassedRecord');
    expect(passed.securityInspectionResult).toBe('pass');
    await run.complete('Task_CryptoReview', 'crypto-bureau', { cryptoReviewResult: 'pass' });
    expect((await run.trail()).filter((e) => e.startsWith('Task_PreliminaryAcceptance'))).toEqual([]);
    await run.job('egov.check-passed-record', 'Task_CryptoReviewPassedRecord');
    await run.task('Task_PreliminaryAcceptance');
    const trail = await run.trail();
    expect(trail.filter((e) => e === 'Task_SecurityInspection:COMPLETED')).toHaveLength(2);
    expect(trail.filter((e) => e === 'Task_SecurityInspectionFailedRecord:COMPLETED')).toHaveLength(1);
    expect(trail.filter((e) => e === 'Task_SecurityInspectionPassedRecord:COMPLETED')).toHaveLength(1);
    expect(trail.filter((e) => e === 'Task_CryptoReviewPassedRecord:COMPLETED')).toHaveLength(1);
    expect(trail.filter((e) => e === 'Task_CryptoGate:COMPLETED')).toHaveLength(2);
    expect(trail).toContain('SubProcess_Construction:COMPLETED');
  });

  it('R19.3 not carried out in its year: written explanation and fund recovery, construction continues', async () => {
    await pin('2027-03-01T10:00:00+08:00');
    const run = await Run.start(t, 'project-lifecycle', project('p-year-end'));
    await applyAndReview(run);
    await approve(run);
    await includeInPlan(run, 'p-year-end', 2027, '2027-12-01T09:00:00+08:00');
    await run.task('Task_ProjectStart');
    await pin('2027-12-01T09:00:01+08:00');
    await run.job('egov.implementation-status-check', 'Task_ImplementationStatusCheck', { carriedOutAsPlanned: false });
    await run.complete('Task_YearEndExplanation', DEPT, {
      notCarriedOutReason: '招标两次流标',
      notCarriedOutPlan: '次年一季度重新招标',
    });
    await run.complete('Task_FundRecoveryDecision', 'data-bureau', {
      fundRecoveryDecision: 'recover',
      fundRecoveryAmount: 60,
      fundRecoveryReason: '当年未实施',
    });
    await run.job('egov.fund-recovery', 'Task_FundRecovery', { recoveredAmount: 60 });
    await run.reached('EndEvent_FundRecovered');
    await run.task('Task_ProjectStart');
    expect(await run.state()).toBe('ACTIVE');
  });

  it('R20 an ineligible change and R22.3 a rejected delay are answered; R26 a rectification passes, a second one is resumed after suspension', async () => {
    await pin('2027-04-01T10:00:00+08:00');
    const run = await Run.start(t, 'project-lifecycle', project('p-events'));
    await applyAndReview(run);
    await approve(run);
    await includeInPlan(run, 'p-events');
    await run.task('Task_ProjectStart');
    await run.publish('change-requested', 'p-events');
    await run.complete('Task_ChangeRequestForm', DEPT, { changeCase: 'none', changeWithinBudget: false });
    await run.job('egov.change-check', 'Task_ChangeCheck', { changeEligible: false });
    await run.job('egov.notify', 'Task_NotifyChangeIneligible');
    await run.reached('EndEvent_ChangeIneligible');
    await run.publish('acceptance-delay-requested', 'p-events');
    await run.complete('Task_DelayRequestForm', DEPT, {
      requestedAcceptanceDate: '2028-06-30',
      delayReason: '需求变化',
    });
    await run.complete('Task_DelayReview', 'data-bureau', opinion('fail'));
    await run.job('egov.notify', 'Task_NotifyDelayRejected');
    await run.reached('EndEvent_DelayRejected');
    // R26: the body that ordered the rectification verifies it — the DRC its order, the audit
    // bureau (R28) its R27 order: the verification's candidate group is the order's orderedBy
    for (const [i, verdict] of (['pass', 'fail'] as const).entries()) {
      const issuer = i === 0 ? 'drc' : 'audit';
      await run.publish('rectification-ordered', 'p-events', {
        rectificationIssues: `问题${i + 1}`,
        rectificationDays: 10,
        orderedBy: issuer,
        orderRule: i === 0 ? 'R26' : 'R27',
      });
      await run.job('egov.rectification-register', 'Task_RectificationRegister', { rectificationId: `r-${i}` });
      await run.job('egov.due-date', 'Task_RectificationDueDate', { dueDate: '2027-04-16T23:59:59+08:00' });
      await run.complete('Task_Rectify', DEPT, { rectificationMeasures: '已整改' });
      await run.job('egov.rectification-report-record', 'Task_RectificationReportRecord', {
        rectificationReportedAt: '2027-04-10T09:00:00.000Z',
      });
      expect((await run.task('Task_RectificationVerify')).candidateGroups).toEqual([issuer]);
      await run.complete('Task_RectificationVerify', issuer, opinion(verdict));
    }
    await run.job('egov.notify', 'Task_NotifyRectified');
    await run.job('egov.project-suspend', 'Task_ProjectSuspend', { projectStatus: 'suspended' });
    await run.complete('Task_SuspensionDecision', 'data-bureau', {
      suspensionDecision: 'resume',
      suspensionReason: '已整改到位',
    });
    await run.job('egov.project-resume', 'Task_ProjectResume', { projectStatus: 'in-construction' });
    await run.reached('EndEvent_Resumed');
    await run.task('Task_ProjectStart');
    const trail = await run.trail();
    expect(trail).toContain('EndEvent_Rectified:COMPLETED');
    expect(trail.filter((e) => e.startsWith('Timer_RectificationOverdue'))).toEqual([]);
    expect(await run.state()).toBe('ACTIVE');
  });

  // R27 cuts the department's next-year budget; the cut belongs to the project. A later R26 order
  // (its own register job says r27Order: false) must not undo it, and the R29 post-evaluation
  // records it even though the data bureau did not tick the box.
  it('R27 a budget cut decided once survives a later R26 order and reaches the R29 post-evaluation', async () => {
    await pin('2026-11-25T10:00:00+08:00');
    const run = await Run.start(t, 'project-lifecycle', project('p-r27'));
    await applyAndReview(run);
    await approve(run);
    await includeInPlan(run, 'p-r27');
    await startConstruction(run);
    const budgetCut = async () => (await run.vars()).budgetCutNextYear;
    expect(await budgetCut()).toBeUndefined();
    for (const [i, rule] of (['R27', 'R26'] as const).entries()) {
      await run.publish('rectification-ordered', 'p-r27', {
        rectificationIssues: `问题${i + 1}`,
        rectificationDays: 10,
        orderedBy: 'data-bureau',
        orderRule: rule,
      });
      await run.job('egov.rectification-register', 'Task_RectificationRegister', {
        rectificationId: `r-${i}`,
        rectificationDeadline: '2027-04-16',
        r27Order: rule === 'R27',
      });
      // the R27 order sets it; the R26 one after it leaves it set
      expect(await budgetCut()).toBe(true);
      await run.job('egov.due-date', 'Task_RectificationDueDate', { dueDate: '2027-04-16T23:59:59+08:00' });
      await run.complete('Task_Rectify', DEPT, { rectificationMeasures: '已整改' });
      await run.job('egov.rectification-report-record', 'Task_RectificationReportRecord', {
        rectificationReportedAt: '2027-04-10T09:00:00.000Z',
      });
      await run.complete('Task_RectificationVerify', 'data-bureau', opinion('pass'));
      await run.job('egov.notify', 'Task_NotifyRectified');
      await run.reached('EndEvent_Rectified');
    }
    // the orders' own variables stayed in their sub-process instances
    const vars = await run.vars();
    expect(vars).not.toHaveProperty('rectificationId');
    expect(vars).not.toHaveProperty('r27Order');
    expect(vars.budgetCutNextYear).toBe(true);

    await run.complete('Task_Implementation', DEPT, {
      constructionCompletedDate: '2027-10-30',
      builtAsApproved: true,
      deployedOnGovCloud: true,
    });
    await inspectAndPreliminary(run);
    await run.job('egov.due-date', 'Task_FinalApplicationDueDate', { dueDate: '2027-12-10T23:59:59+08:00' });
    await run.complete('Task_FinalAcceptanceApplication', DEPT, finalDocs);
    await run.job('egov.acceptance-docs-check', 'Task_AcceptanceDocsCheck', { acceptanceDocsComplete: true });
    await run.complete('Task_AcceptanceOrganisation', 'trading-center', {
      finalAcceptancePanel: '专家组',
      finalAcceptancePanelLead: 'expert.wang',
    });
    await run.complete('Task_FinalAcceptanceReview', 'experts', {
      finalAcceptanceResult: 'pass',
      itemEnergyEfficiency: 'pass',
      finalAcceptanceOpinion: '验收合格',
    });
    await run.job('egov.acceptance-record', 'Task_AcceptanceRecord', { goLiveDate: '2027-12-20' });
    await run.complete('Task_PaymentRequest', DEPT, { requestedAmount: 110, paidSoFar: 0, auditRequested: false });
    await run.complete('Task_PaymentApproval', 'finance', { paymentDecision: 'approve', paymentApprovedAmount: 110 });
    await run.job('egov.payment', 'Task_Payment', { paidTotal: 110, surplusAmount: 0 });
    await run.job('egov.due-date', 'Task_SelfEvaluationDueDate', { dueDate: '2028-06-20T23:59:59+08:00' });
    await run.complete('Task_SelfEvaluation', DEPT, { operationEffect: '运行良好', problemsMet: '无' });
    await run.job('egov.self-evaluation-submit', 'Task_SelfEvaluationSubmit');
    await run.job('egov.due-date', 'Task_PostEvaluationDate', { dueDate: '2028-12-21T09:00:00+08:00' });
    await run.reached('Event_PostEvaluationStart', 'ACTIVE');
    await pin('2028-12-21T09:00:01+08:00');
    // the data bureau does not tick r27BudgetCut: the project's R27 cut is recorded all the same
    await run.complete('Task_PostEvaluation', 'data-bureau', {
      postEvaluationGrade: 'good',
      budgetRecommendation: 'normal',
      r27BudgetCut: false,
    });
    const seen = await run.job('egov.post-evaluation-record', 'Task_PostEvaluationRecord');
    expect(seen).toMatchObject({ r27BudgetCut: true, budgetRecommendation: 'normal' });
    await run.job('egov.archive', 'Task_Archive', { projectStatus: 'completed' });
    await run.reached('EndEvent_Completed');
    expect(await run.state()).toBe('COMPLETED');
  });

  it('R26 orders alone cut no budget (budgetCutNextYear false)', async () => {
    const run = await Run.start(t, 'project-lifecycle', project('p-r26-only'));
    await applyAndReview(run);
    await approve(run);
    await includeInPlan(run, 'p-r26-only');
    await run.task('Task_ProjectStart');
    await run.publish('rectification-ordered', 'p-r26-only', {
      rectificationIssues: '未按期报送进度',
      rectificationDays: 10,
      orderedBy: 'data-bureau',
      orderRule: 'R26',
    });
    await run.job('egov.rectification-register', 'Task_RectificationRegister', {
      rectificationId: 'r-1',
      rectificationDeadline: '2027-04-16',
      r27Order: false,
    });
    expect((await run.vars()).budgetCutNextYear).toBe(false);
    await t.sdk.cancelProcessInstance({ processInstanceKey: run.key });
  });

  // Zeebe applies an inner multi-instance activity's output mappings to the inner instance's own
  // scope (BpmnVariableMappingBehavior#getVariableScopeKey), so `expertScore` reaches the output
  // collection; the embedded engine does the same.
  it('R7 multi-instance output collects each expert’s scores (Zeebe inner-scope output mappings)', async () => {
    const run = await Run.start(t, 'project-lifecycle', project('p-mi-output'));
    await run.job('egov.applicability-check', 'Task_ApplicabilityCheck', { governed: true });
    await run.job('egov.materials-check', 'Task_MaterialsCheck', { materialsComplete: true, awaitReviewWindow: false });
    await run.job('egov.duplicate-check', 'Task_DuplicateCheck', { duplicateFound: false });
    await run.job('egov.due-date', 'Task_ReviewDueDate', { dueDate: '2026-12-31T17:30:00+08:00' });
    await run.job('egov.expert-panel', 'Task_ExpertPanel', { expertPanel: ['expert-1', 'expert-2'] });
    for (const [task, group] of [
      ['Task_ReviewDataBureau', 'data-bureau'],
      ['Task_ReviewFinance', 'finance'],
      ['Task_ReviewDrc', 'drc'],
      ['Task_ReviewCrypto', 'crypto-bureau'],
      ['Task_ReviewCyberspace', 'cyberspace-office'],
    ] as const)
      await run.complete(task, group, opinion('pass'));
    for (let i = 0; i < 2; i++)
      await run.complete('Task_ExpertScoring', 'experts', { ...scores, recommendation: 'pass' });
    const seen = await run.job('egov.review-aggregate', 'Task_ReviewAggregate', { reviewOutcome: 'fail' });
    // Leave no job behind for the other tests, whatever the outcome.
    await t.sdk.cancelProcessInstance({ processInstanceKey: run.key });
    expect(seen.expertScores).toEqual([
      expect.objectContaining({ expert: 'expert-1', planning: 18 }),
      expect.objectContaining({ expert: 'expert-2', planning: 18 }),
    ]);
  });

  async function subProjectRun(dept: string): Promise<Run> {
    return childRun('cross-department-subproject', async (r) => {
      const task = await r.task('Task_SubProjectApplication');
      return task.candidateGroups?.includes(dept) ?? false;
    });
  }
  async function reportingRun(): Promise<Run> {
    return childRun('quarterly-reporting', async () => true);
  }
  /** The active instance of a called process that matches. */
  async function childRun(processId: string, matches: (r: Run) => Promise<boolean>): Promise<Run> {
    return eventually(async () => {
      const { items } = await t.sdk.searchProcessInstances(
        { filter: { processDefinitionId: processId, state: 'ACTIVE' } },
        NOW,
      );
      for (const i of items) {
        const r = new Run(t, i.processInstanceKey);
        if (await matches(r).catch(() => false)) return r;
      }
      throw new Error(`no matching active ${processId} instance`);
    });
  }
});
