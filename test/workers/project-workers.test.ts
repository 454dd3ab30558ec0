/**
 * The workers that read and change the domain, on the real database (SQLite, or MariaDB with
 * TEST_DATABASE_URL): outputs for representative inputs and boundaries, BPMN error mapping, and
 * idempotency — the same job delivered twice changes nothing the second time.
 */
import { AuditLog } from '../../services/audit/audit-log';
import { PlanService } from '../../services/domain/plans';
import {
  LedgerEntryEntity,
  ProjectEntity,
  RectificationOrderEntity,
  ReviewAssignmentEntity,
  ReviewRoundEntity,
  ExpertScoreEntity,
  AttachmentEntity,
  InvestmentPlanEntryEntity,
} from '../../services/domain/entities';
import { createAcceptanceDateUpdateWorker } from '../../workers/acceptance-date-update';
import { createAcceptanceDocsCheckWorker } from '../../workers/acceptance-docs-check';
import { createAcceptanceRecordWorker } from '../../workers/acceptance-record';
import { createApplicabilityCheckWorker } from '../../workers/applicability-check';
import { createChangeCheckWorker } from '../../workers/change-check';
import { createDueDateWorker } from '../../workers/due-date';
import { createArchiveWorker } from '../../workers/archive';
import { createAuditRecordWorker } from '../../workers/audit-record';
import { createChangeFileWorker } from '../../workers/change-file';
import { createCryptoGateWorker } from '../../workers/crypto-gate';
import { createDuplicateCheckWorker } from '../../workers/duplicate-check';
import { createExpertPanelWorker } from '../../workers/expert-panel';
import { createFundRecoveryWorker } from '../../workers/fund-recovery';
import { createImplementationStatusCheckWorker } from '../../workers/implementation-status-check';
import { createInvestmentPlanRegisterWorker } from '../../workers/investment-plan-register';
import { createMaterialsCheckWorker, R14_NO_STATEMENT, R9_NO_CATALOGUE } from '../../workers/materials-check';
import { createPaymentWorker, PAYMENT_EXCEEDS_APPROVED } from '../../workers/payment';
import { createPlanAddAdhocWorker } from '../../workers/plan-add-adhoc';
import { createPlanCarryOverWorker } from '../../workers/plan-carry-over';
import { budgetInputs, createPostEvaluationRecordWorker } from '../../workers/post-evaluation-record';
import { createProcurementRecordWorker } from '../../workers/procurement-record';
import { createProgressReportRecordWorker } from '../../workers/progress-report-record';
import { createProjectResumeWorker } from '../../workers/project-resume';
import { createProjectSuspendWorker } from '../../workers/project-suspend';
import { createProjectTerminateWorker } from '../../workers/project-terminate';
import { createRectificationRegisterWorker } from '../../workers/rectification-register';
import { createReviewAggregateWorker } from '../../workers/review-aggregate';
import { createSecurityGateWorker } from '../../workers/security-gate';
import { createSelfEvaluationSubmitWorker } from '../../workers/self-evaluation-submit';
import { createSubprojectRegisterWorker } from '../../workers/subproject-register';
import { createSurplusReturnRecordWorker } from '../../workers/surplus-return-record';
import { createUnitsDesignateWorker } from '../../workers/units-designate';
import { createWorkerConfig } from '../../workers/deps';
import type { WorkerDefinition } from '../../workers/framework';
import {
  addProject,
  addUser,
  completed,
  inPlans,
  openWorkerTestEnv,
  run,
  snapshot,
  type WorkerTestEnv,
} from './helpers';
import { contractedUnits2026, pid, procurementRecordVars, workerOf } from './project-fixtures';

let env: WorkerTestEnv;

beforeAll(async () => {
  env = await openWorkerTestEnv('wproject', {
    config: {
      contractedUnits: contractedUnits2026(2),
      existingSystems: [{ name: '叶集区政务数据共享交换平台', description: '部门间数据共享交换', owner: '区数管局' }],
    },
  });
});
afterAll(async () => {
  await env?.close();
});

const w = <T extends WorkerDefinition>(create: (d: typeof env.deps) => T) => workerOf(env, create);
const project = async (id: number) => env.ds.getRepository(ProjectEntity).findOneByOrFail({ id });

