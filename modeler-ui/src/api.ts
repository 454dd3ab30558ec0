/**
 * Every HTTP call of the UI lives here, typed, so adapting to the API is one place.
 * Shapes of endpoints that do not exist yet are written down in ../API-NEEDS.md.
 */

export type Role = 'staff' | 'manager' | 'process-owner' | 'admin' | 'expert' | 'auditor';
export type OrgType = 'bureau' | 'department' | 'expert';

export interface User {
  id: number;
  username: string;
  displayName: string;
  email: string | null;
  orgCode: string;
  orgName: string;
  orgType: OrgType;
  roles: Role[];
  groups: string[];
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  issues?: { path?: string; message: string; elementId?: string }[];
  /** form validation errors of a task completion (services/forms/validate.ts) */
  errors?: { field: string; message: string }[];
  [extension: string]: unknown;
}

/** A failed request, carrying the server's problem+json. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = 'ApiError';
  }
  /** The route does not exist on the server yet (the app's 404 handler answered). */
  get notReady(): boolean {
    return this.status === 404 && /^no route for /.test(this.problem.detail ?? '');
  }
}

export function isNotReady(err: unknown): boolean {
  return err instanceof ApiError && err.notReady;
}

/** Chinese message for any error, for ElMessage and alerts. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.notReady) return '接口未就绪';
    if (err.status === 401) return err.problem.detail || '登录已失效，请重新登录';
    if (err.status === 403) return err.problem.detail || '无权执行此操作';
    return err.problem.detail || `请求失败（${err.status}）`;
  }
  if (err instanceof TypeError) return '无法连接服务器';
  return err instanceof Error ? err.message : String(err);
}

import type { ElementStatistics } from './live-view/model';

export type { ElementStatistics };

type Query = Record<string, string | number | boolean | undefined | null>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  }
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

/** Listeners told when the session is gone (any 401), so the app returns to the login page. */
const unauthorizedListeners = new Set<() => void>();
export function onUnauthorized(fn: () => void): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Query;
  json?: unknown;
  body?: FormData;
  accept?: string;
  /** a 401 here is an expected answer (login, me), not an expired session */
  quiet401?: boolean;
}

async function send(path: string, opts: RequestOptions = {}): Promise<Response> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { Accept: opts.accept ?? 'application/json' };
  // CSRF rule of the API: every non-GET request carries this header.
  if (method !== 'GET') headers['X-Requested-With'] = 'XMLHttpRequest';
  let body: BodyInit | undefined;
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.body) {
    body = opts.body;
  }
  const res = await fetch(withQuery(path, opts.query), { method, headers, body, credentials: 'same-origin' });
  if (!res.ok) {
    let problem: Problem = { title: res.statusText, status: res.status };
    const type = res.headers.get('content-type') ?? '';
    if (type.includes('json')) {
      try {
        problem = (await res.json()) as Problem;
      } catch {
        // a broken error body still leaves us the status
      }
    }
    if (res.status === 401 && !opts.quiet401) unauthorizedListeners.forEach((fn) => fn());
    throw new ApiError(res.status, problem);
  }
  return res;
}

async function json<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await send(path, opts);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

async function text(path: string, opts: RequestOptions = {}): Promise<string> {
  const res = await send(path, { ...opts, accept: opts.accept ?? 'application/xml, text/xml, text/plain' });
  return res.text();
}

// ───────────────────────────── auth ─────────────────────────────

export const auth = {
  login: (username: string, password: string) =>
    json<{ user: User }>('/api/auth/login', { method: 'POST', json: { username, password }, quiet401: true }),
  logout: () => json<void>('/api/auth/logout', { method: 'POST', quiet401: true }),
  me: () => json<User>('/api/auth/me', { quiet401: true }),
};

// ───────────────────────────── projects ─────────────────────────────

/** Decimal amounts travel as strings (万元, exact); see services/domain/money.ts. */
export type Money = string;

