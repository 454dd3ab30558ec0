/**
 * Worker test support: the real database (SQLite, or MariaDB with TEST_DATABASE_URL) with the
 * domain schema, a little seed (organisations, users with addresses, projects with their 附件1 and
 * attachments), worker deps with a fake clock, and a job factory.
 */
import type { DataSource } from 'typeorm';
import { WorkingDayCalendar, type HolidayOverride } from '../../services/calendar';
import { openDatabase } from '../../services/db/data-source';
import { entities, migrations } from '../../services/db/schema';
import {
  AnnualPlanEntity,
  AnnualPlanEntryEntity,
  ApplicationVersionEntity,
  InvestmentPlanEntryEntity,
  AttachmentEntity,
  OrganisationEntity,
  ProjectEntity,
  ProjectParticipantEntity,
  UserEntity,
  type AttachmentKind,
  type Project,
  type ProjectStage,
} from '../../services/domain/entities';
import { ALL_ORGANISATIONS, type Role } from '../../services/domain/organisations';
import { createWorkerConfig, type WorkerConfig, type WorkerDeps } from '../../workers/deps';
import { runJob, type JobAction, type JobInfo, type WorkerDefinition } from '../../workers/framework';
import { createTestDatabase, type TestDatabase } from '../support/db';

/**
 * 2027 is not in the calendar package yet (the State Council notice was not available). Tests that
 * cross into 2027 use this fixture, which knows only New Year's Day — labelled as such, never
 * presented as the real arrangement.
 */
export const FIXTURE_2027: HolidayOverride = {
  year: 2027,
  holidays: ['2027-01-01'],
  workdays: [],
  source: 'test fixture (New Year’s Day only; the 2027 notice is not transcribed)',
};

export class FakeClock {
  constructor(public at: Date) {}
  readonly now = () => new Date(this.at);
  set(iso: string) {
    this.at = new Date(iso);
  }
}

export interface WorkerTestEnv {
  db: TestDatabase;
  ds: DataSource;
  clock: FakeClock;
  deps: WorkerDeps;
  orgId(code: string): Promise<number>;
  close(): Promise<void>;
}

export async function openWorkerTestEnv(
  label: string,
  opts: { now?: string; config?: Partial<WorkerConfig>; with2027?: boolean; engine?: WorkerDeps['engine'] } = {},
): Promise<WorkerTestEnv> {
  const db = await createTestDatabase(label);
  const ds = await openDatabase({ url: db.url, entities, migrations });
  const clock = new FakeClock(new Date(opts.now ?? '2026-11-25T10:00:00+08:00'));
  const deps: WorkerDeps = {
    dataSource: ds,
    calendar: new WorkingDayCalendar(opts.with2027 ? [FIXTURE_2027] : []),
    clock: clock.now,
    config: createWorkerConfig(opts.config as never),
    mail: { baseUrl: 'https://egov.yeji.gov.cn', domain: 'yeji.gov.cn' },
    engine: opts.engine,
  };
  for (const o of ALL_ORGANISATIONS) await ds.getRepository(OrganisationEntity).insert({ ...o });
  return {
    db,
    ds,
    clock,
    deps,
    async orgId(code) {
      return (await ds.getRepository(OrganisationEntity).findOneByOrFail({ code })).id;
    },
    async close() {
      await ds.destroy();
      await db.drop();
    },
  };
}

let userSeq = 0;
export async function addUser(
  env: WorkerTestEnv,
  orgCode: string,
  roles: Role[],
  over: { username?: string; email?: string | null; disabled?: boolean } = {},
): Promise<number> {
  const seq = ++userSeq;
  const username = over.username ?? `u${seq}.${orgCode.toLowerCase()}`;
  const res = await env.ds.getRepository(UserEntity).insert({
    username,
    displayName: `测试用户${seq}`,
    email: over.email === undefined ? `${username}@yeji.gov.cn` : over.email,
    phone: null,
    orgId: await env.orgId(orgCode),
    roles,
    passwordHash: 'x',
    passwordChangedAt: '2026-01-01T00:00:00.000Z',
    failedLogins: 0,
    lockedUntil: null,
    disabled: over.disabled ?? false,
    createdAt: '2026-01-01T00:00:00.000Z',
  });
  return Number(res.identifiers[0]!.id);
}