describe('egov.materials-check (R6, R9, R10, R14, R16, R24)', () => {
  it('should pass a complete application of 15 September 2026 and wait for the October review', async () => {
    env.clock.set('2026-09-15T09:00:00+08:00');
    const p = await addProject(env);
    const out = await completed(env, w(createMaterialsCheckWorker), { projectId: pid(p), planYear: 2027 });
    expect(out).toEqual({
      materialsComplete: true,
      materialsDefects: [],
      materialsDefectsText: '申报材料齐全合规',
      awaitReviewWindow: true,
      planYear: 2027,
    });
  });

  it('should list every missing item and move a late application (9 October 2026) to plan year 2028', async () => {
    env.clock.set('2026-10-09T09:00:00+08:00');
    const p = await addProject(env, {
      attachments: ['construction-basis'],
      data: {
        supervisorSealed: false,
        docResourceCatalogue: '',
        securityStatement: undefined,
        r24Compliance: ['gov-cloud'],
      },
    });
    const out = await completed(env, w(createMaterialsCheckWorker), { projectId: pid(p), planYear: 2027 });
    const defects = out.materialsDefects as string[];
    expect(out.materialsComplete).toBe(false);
    expect(defects[0]).toBe('R6 缺少申报材料：建设方案、概算、可行性研究报告');
    expect(defects).toContain('R6 附件1 缺少主管部门意见并盖章');
    expect(defects).toContain(R9_NO_CATALOGUE);
    expect(defects).toContain(R14_NO_STATEMENT);
    expect(defects.find((d) => d.startsWith('R16/R24'))).toContain('国产密码应用');
    expect(out.materialsDefectsText).toMatch(/^申报材料审核未通过：\n1\. R6/);
    expect(out.planYear).toBe(2028);
    expect((await project(p.id)).planYear).toBe(2028);
  });

  it('should take 退回修改 variables into account and keep the first submission date in the loop', async () => {
    env.clock.set('2026-09-20T09:00:00+08:00');
    const p = await addProject(env, { data: { docResourceCatalogue: '' } });
    const pik = '2251799813700001';
    const first = await completed(
      env,
      w(createMaterialsCheckWorker),
      { projectId: pid(p), planYear: 2027 },
      { processInstanceKey: pik },
    );
    expect(first.materialsDefects).toEqual([R9_NO_CATALOGUE]);
    env.clock.set('2026-10-12T09:00:00+08:00');
    const again = await completed(
      env,
      w(createMaterialsCheckWorker),
      { projectId: pid(p), planYear: 2027, docResourceCatalogue: '目录.xlsx' },
      { processInstanceKey: pik },
    );
    // submitted on 20 September: still plan year 2027, and the review window is open now
    expect(again).toMatchObject({ materialsComplete: true, planYear: 2027, awaitReviewWindow: false });
  });

  it('should require participants and the framework plan for a cross-department project (R10)', async () => {
    env.clock.set('2026-09-15T09:00:00+08:00');
    const p = await addProject(env);
    const out = await completed(env, w(createMaterialsCheckWorker), {
      projectId: pid(p),
      planYear: 2027,
      crossDepartment: true,
    });
    expect(out.materialsDefects).toEqual(['R10 跨部门项目未明确参建单位', 'R10 跨部门项目缺少统一框架方案']);
    const q = await addProject(env, {
      participants: ['WJW'],
      attachments: [
        'construction-basis',
        'construction-plan',
        'budget-estimate',
        'feasibility-report',
        'framework-plan',
      ],
    });
    const ok = await completed(env, w(createMaterialsCheckWorker), {
      projectId: pid(q),
      planYear: 2027,
      crossDepartment: true,
    });
    expect(ok.materialsComplete).toBe(true);
  });

  it('should fail the job (retried, then an incident) for an unknown project', async () => {
    const action = await run(env, w(createMaterialsCheckWorker), { projectId: '999999', planYear: 2027 });
    expect(action).toMatchObject({ action: 'fail', retries: 2, errorMessage: '项目不存在：999999' });
  });
});

describe('egov.duplicate-check (R9, R10, R16)', () => {
  it('should find a similar project with its score, and not an unrelated one', async () => {
    const existing = await addProject(env, { name: '叶集区教育局智慧校园管理平台', stage: 'implementation' });
    const fresh = await addProject(env, {
      name: '叶集区智慧校园管理平台（二期）',
      data: { summary: '建设校园安全、教务和家校沟通应用' },
    });
    const out = await completed(env, w(createDuplicateCheckWorker), { projectId: pid(fresh), crossDepartment: false });
    expect(out.duplicateFound).toBe(true);
    const similar = out.similarProjects as { projectId: string; score: number; kind: string }[];
    expect(similar.map((s) => s.projectId)).toContain(pid(existing));
    expect(similar[0]!.score).toBeGreaterThanOrEqual(0.55);
    expect((out.duplicateDetails as string[])[0]).toMatch(/^R9\/R16 与已有项目相似（相似度 \d+%）：/);

    const other = await addProject(env, {
      name: '叶集区农村饮水安全在线监测系统',
      data: { summary: '对农村集中供水工程水质进行在线监测' },
    });
    const none = await completed(env, w(createDuplicateCheckWorker), { projectId: pid(other) });
    expect(none).toEqual({ duplicateFound: false, duplicateDetails: [], similarProjects: [] });
  });

  it('should compare with systems in operation and find overlapping sub-projects of participants', async () => {
    const p = await addProject(env, {
      name: '叶集区政务数据共享交换平台升级',
      data: { summary: '部门间数据共享交换' },
    });
    const out = await completed(env, w(createDuplicateCheckWorker), {
      projectId: pid(p),
      crossDepartment: true,
      participants: [
        {
          departmentCode: 'WJW',
          departmentName: '区卫健委',
          subProjectName: '居民电子健康档案',
          subProjectContent: '健康档案采集与共享',
        },
        {
          departmentCode: 'YBJ',
          departmentName: '区医保局',
          subProjectName: '居民电子健康档案共享',
          subProjectContent: '健康档案采集与共享',
        },
      ],
    });
    const kinds = (out.similarProjects as { kind: string }[]).map((s) => s.kind);
    expect(kinds).toContain('system');
    expect(kinds).toContain('subproject');
    expect((out.duplicateDetails as string[]).some((d) => d.startsWith('R10 参建单位子项目内容重复交叉'))).toBe(true);
  });
});