/** GET /api/projects items and GET /api/projects/:id (services/domain/project-service.ts ProjectView). */
export interface ProjectSummary {
  id: number;
  code: string;
  name: string;
  categoryName?: string;
  kindName?: string;
  orgCode: string;
  orgName: string;
  responsiblePerson?: string;
  investment?: { fiscal: Money; loan: Money; selfRaised: Money; other: Money; total: Money };
  approvedAmount?: Money | null;
  keyProject?: boolean;
  stage: string;
  stageName: string;
  planYear: number;
  processInstanceKey?: string | null;
  createdAt?: string;
  updatedAt?: string;
  /** when the current stage began (ISO) */
  stageEnteredAt?: string;
  /** whole calendar days (自然日, China time) since the current stage began */
  daysInStage?: number;
  /** the 附件1 version in force */
  currentVersion?: number;
  /** stage `returned` (退回修改): why — materials defects, duplicates, the joint review's reason */
  returnReasons?: string[];
}

/** services/domain/application-form.ts FieldChange: one field of 附件1 that changed between versions */
export interface FieldChange {
  field: string;
  label: string;
  before: unknown;
  after: unknown;
}

/** GET /api/projects/:id/applications/:version — a 附件1 version and its changes against the one before */
export interface ApplicationVersion {
  version: number;
  createdAt: string;
  createdBy: number;
  form: ApplicationForm;
  changes: FieldChange[];
}

export interface ProjectQuery extends Query {
  stage?: string;
  orgCode?: string;
  year?: number;
  q?: string;
  sort?: string;
  page?: number;
  pageSize?: number;
}

/** One element instance of a project's process instance (services/processes TimelineEntry). */
export interface TimelineEntry {
  elementInstanceKey: string;
  elementId: string;
  elementName: string | null;
  type: string;
  state: string;
  startDate: string | null;
  endDate: string | null;
  hasIncident: boolean;
  /** requested (API-NEEDS.md §Project): who completed a user task, its decision and comment */
  actor?: string | null;
  decision?: string | null;
  comment?: string | null;
}

/** services/processes/process-service.ts InstancePath, for GET /api/projects/:id/path */
export interface InstancePath {
  processInstanceKey: string;
  processDefinitionKey: string;
  processDefinitionId: string;
  state: string;
  active: string[];
  incidents: string[];
  sequenceFlows: string[];
  timeline: TimelineEntry[];
}

export const ATTACHMENT_KINDS = {
  'construction-basis': '建设依据',
  'construction-plan': '建设方案',
  'budget-estimate': '投资估算',
  'feasibility-report': '可行性研究报告',
  'application-form': '申报表',
  'framework-plan': '框架方案',
  'resource-catalogue': '信息资源目录',
  'acceptance-report': '验收报告',
  'construction-summary': '建设总结',
  'security-assessment': '等保测评',
  'crypto-assessment': '密评报告',
  other: '其他',
} as const;
export type AttachmentKind = keyof typeof ATTACHMENT_KINDS;

/** services/domain/attachments.ts AttachmentView */
export interface Attachment {
  id: number;
  projectId: number;
  kind: AttachmentKind;
  originalName: string;
  mediaType: string;
  size: number;
  sm3: string;
  uploadedBy: number;
  uploadedAt: string;
}

/** services/domain/application-form.ts applicationFormSchema (附件1 项目申报表) */
export interface ApplicationForm {
  projectName: string;
  category: string;
  kind: string;
  summary: string;
  constructionPeriod: { start: string; end: string };
  investment: { fiscal: Money; loan: Money; selfRaised: Money; other: Money };
  responsiblePerson: string;
  contactPerson: string;
  contactPhone: string;
  email: string;
  remarks?: string;
  planYear: number;
  keyProject: boolean;
  departmentBudget: boolean;
  urgent: boolean;
  participantOrgCodes: string[];
  sharingAnalysis: string;
  /** R14: the project buys hardware/software products → securityStatement required */
  procuresProducts: boolean;
  securityStatement?: string;
  /** R16/R24 items ticked (keys of services/domain/r24-items.ts R24_ITEMS) */
  r24Compliance: string[];
  serialNo?: string;
  supervisorOpinion?: string;
  supervisorSealed?: boolean;
}