/** A complete 附件1 as the domain stores it, plus the process-form items the checks read. */
export function applicationData(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    projectName: '叶集区教育局智慧校园管理平台',
    category: 'application-system',
    kind: 'new',
    summary: '建设覆盖全区中小学的校园安全、教务和家校沟通应用，依据《教育信息化2.0行动计划》。',
    constructionPeriod: { start: '2027-03', end: '2027-12' },
    investment: { fiscal: '120.00', loan: '0', selfRaised: '0', other: '0' },
    responsiblePerson: '刘老师',
    contactPerson: '刘老师',
    contactPhone: '0564-6661234',
    email: 'jyj@yeji.gov.cn',
    supervisorSealed: true,
    planYear: 2027,
    sharingAnalysis: '数据按目录接入区政务数据共享交换平台，无条件共享（R9）。',
    docResourceCatalogue: 'catalogue-2027-jyj.xlsx',
    securityStatement: '采购产品均为安全可靠产品（R14）。',
    r24Compliance: [
      'gov-cloud',
      'data-aggregation',
      'interconnection',
      'data-sharing',
      'business-collaboration',
      'domestic-crypto',
      'network-security',
    ],
    ...over,
  };
}

export const R6_ATTACHMENTS: AttachmentKind[] = [
  'construction-basis',
  'construction-plan',
  'budget-estimate',
  'feasibility-report',
];

let projectSeq = 0;
export async function addProject(
  env: WorkerTestEnv,
  over: {
    orgCode?: string;
    name?: string;
    stage?: ProjectStage;
    planYear?: number;
    totalInvestment?: string;
    approvedAmount?: string | null;
    keyProject?: boolean;
    data?: Record<string, unknown>;
    attachments?: AttachmentKind[];
    participants?: string[];
    processInstanceKey?: string | null;
  } = {},
): Promise<Project> {
  const seq = ++projectSeq;
  const orgId = await env.orgId(over.orgCode ?? 'JYJ');
  const creator = await addUser(env, over.orgCode ?? 'JYJ', ['staff']);
  const data = applicationData({ ...(over.name ? { projectName: over.name } : {}), ...(over.data ?? {}) });
  const total = over.totalInvestment ?? '120.00';
  const res = await env.ds.getRepository(ProjectEntity).insert({
    code: `YJT-${process.pid}-${seq}`,
    name: String(data.projectName),
    category: 'application-system',
    kind: 'new',
    orgId,
    responsiblePerson: '刘老师',
    startMonth: '2027-03',
    endMonth: '2027-12',
    fundFiscal: total,
    fundLoan: '0',
    fundSelf: '0',
    fundOther: '0',
    totalInvestment: total,
    approvedAmount: over.approvedAmount === undefined ? null : over.approvedAmount,
    keyProject: over.keyProject ?? false,
    departmentBudget: false,
    stage: over.stage ?? 'submitted',
    planYear: over.planYear ?? 2027,
    processInstanceKey: over.processInstanceKey === undefined ? `22517998136${seq}` : over.processInstanceKey,
    currentVersion: 1,
    createdBy: creator,
    createdAt: '2026-09-01T00:00:00.000Z',
    updatedAt: '2026-09-01T00:00:00.000Z',
  });
  const id = Number(res.identifiers[0]!.id);
  await env.ds.getRepository(ApplicationVersionEntity).insert({
    projectId: id,
    version: 1,
    data: JSON.stringify(data),
    createdBy: creator,
    createdAt: '2026-09-01T00:00:00.000Z',
  });
  for (const [i, kind] of (over.attachments ?? R6_ATTACHMENTS).entries()) {
    await env.ds.getRepository(AttachmentEntity).insert({
      projectId: id,
      kind,
      originalName: `${kind}.pdf`,
      storedName: `${id}-${i}-${kind}-${seq}`,
      mediaType: 'application/pdf',
      size: 1024,
      sm3: 'a'.repeat(64),
      uploadedBy: creator,
      uploadedAt: '2026-09-01T00:00:00.000Z',
    });
  }
  for (const code of over.participants ?? [])
    await env.ds.getRepository(ProjectParticipantEntity).insert({ projectId: id, orgId: await env.orgId(code) });
  return env.ds.getRepository(ProjectEntity).findOneByOrFail({ id });
}