describe('egov.expert-panel and egov.review-aggregate (R7)', () => {
  let experts: string[] = [];
  beforeAll(async () => {
    for (let i = 1; i <= 4; i++) await addUser(env, 'experts', ['expert'], { username: `expert.t${i}` });
    await addUser(env, 'experts', ['expert'], { username: 'expert.off', disabled: true });
    await addUser(env, 'experts', ['staff'], { username: 'pool.clerk' });
    experts = ['expert.t1', 'expert.t2', 'expert.t3', 'expert.t4'];
  });

  it('should draw the active experts, open the round and move the project to joint review', async () => {
    env.clock.set('2026-10-10T09:00:00+08:00');
    const p = await addProject(env);
    const out = await completed(env, w(createExpertPanelWorker), { projectId: pid(p) });
    expect(out.expertPanel).toEqual(experts);
    const round = await env.ds.getRepository(ReviewRoundEntity).findOneByOrFail({ id: Number(out.reviewRoundId) });
    expect(round).toMatchObject({ projectId: p.id, status: 'open', roundNo: 1 });
    expect(await env.ds.getRepository(ReviewAssignmentEntity).countBy({ roundId: round.id })).toBe(4);
    expect((await project(p.id)).stage).toBe('joint-review');
  });

  it('should prefer the least-loaded experts when the panel is smaller than the pool', async () => {
    const small = createExpertPanelWorker({ ...env.deps, config: createWorkerConfig({ expertPanelSize: 3 }) });
    const a = await completed(env, small as unknown as WorkerDefinition, { projectId: pid(await addProject(env)) });
    const b = await completed(env, small as unknown as WorkerDefinition, { projectId: pid(await addProject(env)) });
    // everyone has one open round after the first test; b avoids a's three where it can
    expect(new Set([...(a.expertPanel as string[]), ...(b.expertPanel as string[])])).toEqual(new Set(experts));
  });

  it('should keep a round the API opened and top its panel up to the quorum', async () => {
    const p = await addProject(env);
    const expertId = (await env.ds.query("SELECT id FROM app_user WHERE username = 'expert.t2'")) as { id: number }[];
    const res = await env.ds.getRepository(ReviewRoundEntity).insert({
      projectId: p.id,
      roundNo: 1,
      status: 'open',
      applicationVersion: 1,
      openedBy: p.createdBy,
      openedAt: '2026-10-09T00:00:00.000Z',
      closedAt: null,
      outcome: null,
      reason: null,
    });
    const roundId = Number(res.identifiers[0]!.id);
    await env.ds.getRepository(ReviewAssignmentEntity).insert({ roundId, expertId: Number(expertId[0]!.id) });
    const out = await completed(env, w(createExpertPanelWorker), { projectId: pid(p) });
    expect(out.reviewRoundId).toBe(String(roundId));
    expect(out.expertPanel).toHaveLength(3);
    expect(out.expertPanel).toContain('expert.t2');
    expect(await env.ds.getRepository(ReviewRoundEntity).countBy({ projectId: p.id })).toBe(1);
  });

  it('should fail the job when the pool is smaller than the quorum (an operator adds experts)', async () => {
    const strict = createExpertPanelWorker({
      ...env.deps,
      config: createWorkerConfig({ reviewQuorum: 9, expertPanelSize: 9 }),
    });
    const action = await run(env, strict as unknown as WorkerDefinition, { projectId: pid(await addProject(env)) });
    expect(action).toMatchObject({ action: 'fail' });
    expect((action as { errorMessage: string }).errorMessage).toContain('少于评审所需 9 人');
  });

  it('should close the round with the scores and move a passed project to approval (key project flagged)', async () => {
    const p = await addProject(env, { totalInvestment: '1200.00' });
    const panel = await completed(env, w(createExpertPanelWorker), { projectId: pid(p) });
    const pass = { decision: 'pass', reason: '' };
    const sheets = (panel.expertPanel as string[]).slice(0, 3).map((expert) => ({
      expert,
      planning: 85,
      sharing: 80,
      feasibility: 82,
      budget: 78,
      crypto: 75,
      recommendation: 'pass',
    }));
    const out = await completed(env, w(createReviewAggregateWorker), {
      projectId: pid(p),
      dataBureauReview: pass,
      financeReview: pass,
      drcReview: pass,
      cryptoReview: pass,
      cyberspaceReview: pass,
      expertScores: [...sheets, null],
      totalInvestment: 1200,
    });
    expect(out).toMatchObject({ reviewOutcome: 'pass', reviewPassed: true, reviewScore: 80, isKeyProject: true });
    const round = await env.ds.getRepository(ReviewRoundEntity).findOneByOrFail({ id: Number(panel.reviewRoundId) });
    expect(round).toMatchObject({ status: 'closed', outcome: 'passed' });
    expect(await env.ds.getRepository(ExpertScoreEntity).countBy({ roundId: round.id })).toBe(3);
    expect(await project(p.id)).toMatchObject({ stage: 'approval', keyProject: true });
  });
});