/** R3 project categories and construction kinds (services/domain/entities.ts) */
export const PROJECT_CATEGORIES: Record<string, string> = {
  'cloud-platform': '云平台（含数据库）',
  'application-system': '应用系统',
  infrastructure: '电子政务基础设施',
  network: '信息网络',
  'information-resource': '信息资源开发',
  'information-security': '信息安全',
};
export const PROJECT_KINDS: Record<string, string> = { new: '新建', expansion: '扩建', upgrade: '升级改造' };

type Id = string | number;
const seg = (id: Id) => encodeURIComponent(String(id));

export const projects = {
  list: (query: ProjectQuery = {}) => json<Page<ProjectSummary>>('/api/projects', { query }),
  exportUrl: (query: ProjectQuery = {}) => {
    const { page: _p, pageSize: _s, ...filters } = query;
    return withQuery('/api/projects/export.xlsx', filters);
  },
  get: (id: Id) => json<ProjectSummary>(`/api/projects/${seg(id)}`),
  path: (id: Id) => json<InstancePath>(`/api/projects/${seg(id)}/path`),
  attachments: (id: Id) => json<Attachment[]>(`/api/projects/${seg(id)}/attachments`),
  attachmentUrl: (a: Pick<Attachment, 'id'>) => `/api/attachments/${seg(a.id)}/content`,
  upload: (id: Id, kind: AttachmentKind, file: File) => {
    const body = new FormData();
    body.append('kind', kind);
    body.append('file', file);
    return json<Attachment>(`/api/projects/${seg(id)}/attachments`, { method: 'POST', body });
  },
  /** POST /api/projects: 附件1 version 1, a draft of the caller's department */
  create: (form: ApplicationForm) =>
    json<{ project: ProjectSummary; version: number }>('/api/projects', { method: 'POST', json: form }),
  /** POST /api/projects/:id/submit: R2.2 / R6 checks, then the project's process is started */
  submit: (id: Id) =>
    json<{ project: ProjectSummary; applicability: { governed: boolean; rule: string; reason?: string } | null }>(
      `/api/projects/${seg(id)}/submit`,
      { method: 'POST', json: {} },
    ),
  statutoryStatus: (id: Id) => json<StatutoryStatus>(`/api/projects/${seg(id)}/statutory-status`),
  /** GET /api/projects/:id/applications: the 附件1 versions, oldest first */
  versions: (id: Id) =>
    json<{ version: number; createdAt: string; createdBy: number }[]>(`/api/projects/${seg(id)}/applications`),
  application: (id: Id, version: number) =>
    json<ApplicationVersion>(`/api/projects/${seg(id)}/applications/${seg(version)}`),
  /**
   * POST /api/projects/:id/applications: the revised 附件1 — a draft's next version, or after
   * 退回修改 the next version AND the process's 退回修改 task completed (409 when not returned)
   */
  resubmit: (id: Id, form: ApplicationForm) =>
    json<{ project: ProjectSummary; version: number; changes: FieldChange[] }>(
      `/api/projects/${seg(id)}/applications`,
      { method: 'POST', json: form },
    ),
  urge: (id: Id, message?: string) =>
    json<{ sent: number }>(`/api/projects/${seg(id)}/urge`, { method: 'POST', json: { message } }),
};

// ───────────────────────────── process definitions ─────────────────────────────

/** GET /api/process-definitions: one entry per process id with all its versions, newest first. */
export interface DefinitionSummary {
  processDefinitionId: string;
  name: string;
  latestKey: string;
  latestVersion: number;
  versions: { key: string; version: number; resourceName: string }[];
}

/** One deployed version (flattened from DefinitionSummary for selects). */
export interface ProcessDefinition {
  processDefinitionKey: string;
  processDefinitionId: string;
  name: string;
  version: number;
  resourceName: string;
}

export function flattenDefinitions(list: readonly DefinitionSummary[]): ProcessDefinition[] {
  return list.flatMap((d) =>
    d.versions.map((v) => ({
      processDefinitionKey: v.key,
      processDefinitionId: d.processDefinitionId,
      name: d.name,
      version: v.version,
      resourceName: v.resourceName,
    })),
  );
}

