/**
 * The steps of project-lifecycle as the participants take them end to end (world.ts): the real
 * workers answer every job, people complete their tasks through the TaskService with what their
 * forms require. Every helper waits for the task it completes, so a worker/model mismatch shows up
 * as an incident in the failure message.
 */
import { LifeRun } from './world';

export type Vars = Record<string, unknown>;

/** The process 附件1 form (`application-form`) as the department fills it in when materials are returned. */
export function revisedApplication(run: LifeRun, name: string, over: Vars = {}): Vars {
  return {
    departmentName: run.dept,
    projectName: name,
    summary: `${name}：依据区政务信息化规划建设。`,
    constructionStart: '2027-01',
    constructionEnd: '2027-12',
    projectCategory: 'application-system',
    constructionType: 'new',
    fundSource: 'fiscal',
    listedInDepartmentBudget: false,
    crossDepartment: false,
    urgentAdHoc: false,
    classifiedSystem: false,
    totalInvestment: 120,
    fundFiscal: 120,
    fundBankLoan: 0,
    fundSelfRaised: 0,
    fundOther: 0,
    responsiblePerson: '刘建国',
    contactPerson: '王晓梅',
    contactPhone: '0564-6661234',
    contactEmail: 'contact@yeji.gov.cn',
    docConstructionBasis: '建设依据.pdf',
    docConstructionPlan: '建设方案.pdf',
    docBudgetEstimate: '概算.pdf',
    docFeasibilityStudy: '可研报告.pdf',
    sharingAnalysisIncluded: true,
    docResourceCatalogue: '信息资源目录.xlsx',
    productSecurityStatement: '采购产品均为安全可靠产品（R14）。',
    r24Compliance: [
      'gov-cloud',
      'data-aggregation',
      'interconnection',
      'data-sharing',
      'business-collaboration',
      'domestic-crypto',
      'network-security',
    ],
    supervisorOpinion: '同意申报',
    supervisorSealed: true,
    supervisorOpinionDate: '2026-09-10',
    ...over,
  };
}

export const opinion = (decision: 'pass' | 'fail' | 'return', reason = `审查意见：${decision}`) => ({
  decision,
  reason,
});

export const expertSheet = (score = 82, recommendation: 'pass' | 'fail' = 'pass') => ({
  scorePlanning: score,
  scoreSharing: score - 2,
  scoreFeasibility: score,
  scoreBudget: score - 4,
  scoreCrypto: score - 3,
  recommendation,
  expertComment: recommendation === 'pass' ? '方案可行，建议通过' : '方案不成熟，建议不通过',
  noConflictOfInterest: true,
});

/**
 * R6 materials: the test's 附件1 (world.ts `applicationForm`) ticks no R16/R24 items and its
 * department has no R9 catalogue (no catalogue entry, no uploaded `resource-catalogue`), so the
 * first check (`egov.materials-check`) returns the application (退回修改); the department completes
 * the process form (`revisedApplication`: catalogue document named, every R24 item ticked), the
 * second check passes; the duplicate check finds nothing.
 */
export async function throughMaterials(run: LifeRun, name: string, over: Vars = {}): Promise<void> {
  await run.complete('Task_ReviseApplication', run.deptGroup, revisedApplication(run, name, over));
  // the first pass went through the duplicate check too: wait for the gateway only the complete pass reaches
  await run.reached('Gateway_AwaitReviewWindow');
}

/**
 * 联合审查论证 (R7): opened by the annual process's message in the Oct–Dec window, the five
 * bodies in parallel, each drawn expert scores their own sheet, the aggregate decides.
 */
export async function jointReview(
  run: LifeRun,
  o: { cyberspace?: 'pass' | 'fail'; expertScore?: number; awaitWindow?: boolean } = {},
): Promise<void> {
  if (o.awaitWindow !== false) {
    await run.reached('Event_JointReviewOpened', 'ACTIVE');
    await run.publish('joint-review-opened');
  }
  const sheets = await run.open('Task_ExpertScoring', 3);
  for (const s of sheets) await run.complete('Task_ExpertScoring', s.assignee!, expertSheet(o.expertScore));
  await run.complete('Task_ReviewDataBureau', 'data-bureau', opinion('pass'));
  await run.complete('Task_ReviewFinance', 'finance', opinion('pass'));
  await run.complete('Task_ReviewDrc', 'drc', opinion('pass'));
  await run.complete('Task_ReviewCrypto', 'crypto-bureau', opinion('pass'));
  await run.complete(
    'Task_ReviewCyberspace',
    'cyberspace-office',
    opinion(o.cyberspace ?? 'pass', o.cyberspace === 'fail' ? '未落实等保三级要求' : '同意'),
  );
  await run.reached('Task_ReviewAggregate');
}

/** 重点项目单独立项 (when the review says so) → 投资计划 (R5, R21). */
export async function investmentPlan(run: LifeRun, approved = 120, key = false): Promise<void> {
  if (key)
    await run.complete('Task_KeyProjectApproval', 'drc', {
      keyApprovalDecision: 'approve',
      approvalDocumentNo: '叶发改〔2026〕88号',
      keyApprovedInvestment: approved,
      keyApprovalReason: '同意单独立项',
    });
  await run.complete('Task_InvestmentPlan', 'drc', {
    investmentPlanYear: 2027,
    investmentPlanNo: '叶发改投〔2026〕12号',
    approvedInvestment: approved,
  });
  await run.reached('Task_InvestmentPlanRegister');
}

/**
 * 年度建设计划 (R8.1) by the real `annual-planning` process of the plan year, started after the
 * concentrated review window (so its application deadline and review-end timers have passed): the
 * data bureau compiles the plan with each project included or not, the district government
 * approves it, egov.plan-publish issues it (annual_plan), and the send tasks publish one message
 * per project to its project-lifecycle instance.
 */
