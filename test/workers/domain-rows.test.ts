/**
 * Issue 4: the workers write the domain tables (not only the audit trail and their outputs), in
 * their `ctx.once` transaction, on the real database (SQLite, or MariaDB with TEST_DATABASE_URL).
 * Each case asserts the rows a worker writes — read back through the domain services the API uses,
 * where one exists — and that the same job delivered again changes nothing.
 */
import { DeliveryService } from '../../services/domain/delivery';
import {
  AnnualPlanEntity,
  AnnualPlanEntryEntity,
  ChangeRequestEntity,
  ComplianceCheckEntity,
  ContractEntity,
  DelayRequestEntity,
  InvestmentPlanEntryEntity,
  KeyProjectApprovalEntity,
  LedgerEntryEntity,
  PostEvaluationEntity,
  ProcurementEntity,
  ProgressReportEntity,
  SelfEvaluationEntity,
  ServiceUnitEntity,
} from '../../services/domain/entities';
import { LedgerService } from '../../services/domain/ledger';
import { LifecycleService } from '../../services/domain/lifecycle';
import { PlanService } from '../../services/domain/plans';
import { RectificationService } from '../../services/domain/rectification';
import { createAcceptanceDateUpdateWorker } from '../../workers/acceptance-date-update';
import { createAcceptanceDocsCheckWorker } from '../../workers/acceptance-docs-check';
import { createAcceptanceRecordWorker } from '../../workers/acceptance-record';
import { createChangeFileWorker } from '../../workers/change-file';
import { createCheckPassedRecordWorker } from '../../workers/check-passed-record';
import type { WorkerDefinition } from '../../workers/framework';
import { createInvestmentPlanRegisterWorker } from '../../workers/investment-plan-register';
import { createNotifyWorker } from '../../workers/notify';
import { createPaymentWorker, PAYMENT_EXCEEDS_APPROVED } from '../../workers/payment';
import { createPlanAddAdhocWorker } from '../../workers/plan-add-adhoc';
import { createPlanCompileWorker } from '../../workers/plan-compile';
import { createPlanPublishWorker } from '../../workers/plan-publish';
import { budgetInputs, createPostEvaluationRecordWorker } from '../../workers/post-evaluation-record';
import { createProcurementRecordWorker } from '../../workers/procurement-record';
import { createProgressReportRecordWorker } from '../../workers/progress-report-record';
import { createRectificationRegisterWorker } from '../../workers/rectification-register';
import { createSelfEvaluationSubmitWorker } from '../../workers/self-evaluation-submit';
import { createUnitsDesignateWorker } from '../../workers/units-designate';
import type { JobInfo } from '../../workers/framework';
import { addProject, addUser, inPlans, openWorkerTestEnv, run, snapshot, type WorkerTestEnv } from './helpers';
import { contractedUnits2026, pid, procurementRecordVars, workerOf } from './project-fixtures';

let env: WorkerTestEnv;

beforeAll(async () => {
  env = await openWorkerTestEnv('wrows', { config: { contractedUnits: contractedUnits2026(1) } });
  await addUser(env, 'JYJ', ['staff'], { username: 'rows.jyj' });
  await addUser(env, 'data-bureau', ['staff'], { username: 'rows.sgj' });
});
afterAll(async () => {
  await env?.close();
});

const w = <T>(create: (d: typeof env.deps) => T) => workerOf(env, create);
let position = 5000;

/**
 * Runs the job, then delivers the same job (same process position, another job key) again: the
 * answer is the same and not one row changed. Returns the first answer.
 */
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

const vars = (a: { action: string }) => (a as unknown as { variables: Record<string, unknown> }).variables;