/** A Camunda 8.8 lint finding or an engine rejection, tied to an element when it can be. */
export interface LintProblem {
  elementId: string | null;
  rule: string;
  category: 'error' | 'warn' | 'info' | 'rule-error';
  message: string;
  resource?: string;
}

export interface DeployResult {
  deploymentKey: string;
  processes: { processDefinitionId: string; version: number; processDefinitionKey: string }[];
}

/** Statistics as the server sends them (services/processes ElementStatistics). */
interface ServerElementStatistics {
  elementId: string;
  active: number;
  incidents: number;
  completed: number;
  canceled: number;
  oldestDays: number | null;
  meanDays: number | null;
}

const DAY_MS = 86_400_000;

/** services/processes ProjectAtElement */
export interface ProjectAtElement {
  processInstanceKey: string;
  elementInstanceKey: string;
  /** SUB_PROCESS, EVENT_SUB_PROCESS, CALL_ACTIVITY for a container; the task/event type otherwise */
  type?: string;
  since: string;
  daysWaiting: number;
  hasIncident: boolean;
  /** where the token stands: the innermost active elements (inside a container or the called instance) */
  innermost?: {
    elementId: string;
    elementName: string | null;
    elementInstanceKey: string;
    processDefinitionId: string | null;
    since: string;
    hasIncident: boolean;
  }[];
  project: {
    id: number;
    name: string;
    orgCode: string;
    orgName: string;
    stage?: string;
    nextDeadline?: string | null;
    overdue?: boolean;
  } | null;
}

export const processes = {
  definitions: () => json<DefinitionSummary[]>('/api/process-definitions'),
  xml: (key: string) => text(`/api/process-definitions/${seg(key)}/xml`),
  /** process owners only; refused with problems[] (lint or engine) tied to element ids */
  deploy: (resources: { name: string; content: string }[]) =>
    json<DeployResult>('/api/deployments', { method: 'POST', json: { resources } }),
  statistics: async (key: string): Promise<ElementStatistics[]> => {
    const rows = await json<ServerElementStatistics[]>(`/api/process-definitions/${seg(key)}/statistics`);
    return rows.map((r) => ({
      elementId: r.elementId,
      active: r.active,
      incidents: r.incidents,
      maxAgeMs: r.oldestDays === null ? undefined : r.oldestDays * DAY_MS,
      avgAgeMs: r.meanDays === null ? undefined : r.meanDays * DAY_MS,
    }));
  },
  projectsAt: (key: string, elementId: string) =>
    json<ProjectAtElement[]>(`/api/process-definitions/${seg(key)}/elements/${seg(elementId)}/projects`),
};

// ───────────────────────────── tasks ─────────────────────────────

/** services/tasks/task-service.ts TaskView, joined with its project (API-NEEDS.md §Tasklist). */
export interface TaskSummary {
  key: string;
  name: string;
  elementId: string;
  processInstanceKey: string;
  processDefinitionId: string;
  /** needed for the diagram beside the form */
  processDefinitionKey?: string;
  state: string;
  assignee: string | null;
  candidateGroups: string[];
  creationDate: string | null;
  dueDate: string | null;
  followUpDate?: string | null;
  priority?: number;
  overdue: boolean;
  formKey: string | null;
  project?: {
    id: number;
    code: string;
    name: string;
    orgCode: string;
    orgName: string;
    stage: string;
    stageName: string;
  } | null;
  /** the model has a return (退回) path from this task */
  canReturn?: boolean;
}

export interface TaskQuery extends Query {
  /** mine = assigned to me; group = unassigned in my groups; all = both */
  scope?: 'mine' | 'group' | 'all';
  stage?: string;
  orgCode?: string;
  overdue?: boolean;
  /** ISO date: due before */
  dueBefore?: string;
  q?: string;
  sort?: 'creationDate' | 'dueDate' | 'priority' | 'name';
  order?: 'asc' | 'desc';
  page?: number;
  pageSize?: number;
}

