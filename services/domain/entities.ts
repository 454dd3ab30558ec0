/**
 * Domain entities as TypeORM EntitySchemas (no decorators: `tsx` does not emit decorator metadata).
 * Entities hold data; the services next to them hold the rules. Timestamps are ISO-8601 UTC
 * strings (portable between SQLite and MySQL, and ordered as text); money is DECIMAL(14,2).
 */
import { EntitySchema } from 'typeorm';
import type { EntitySchemaColumnOptions } from 'typeorm';
import { moneyTransformer, type Money } from './money';
import type { OrgType, Role } from './organisations';

const id: EntitySchemaColumnOptions = { type: 'integer', primary: true, generated: 'increment' };
const ts = (name: string, nullable = false): EntitySchemaColumnOptions => ({
  type: 'varchar',
  length: 30,
  name,
  nullable,
});
const money = (name: string, nullable = false): EntitySchemaColumnOptions => ({
  type: 'decimal',
  precision: 14,
  scale: 2,
  name,
  nullable,
  transformer: moneyTransformer,
});
const bool = (name: string): EntitySchemaColumnOptions => ({
  type: 'boolean',
  name,
  default: false,
  transformer: { to: (v: boolean) => v, from: (v: unknown) => v === true || v === 1 || v === '1' },
});
const int = (name: string, nullable = false): EntitySchemaColumnOptions => ({
  type: 'integer',
  name,
  nullable,
  transformer: { to: (v: number | null) => v, from: (v: unknown) => (v === null ? null : Number(v)) },
});
const str = (name: string, length: number, nullable = false): EntitySchemaColumnOptions => ({
  type: 'varchar',
  length,
  name,
  nullable,
});
const text = (name: string, nullable = true): EntitySchemaColumnOptions => ({ type: 'text', name, nullable });

// ---------------------------------------------------------------- organisations and users

export interface Organisation {
  id: number;
  code: string;
  name: string;
  type: OrgType;
}

export const OrganisationEntity = new EntitySchema<Organisation>({
  name: 'Organisation',
  tableName: 'organisation',
  columns: { id, code: str('code', 40), name: str('name', 100), type: str('type', 20) as never },
});

export interface User {
  id: number;
  username: string;
  displayName: string;
  email: string | null;
  phone: string | null;
  orgId: number;
  /** roles within the user's organisation */
  roles: Role[];
  passwordHash: string;
  passwordChangedAt: string;
  failedLogins: number;
  lockedUntil: string | null;
  disabled: boolean;
  createdAt: string;
}

export const UserEntity = new EntitySchema<User>({
  name: 'User',
  tableName: 'app_user',
  columns: {
    id,
    username: str('username', 60),
    displayName: str('display_name', 60),
    email: str('email', 120, true),
    phone: str('phone', 30, true),
    orgId: int('org_id'),
    roles: {
      type: 'varchar',
      length: 200,
      name: 'roles',
      transformer: {
        to: (v: Role[]) => v.join(','),
        from: (v: string) => (v ? (v.split(',') as Role[]) : []),
      },
    },
    passwordHash: str('password_hash', 200),
    passwordChangedAt: ts('password_changed_at'),
    failedLogins: { ...int('failed_logins'), default: 0 },
    lockedUntil: ts('locked_until', true),
    disabled: bool('disabled'),
    createdAt: ts('created_at'),
  },
});

export interface Session {
  id: number;
  /** SM3 of the cookie token: a stolen table does not yield usable tokens */
  tokenHash: string;
  userId: number;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
}

export const SessionEntity = new EntitySchema<Session>({
  name: 'Session',
  tableName: 'user_session',
  columns: {
    id,
    tokenHash: str('token_hash', 64),
    userId: int('user_id'),
    createdAt: ts('created_at'),
    lastSeenAt: ts('last_seen_at'),
    expiresAt: ts('expires_at'),
    ip: str('ip', 64, true),
  },
});

// ---------------------------------------------------------------- projects and applications

export const PROJECT_CATEGORIES = [
  'cloud-platform',
  'application-system',
  'infrastructure',
  'network',
  'information-resource',
  'information-security',
] as const;
export type ProjectCategory = (typeof PROJECT_CATEGORIES)[number];
/** R3 names, for UI and exports */
export const CATEGORY_NAMES: Record<ProjectCategory, string> = {
  'cloud-platform': '云平台（含数据库）',
  'application-system': '应用系统',
  infrastructure: '电子政务基础设施',
  network: '信息网络',
  'information-resource': '信息资源开发',
  'information-security': '信息安全',
};

export const PROJECT_KINDS = ['new', 'expansion', 'upgrade'] as const;
export type ProjectKind = (typeof PROJECT_KINDS)[number];
export const KIND_NAMES: Record<ProjectKind, string> = { new: '新建', expansion: '扩建', upgrade: '升级改造' };