describe('planning, construction and money', () => {
  it('egov.investment-plan-register: the approved investment becomes the ceiling (R21, R19.1)', async () => {
    env.clock.set('2026-11-25T10:00:00+08:00');
    const p = await addProject(env, { stage: 'approval' });
    expect(
      await completed(env, w(createInvestmentPlanRegisterWorker), {
        projectId: pid(p),
        investmentPlanNo: '叶发改投资〔2026〕12号',
        investmentPlanYear: 2027,
        approvedInvestment: 110.5,
      }),
    ).toEqual({ investmentPlanRegistered: true });
    expect(await project(p.id)).toMatchObject({ approvedAmount: '110.50', stage: 'investment-plan' });
    // the domain's R21 gate sees the project in the investment plan
    expect(await new PlanService(env.ds).investmentFacts(p.id)).toMatchObject({ inInvestmentPlan: true });
    expect(await env.ds.getRepository(InvestmentPlanEntryEntity).findOneByOrFail({ projectId: p.id })).toMatchObject({
      year: 2027,
      amount: '110.50',
      approvedOn: '2026-11-25',
    });
  });

  it('egov.plan-add-adhoc and egov.plan-carry-over (R8.1, R8.2)', async () => {
    const p = await addProject(env, { stage: 'investment-plan' });
    expect(await completed(env, w(createPlanCarryOverWorker), { projectId: pid(p), planYear: 2027 })).toEqual({
      planYear: 2028,
    });
    expect((await project(p.id)).planYear).toBe(2028);
    expect(
      await completed(env, w(createPlanAddAdhocWorker), {
        projectId: pid(p),
        planYear: 2027,
        adHocApprovalNo: '叶政〔2026〕3号',
      }),
    ).toEqual({ planIncluded: true });
    expect(await project(p.id)).toMatchObject({ stage: 'annual-plan', planYear: 2027 });
  });

  it('egov.units-designate: the data bureau’s choice is kept, empty roles rotate over the contracted units (R18)', async () => {
    env.clock.set('2026-11-25T10:00:00+08:00');
    const designate = w(createUnitsDesignateWorker);
    const first = await completed(env, designate, { projectId: pid(await addProject(env)) });
    const second = await completed(env, designate, { projectId: pid(await addProject(env)) });
    const third = await completed(env, designate, {
      projectId: pid(await addProject(env)),
      supervisionUnit: '指定监理公司',
    });
    expect([first.supervisionUnit, second.supervisionUnit, third.supervisionUnit]).toEqual([
      '安徽建科监理公司',
      '六安信息监理公司',
      '指定监理公司',
    ]);
    expect([first.thirdPartyTestingUnit, second.thirdPartyTestingUnit, third.thirdPartyTestingUnit]).toEqual([
      '省软件评测中心',
      '六安质检院',
      '省软件评测中心',
    ]);
    expect(third.unitsAssignedBy).toEqual({
      supervisionUnit: 'data-bureau',
      classifiedProtectionUnit: 'round-robin',
      thirdPartyTestingUnit: 'round-robin',
    });
    expect(first).not.toHaveProperty('year');
    env.clock.set('2027-02-01T10:00:00+08:00');
    const none = await run(env, designate, { projectId: pid(await addProject(env)) });
    expect(none).toMatchObject({ action: 'fail' });
    expect((none as { errorMessage: string }).errorMessage).toContain('2027 年度未配置中标的监理单位');
    env.clock.set('2026-11-25T10:00:00+08:00');
  });

  it('egov.procurement-record: contract ≤ approved investment and products 安全可靠 (R14, R19.1)', async () => {
    const p = await addProject(env, { stage: 'procurement', approvedAmount: '100.00' });
    const base = procurementRecordVars(p, {
      contractedAcceptanceDate: '2027-06-30T00:00:00+08:00',
      approvedInvestment: 100,
    });
    expect(await completed(env, w(createProcurementRecordWorker), base)).toEqual({
      procurementCompliant: true,
      procurementDefects: [],
      contractedAcceptanceDate: '2027-06-30',
    });
    expect((await project(p.id)).stage).toBe('implementation');
    const over = await completed(env, w(createProcurementRecordWorker), {
      ...base,
      contractAmount: 100.01,
      productsSecureAndReliable: false,
      tenderNo: '',
    });
    expect(over.procurementCompliant).toBe(false);
    expect(over.procurementDefects).toEqual([
      'R19.1 合同金额 100.01 万元超过批复投资 100 万元',
      'R14 采购产品未确认安全可靠',
      'R14 招标采购须登记招标编号',
    ]);
  });

  it('egov.security-gate and egov.crypto-gate: reports on file (R11–R13)', async () => {
    const p = await addProject(env, { stage: 'implementation' });
    const sec = await completed(env, w(createSecurityGateWorker), {
      projectId: pid(p),
      classifiedSystem: true,
      managementSystems: ['project-management', 'network-security'],
    });
    expect(sec.securityDocsComplete).toBe(false);
    expect(sec.materialsDefectsText).toContain('R11/R12 缺少保密测评报告');
    expect(sec.materialsDefectsText).toContain('R11 未落实等级保护测评制度');
    expect(sec.materialsDefectsText).toContain('R11 涉密信息系统未确认执行保密规定');
    const crypto = await completed(env, w(createCryptoGateWorker), { projectId: pid(p) });
    expect(crypto).toEqual({
      cryptoDocsComplete: false,
      materialsDefectsText: '密码应用材料核验（R13）：\n1. R13 缺少密码应用安全性评估（密评）报告',
    });
    for (const kind of ['security-assessment', 'crypto-assessment'] as const)
      await env.ds.getRepository(AttachmentEntity).insert({
        projectId: p.id,
        kind,
        originalName: `${kind}.pdf`,
        storedName: `gate-${p.id}-${kind}`,
        mediaType: 'application/pdf',
        size: 10,
        sm3: 'b'.repeat(64),
        uploadedBy: p.createdBy,
        uploadedAt: '2026-11-01T00:00:00.000Z',
      });
    expect(
      await completed(env, w(createSecurityGateWorker), {
        projectId: pid(p),
        classifiedSystem: false,
        managementSystems: ['network-security', 'classified-protection'],
      }),
    ).toMatchObject({ securityDocsComplete: true });
    expect(await completed(env, w(createCryptoGateWorker), { projectId: pid(p) })).toMatchObject({
      cryptoDocsComplete: true,
    });
  });

  it('egov.rectification-register, suspend, resume and terminate (R26, R27)', async () => {
    const p = await addProject(env, { stage: 'implementation' });
    const pik = '2251799813711111';
    const order = await completed(
      env,
      w(createRectificationRegisterWorker),
      {
        projectId: pid(p),
        rectificationIssues: '未按期报送进度',
        orderedBy: 'data-bureau',
        orderRule: 'R27',
        rectificationDays: 10,
      },
      { processInstanceKey: pik },
    );
    expect(order).toMatchObject({ rectificationDeadline: '2026-12-09', r27Order: true });
    const row = await env.ds
      .getRepository(RectificationOrderEntity)
      .findOneByOrFail({ id: Number(order.rectificationId) });
    expect(row).toMatchObject({
      projectId: p.id,
      deadline: '2026-12-09',
      status: 'open',
      issue: '【R27】未按期报送进度',
    });
    expect(
      await completed(
        env,
        w(createProjectSuspendWorker),
        { projectId: pid(p), rectificationId: order.rectificationId },
        { processInstanceKey: pik },
      ),
    ).toEqual({ projectStatus: 'suspended' });
    expect((await project(p.id)).stage).toBe('suspended');
    expect(
      await completed(env, w(createProjectResumeWorker), { projectId: pid(p) }, { processInstanceKey: pik }),
    ).toEqual({
      projectStatus: 'in-construction',
    });
    expect((await project(p.id)).stage).toBe('implementation');
    expect(
      await completed(env, w(createProjectTerminateWorker), {
        projectId: pid(p),
        suspensionReason: '整改后仍不符合要求',
      }),
    ).toEqual({
      projectStatus: 'terminated',
    });
    expect((await project(p.id)).stage).toBe('terminated');
    const missing = await run(env, w(createRectificationRegisterWorker), {
      projectId: pid(p),
      rectificationIssues: 'x',
      orderedBy: 'data-bureau',
    });
    expect(missing).toMatchObject({ action: 'fail', retries: 0 });
  });

  it('egov.implementation-status-check: not carried out until procurement (R19.3)', async () => {
    const p = await addProject(env, { stage: 'procurement', approvedAmount: '50.00' });
    const pik = '2251799813722222';
    const check = () =>
      completed(
        env,
        w(createImplementationStatusCheckWorker),
        { projectId: pid(p), planYear: 2026 },
        { processInstanceKey: pik },
      );
    expect((await check()).carriedOutAsPlanned).toBe(false);
    await completed(
      env,
      w(createProcurementRecordWorker),
      {
        projectId: pid(p),
        procurementMethod: 'inquiry',
        supplierName: '供应商',
        contractNo: 'HT-1',
        contractAmount: 40,
        contractSignedDate: '2026-11-01',
        contractedAcceptanceDate: '2027-03-01',
        productsSecureAndReliable: true,
      },
      { processInstanceKey: pik },
    );
    expect((await check()).carriedOutAsPlanned).toBe(true);
  });

  it('egov.fund-recovery: the approved amount falls, never below what is paid (R19.3)', async () => {
    const p = await addProject(env, { stage: 'implementation', approvedAmount: '100.00' });
    await env.ds.getRepository(LedgerEntryEntity).insert({
      projectId: p.id,
      kind: 'payment',
      amount: '30.00',
      valueDate: '2026-10-01',
      note: null,
      recordedBy: 0,
      recordedAt: '2026-10-01T00:00:00.000Z',
    });
    expect(await completed(env, w(createFundRecoveryWorker), { projectId: pid(p), fundRecoveryAmount: 100 })).toEqual({
      recoveredAmount: 70,
    });
    expect((await project(p.id)).approvedAmount).toBe('30.00');
  });

  it('egov.acceptance-record: go-live defaults to the acceptance day (R22.2, R23 anchor)', async () => {
    const p = await addProject(env, { stage: 'final-acceptance' });
    expect(
      await completed(env, w(createAcceptanceRecordWorker), { projectId: pid(p), finalAcceptanceResult: 'pass' }),
    ).toEqual({
      goLiveDate: '2026-11-25',
      acceptedOn: '2026-11-25',
    });
    expect(
      await completed(env, w(createAcceptanceRecordWorker), {
        projectId: pid(p),
        finalAcceptanceResult: 'pass',
        goLiveDate: '2026-12-01T00:00:00+08:00',
      }),
    ).toMatchObject({ goLiveDate: '2026-12-01' });
    expect((await project(p.id)).stage).toBe('payment');
  });

  describe('egov.payment against the ledger (R19.2)', () => {
    it('should book payments up to the approved investment and report the surplus', async () => {
      const p = await addProject(env, { stage: 'payment', approvedAmount: '100.00' });
      await inPlans(env, p);
      const pay = (amount: number) =>
        run(env, w(createPaymentWorker), {
          projectId: pid(p),
          requestedAmount: amount,
          paymentApprovedAmount: amount,
          approvedInvestment: 100,
        });
      expect(await pay(60)).toEqual({
        action: 'complete',
        variables: { paidTotal: 60, surplusAmount: 40, paymentAmount: 60 },
      });
      const refused = await pay(40.01);
      expect(refused).toMatchObject({ action: 'error', errorCode: PAYMENT_EXCEEDS_APPROVED });
      expect((refused as { errorMessage: string }).errorMessage).toContain('累计支付不得超过批复金额（R19.2）');
      expect(await env.ds.getRepository(LedgerEntryEntity).countBy({ projectId: p.id })).toBe(1);
      // exactly the rest is allowed: nothing is left to return
      expect(await pay(40)).toEqual({
        action: 'complete',
        variables: { paidTotal: 100, surplusAmount: 0, paymentAmount: 40 },
      });
    });

    it('should pay the amount finance approved when it is less than requested', async () => {
      const p = await addProject(env, { stage: 'payment', approvedAmount: '80.00' });
      await inPlans(env, p);
      const out = await completed(env, w(createPaymentWorker), {
        projectId: pid(p),
        requestedAmount: 80,
        paymentApprovedAmount: 75.5,
      });
      expect(out).toEqual({ paidTotal: 75.5, surplusAmount: 4.5, paymentAmount: 75.5 });
    });

    it('should refuse with the BPMN error when no investment is approved', async () => {
      const p = await addProject(env, { stage: 'payment', approvedAmount: null });
      const action = await run(env, w(createPaymentWorker), { projectId: pid(p), requestedAmount: 1 });
      expect(action).toMatchObject({ action: 'error', errorCode: PAYMENT_EXCEEDS_APPROVED });
    });
  });

  it('egov.surplus-return-record: books the return, never more than the surplus (R19.2)', async () => {
    const p = await addProject(env, { stage: 'payment', approvedAmount: '100.00' });
    await inPlans(env, p);
    await completed(env, w(createPaymentWorker), { projectId: pid(p), requestedAmount: 90 });
    const out = await completed(env, w(createSurplusReturnRecordWorker), {
      projectId: pid(p),
      surplusAmount: 10,
      returnedAmount: 10,
      surplusReturnedDate: '2026-11-30',
      surplusVoucherNo: 'TK-2026-009',
    });
    expect(out).toEqual({ surplusReturned: 10, surplusRemaining: 0 });
    const entries = await env.ds
      .getRepository(LedgerEntryEntity)
      .find({ where: { projectId: p.id }, order: { id: 'ASC' } });
    expect(entries.map((e) => [e.kind, e.amount])).toEqual([
      ['payment', '90.00'],
      ['surplus-return', '10.00'],
    ]);
    const tooMuch = await run(env, w(createSurplusReturnRecordWorker), {
      projectId: pid(p),
      returnedAmount: 0.01,
      surplusReturnedDate: '2026-11-30',
      surplusVoucherNo: 'TK-2026-010',
    });
    expect(tooMuch).toMatchObject({ action: 'fail' });
  });
});