describe('annual plan (R8.1, R8.2) and investment plan (R21): the payment gate sees process-driven projects', () => {
  it('plan-compile opens the draft plan with the candidates; plan-publish approves exactly the included ones', async () => {
    const a = await addProject(env, { planYear: 2034, stage: 'investment-plan', approvedAmount: '90.00' });
    const b = await addProject(env, { planYear: 2034, stage: 'approval', totalInvestment: '60.00' });
    await onceAndAgain(w(createPlanCompileWorker), { planYear: 2034 });
    const plans = new PlanService(env.ds);
    const draft = await plans.view(2034);
    expect(draft.status).toBe('draft');
    expect(draft.entries.map((e) => [e.projectId, e.amount, e.urgent])).toEqual([
      [a.id, '90.00', false],
      [b.id, '60.00', false],
    ]);
    const planItems = [
      // more than the approved 90: the entry is capped at the approval, as fund-allocate caps it (R19.1)
      { projectId: pid(a), projectName: '甲', included: 'yes', allocatedFunds: 95 },
      { projectId: pid(b), projectName: '乙', included: 'no', allocatedFunds: 0 },
    ];
    const out = await onceAndAgain(w(createPlanPublishWorker), { planYear: 2034, planItems });
    expect(vars(out)).toEqual({ includedProjectIds: [pid(a)], excludedProjectIds: [pid(b)] });
    const approved = await plans.view(2034);
    expect(approved).toMatchObject({ status: 'approved', total: '90.00' });
    expect(approved.entries.map((e) => [e.projectId, e.amount])).toEqual([[a.id, '90.00']]);
    expect(await plans.investmentFacts(a.id)).toEqual({ inInvestmentPlan: false, inApprovedAnnualPlan: true });
    expect(await plans.investmentFacts(b.id)).toMatchObject({ inApprovedAnnualPlan: false });
  });

  it('plan-compile leaves a plan the API already submitted alone', async () => {
    const a = await addProject(env, { planYear: 2035, stage: 'approval' });
    await env.ds.getRepository(AnnualPlanEntity).insert({
      year: 2035,
      status: 'submitted',
      compiledBy: 1,
      compiledAt: '2026-11-01T00:00:00.000Z',
      approvedBy: null,
      approvedAt: null,
    });
    const out = await onceAndAgain(w(createPlanCompileWorker), { planYear: 2035 });
    expect((vars(out).candidateProjects as unknown[]).length).toBe(1);
    expect(await env.ds.getRepository(AnnualPlanEntryEntity).countBy({ projectId: a.id })).toBe(0);
  });

  it('plan-add-adhoc writes the urgent entry (R8.2), which the R8.1 gate accepts', async () => {
    const p = await addProject(env, { planYear: 2036, stage: 'investment-plan', approvedAmount: '40.00' });
    await onceAndAgain(w(createPlanAddAdhocWorker), {
      projectId: pid(p),
      planYear: 2036,
      adHocApprovalNo: '叶政〔2026〕9号',
    });
    const view = await new PlanService(env.ds).view(2036);
    expect(view.entries).toEqual([expect.objectContaining({ projectId: p.id, amount: '40.00', urgent: true })]);
    expect(await new PlanService(env.ds).investmentFacts(p.id)).toMatchObject({ inApprovedAnnualPlan: true });
  });

  it('investment-plan-register keeps the 文号 and records the DRC’s key-project approval (R5, R21)', async () => {
    const p = await addProject(env, { stage: 'approval', keyProject: true, totalInvestment: '1500.00' });
    await onceAndAgain(w(createInvestmentPlanRegisterWorker), {
      projectId: pid(p),
      investmentPlanNo: '叶发改投〔2026〕12号',
      investmentPlanYear: 2027,
      approvedInvestment: 1400,
      keyApprovalDecision: 'approve',
      approvalDocumentNo: '叶发改〔2026〕88号',
      keyApprovedInvestment: 1450,
      keyApprovalReason: '同意单独立项',
    });
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
        decidedOn: '2026-11-25',
      }),
    ]);
  });

  it('the 不予立项 notice records the DRC’s rejection (R5)', async () => {
    const p = await addProject(env, { stage: 'approval', keyProject: true });
    await onceAndAgain(
      w(createNotifyWorker),
      { projectId: pid(p), keyApprovalReason: '与已建系统重复', approvalDocumentNo: '叶发改〔2026〕90号' },
      { customHeaders: { template: 'key-project-rejected', recipients: 'department' } },
    );
    expect(await env.ds.getRepository(KeyProjectApprovalEntity).findBy({ projectId: p.id })).toEqual([
      expect.objectContaining({ decision: 'reject', reason: '与已建系统重复', documentNo: '叶发改〔2026〕90号' }),
    ]);
  });

  it('payment books through the ledger’s rule: refused without the investment plan (R21) or an approved plan (R8.1)', async () => {
    const p = await addProject(env, { stage: 'payment', approvedAmount: '100.00', planYear: 2037 });
    const pay = { projectId: pid(p), requestedAmount: 30 };
    const noInvestment = await onceAndAgain(w(createPaymentWorker), pay);
    expect(noInvestment).toMatchObject({ action: 'error', errorCode: PAYMENT_EXCEEDS_APPROVED });
    expect((noInvestment as { errorMessage: string }).errorMessage).toContain('（R21）');
    await env.ds.getRepository(InvestmentPlanEntryEntity).insert({
      projectId: p.id,
      year: 2037,
      amount: '100.00',
      approvedOn: '2026-11-01',
      recordedBy: 0,
      recordedAt: '2026-11-01T00:00:00.000Z',
    });
    const noPlan = await onceAndAgain(w(createPaymentWorker), pay);
    expect((noPlan as { errorMessage: string }).errorMessage).toContain('（R8.1）');
    expect(await env.ds.getRepository(LedgerEntryEntity).countBy({ projectId: p.id })).toBe(0);
    await onceAndAgain(w(createPlanPublishWorker), {
      planYear: 2037,
      planItems: [{ projectId: pid(p), projectName: '甲', included: 'yes', allocatedFunds: 100 }],
    });
    expect(vars(await onceAndAgain(w(createPaymentWorker), pay))).toEqual({
      paidTotal: 30,
      surplusAmount: 70,
      paymentAmount: 30,
    });
    const ledger = await new LedgerService(env.ds).ledger(p.id);
    expect(ledger).toMatchObject({ paid: '30.00', available: '70.00' });
    expect(ledger.entries).toEqual([expect.objectContaining({ kind: 'payment', amount: '30.00', recordedBy: 0 })]);
  });
});