/** The stages of 附件3, in order, plus the ends. */
export const PROJECT_STAGES = [
  'draft',
  'not-governed',
  'submitted',
  'returned',
  'joint-review',
  'rejected',
  'approval',
  'investment-plan',
  'annual-plan',
  'started',
  'units-designated',
  'procurement',
  'implementation',
  'security-inspection',
  'crypto-review',
  'final-acceptance',
  'payment',
  'self-evaluation',
  'post-evaluation',
  'closed',
  'suspended',
  'terminated',
] as const;
export type ProjectStage = (typeof PROJECT_STAGES)[number];
export const STAGE_NAMES: Record<ProjectStage, string> = {
  draft: '草稿',
  'not-governed': '不适用本办法（R2.2）',
  submitted: '已申报',
  returned: '退回修改',
  'joint-review': '联合审查论证',
  rejected: '审查未通过',
  approval: '立项审批',
  'investment-plan': '列入政府性投资计划',
  'annual-plan': '编制年度建设计划',
  started: '项目启动',
  'units-designated': '明确监理/等保/测评单位',
  procurement: '政府采购',
  implementation: '项目实施',
  'security-inspection': '网络安全检查',
  'crypto-review': '密码应用审查',
  'final-acceptance': '竣工验收',
  payment: '经费支付',
  'self-evaluation': '绩效评价',
  'post-evaluation': '项目后评价',
  closed: '已结束',
  suspended: '已暂停',
  terminated: '已终止',
};

export interface Project {
  id: number;
  code: string;
  name: string;
  category: ProjectCategory;
  kind: ProjectKind;
  /** lead organisation (建设单位; for cross-department projects the lead unit, R10) */
  orgId: number;
  responsiblePerson: string;
  startMonth: string;
  endMonth: string;
  fundFiscal: Money;
  fundLoan: Money;
  fundSelf: Money;
  fundOther: Money;
  totalInvestment: Money;
  /** approved budget (R19.1), set when the review opinion / plan fixes it */
  approvedAmount: Money | null;
  keyProject: boolean;
  departmentBudget: boolean;
  stage: ProjectStage;
  planYear: number;
  processInstanceKey: string | null;
  currentVersion: number;
  createdBy: number;
  createdAt: string;
  updatedAt: string;
  /** when the current stage began (set by the stage setters, services/domain/stage-history.ts); null: use createdAt */
  stageEnteredAt?: string | null;
}

export const ProjectEntity = new EntitySchema<Project>({
  name: 'Project',
  tableName: 'project',
  columns: {
    id,
    code: str('code', 40),
    name: str('name', 200),
    category: str('category', 40) as never,
    kind: str('kind', 20) as never,
    orgId: int('org_id'),
    responsiblePerson: str('responsible_person', 60),
    startMonth: str('start_month', 7),
    endMonth: str('end_month', 7),
    fundFiscal: money('fund_fiscal'),
    fundLoan: money('fund_loan'),
    fundSelf: money('fund_self'),
    fundOther: money('fund_other'),
    totalInvestment: money('total_investment'),
    approvedAmount: money('approved_amount', true),
    keyProject: bool('key_project'),
    departmentBudget: bool('department_budget'),
    stage: str('stage', 40) as never,
    planYear: int('plan_year'),
    processInstanceKey: str('process_instance_key', 40, true),
    currentVersion: int('current_version'),
    createdBy: int('created_by'),
    createdAt: ts('created_at'),
    updatedAt: ts('updated_at'),
    stageEnteredAt: ts('stage_entered_at', true),
  },
});

/** One visit of a project to a stage; `leftAt` null while the project is still there. */
export interface ProjectStageVisit {
  id: number;
  projectId: number;
  stage: ProjectStage;
  enteredAt: string;
  leftAt: string | null;
  /** why the project is here, JSON array of strings — the reasons of a 退回修改 (`returned`) */
  note?: string | null;
}

export const ProjectStageHistoryEntity = new EntitySchema<ProjectStageVisit>({
  name: 'ProjectStageVisit',
  tableName: 'project_stage_history',
  columns: {
    id,
    projectId: int('project_id'),
    stage: str('stage', 40) as never,
    enteredAt: ts('entered_at'),
    leftAt: ts('left_at', true),
    note: text('note'),
  },
});

/** R10: participant units of a cross-department project. */
export interface ProjectParticipant {
  id: number;
  projectId: number;
  orgId: number;
}

export const ProjectParticipantEntity = new EntitySchema<ProjectParticipant>({
  name: 'ProjectParticipant',
  tableName: 'project_participant',
  columns: { id, projectId: int('project_id'), orgId: int('org_id') },
});

/** 附件1, one row per version; `data` is the whole form as JSON. */
export interface ApplicationVersion {
  id: number;
  projectId: number;
  version: number;
  data: string;
  createdBy: number;
  createdAt: string;
  /**
   * the `Task_ReviseApplication` user task this version answers (退回修改); a retry of the same
   * revision rewrites this row instead of adding another version
   */
  revisionTaskKey?: string | null;
}