export interface TaskComment {
  id: number;
  author: string;
  at: string;
  text: string;
}

/** people a task can be transferred to: members of the task's candidate groups */
export interface Candidate {
  username: string;
  displayName: string;
  orgName: string;
}

export const tasks = {
  list: (query: TaskQuery = {}) => json<Page<TaskSummary>>('/api/tasks', { query }),
  get: (key: string) => json<TaskSummary>(`/api/tasks/${seg(key)}`),
  form: (key: string) =>
    json<{ schema: Record<string, unknown> | null; data: Record<string, unknown> }>(`/api/tasks/${seg(key)}/form`),
  claim: (key: string) => json<TaskSummary>(`/api/tasks/${seg(key)}/claim`, { method: 'POST', json: {} }),
  unclaim: (key: string) => json<TaskSummary>(`/api/tasks/${seg(key)}/unclaim`, { method: 'POST', json: {} }),
  candidates: (key: string) => json<Candidate[]>(`/api/tasks/${seg(key)}/candidates`),
  transfer: (key: string, username: string, comment?: string) =>
    json<TaskSummary>(`/api/tasks/${seg(key)}/transfer`, { method: 'POST', json: { username, comment } }),
  complete: (key: string, variables: Record<string, unknown>) =>
    json<void>(`/api/tasks/${seg(key)}/complete`, { method: 'POST', json: { variables } }),
  giveBack: (key: string, comment: string) =>
    json<void>(`/api/tasks/${seg(key)}/return`, { method: 'POST', json: { comment } }),
  comments: (key: string) => json<TaskComment[]>(`/api/tasks/${seg(key)}/comments`),
  addComment: (key: string, textValue: string) =>
    json<TaskComment>(`/api/tasks/${seg(key)}/comments`, { method: 'POST', json: { text: textValue } }),
};

// ───────────────────────────── dashboard ─────────────────────────────

/** services/domain/lifecycle.ts StatutoryStatus: the statutory deadlines of one project. */
export interface StatutoryStatus {
  projectId: number;
  /** R15: quarters whose report window passed without a report, e.g. "2026Q2" */
  missingProgressReports: string[];
  /** R22.2 */
  finalAcceptanceDue: string | null;
  finalAcceptanceOverdue: boolean;
  /** R23 */
  selfEvaluationDue: string | null;
  selfEvaluationOverdue: boolean;
  /** R26 */
  overdueRectifications: number;
}

/** services/domain/stage-history.ts StageDuration */
export interface StageDuration {
  stage: string;
  stageName: string;
  visits: number;
  current: number;
  avgDays: number;
  maxDays: number;
}

/** GET /api/dashboard (services/domain/dashboard.ts), scoped like /api/projects. */
export interface DashboardSummary {
  total: number;
  byStage: { stage: string; stageName: string; count: number }[];
  investment: { requested: Money; approved: Money; paid: Money };
  attention: {
    project: Pick<
      ProjectSummary,
      'id' | 'code' | 'name' | 'orgCode' | 'orgName' | 'stage' | 'stageName' | 'daysInStage'
    >;
    status: StatutoryStatus;
  }[];
  /** per stage, from the stage history: calendar days, running visits counted up to now */
  stageDurations?: StageDuration[];
}

export const dashboard = {
  summary: (query: { orgCode?: string; year?: number } = {}) => json<DashboardSummary>('/api/dashboard', { query }),
};

export interface Organisation {
  code: string;
  name: string;
  type: OrgType;
}

export const organisations = {
  list: () => json<Organisation[]>('/api/organisations'),
};

// ───────────────────────────── operations ─────────────────────────────

/** services/processes ProcessService.incidents(), with the project when the API joins it */
export interface Incident {
  incidentKey: string;
  processInstanceKey: string;
  elementId: string;
  errorType: string;
  errorMessage: string;
  creationTime: string;
  jobKey: string | null;
  project?: { id: number; name: string } | null;
}