describe('evaluation, audit, archive, reports, sub-projects', () => {
  it('egov.post-evaluation-record feeds next year’s budget input; R27 turns normal into reduce (R29)', async () => {
    const p = await addProject(env, { stage: 'post-evaluation' });
    const out = await completed(env, w(createPostEvaluationRecordWorker), {
      projectId: pid(p),
      scoreOperationEfficiency: 82,
      scoreUsageEffect: 75,
      postEvaluationGrade: 'good',
      budgetRecommendation: 'normal',
      r27BudgetCut: true,
    });
    expect(out.budgetInput).toMatchObject({
      budgetYear: 2027,
      projectId: pid(p),
      score: 78.5,
      recommendation: 'reduce',
    });
    expect((await budgetInputs(env.ds, 2027)).map((b) => b.projectId)).toContain(pid(p));
    expect(await budgetInputs(env.ds, 2030)).toEqual([]);
  });

  it('egov.self-evaluation-submit notes lateness (R23); egov.audit-record and egov.change-file record (R28, R20)', async () => {
    const p = await addProject(env, { stage: 'self-evaluation' });
    expect(
      await completed(env, w(createSelfEvaluationSubmitWorker), {
        projectId: pid(p),
        operationEffect: '运行平稳',
        docSelfEvaluationReport: 'zp.pdf',
        selfEvaluationDueDate: '2026-11-24T23:59:59+08:00',
      }),
    ).toEqual({ selfEvaluationOnTime: false });
    expect(
      await completed(env, w(createAuditRecordWorker), { projectId: pid(p), auditReportNo: '叶审〔2026〕5号' }),
    ).toHaveProperty('auditRecordedAt');
    expect(
      await completed(env, w(createChangeFileWorker), {
        projectId: pid(p),
        changeCase: 'case-2',
        changeNewContent: '改用政务云数据库服务',
      }),
    ).toHaveProperty('changeFiledAt');
    const rows = (await env.ds.query('SELECT action, target FROM audit_log WHERE target = ? ORDER BY id', [
      `project:${p.id}`,
    ])) as { action: string }[];
    expect(rows.map((r) => r.action)).toEqual([
      'process.self-evaluation-submit',
      'process.audit-record',
      'process.change-file',
    ]);
  });

  it('egov.archive closes the project with a digest of its file in the intact audit chain (R25)', async () => {
    const p = await addProject(env, { stage: 'post-evaluation' });
    const out = await completed(env, w(createArchiveWorker), { projectId: pid(p) });
    expect(out.projectStatus).toBe('completed');
    expect(out.archiveDigest).toMatch(/^[0-9a-f]{64}$/);
    expect((await project(p.id)).stage).toBe('closed');
    expect(await new AuditLog(env.ds).verify()).toBeNull();
  });

  it('should keep the audit chain intact when jobs run concurrently (rows written after commit)', async () => {
    const projects = await Promise.all([1, 2, 3, 4, 5, 6].map(() => addProject(env, { stage: 'implementation' })));
    const actions = await Promise.all(
      projects.map((p, i) =>
        run(env, w(createAuditRecordWorker), { projectId: pid(p), auditReportNo: `叶审〔2026〕${i + 10}号` }),
      ),
    );
    expect(actions.every((a) => a.action === 'complete')).toBe(true);
    expect(await new AuditLog(env.ds).verify()).toBeNull();
  });

  it('egov.progress-report-record: lastReportedQuarter and on-time flag (R15)', async () => {
    const p = await addProject(env, { stage: 'implementation' });
    expect(
      await completed(env, w(createProgressReportRecordWorker), {
        projectId: pid(p),
        reportQuarter: '2026Q3',
        reportDueDate: '2026-10-13T23:59:59+08:00',
        reportProgress: '完成需求调研和系统设计',
        reportDate: '2026-10-12',
      }),
    ).toEqual({ lastReportedQuarter: '2026Q3', reportOnTime: false });
  });

  it('egov.subproject-register: participant, budget share, no overlap with other units (R10)', async () => {
    const p = await addProject(env, { stage: 'implementation', participants: ['WJW', 'YBJ'] });
    const participant = (code: string, budget: number) => ({
      departmentCode: code,
      departmentName: code,
      subProjectName: `${code}子项目`,
      subProjectContent: '',
      subProjectBudget: budget,
    });
    const register = w(createSubprojectRegisterWorker);
    expect(
      await completed(env, register, {
        projectId: pid(p),
        participant: participant('WJW', 50),
        subProjectName: '居民电子健康档案',
        subProjectContent: '采集并共享居民健康档案',
        subProjectBudget: 50,
      }),
    ).toEqual({ subProjectAccepted: true, subProjectDefects: [] });
    const overlap = await completed(env, register, {
      projectId: pid(p),
      participant: participant('YBJ', 30),
      subProjectName: '居民电子健康档案共享',
      subProjectContent: '采集并共享居民健康档案',
      subProjectBudget: 31,
    });
    expect(overlap.subProjectAccepted).toBe(false);
    expect(overlap.subProjectDefects).toEqual([
      'R10 子项目预算 31 万元超过框架方案确定的 30 万元',
      expect.stringMatching(/^R10 与WJW的子项目“居民电子健康档案”内容重复交叉/),
    ]);
    const stranger = await completed(env, register, {
      projectId: pid(p),
      participant: participant('GAJ', 10),
      subProjectName: '视频监控联网',
      subProjectContent: '公安视频资源接入',
      subProjectBudget: 10,
    });
    expect(stranger.subProjectDefects).toEqual(['R10 GAJ 不是本项目的参建单位']);
  });
});