export const ApplicationVersionEntity = new EntitySchema<ApplicationVersion>({
  name: 'ApplicationVersion',
  tableName: 'application_version',
  columns: {
    id,
    projectId: int('project_id'),
    version: int('version'),
    data: text('data', false),
    createdBy: int('created_by'),
    createdAt: ts('created_at'),
    revisionTaskKey: str('revision_task_key', 40, true),
  },
});

export const ATTACHMENT_KINDS = [
  'construction-basis',
  'construction-plan',
  'budget-estimate',
  'feasibility-report',
  'application-form',
  'framework-plan',
  'resource-catalogue',
  'acceptance-report',
  'construction-summary',
  'security-assessment',
  'crypto-assessment',
  'other',
] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

export interface Attachment {
  id: number;
  projectId: number;
  kind: AttachmentKind;
  originalName: string;
  storedName: string;
  mediaType: string;
  size: number;
  sm3: string;
  uploadedBy: number;
  uploadedAt: string;
}

export const AttachmentEntity = new EntitySchema<Attachment>({
  name: 'Attachment',
  tableName: 'attachment',
  columns: {
    id,
    projectId: int('project_id'),
    kind: str('kind', 40) as never,
    originalName: str('original_name', 200),
    storedName: str('stored_name', 80),
    mediaType: str('media_type', 120),
    size: int('size'),
    sm3: str('sm3', 64),
    uploadedBy: int('uploaded_by'),
    uploadedAt: ts('uploaded_at'),
  },
});

// ---------------------------------------------------------------- joint review (R7)

export interface ReviewRound {
  id: number;
  projectId: number;
  roundNo: number;
  status: 'open' | 'closed';
  /** the application version under review */
  applicationVersion: number;
  openedBy: number;
  openedAt: string;
  closedAt: string | null;
  outcome: 'passed' | 'failed' | null;
  reason: string | null;
}

export const ReviewRoundEntity = new EntitySchema<ReviewRound>({
  name: 'ReviewRound',
  tableName: 'review_round',
  columns: {
    id,
    projectId: int('project_id'),
    roundNo: int('round_no'),
    status: str('status', 20) as never,
    applicationVersion: int('application_version'),
    openedBy: int('opened_by'),
    openedAt: ts('opened_at'),
    closedAt: ts('closed_at', true),
    outcome: str('outcome', 20, true) as never,
    reason: text('reason'),
  },
});

export interface ReviewAssignment {
  id: number;
  roundId: number;
  expertId: number;
}

export const ReviewAssignmentEntity = new EntitySchema<ReviewAssignment>({
  name: 'ReviewAssignment',
  tableName: 'review_assignment',
  columns: { id, roundId: int('round_id'), expertId: int('expert_id') },
});

/** One expert's scores on the five R7 criteria (0–100 each) and opinion. */
export interface ExpertScore {
  id: number;
  roundId: number;
  expertId: number;
  planning: number;
  sharing: number;
  feasibility: number;
  budget: number;
  cryptography: number;
  opinion: string;
  submittedAt: string;
}

export const ExpertScoreEntity = new EntitySchema<ExpertScore>({
  name: 'ExpertScore',
  tableName: 'expert_score',
  columns: {
    id,
    roundId: int('round_id'),
    expertId: int('expert_id'),
    planning: int('planning'),
    sharing: int('sharing'),
    feasibility: int('feasibility'),
    budget: int('budget'),
    cryptography: int('cryptography'),
    opinion: text('opinion', false),
    submittedAt: ts('submitted_at'),
  },
});

// ---------------------------------------------------------------- budget ledger (R19.2)