export interface OutboxMail {
  id: string;
  to: string[];
  subject: string;
  /** pending · sending · sent · failed (refused, 5xx) · dead (retries exhausted) · uncertain (crash mid-send) */
  status: 'pending' | 'sending' | 'sent' | 'failed' | 'dead' | 'uncertain';
  attempts: number;
  createdAt: string;
  sentAt?: string | null;
  lastError?: string | null;
  /** notice kind: gateway · reminder · escalation · urge */
  purpose?: 'gateway' | 'reminder' | 'escalation' | 'urge';
  projectId?: string | null;
}

/** GET /api/mail/outbox: filters, `sort=field:asc|desc` (allow-listed on the server), paging */
export type OutboxQuery = {
  status?: string;
  purpose?: string;
  recipient?: string;
  q?: string;
  projectId?: number;
  /** ISO instant or a day (China time) */
  createdFrom?: string;
  createdTo?: string;
  sort?: `${'createdAt' | 'sentAt' | 'status' | 'recipient' | 'attempts'}:${'asc' | 'desc'}`;
  page?: number;
  pageSize?: number;
};

/** GET /api/operations/notifications (services/notify NotificationStatus) */
export interface NotificationStatus {
  /** false: this API process runs without the reminder runner (then `reminders` is null) */
  running: boolean;
  smtp: boolean;
  calendar: { coveredYears: number[]; sources: Record<string, string> };
  reminders: {
    lastRunAt: string | null;
    lastResult: { planned: number; enqueued: number; errors: number } | null;
    calendarGaps: { obligationId: string; date: string; year: number }[];
    missingYears: number[];
  } | null;
}

/** services/domain/identity-service.ts UserView */
export interface AdminUser {
  id: number;
  username: string;
  displayName: string;
  email: string | null;
  phone: string | null;
  orgCode: string;
  orgName: string;
  roles: Role[];
  groups: string[];
  disabled: boolean;
  locked: boolean;
}

export const operations = {
  incidents: () => json<Incident[]>('/api/incidents'),
  retryIncident: (incidentKey: string, retries: number) =>
    json<void>(`/api/incidents/${seg(incidentKey)}/retry`, { method: 'POST', json: { retries } }),
  outbox: (query: OutboxQuery = {}) => json<Page<OutboxMail>>('/api/mail/outbox', { query }),
  notifications: () => json<NotificationStatus>('/api/operations/notifications'),
  /** one reminder pass now (e.g. after adding config/holidays/<year>.json); the updated state */
  runReminders: () => json<NotificationStatus>('/api/operations/notifications/run', { method: 'POST', json: {} }),
  users: (query: { orgCode?: string } = {}) => json<AdminUser[]>('/api/users', { query }),
  updateUser: (id: number, patch: { roles?: Role[]; disabled?: boolean; unlock?: true }) =>
    json<AdminUser>(`/api/users/${seg(id)}`, { method: 'PATCH', json: patch }),
};

// ───────────────────────────── records of a project and the annual plan ─────────────────────────────

/** A user a record names (who decided, reported, closed …): services/domain/user-refs.ts and the views */
export interface UserRef {
  id: number;
  username: string;
  displayName: string;
  orgCode?: string;
  orgName?: string;
}

/** GET /api/projects/:id/acceptances/attempts: every R22.2 review, failed ones too (services/domain/attempts.ts) */
export interface AcceptanceAttempt {
  id: number;
  stage: string;
  attempt: number;
  result: 'passed' | 'failed';
  resultName: string;
  opinion: string | null;
  /** R14 items not met */
  failedItems: { code: string; name: string }[];
  panel: string | null;
  decidedOn: string;
  decidedBy: UserRef | null;
  processInstanceKey: string | null;
  recordedAt: string;
}

/** One R12 / R13 round of GET /api/projects/:id/compliance-checks (services/domain/delivery.ts) */
export interface ComplianceCheck {
  id: number;
  kind: 'security-inspection' | 'crypto-review';
  passed: boolean;
  findings: string | null;
  checkedOn: string;
  round?: number | null;
  recordedAt: string;
  /** the checking body's user who recorded it (null when the process recorded it) */
  inspector?: UserRef | null;
}