let elementSeq = 1000;
export function job(type: string, over: Partial<JobInfo> = {}): JobInfo {
  elementSeq += 1;
  return {
    jobKey: String(4503599627370000 + elementSeq),
    type,
    processInstanceKey: String(2251799813600000 + elementSeq),
    processDefinitionId: 'project-lifecycle',
    elementId: 'Task_Test',
    elementInstanceKey: String(elementSeq),
    retries: 3,
    customHeaders: {},
    ...over,
  };
}

export function run(
  env: WorkerTestEnv,
  def: WorkerDefinition,
  variables: Record<string, unknown>,
  over: Partial<JobInfo> = {},
): Promise<JobAction> {
  return runJob(def as WorkerDefinition, job(def.type, over), variables, { dataSource: env.ds });
}

/** The completed variables, or a failure with the action in the message. */
export async function completed(
  env: WorkerTestEnv,
  def: WorkerDefinition,
  variables: Record<string, unknown>,
  over: Partial<JobInfo> = {},
): Promise<Record<string, unknown>> {
  const action = await run(env, def, variables, over);
  if (action.action !== 'complete') throw new Error(`expected complete, got ${JSON.stringify(action)}`);
  return action.variables;
}

/** Everything the workers may change, as comparable data (for the idempotency checks). */
export async function snapshot(ds: DataSource): Promise<Record<string, unknown>> {
  const tables = [
    'project',
    'ledger_entry',
    'rectification_order',
    'review_round',
    'review_assignment',
    'expert_score',
    'mail_outbox',
    'audit_log',
    'worker_effect',
    // the domain rows the workers write (issue 4)
    'annual_plan',
    'annual_plan_entry',
    'investment_plan_entry',
    'key_project_approval',
    'task_completion',
    'fund_allocation',
    'procurement',
    'contract',
    'service_unit',
    'unit_designation',
    'compliance_check',
    'acceptance',
    'self_evaluation',
    'progress_report',
    'change_request',
    'delay_request',
    'post_evaluation',
  ];
  const out: Record<string, unknown> = {};
  for (const t of tables) out[t] = await ds.query(`SELECT * FROM ${t} ORDER BY 1`);
  return JSON.parse(JSON.stringify(out)) as Record<string, unknown>;
}

/**
 * Puts a project where a payment may be booked (R21, R8.1): in the DRC's investment plan and in
 * the year's approved annual plan — what egov.investment-plan-register and annual-planning's
 * egov.plan-publish write.
 */
export async function inPlans(env: WorkerTestEnv, project: Project, year = project.planYear): Promise<void> {
  const amount = project.approvedAmount ?? project.totalInvestment;
  await env.ds.getRepository(InvestmentPlanEntryEntity).insert({
    projectId: project.id,
    year,
    amount,
    approvedOn: '2026-11-01',
    recordedBy: 0,
    recordedAt: '2026-11-01T00:00:00.000Z',
  });
  const plans = env.ds.getRepository(AnnualPlanEntity);
  if (!(await plans.existsBy({ year })))
    await plans.insert({
      year,
      status: 'approved',
      compiledBy: 0,
      compiledAt: '2026-11-01T00:00:00.000Z',
      approvedBy: 0,
      approvedAt: '2026-11-02T00:00:00.000Z',
    });
  const plan = await plans.findOneByOrFail({ year });
  await env.ds.getRepository(AnnualPlanEntryEntity).insert({
    planId: plan.id,
    projectId: project.id,
    amount,
    urgent: plan.status !== 'approved',
    addedBy: 0,
    addedAt: '2026-11-02T00:00:00.000Z',
  });
}