export const LEDGER_KINDS = ['payment', 'surplus-return'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

export interface LedgerEntry {
  id: number;
  projectId: number;
  kind: LedgerKind;
  amount: Money;
  /** business date of the payment / return, YYYY-MM-DD */
  valueDate: string;
  note: string | null;
  recordedBy: number;
  recordedAt: string;
}

export const LedgerEntryEntity = new EntitySchema<LedgerEntry>({
  name: 'LedgerEntry',
  tableName: 'ledger_entry',
  columns: {
    id,
    projectId: int('project_id'),
    kind: str('kind', 20) as never,
    amount: money('amount'),
    valueDate: str('value_date', 10),
    note: text('note'),
    recordedBy: int('recorded_by'),
    recordedAt: ts('recorded_at'),
  },
});

// ---------------------------------------------------------------- rectification orders (R26)

export interface RectificationOrder {
  id: number;
  projectId: number;
  issuedByOrgId: number;
  issue: string;
  /** YYYY-MM-DD, inclusive (届满 includes the day) */
  deadline: string;
  status: 'open' | 'responded' | 'closed';
  response: string | null;
  respondedAt: string | null;
  /** the department user who reported (completed Task_Rectify / called the response route) */
  respondedBy: number | null;
  closedAt: string | null;
  /** the supervisor who found the rectification satisfactory (Task_RectificationVerify / review route) */
  closedBy: number | null;
  issuedBy: number;
  issuedAt: string;
}

export const RectificationOrderEntity = new EntitySchema<RectificationOrder>({
  name: 'RectificationOrder',
  tableName: 'rectification_order',
  columns: {
    id,
    projectId: int('project_id'),
    issuedByOrgId: int('issued_by_org_id'),
    issue: text('issue', false),
    deadline: str('deadline', 10),
    status: str('status', 20) as never,
    response: text('response'),
    respondedAt: ts('responded_at', true),
    respondedBy: int('responded_by', true),
    closedAt: ts('closed_at', true),
    closedBy: int('closed_by', true),
    issuedBy: int('issued_by'),
    issuedAt: ts('issued_at'),
  },
});

// ---------------------------------------------------------------- acceptance (R14, R22), R23, R15, R20, R22.3

export const ACCEPTANCE_STAGES = ['preliminary', 'final'] as const;
export type AcceptanceStage = (typeof ACCEPTANCE_STAGES)[number];

/** R22.1 preliminary acceptance (by the department) and R22.2 final acceptance (by the panel). */
export interface Acceptance {
  id: number;
  projectId: number;
  stage: AcceptanceStage;
  /** final: when the department applied; preliminary: when it was recorded */
  appliedOn: string;
  /** R22.2: last day to apply for final acceptance (1 month after the preliminary one) */
  dueOn: string | null;
  late: boolean;
  acceptedOn: string | null;
  result: 'passed' | 'failed' | null;
  /** panel opinion (final) or the department's own conclusion (preliminary) */
  opinion: string | null;
  /** R14 acceptance items as JSON: product security, cryptography, security review, energy efficiency (PUE) */
  items: string | null;
  recordedBy: number;
  recordedAt: string;
}

export const AcceptanceEntity = new EntitySchema<Acceptance>({
  name: 'Acceptance',
  tableName: 'acceptance',
  columns: {
    id,
    projectId: int('project_id'),
    stage: str('stage', 20) as never,
    appliedOn: str('applied_on', 10),
    dueOn: str('due_on', 10, true),
    late: bool('late'),
    acceptedOn: str('accepted_on', 10, true),
    result: str('result', 20, true) as never,
    opinion: text('opinion'),
    items: text('items'),
    recordedBy: int('recorded_by'),
    recordedAt: ts('recorded_at'),
  },
});

/** The R14 acceptance items a panel can find not met (`acceptance_attempt.failed_items`). */
export const ACCEPTANCE_ITEMS = ['productSecurity', 'cryptography', 'securityReview', 'energyEfficiency'] as const;
export type AcceptanceItem = (typeof ACCEPTANCE_ITEMS)[number];

/**
 * R22.2: every final-acceptance review, failed ones too (attempt 1, 2, … per project and stage);
 * `acceptance` keeps the stage's current state. Written by the process (`egov.acceptance-record`
 * on 合格, `egov.acceptance-failed-record` on 不合格; keyed by the job's process position) or by
 * the API's decision route (`decided_by`).
 */
export interface AcceptanceAttempt {
  id: number;
  projectId: number;
  stage: AcceptanceStage;
  attempt: number;
  result: 'passed' | 'failed';
  opinion: string | null;
  /** R14 items found not met, JSON array of `AcceptanceItem` */
  failedItems: string | null;
  /** the expert panel (acceptance-organisation form) */
  panel: string | null;
  decidedOn: string;
  /** the user who recorded the decision through the API; null when the process recorded it */
  decidedBy: number | null;
  processInstanceKey: string | null;
  elementInstanceKey: string | null;
  recordedBy: number;
  recordedAt: string;
}

export const AcceptanceAttemptEntity = new EntitySchema<AcceptanceAttempt>({
  name: 'AcceptanceAttempt',
  tableName: 'acceptance_attempt',
  columns: {
    id,
    projectId: int('project_id'),
    stage: str('stage', 20) as never,
    attempt: int('attempt'),
    result: str('result', 20) as never,
    opinion: text('opinion'),
    failedItems: text('failed_items'),
    panel: text('panel'),
    decidedOn: str('decided_on', 10),
    decidedBy: int('decided_by', true),
    processInstanceKey: str('process_instance_key', 40, true),
    elementInstanceKey: str('element_instance_key', 40, true),
    recordedBy: int('recorded_by'),
    recordedAt: ts('recorded_at'),
  },
});

/** R23 performance self-evaluation, due within 6 months of acceptance. */
export interface SelfEvaluation {
  id: number;
  projectId: number;
  effect: string;
  problems: string;
  submittedOn: string;
  dueOn: string;
  late: boolean;
  submittedBy: number;
}

export const SelfEvaluationEntity = new EntitySchema<SelfEvaluation>({
  name: 'SelfEvaluation',
  tableName: 'self_evaluation',
  columns: {
    id,
    projectId: int('project_id'),
    effect: text('effect', false),
    problems: text('problems', false),
    submittedOn: str('submitted_on', 10),
    dueOn: str('due_on', 10),
    late: bool('late'),
    submittedBy: int('submitted_by'),
  },
});

/** 附件2 quarterly progress report (R15); `data` holds the form as JSON. */
export interface ProgressReport {
  id: number;
  projectId: number;
  /** the quarter reported on, e.g. 2026-Q3 */
  quarter: string;
  data: string;
  submittedOn: string;
  dueOn: string;
  late: boolean;
  submittedBy: number;
}

export const ProgressReportEntity = new EntitySchema<ProgressReport>({
  name: 'ProgressReport',
  tableName: 'progress_report',
  columns: {
    id,
    projectId: int('project_id'),
    quarter: str('quarter', 7),
    data: text('data', false),
    submittedOn: str('submitted_on', 10),
    dueOn: str('due_on', 10),
    late: bool('late'),
    submittedBy: int('submitted_by'),
  },
});

export const CHANGE_CASES = ['deployment', 'optimisation', 'business-need'] as const;
export type ChangeCase = (typeof CHANGE_CASES)[number];
export const DECISIONS = ['submitted', 'approved', 'rejected'] as const;
export type DecisionStatus = (typeof DECISIONS)[number];

/** R20 change of main content within the approved budget and goals. */
export interface ChangeRequest {
  id: number;
  projectId: number;
  changeCase: ChangeCase;
  description: string;
  newAmount: Money;
  status: DecisionStatus;
  decisionNote: string | null;
  requestedBy: number;
  requestedAt: string;
  decidedBy: number | null;
  decidedAt: string | null;
}

export const ChangeRequestEntity = new EntitySchema<ChangeRequest>({
  name: 'ChangeRequest',
  tableName: 'change_request',
  columns: {
    id,
    projectId: int('project_id'),
    changeCase: str('change_case', 20) as never,
    description: text('description', false),
    newAmount: money('new_amount'),
    status: str('status', 20) as never,
    decisionNote: text('decision_note'),
    requestedBy: int('requested_by'),
    requestedAt: ts('requested_at'),
    decidedBy: int('decided_by', true),
    decidedAt: ts('decided_at', true),
  },
});

/** R22.3 delay of the contracted acceptance date, applied for in advance. */
export interface DelayRequest {
  id: number;
  projectId: number;
  contractedDate: string;
  requestedDate: string;
  reason: string;
  status: DecisionStatus;
  decisionNote: string | null;
  requestedBy: number;
  requestedAt: string;
  decidedBy: number | null;
  decidedAt: string | null;
}

export const DelayRequestEntity = new EntitySchema<DelayRequest>({
  name: 'DelayRequest',
  tableName: 'delay_request',
  columns: {
    id,
    projectId: int('project_id'),
    contractedDate: str('contracted_date', 10),
    requestedDate: str('requested_date', 10),
    reason: text('reason', false),
    status: str('status', 20) as never,
    decisionNote: text('decision_note'),
    requestedBy: int('requested_by'),
    requestedAt: ts('requested_at'),
    decidedBy: int('decided_by', true),
    decidedAt: ts('decided_at', true),
  },
});

// ---------------------------------------------------------------- delivery: procurement (R14), contracts (R11), units (R18), checks (R12, R13), post-evaluation (R29)

export const PROCUREMENT_METHODS = [
  'public-tender',
  'invited-tender',
  'competitive-negotiation',
  'competitive-consultation',
  'inquiry',
  'single-source',
  'framework-agreement',
] as const;
export type ProcurementMethod = (typeof PROCUREMENT_METHODS)[number];

export interface Procurement {
  id: number;
  projectId: number;
  method: ProcurementMethod;
  /** why this method (mandatory for single source) */
  justification: string | null;
  announcedOn: string;
  awardedOn: string | null;
  supplier: string | null;
  amount: Money | null;
  /** 招标编号 (R14), from the process's procurement record */
  tenderNo?: string | null;
  recordedBy: number;
  recordedAt: string;
}

export const ProcurementEntity = new EntitySchema<Procurement>({
  name: 'Procurement',
  tableName: 'procurement',
  columns: {
    id,
    projectId: int('project_id'),
    method: str('method', 40) as never,
    justification: text('justification'),
    announcedOn: str('announced_on', 10),
    awardedOn: str('awarded_on', 10, true),
    supplier: str('supplier', 200, true),
    amount: money('amount', true),
    tenderNo: str('tender_no', 100, true),
    recordedBy: int('recorded_by'),
    recordedAt: ts('recorded_at'),
  },
});

export interface Contract {
  id: number;
  projectId: number;
  procurementId: number | null;
  supplier: string;
  amount: Money;
  signedOn: string;
  /** contracted acceptance date (R22.3 delays are measured against it) */
  acceptanceDue: string;
  /** 合同编号 */
  contractNo?: string | null;
  recordedBy: number;
  recordedAt: string;
}

export const ContractEntity = new EntitySchema<Contract>({
  name: 'Contract',
  tableName: 'contract',
  columns: {
    id,
    projectId: int('project_id'),
    procurementId: int('procurement_id', true),
    supplier: str('supplier', 200),
    amount: money('amount'),
    signedOn: str('signed_on', 10),
    acceptanceDue: str('acceptance_due', 10),
    contractNo: str('contract_no', 100, true),
    recordedBy: int('recorded_by'),
    recordedAt: ts('recorded_at'),
  },
});

export const UNIT_KINDS = ['supervision', 'security-assessment', 'testing'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];
export const UNIT_KIND_NAMES: Record<UnitKind, string> = {
  supervision: '监理单位',
  'security-assessment': '等保测评单位',
  testing: '第三方测评单位',
};

/** R18: units the data bureau procures each year. */
export interface ServiceUnit {
  id: number;
  year: number;
  kind: UnitKind;
  name: string;
  contact: string | null;
}

export const ServiceUnitEntity = new EntitySchema<ServiceUnit>({
  name: 'ServiceUnit',
  tableName: 'service_unit',
  columns: {
    id,
    year: int('year'),
    kind: str('kind', 30) as never,
    name: str('name', 200),
    contact: str('contact', 120, true),
  },
});

export interface UnitDesignation {
  id: number;
  projectId: number;
  kind: UnitKind;
  unitId: number;
  designatedBy: number;
  designatedAt: string;
}

export const UnitDesignationEntity = new EntitySchema<UnitDesignation>({
  name: 'UnitDesignation',
  tableName: 'unit_designation',
  columns: {
    id,
    projectId: int('project_id'),
    kind: str('kind', 30) as never,
    unitId: int('unit_id'),
    designatedBy: int('designated_by'),
    designatedAt: ts('designated_at'),
  },
});

export const CHECK_KINDS = ['security-inspection', 'crypto-review'] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

/** R12 network-security inspection (网信办) and R13 cryptography review (机要局). */
export interface ComplianceCheck {
  id: number;
  projectId: number;
  kind: CheckKind;
  passed: boolean;
  findings: string | null;
  checkedOn: string;
  orgId: number;
  recordedBy: number;
  recordedAt: string;
  /** the round of this kind for the project (1, 2, … — a failed check is followed by a re-check) */
  round?: number | null;
  /** the process position that recorded it (null when recorded through the API) */
  processInstanceKey?: string | null;
  elementInstanceKey?: string | null;
}

export const ComplianceCheckEntity = new EntitySchema<ComplianceCheck>({
  name: 'ComplianceCheck',
  tableName: 'compliance_check',
  columns: {
    id,
    projectId: int('project_id'),
    kind: str('kind', 30) as never,
    passed: bool('passed'),
    findings: text('findings'),
    checkedOn: str('checked_on', 10),
    orgId: int('org_id'),
    recordedBy: int('recorded_by'),
    recordedAt: ts('recorded_at'),
    round: int('round_no', true),
    processInstanceKey: str('process_instance_key', 40, true),
    elementInstanceKey: str('element_instance_key', 40, true),
  },
});

export const BUDGET_RECOMMENDATIONS = ['increase', 'keep', 'reduce', 'stop'] as const;
export type BudgetRecommendation = (typeof BUDGET_RECOMMENDATIONS)[number];

/** R29 post-evaluation by the data bureau; an input to next year's investment and O&M funds. */
export interface PostEvaluation {
  id: number;
  projectId: number;
  score: number;
  grade: 'excellent' | 'good' | 'pass' | 'fail';
  conclusion: string;
  recommendation: BudgetRecommendation;
  evaluatedOn: string;
  evaluatedBy: number;
  /** R27: the department's next-year budget is cut */
  r27BudgetCut?: boolean;
}

export const PostEvaluationEntity = new EntitySchema<PostEvaluation>({
  name: 'PostEvaluation',
  tableName: 'post_evaluation',
  columns: {
    id,
    projectId: int('project_id'),
    score: int('score'),
    grade: str('grade', 20) as never,
    conclusion: text('conclusion', false),
    recommendation: str('recommendation', 20) as never,
    evaluatedOn: str('evaluated_on', 10),
    evaluatedBy: int('evaluated_by'),
    r27BudgetCut: bool('r27_budget_cut'),
  },
});

// ---------------------------------------------------------------- plans (R8, R21) and the information-resource catalogue (R9)

export const PLAN_STATUSES = ['draft', 'submitted', 'approved'] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];