describe('construction: procurement and contract (R14), units (R18), checks and acceptance (R12, R13, R22)', () => {
  it('procurement-record writes the procurement and the contract when compliant, nothing when not', async () => {
    const p = await addProject(env, { stage: 'procurement', approvedAmount: '100.00' });
    const base = procurementRecordVars(p, { contractAmount: 99.5 });
    await onceAndAgain(w(createProcurementRecordWorker), { ...base, productsSecureAndReliable: false });
    expect(await env.ds.getRepository(ProcurementEntity).countBy({ projectId: p.id })).toBe(0);
    await onceAndAgain(w(createProcurementRecordWorker), base);
    const [proc] = await new DeliveryService(env.ds).procurements(p.id);
    expect(proc).toMatchObject({
      method: 'public-tender',
      tenderNo: 'YJZB-2026-088',
      supplier: '安徽某信息技术有限公司',
      amount: '99.50',
      awardedOn: '2026-11-20',
    });
    const contracts = await new DeliveryService(env.ds).contracts(p.id);
    expect(contracts.contracted).toBe('99.50');
    expect(contracts.items).toEqual([
      expect.objectContaining({
        procurementId: proc!.id,
        contractNo: 'HT-2026-101',
        signedOn: '2026-11-20',
        acceptanceDue: '2027-06-30',
      }),
    ]);
  });

  it('units-designate writes the designations of the three kinds (R18)', async () => {
    const p = await addProject(env, { stage: 'started' });
    await onceAndAgain(w(createUnitsDesignateWorker), { projectId: pid(p), supervisionUnit: '指定监理公司' });
    const designations = await new DeliveryService(env.ds).designations(p.id);
    expect(designations.map((d) => [d.kind, d.unit.name, d.unit.year])).toEqual([
      ['security-assessment', '安徽等保测评中心', 2026],
      ['supervision', '指定监理公司', 2026],
      ['testing', '省软件评测中心', 2026],
    ]);
    // the data bureau's own choice joined the year's units; the contracted ones are not duplicated
    await onceAndAgain(w(createUnitsDesignateWorker), { projectId: pid(await addProject(env)) });
    expect(await env.ds.getRepository(ServiceUnitEntity).countBy({ year: 2026, kind: 'testing' })).toBe(1);
  });

  it('acceptance-docs-check reads the passed inspections (R22.2), records the preliminary acceptance and the final application', async () => {
    const p = await addProject(env, { stage: 'implementation' });
    const docs = {
      projectId: pid(p),
      docAcceptanceApplication: 'sq.pdf',
      docConstructionSummary: 'zj.pdf',
      docSecurityRiskReport: 'db.pdf',
      securityReportType: 'classified-protection',
      docCryptoAssessmentReport: 'mp.pdf',
      productSecurityStatus: '安全可靠',
      cryptoApplicationStatus: '已通过密评',
      securityReviewStatus: '已通过',
      preliminaryResult: 'pass',
      preliminaryAcceptanceDate: '2026-11-18T09:00:00+08:00',
      preliminaryIssues: '无',
      finalApplicationDueDate: '2026-12-18T23:59:59+08:00',
    };
    // no passed R12/R13 round on file: the application is incomplete, and the check writes none
    const missing = await onceAndAgain(w(createAcceptanceDocsCheckWorker), docs);
    expect(vars(missing).acceptanceDocsComplete).toBe(false);
    expect(vars(missing).materialsDefectsText).toBe(
      '竣工验收材料核验（R22.2、R14）：\n1. R22.2 无网络安全检查通过记录（R12，区委网信办）\n2. R22.2 无密码应用审查通过记录（R13，区委机要局）',
    );
    expect(await env.ds.getRepository(ComplianceCheckEntity).countBy({ projectId: p.id })).toBe(0);
    // the inspection passed (egov.check-passed-record on the pass path) but the review not yet
    const passed = { projectId: pid(p), securityInspectionResult: 'pass', cryptoReviewResult: 'pass' };
    await onceAndAgain(w(createCheckPassedRecordWorker), passed, { customHeaders: { kind: 'security-inspection' } });
    expect(vars(await onceAndAgain(w(createAcceptanceDocsCheckWorker), docs)).materialsDefectsText).toBe(
      '竣工验收材料核验（R22.2、R14）：\n1. R22.2 无密码应用审查通过记录（R13，区委机要局）',
    );
    await onceAndAgain(w(createCheckPassedRecordWorker), passed, { customHeaders: { kind: 'crypto-review' } });
    const out = await onceAndAgain(w(createAcceptanceDocsCheckWorker), docs);
    expect(vars(out).acceptanceDocsComplete).toBe(true);
    const checks = await new DeliveryService(env.ds).checks(p.id);
    expect(checks).toMatchObject({ securityInspectionPassed: true, cryptoReviewPassed: true });
    expect(checks.items.map((c) => [c.kind, c.round, c.checkedOn])).toEqual([
      ['security-inspection', 1, '2026-11-25'],
      ['crypto-review', 1, '2026-11-25'],
    ]);
    const acceptances = await new LifecycleService(env.ds, env.deps.calendar, env.clock.now).acceptances(p.id);
    expect(acceptances.map((a) => [a.stage, a.result, a.acceptedOn, a.appliedOn, a.dueOn, a.late])).toEqual([
      ['preliminary', 'passed', '2026-11-18', '2026-11-25', null, false],
      ['final', null, null, '2026-11-25', '2026-12-18', false],
    ]);
    // after 补正 the check runs again (a new element instance): the same inspections are not recorded twice
    await onceAndAgain(w(createAcceptanceDocsCheckWorker), docs);
    expect(await env.ds.getRepository(ComplianceCheckEntity).countBy({ projectId: p.id })).toBe(2);
  });

  it('acceptance-record records the passed final acceptance with the R14 items', async () => {
    const p = await addProject(env, { stage: 'final-acceptance' });
    await onceAndAgain(w(createAcceptanceRecordWorker), {
      projectId: pid(p),
      finalAcceptanceResult: 'pass',
      finalAcceptanceOpinion: '同意通过竣工验收',
      itemProductSecurity: 'pass',
      itemCryptography: 'pass',
      itemSecurityReview: 'pass',
      itemEnergyEfficiency: 'not-applicable',
    });
    const [final] = await new LifecycleService(env.ds, env.deps.calendar, env.clock.now).acceptances(p.id);
    expect(final).toMatchObject({
      stage: 'final',
      result: 'passed',
      acceptedOn: '2026-11-25',
      opinion: '同意通过竣工验收',
      items: { productSecurity: true, cryptography: true, securityReview: true, pue: null },
    });
  });
});

