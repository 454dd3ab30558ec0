/**
 * The steps of project-lifecycle as the participants take them: jobs answered with the variables
 * their workers return, user tasks completed by the candidate group of regulation.md.
 */
import type { TestEngine } from '../support/engine';
import type { Run } from './driver';

/** Pins the engine clock (timers fire when the pinned time passes their date). */
export const pin = (t: TestEngine, iso: string) => t.sdk.pinClock({ timestamp: Date.parse(iso) });

export type Vars = Record<string, unknown>;
export const DEPT = 'dept:edu';
/** Far enough ahead that the R19.3 year-end check never fires unless a test wants it. */
export const NEVER = '2099-12-01T09:00:00+08:00';

export const project = (id: string, extra: Vars = {}): Vars => ({
  projectId: id,
  departmentGroup: DEPT,
  departmentCode: 'edu',
  projectName: '智慧校园统一身份认证平台',
  planYear: 2027,
  totalInvestment: 120,
  fundSource: 'fiscal',
  listedInDepartmentBudget: false,
  crossDepartment: false,
  urgentAdHoc: false,
  classifiedSystem: false,
  constructionStart: '2027-01',
  constructionEnd: '2027-12',
  ...extra,
});
export const opinion = (decision: 'pass' | 'fail' | 'return') => ({ decision, reason: `审查意见：${decision}` });
export const scores = { scorePlanning: 18, scoreSharing: 17, scoreFeasibility: 18, scoreBudget: 16, scoreCrypto: 17 };

export interface ApplyOptions {
  reportsRequired?: boolean;
  outcome?: 'pass' | 'fail' | 'return';
  isKeyProject?: boolean;
  awaitWindow?: boolean;
}

/** 项目申报 → 材料审核 → 联合审查论证 (R6, R7). */
export async function applyAndReview(run: Run, o: ApplyOptions = {}): Promise<void> {
  await run.job('egov.applicability-check', 'Task_ApplicabilityCheck', {
    governed: true,
    quarterlyReportsRequired: o.reportsRequired ?? false,
  });
  await review(run, o);
}

export async function review(run: Run, o: ApplyOptions): Promise<void> {
  await run.job('egov.materials-check', 'Task_MaterialsCheck', {
    materialsComplete: true,
    materialsDefects: [],
    awaitReviewWindow: o.awaitWindow ?? false,
  });
  await run.job('egov.duplicate-check', 'Task_DuplicateCheck', { duplicateFound: false });
  if (o.awaitWindow) {
    await run.reached('Event_JointReviewOpened', 'ACTIVE');
    await run.publish('joint-review-opened', String((await run.vars()).projectId));
  }
  await jointReview(run, o);
}

/** 联合审查论证 (R7): five bodies in parallel with the expert panel, then the aggregate. */
export async function jointReview(run: Run, o: ApplyOptions): Promise<void> {
  await run.job('egov.due-date', 'Task_ReviewDueDate', { dueDate: '2026-12-31T17:30:00+08:00' });
  await run.job('egov.expert-panel', 'Task_ExpertPanel', { expertPanel: ['expert-1', 'expert-2', 'expert-3'] });
  await run.complete('Task_ReviewDataBureau', 'data-bureau', opinion('pass'));
  await run.complete('Task_ReviewFinance', 'finance', opinion('pass'));
  await run.complete('Task_ReviewDrc', 'drc', opinion('pass'));
  await run.complete('Task_ReviewCrypto', 'crypto-bureau', opinion('pass'));
  await run.complete('Task_ReviewCyberspace', 'cyberspace-office', opinion(o.outcome ?? 'pass'));
  for (let i = 0; i < 3; i++) {
    await run.complete('Task_ExpertScoring', 'experts', {
      ...scores,
      recommendation: 'pass',
      noConflictOfInterest: true,
    });
  }
  const seen = await run.job('egov.review-aggregate', 'Task_ReviewAggregate', {
    reviewOutcome: o.outcome ?? 'pass',
    isKeyProject: o.isKeyProject ?? false,
  });
  // Each body's opinion and every expert's scores arrive as separate variables (R7).
  expect(seen.cyberspaceReview).toEqual(opinion(o.outcome ?? 'pass'));
  expect(seen.expertScores).toHaveLength(3);
}