/** R8.1 annual construction plan, compiled by the data bureau, approved by the district government. */
export interface AnnualPlan {
  id: number;
  year: number;
  status: PlanStatus;
  compiledBy: number;
  compiledAt: string;
  approvedBy: number | null;
  approvedAt: string | null;
}

export const AnnualPlanEntity = new EntitySchema<AnnualPlan>({
  name: 'AnnualPlan',
  tableName: 'annual_plan',
  columns: {
    id,
    year: int('year'),
    status: str('status', 20) as never,
    compiledBy: int('compiled_by'),
    compiledAt: ts('compiled_at'),
    approvedBy: int('approved_by', true),
    approvedAt: ts('approved_at', true),
  },
});

export interface AnnualPlanEntry {
  id: number;
  planId: number;
  projectId: number;
  amount: Money;
  /** R8.2: added after approval as an urgent ad-hoc project */
  urgent: boolean;
  addedBy: number;
  addedAt: string;
}

export const AnnualPlanEntryEntity = new EntitySchema<AnnualPlanEntry>({
  name: 'AnnualPlanEntry',
  tableName: 'annual_plan_entry',
  columns: {
    id,
    planId: int('plan_id'),
    projectId: int('project_id'),
    amount: money('amount'),
    urgent: bool('urgent'),
    addedBy: int('added_by'),
    addedAt: ts('added_at'),
  },
});