describe('idempotency: the same job delivered twice changes nothing the second time (every project worker)', () => {
  const cases: [
    string,
    (d: typeof env.deps) => unknown,
    (projectId: string) => Record<string, unknown>,
    Record<string, unknown>?,
  ][] = [
    ['materials-check', createMaterialsCheckWorker, (id) => ({ projectId: id, planYear: 2027 })],
    ['expert-panel', createExpertPanelWorker, (id) => ({ projectId: id })],
    [
      'investment-plan-register',
      createInvestmentPlanRegisterWorker,
      (id) => ({ projectId: id, investmentPlanNo: 'X1', investmentPlanYear: 2027, approvedInvestment: 100 }),
    ],
    ['plan-carry-over', createPlanCarryOverWorker, (id) => ({ projectId: id, planYear: 2027 })],
    ['plan-add-adhoc', createPlanAddAdhocWorker, (id) => ({ projectId: id, planYear: 2027 })],
    ['units-designate', createUnitsDesignateWorker, (id) => ({ projectId: id })],
    [
      'rectification-register',
      createRectificationRegisterWorker,
      (id) => ({ projectId: id, rectificationIssues: '问题', orderedBy: 'finance', rectificationDays: 5 }),
    ],
    ['project-suspend', createProjectSuspendWorker, (id) => ({ projectId: id })],
    ['project-terminate', createProjectTerminateWorker, (id) => ({ projectId: id })],
    ['fund-recovery', createFundRecoveryWorker, (id) => ({ projectId: id, fundRecoveryAmount: 10 })],
    ['acceptance-record', createAcceptanceRecordWorker, (id) => ({ projectId: id, finalAcceptanceResult: 'pass' })],
    ['payment', createPaymentWorker, (id) => ({ projectId: id, requestedAmount: 30 })],
    ['payment (refused)', createPaymentWorker, (id) => ({ projectId: id, requestedAmount: 300 })],
    [
      'surplus-return-record',
      createSurplusReturnRecordWorker,
      (id) => ({ projectId: id, returnedAmount: 5, surplusReturnedDate: '2026-11-25', surplusVoucherNo: 'V1' }),
    ],
    [
      'post-evaluation-record',
      createPostEvaluationRecordWorker,
      (id) => ({
        projectId: id,
        scoreOperationEfficiency: 80,
        scoreUsageEffect: 80,
        postEvaluationGrade: 'good',
        budgetRecommendation: 'normal',
      }),
    ],
    ['archive', createArchiveWorker, (id) => ({ projectId: id })],
    [
      'procurement-record',
      createProcurementRecordWorker,
      (id) => ({
        projectId: id,
        procurementMethod: 'inquiry',
        supplierName: 'S',
        contractNo: 'C',
        contractAmount: 10,
        contractSignedDate: '2026-11-01',
        contractedAcceptanceDate: '2027-01-01',
        productsSecureAndReliable: true,
      }),
    ],
    ['audit-record', createAuditRecordWorker, (id) => ({ projectId: id, auditReportNo: 'A1' })],
    [
      'applicability-check',
      createApplicabilityCheckWorker,
      (id) => ({
        projectId: id,
        listedInDepartmentBudget: true,
        totalInvestment: 10,
        fundSource: 'fiscal',
        constructionStart: '2026-01',
        constructionEnd: '2026-12',
      }),
    ],
    ['duplicate-check', createDuplicateCheckWorker, (id) => ({ projectId: id })],
    ['due-date', createDueDateWorker, () => ({ dueDateRule: 'R26.rectification', rectificationDays: 3 })],
    [
      'review-aggregate',
      createReviewAggregateWorker,
      (id) => ({
        projectId: id,
        dataBureauReview: { decision: 'pass' },
        financeReview: { decision: 'pass' },
        drcReview: { decision: 'return', reason: '补充' },
        cryptoReview: { decision: 'pass' },
        cyberspaceReview: { decision: 'pass' },
        expertScores: [],
        totalInvestment: 100,
      }),
    ],
    [
      'change-check',
      createChangeCheckWorker,
      (id) => ({ projectId: id, changeCase: 'case-1', changeWithinBudget: true, changeGoalsUnchanged: true }),
    ],
    [
      'change-file',
      createChangeFileWorker,
      (id) => ({ projectId: id, changeCase: 'case-1', changeNewContent: '内容' }),
    ],
    [
      'acceptance-date-update',
      createAcceptanceDateUpdateWorker,
      (id) => ({ projectId: id, requestedAcceptanceDate: '2027-03-01' }),
    ],
    ['project-resume', createProjectResumeWorker, (id) => ({ projectId: id })],
    ['implementation-status-check', createImplementationStatusCheckWorker, (id) => ({ projectId: id })],
    ['security-gate', createSecurityGateWorker, (id) => ({ projectId: id })],
    ['crypto-gate', createCryptoGateWorker, (id) => ({ projectId: id })],
    ['acceptance-docs-check', createAcceptanceDocsCheckWorker, (id) => ({ projectId: id })],
    [
      'self-evaluation-submit',
      createSelfEvaluationSubmitWorker,
      (id) => ({ projectId: id, operationEffect: '良好', docSelfEvaluationReport: 'r.pdf' }),
    ],
    [
      'subproject-register',
      createSubprojectRegisterWorker,
      (id) => ({
        projectId: id,
        participant: { departmentCode: 'JYJ' },
        subProjectName: '子项目',
        subProjectContent: '内容',
        subProjectBudget: 1,
      }),
    ],
    [
      'progress-report-record',
      createProgressReportRecordWorker,
      (id) => ({ projectId: id, reportQuarter: '2026Q3', reportProgress: '进展' }),
    ],
  ];

  it.each(cases)('%s', async (_name, create, variables) => {
    const p = await addProject(env, { stage: 'implementation', approvedAmount: '100.00' });
    await inPlans(env, p);
    const def = create(env.deps) as WorkerDefinition;
    const vars = variables(pid(p));
    const at = { elementInstanceKey: `77${p.id}`, processInstanceKey: `88${p.id}` };
    const first = await run(env, def, vars, at);
    expect(first.action).not.toBe('fail');
    const before = await snapshot(env.ds);
    const second = await run(env, def, vars, { ...at, jobKey: '999' });
    expect(second).toEqual(first);
    expect(await snapshot(env.ds)).toEqual(before);
  });
});

describe('lenient where a person may leave a field empty', () => {
  it('egov.fund-recovery without an amount recovers everything not yet paid (R19.3)', async () => {
    const p = await addProject(env, { stage: 'implementation', approvedAmount: '80.00' });
    expect(await completed(env, w(createFundRecoveryWorker), { projectId: pid(p), fundRecoveryAmount: null })).toEqual({
      recoveredAmount: 80,
    });
    expect((await project(p.id)).approvedAmount).toBe('0.00');
  });
});