describe('reports, changes and evaluations (R15, R20, R22.3, R23, R29)', () => {
  it('progress-report-record writes the 附件2 report the printable form and the R15 status read', async () => {
    const p = await addProject(env, { stage: 'implementation' });
    await onceAndAgain(w(createProgressReportRecordWorker), {
      projectId: pid(p),
      reportQuarter: '2026Q3',
      reportDueDate: '2026-10-13T23:59:59+08:00',
      reportContactPerson: '王芳',
      reportProgress: '完成需求调研和系统设计',
      reportTotalInvestment: 120,
      reportInvestedAmount: 30.5,
    });
    const lifecycle = new LifecycleService(env.ds, env.deps.calendar, env.clock.now);
    expect((await lifecycle.progressReport(p.id, '2026-Q3')).form).toMatchObject({
      quarter: '2026-Q3',
      contactPerson: '王芳',
      progress: '完成需求调研和系统设计',
      totalInvestment: '120.00',
      invested: '30.50',
    });
    expect(await env.ds.getRepository(ProgressReportEntity).findOneByOrFail({ projectId: p.id })).toMatchObject({
      submittedOn: '2026-11-25',
      dueOn: '2026-10-13',
      late: true,
    });
  });

  it('change-file decides the department’s pending change request, or records the approved change (R20)', async () => {
    const lifecycle = new LifecycleService(env.ds, env.deps.calendar, env.clock.now);
    const a = await addProject(env, { stage: 'implementation', approvedAmount: '100.00' });
    const pending = await lifecycle.requestChange(a.id, 1, {
      changeCase: 'optimisation',
      description: '改用政务云数据库',
      newAmount: '95.00',
    });
    await onceAndAgain(w(createChangeFileWorker), {
      projectId: pid(a),
      changeCase: 'case-2',
      changeNewContent: '改用政务云数据库',
      changeApprovalReason: '同意',
    });
    expect(await lifecycle.changeRequests(a.id)).toEqual([
      expect.objectContaining({ id: pending.id, status: 'approved', decisionNote: '同意', decidedBy: 0 }),
    ]);
    const b = await addProject(env, { stage: 'implementation', approvedAmount: '100.00' });
    await onceAndAgain(w(createChangeFileWorker), {
      projectId: pid(b),
      changeCase: 'case-1',
      changeNewContent: '按省统一部署接入一网通办',
      changeTotalInvestment: 98,
    });
    expect(await env.ds.getRepository(ChangeRequestEntity).findBy({ projectId: b.id })).toEqual([
      expect.objectContaining({ changeCase: 'deployment', newAmount: '98.00', status: 'approved' }),
    ]);
  });

  it('acceptance-date-update records the approved delay and moves the contract’s acceptance date (R22.3)', async () => {
    const p = await addProject(env, { stage: 'implementation', approvedAmount: '100.00' });
    await env.ds.getRepository(ContractEntity).insert({
      projectId: p.id,
      procurementId: null,
      supplier: '某公司',
      amount: '80.00',
      signedOn: '2026-06-01',
      acceptanceDue: '2026-12-31',
      recordedBy: 0,
      recordedAt: '2026-06-01T00:00:00.000Z',
    });
    await onceAndAgain(w(createAcceptanceDateUpdateWorker), {
      projectId: pid(p),
      requestedAcceptanceDate: '2027-03-31T00:00:00+08:00',
      delayReason: '设备到货延迟',
    });
    expect(await env.ds.getRepository(DelayRequestEntity).findBy({ projectId: p.id })).toEqual([
      expect.objectContaining({
        contractedDate: '2026-12-31',
        requestedDate: '2027-03-31',
        reason: '设备到货延迟',
        status: 'approved',
      }),
    ]);
    expect((await env.ds.getRepository(ContractEntity).findOneByOrFail({ projectId: p.id })).acceptanceDue).toBe(
      '2027-03-31',
    );
  });

  it('self-evaluation-submit writes the R23 report with its due date', async () => {
    const p = await addProject(env, { stage: 'payment' });
    await onceAndAgain(w(createSelfEvaluationSubmitWorker), {
      projectId: pid(p),
      operationEffect: '运行平稳，日均访问 3000 人次',
      problemsMet: '部分学校网络带宽不足',
      docSelfEvaluationReport: 'zp.pdf',
      selfEvaluationDueDate: '2026-11-24T23:59:59+08:00',
    });
    expect(await env.ds.getRepository(SelfEvaluationEntity).findOneByOrFail({ projectId: p.id })).toMatchObject({
      effect: '运行平稳，日均访问 3000 人次',
      problems: '部分学校网络带宽不足',
      submittedOn: '2026-11-25',
      dueOn: '2026-11-24',
      late: true,
    });
  });

  it('post-evaluation-record writes the R29 evaluation that next year’s budget input reads (R27 cut kept)', async () => {
    const p = await addProject(env, { stage: 'self-evaluation' });
    await onceAndAgain(w(createPostEvaluationRecordWorker), {
      projectId: pid(p),
      scoreOperationEfficiency: 70,
      scoreUsageEffect: 60,
      postEvaluationGrade: 'fair',
      budgetRecommendation: 'normal',
      r27BudgetCut: true,
      postEvaluationProblems: '使用率偏低',
    });
    expect(await env.ds.getRepository(PostEvaluationEntity).findOneByOrFail({ projectId: p.id })).toMatchObject({
      score: 65,
      grade: 'pass',
      recommendation: 'reduce',
      r27BudgetCut: true,
      conclusion: '使用率偏低',
      evaluatedOn: '2026-11-25',
    });
    expect((await budgetInputs(env.ds, 2027)).find((b) => b.projectId === pid(p))).toEqual({
      budgetYear: 2027,
      projectId: pid(p),
      projectCode: p.code,
      orgId: p.orgId,
      grade: 'pass',
      score: 65,
      recommendation: 'reduce',
      r27BudgetCut: true,
    });
    // the data bureau's own post-evaluations (API) feed the budget too
    expect((await new DeliveryService(env.ds).postEvaluationsForBudget(2026)).map((r) => r.projectId)).toContain(p.id);
  });

  it('the refusal notices record the refused change (R20) and delay (R22.3); 整改合格 closes the order (R26)', async () => {
    const lifecycle = new LifecycleService(env.ds, env.deps.calendar, env.clock.now);
    const notify = w(createNotifyWorker);
    const p = await addProject(env, { stage: 'implementation', approvedAmount: '100.00' });
    await onceAndAgain(
      notify,
      {
        projectId: pid(p),
        changeCase: 'case-3',
        changeNewContent: '增加移动端',
        changeTotalInvestment: 99,
        changeApprovalReason: '理由不充分',
      },
      { customHeaders: { template: 'change-rejected', recipients: 'department' } },
    );
    expect(await lifecycle.changeRequests(p.id)).toEqual([
      expect.objectContaining({
        changeCase: 'business-need',
        newAmount: '99.00',
        status: 'rejected',
        decisionNote: '理由不充分',
      }),
    ]);
    const pending = await lifecycle.requestDelay(p.id, 1, {
      contractedDate: '2026-12-31',
      requestedDate: '2027-03-31',
      reason: '设备到货延迟',
    });
    await onceAndAgain(
      notify,
      { projectId: pid(p), requestedAcceptanceDate: '2027-03-31', delayReviewReason: '可按期验收' },
      { customHeaders: { template: 'delay-rejected', recipients: 'department' } },
    );
    expect(await lifecycle.delayRequests(p.id)).toEqual([
      expect.objectContaining({ id: pending.id, status: 'rejected', decisionNote: '可按期验收' }),
    ]);
    const order = await run(env, w(createRectificationRegisterWorker), {
      projectId: pid(p),
      rectificationIssues: '未按期报送进度',
      orderedBy: 'data-bureau',
      rectificationDays: 5,
    });
    const rectificationId = vars(order).rectificationId as string;
    await onceAndAgain(
      notify,
      { projectId: pid(p), rectificationId },
      { customHeaders: { template: 'rectified', recipients: 'department' } },
    );
    expect(await new RectificationService(env.ds, env.clock.now).view(Number(rectificationId))).toMatchObject({
      status: 'closed',
      overdue: false,
    });
  });

  it('keeps the helper honest: inPlans admits a payment', async () => {
    const p = await addProject(env, { stage: 'payment', approvedAmount: '10.00', planYear: 2038 });
    await inPlans(env, p);
    expect(await new PlanService(env.ds).investmentFacts(p.id)).toEqual({
      inInvestmentPlan: true,
      inApprovedAnnualPlan: true,
    });
  });
});