/**
 * The plan year's `annual-planning` instance (R6 → R7 → R8.1), started from the API: one row per
 * year (unique), inserted in the transaction that creates the instance, so a double click starts
 * one instance and the second caller gets 409.
 */
export interface AnnualPlanningProcess {
  id: number;
  year: number;
  /** null only inside the starting transaction */
  processInstanceKey: string | null;
  startedBy: number;
  startedAt: string;
}

export const AnnualPlanningProcessEntity = new EntitySchema<AnnualPlanningProcess>({
  name: 'AnnualPlanningProcess',
  tableName: 'annual_planning_process',
  columns: {
    id,
    year: int('year'),
    processInstanceKey: str('process_instance_key', 40, true),
    startedBy: int('started_by'),
    startedAt: ts('started_at'),
  },
});

/** R21: the project in the district government investment plan (DRC). */
export interface InvestmentPlanEntry {
  id: number;
  projectId: number;
  year: number;
  amount: Money;
  approvedOn: string;
  /** 投资计划文号 (R21) */
  planNo?: string | null;
  recordedBy: number;
  recordedAt: string;
}

export const InvestmentPlanEntryEntity = new EntitySchema<InvestmentPlanEntry>({
  name: 'InvestmentPlanEntry',
  tableName: 'investment_plan_entry',
  columns: {
    id,
    projectId: int('project_id'),
    year: int('year'),
    amount: money('amount'),
    approvedOn: str('approved_on', 10),
    planNo: str('plan_no', 100, true),
    recordedBy: int('recorded_by'),
    recordedAt: ts('recorded_at'),
  },
});