export async function annualPlan(
  runs: { run: LifeRun; included: boolean; funds?: number }[],
  planYear = 2027,
): Promise<LifeRun> {
  const w = runs[0]!.run.w;
  for (const { run } of runs) await run.reached('Gateway_PlanDecision', 'ACTIVE');
  const created = await w.t.sdk.createProcessInstance({
    processDefinitionId: 'annual-planning',
    variables: { planYear },
  });
  const plan = new LifeRun(w, created.processInstanceKey, 0, '');
  const planItems = await Promise.all(
    runs.map(async ({ run, included, funds }) => ({
      projectId: String(run.projectId),
      projectName: (await run.project()).name,
      included: included ? 'yes' : 'no',
      allocatedFunds: included ? (funds ?? 120) : 0,
    })),
  );
  await plan.complete('Task_CompileAnnualPlan', 'data-bureau', {
    planYear,
    planItems,
    planTotalFunds: planItems.reduce((s, i) => s + i.allocatedFunds, 0),
  });
  await plan.complete('Task_GovernmentApproval', 'government', opinion('pass', '同意下达'));
  await plan.reached('EndEvent_PlanIssued');
  for (const { run, included } of runs) await run.reached(included ? 'Event_PlanIncluded' : 'Event_PlanNotIncluded');
  return plan;
}

/** 年度建设计划 (R8.1): the project is included by its plan year's annual-planning process. */
export async function includeInPlan(run: LifeRun, planYear = 2027): Promise<void> {
  await annualPlan([{ run, included: true }], planYear);
}

/** 项目启动 → 监理/等保/测评单位 → 政府采购 (R11, R18, R14). */
export async function startConstruction(run: LifeRun, contractAmount = 110, acceptance = '2027-11-30'): Promise<void> {
  await run.complete('Task_ProjectStart', run.deptGroup, {
    projectResponsiblePerson: '张伟',
    projectResponsiblePhone: '13812345678',
    projectStartDate: '2027-01-05',
    managementSystems: ['project-management', 'procurement', 'contract', 'network-security', 'classified-protection'],
  });
  await run.complete('Task_UnitsDesignation', 'data-bureau', {
    supervisionUnit: '安徽信诚工程监理有限公司',
    classifiedProtectionUnit: '安徽省等级保护测评中心',
    thirdPartyTestingUnit: '六安市软件评测中心',
  });
  await run.complete('Task_Procurement', 'trading-center', {
    procurementMethod: 'open-tender',
    tenderNo: 'YJZC-2027-018',
    supplierName: '安徽政通信息技术有限公司',
    contractNo: 'HT-2027-018',
    contractAmount,
    contractSignedDate: '2027-02-20',
    contractedAcceptanceDate: acceptance,
    productsSecureAndReliable: true,
  });
  await run.reached('Task_ProcurementRecord');
}

export const implementation = (completed = '2027-10-30', invested = 110) => ({
  constructionCompletedDate: completed,
  implementationSummary: '按批复内容完成建设并部署于区政务云',
  builtAsApproved: true,
  deployedOnGovCloud: true,
  investedAmount: invested,
});

/** 网络安全检查 and 密码应用审查 (R12, R13), then 初步验收 (R22.1). */
export async function inspectAndPreliminary(run: LifeRun, preliminaryDate = '2027-11-10'): Promise<void> {
  await run.complete('Task_SecurityInspection', 'cyberspace-office', {
    securityInspectionResult: 'pass',
    classifiedProtectionLevel: '3',
    riskAssessmentDate: '2027-11-02',
  });
  // the passed round is recorded on the pass path (egov.check-passed-record): rows in decision order
  await run.reached('Task_SecurityInspectionPassedRecord');
  await run.complete('Task_CryptoReview', 'crypto-bureau', {
    cryptoReviewResult: 'pass',
    cryptoSynchronised: ['planned', 'built', 'running'],
  });
  await run.complete('Task_PreliminaryAcceptance', run.deptGroup, {
    preliminaryAcceptanceDate: preliminaryDate,
    preliminaryResult: 'pass',
    preliminaryParticipants: '建设单位、监理单位、承建单位',
    docPreliminaryReport: '初验报告.pdf',
  });
}

export const finalApplication = {
  docAcceptanceApplication: '验收申请.pdf',
  docConstructionSummary: '建设总结.pdf',
  securityReportType: 'classified-protection',
  docSecurityRiskReport: '等保测评报告.pdf',
  docCryptoAssessmentReport: '密评报告.pdf',
  productSecurityStatus: '全部为安全可靠产品',
  cryptoApplicationStatus: '商用密码同步规划、建设、运行',
  securityReviewStatus: '已通过网络安全审查',
};

export const acceptanceOpinion = (result: 'pass' | 'fail', goLiveDate?: string) => ({
  itemProductSecurity: 'pass',
  itemCryptography: 'pass',
  itemSecurityReview: 'pass',
  itemEnergyEfficiency: 'not-applicable',
  finalAcceptanceResult: result,
  finalAcceptanceOpinion: result === 'pass' ? '验收合格' : '部分功能未达合同要求，限期整改',
  ...(goLiveDate ? { goLiveDate } : {}),
});

export const organisation = {
  finalAcceptanceMeetingDate: '2027-12-15',
  finalAcceptancePanel: '区政务信息化专家库 5 名专家',
  finalAcceptanceVenue: '区数据资源管理局 3 楼会议室',
  // Task_FinalAcceptanceReview is assigned to the lead: the world's user for `experts`
  // (`run.complete('Task_FinalAcceptanceReview', 'experts', …)` acts as them, no claim)
  finalAcceptancePanelLead: 'expert.wang',
};