/** 重点项目单独立项 (optional) → 投资计划 (R5, R21). */
export async function approve(run: Run, o: ApplyOptions = {}): Promise<void> {
  if (o.isKeyProject) {
    await run.complete('Task_KeyProjectApproval', 'drc', {
      keyApprovalDecision: 'approve',
      approvalDocumentNo: '叶发改〔2026〕88号',
      keyApprovalReason: '同意立项',
    });
  }
  await run.complete('Task_InvestmentPlan', 'drc', {
    investmentPlanYear: 2027,
    investmentPlanNo: '叶发改投〔2026〕12号',
    approvedInvestment: 120,
  });
  await run.job('egov.investment-plan-register', 'Task_InvestmentPlanRegister', { investmentPlanRegistered: true });
}

/** 年度建设计划 (R8.1): the annual process's message includes the project. */
export async function includeInPlan(
  run: Run,
  projectId: string,
  planYear = 2027,
  yearEndCheckAt = NEVER,
): Promise<void> {
  await run.reached('Gateway_PlanDecision', 'ACTIVE');
  await run.publish('annual-plan-included', projectId, { planYear });
  await run.job('egov.due-date', 'Task_YearEndCheckDate', { dueDate: yearEndCheckAt });
}

/** 项目启动 → 明确监理/等保/测评单位 → 政府采购 (R11, R18, R14). */
export async function startConstruction(run: Run): Promise<void> {
  await run.complete('Task_ProjectStart', DEPT, {
    projectResponsiblePerson: '张伟',
    projectResponsiblePhone: '13812345678',
    projectStartDate: '2027-01-05',
    managementSystems: ['project-management', 'procurement'],
  });
  await run.complete('Task_UnitsDesignation', 'data-bureau', {
    supervisionUnit: '安徽某监理公司',
    classifiedProtectionUnit: '某等保测评中心',
    thirdPartyTestingUnit: '某软件评测中心',
  });
  await run.job('egov.units-designate', 'Task_UnitsDesignate');
  await run.complete('Task_Procurement', 'trading-center', {
    procurementMethod: 'open-tender',
    contractAmount: 110,
    contractedAcceptanceDate: '2027-11-30',
  });
  await run.job('egov.procurement-record', 'Task_ProcurementRecord', { procurementCompliant: true });
}

/** 网络安全检查 and 密码应用审查 (R12, R13), then 初步验收 (R22.1). */
export async function inspectAndPreliminary(run: Run, preliminaryAcceptanceDate = '2027-11-10'): Promise<void> {
  await run.job('egov.security-gate', 'Task_SecurityGate', { securityDocsComplete: true });
  await run.job('egov.crypto-gate', 'Task_CryptoGate', { cryptoDocsComplete: true });
  await run.complete('Task_SecurityInspection', 'cyberspace-office', { securityInspectionResult: 'pass' });
  await run.job('egov.check-passed-record', 'Task_SecurityInspectionPassedRecord');
  await run.complete('Task_CryptoReview', 'crypto-bureau', { cryptoReviewResult: 'pass' });
  await run.job('egov.check-passed-record', 'Task_CryptoReviewPassedRecord');
  await run.complete('Task_PreliminaryAcceptance', DEPT, { preliminaryResult: 'pass', preliminaryAcceptanceDate });
}

export const finalDocs = {
  docAcceptanceApplication: 'A-1',
  docConstructionSummary: 'A-2',
  securityReportType: 'classified-protection',
  docSecurityRiskReport: 'A-3',
  docCryptoAssessmentReport: 'A-4',
};