export const KEY_APPROVAL_DECISIONS = ['approve', 'reject'] as const;
export type KeyApprovalDecision = (typeof KEY_APPROVAL_DECISIONS)[number];

/**
 * R5: 区发改委 approves a key project (重点项目) on its own (单独立项): the decision, who decided,
 * when, and the approval document number. Written by the process (form `key-project-approval`).
 */
export interface KeyProjectApproval {
  id: number;
  projectId: number;
  decision: KeyApprovalDecision;
  documentNo: string | null;
  approvedInvestment: Money | null;
  reason: string | null;
  /** the approving body (区发改委) */
  approverOrgId: number;
  /** the user (username) who completed the approval task (`task_completion`), when known */
  approver: string | null;
  /** that user's id, when known */
  approverUserId: number | null;
  decidedOn: string;
  /** when the approval task was completed (from `task_completion`), when known */
  decidedAt: string | null;
  processInstanceKey: string | null;
  recordedAt: string;
}

export const KeyProjectApprovalEntity = new EntitySchema<KeyProjectApproval>({
  name: 'KeyProjectApproval',
  tableName: 'key_project_approval',
  columns: {
    id,
    projectId: int('project_id'),
    decision: str('decision', 20) as never,
    documentNo: str('document_no', 100, true),
    approvedInvestment: money('approved_investment', true),
    reason: text('reason'),
    approverOrgId: int('approver_org_id'),
    approver: str('approver', 60, true),
    approverUserId: int('approver_user_id', true),
    decidedOn: str('decided_on', 10),
    decidedAt: ts('decided_at', true),
    processInstanceKey: str('process_instance_key', 40, true),
    recordedAt: ts('recorded_at'),
  },
});

/**
 * Who completed a user task through the tasklist (`TaskService`), written before the engine is
 * told, so that the job the completion triggers finds it: a worker that records a decision taken
 * in a user task (R5 key-project approval, R8.1 the government's plan approval) reads the deciding
 * user from here — the process variables carry no trustworthy actor.
 */