/** GET /api/projects/:id/key-project-approval (services/domain/process-records.ts) */
export interface KeyProjectApproval {
  id: number;
  decision: 'approve' | 'reject';
  decisionName: string;
  documentNo: string | null;
  approvedInvestment: string | null;
  reason: string | null;
  approver: { code: string; name: string };
  approvedBy: UserRef | null;
  decidedOn: string;
  decidedAt: string | null;
}

/** GET /api/projects/:id/rectifications (services/domain/rectification.ts view) */
export interface RectificationOrder {
  id: number;
  issuedBy: { code: string; name: string };
  issue: string;
  deadline: string;
  status: 'open' | 'responded' | 'closed';
  overdue: boolean;
  response: string | null;
  respondedAt: string | null;
  respondedBy: UserRef | null;
  closedAt: string | null;
  closedBy: UserRef | null;
  issuedAt: string;
}

interface DecidedRequest {
  id: number;
  status: 'submitted' | 'approved' | 'rejected';
  decisionNote: string | null;
  requestedAt: string;
  decidedAt: string | null;
  decidedBy: number | null;
  /** the user who decided (null while not decided) */
  decider?: UserRef | null;
}
/** GET /api/projects/:id/change-requests (R20) */
export interface ChangeRequest extends DecidedRequest {
  changeCase: string;
  description: string;
  newAmount: string;
}
/** GET /api/projects/:id/delay-requests (R22.3) */
export interface DelayRequest extends DecidedRequest {
  contractedDate: string;
  requestedDate: string;
  reason: string;
}

export const records = {
  acceptanceAttempts: (id: Id) => json<AcceptanceAttempt[]>(`/api/projects/${seg(id)}/acceptances/attempts`),
  complianceChecks: (id: Id) =>
    json<{ items: ComplianceCheck[]; securityInspectionPassed: boolean | null; cryptoReviewPassed: boolean | null }>(
      `/api/projects/${seg(id)}/compliance-checks`,
    ),
  keyProjectApproval: (id: Id) => json<KeyProjectApproval[]>(`/api/projects/${seg(id)}/key-project-approval`),
  rectifications: (id: Id) => json<RectificationOrder[]>(`/api/projects/${seg(id)}/rectifications`),
  changeRequests: (id: Id) => json<ChangeRequest[]>(`/api/projects/${seg(id)}/change-requests`),
  delayRequests: (id: Id) => json<DelayRequest[]>(`/api/projects/${seg(id)}/delay-requests`),
};

/** GET /api/annual-plans/:year (services/domain/plans.ts view) */
export interface AnnualPlan {
  id: number;
  year: number;
  status: 'draft' | 'submitted' | 'approved';
  total: string;
  /** R5/R8.1 资金安排 of the plan's projects */
  allocatedTotal: string;
  entries: {
    projectId: number;
    code: string;
    name: string;
    orgName: string;
    totalInvestment: string;
    amount: string;
    urgent: boolean;
    addedAt: string;
    allocation: { amount: string; allocatedAt: string; approvedBy: UserRef | null; approvedAt: string | null } | null;
  }[];
  /** the plan year's annual-planning instance, null until started */
  process: AnnualPlanningProcess | null;
}

/** The plan year's `annual-planning` instance (R6 → R7 → R8.1). */
export interface AnnualPlanningProcess {
  year: number;
  processInstanceKey: string;
  /** engine state: ACTIVE, COMPLETED, TERMINATED, or UNKNOWN when the engine cannot be asked */
  state: string;
  startedBy: number | null;
  startedAt: string | null;
}

export const annualPlans = {
  get: (year: number) => json<AnnualPlan>(`/api/annual-plans/${seg(year)}`),
  exportUrl: (year: number) => `/api/annual-plans/${seg(year)}/export.xlsx`,
  /** 404 until started */
  process: (year: number) => json<AnnualPlanningProcess>(`/api/annual-plans/${seg(year)}/process`),
  startProcess: (year: number) =>
    json<AnnualPlanningProcess>(`/api/annual-plans/${seg(year)}/process`, { method: 'POST', json: {} }),
};