export interface TaskCompletion {
  id: number;
  userTaskKey: string;
  elementId: string;
  processInstanceKey: string;
  processDefinitionId: string;
  userId: number | null;
  username: string;
  orgId: number | null;
  /** `complete` (the form) or `return` (退回) */
  outcome: 'complete' | 'return';
  completedAt: string;
  /**
   * the request the task belongs to, for the tasks of the "at any time" event sub-processes (the
   * order / change / delay request id the task's scope carries, `REQUEST_ID_VARIABLES`); null elsewhere
   */
  requestId: string | null;
}

export const TaskCompletionEntity = new EntitySchema<TaskCompletion>({
  name: 'TaskCompletion',
  tableName: 'task_completion',
  columns: {
    id,
    userTaskKey: str('user_task_key', 40),
    elementId: str('element_id', 100),
    processInstanceKey: str('process_instance_key', 40),
    processDefinitionId: str('process_definition_id', 100),
    userId: int('user_id', true),
    username: str('username', 60),
    orgId: int('org_id', true),
    outcome: str('outcome', 20) as never,
    completedAt: ts('completed_at'),
    requestId: str('request_id', 40, true),
  },
});

/**
 * R5 / R8.1 资金安排: finance's allocation of the year's funds to a project of the approved annual
 * plan (egov.fund-allocate), capped at the approved investment (R19.1). One row per plan year and
 * project (a second allocation of the same year replaces the first); `approvedBy` is the user who
 * approved the plan in `Task_GovernmentApproval` (task_completion), when known.
 */
export interface FundAllocation {
  id: number;
  planYear: number;
  projectId: number;
  /** 万元 */
  amount: Money;
  approvedBy: number | null;
  approvedByOrgId: number | null;
  approvedAt: string | null;
  processInstanceKey: string;
  elementInstanceKey: string;
  allocatedAt: string;
}

export const FundAllocationEntity = new EntitySchema<FundAllocation>({
  name: 'FundAllocation',
  tableName: 'fund_allocation',
  columns: {
    id,
    planYear: int('plan_year'),
    projectId: int('project_id'),
    amount: money('amount'),
    approvedBy: int('approved_by', true),
    approvedByOrgId: int('approved_by_org_id', true),
    approvedAt: ts('approved_at', true),
    processInstanceKey: str('process_instance_key', 40),
    elementInstanceKey: str('element_instance_key', 40),
    allocatedAt: ts('allocated_at'),
  },
});

export const SHARE_TYPES = ['unconditional', 'conditional', 'none'] as const;
export type ShareType = (typeof SHARE_TYPES)[number];

/** R9 information-resource catalogue entry of a department. */
export interface CatalogueEntry {
  id: number;
  orgId: number;
  name: string;
  description: string;
  /** data items, one per line */
  dataItems: string;
  shareType: ShareType;
  /** conditions of conditional sharing, or the legal basis for not sharing */
  shareBasis: string | null;
  /** organisation codes that may use conditionally shared data (never companies, R9) */
  recipients: string;
  updateCycle: string;
  sourceProjectId: number | null;
  updatedBy: number;
  updatedAt: string;
}

export const CatalogueEntryEntity = new EntitySchema<CatalogueEntry>({
  name: 'CatalogueEntry',
  tableName: 'catalogue_entry',
  columns: {
    id,
    orgId: int('org_id'),
    name: str('name', 200),
    description: text('description', false),
    dataItems: text('data_items', false),
    shareType: str('share_type', 20) as never,
    shareBasis: text('share_basis'),
    recipients: str('recipients', 500),
    updateCycle: str('update_cycle', 40),
    sourceProjectId: int('source_project_id', true),
    updatedBy: int('updated_by'),
    updatedAt: ts('updated_at'),
  },
});

export const domainEntities = [
  OrganisationEntity,
  UserEntity,
  SessionEntity,
  ProjectEntity,
  ProjectStageHistoryEntity,
  ProjectParticipantEntity,
  ApplicationVersionEntity,
  AttachmentEntity,
  ReviewRoundEntity,
  ReviewAssignmentEntity,
  ExpertScoreEntity,
  LedgerEntryEntity,
  RectificationOrderEntity,
  AcceptanceEntity,
  SelfEvaluationEntity,
  ProgressReportEntity,
  ChangeRequestEntity,
  DelayRequestEntity,
  ProcurementEntity,
  ContractEntity,
  ServiceUnitEntity,
  UnitDesignationEntity,
  ComplianceCheckEntity,
  AcceptanceAttemptEntity,
  PostEvaluationEntity,
  AnnualPlanEntity,
  AnnualPlanEntryEntity,
  InvestmentPlanEntryEntity,
  CatalogueEntryEntity,
  KeyProjectApprovalEntity,
  TaskCompletionEntity,
  FundAllocationEntity,
  AnnualPlanningProcessEntity,
];
