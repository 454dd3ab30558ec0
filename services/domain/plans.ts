/**
 * Plans: the annual construction plan compiled by the data bureau from reviewed projects and
 * approved by the district government (R8.1), urgent ad-hoc additions after approval (R8.2), and
 * the DRC's district government investment plan (R21). No fiscal payment without an approved
 * plan entry (R8.1) and no construction investment before the investment plan (R21).
 */
import ExcelJS from 'exceljs';
import type { DataSource, EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { HttpError, notFound } from '../http/problem';
import {
  AnnualPlanEntity,
  AnnualPlanEntryEntity,
  FundAllocationEntity,
  InvestmentPlanEntryEntity,
  OrganisationEntity,
  ProjectEntity,
  STAGE_NAMES,
  UserEntity,
  type AnnualPlan,
  type PlanStatus,
  type Project,
  type ProjectStage,
} from './entities';
import { addMoney, compareMoney, type Money } from './money';
import { moveStage } from './stage-history';
import { taskDecider } from './task-completions';

/** Stages before or outside a passed joint review: such projects cannot be planned (R8.1). */
const UNREVIEWED: readonly ProjectStage[] = [
  'draft',
  'not-governed',
  'submitted',
  'returned',
  'joint-review',
  'rejected',
  'terminated',
];

/** Pure: why a project cannot enter a plan with this amount, or null. */
export function planEntryProblem(
  project: Pick<Project, 'stage' | 'approvedAmount' | 'totalInvestment'>,
  amount: Money,
  plan?: { status: PlanStatus; urgent: boolean },
): string | null {
  if (UNREVIEWED.includes(project.stage))
    return `项目处于“${STAGE_NAMES[project.stage]}”阶段，未通过联合审查的项目不得列入计划（R8.1）`;
  const ceiling = project.approvedAmount ?? project.totalInvestment;
  if (compareMoney(amount, ceiling) > 0) return `计划金额 ${amount} 万元超过项目批复（申报）金额 ${ceiling} 万元`;
  if (compareMoney(amount, '0') <= 0) return '计划金额必须大于 0';
  if (plan?.status === 'approved' && !plan.urgent) return '年度计划已批准，只能以临时确需项目追加（R8.2）';
  if (plan?.status === 'submitted') return '年度计划已报送审批，不能修改';
  return null;
}

/** Pure: R8.1 and R21 preconditions of a fiscal payment / construction investment. */
export function investmentPreconditionProblem(facts: {
  inApprovedAnnualPlan: boolean;
  inInvestmentPlan: boolean;
}): string | null {
  if (!facts.inInvestmentPlan) return '项目尚未列入区本级政府性投资计划，不得进行建设投资（R21）';
  if (!facts.inApprovedAnnualPlan) return '项目未列入经批准的年度建设计划，不得安排财政资金（R8.1）';
  return null;
}

export class PlanService {
  constructor(
    private readonly ds: DataSource,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private async plan(year: number, m: EntityManager = this.ds.manager): Promise<AnnualPlan> {
    const plan = await m.getRepository(AnnualPlanEntity).findOneBy({ year });
    if (!plan) throw notFound(`${year} 年度建设计划不存在`);
    return plan;
  }

  private async project(id: number): Promise<Project> {
    const p = await this.ds.getRepository(ProjectEntity).findOneBy({ id });
    if (!p) throw new HttpError(400, `项目不存在：${id}`);
    return p;
  }

  async compile(year: number, userId: number) {
    const repo = this.ds.getRepository(AnnualPlanEntity);
    if (await repo.existsBy({ year })) throw new HttpError(409, `${year} 年度建设计划已存在`);
    await repo.insert({
      year,
      status: 'draft',
      compiledBy: userId,
      compiledAt: this.now().toISOString(),
      approvedBy: null,
      approvedAt: null,
    });
    return this.view(year);
  }

  async addEntry(year: number, userId: number, input: { projectId: number; amount: Money; urgent: boolean }) {
    const plan = await this.plan(year);
    const project = await this.project(input.projectId);
    const problem = planEntryProblem(project, input.amount, { status: plan.status, urgent: input.urgent });
    if (problem) throw new HttpError(422, problem, { rule: 'R8' });
    if (await this.ds.getRepository(AnnualPlanEntryEntity).existsBy({ planId: plan.id, projectId: project.id }))
      throw new HttpError(409, '该项目已在计划中');
    await this.ds.transaction(async (m) => {
      const now = this.now();
      await m.getRepository(AnnualPlanEntryEntity).insert({
        planId: plan.id,
        projectId: project.id,
        amount: input.amount,
        urgent: input.urgent,
        addedBy: userId,
        addedAt: now.toISOString(),
      });
      // the stage and its history together (days in stage, stage-duration chart)
      await moveStage(m, project.id, 'annual-plan', now, ['approval', 'investment-plan']);
    });
    return this.view(year);
  }

  async removeEntry(year: number, projectId: number) {
    const plan = await this.plan(year);
    if (plan.status !== 'draft') throw new HttpError(409, '只能从草拟中的计划移出项目');
    const res = await this.ds.getRepository(AnnualPlanEntryEntity).delete({ planId: plan.id, projectId });
    if (!res.affected) throw notFound('该项目不在计划中');
    return this.view(year);
  }

  /** draft → submitted (data bureau) → approved (district government, R8.1). */
  async transition(year: number, to: 'submitted' | 'approved', userId: number) {
    const from: PlanStatus = to === 'submitted' ? 'draft' : 'submitted';
    await this.ds.transaction(async (m) => {
      const plan = await this.plan(year, m);
      if (to === 'submitted' && (await m.getRepository(AnnualPlanEntryEntity).countBy({ planId: plan.id })) === 0) {
        throw new HttpError(422, '计划中没有项目');
      }
      const res = await m
        .getRepository(AnnualPlanEntity)
        .update(
          { id: plan.id, status: from },
          to === 'approved' ? { status: to, approvedBy: userId, approvedAt: this.now().toISOString() } : { status: to },
        );
      if (!res.affected)
        throw new HttpError(409, `计划当前状态为“${plan.status}”，不能${to === 'submitted' ? '报送' : '批准'}`);
    });
    return this.view(year);
  }

  async view(year: number) {
    const plan = await this.plan(year);
    const entries = await this.ds
      .getRepository(AnnualPlanEntryEntity)
      .find({ where: { planId: plan.id }, order: { id: 'ASC' } });
    const projects = new Map(
      (await this.ds.getRepository(ProjectEntity).findBy({ id: In(entries.map((e) => e.projectId)) })).map((p) => [
        p.id,
        p,
      ]),
    );
    const orgs = new Map((await this.ds.getRepository(OrganisationEntity).find()).map((o) => [o.id, o]));
    const allocations = await fundAllocationsOf(this.ds.manager, year);
    return {
      ...plan,
      total: addMoney('0', ...entries.map((e) => e.amount)),
      /** R5/R8.1 资金安排: what finance allocated to the plan's projects (egov.fund-allocate) */
      allocatedTotal: addMoney('0', ...allocations.map((a) => a.amount)),
      entries: entries.map((e) => {
        const p = projects.get(e.projectId)!;
        const a = allocations.find((x) => x.projectId === e.projectId);
        return {
          projectId: p.id,
          code: p.code,
          name: p.name,
          orgName: orgs.get(p.orgId)?.name ?? '',
          category: p.category,
          totalInvestment: p.totalInvestment,
          amount: e.amount,
          urgent: e.urgent,
          addedAt: e.addedAt,
          allocation: a
            ? { amount: a.amount, allocatedAt: a.allocatedAt, approvedBy: a.approvedBy, approvedAt: a.approvedAt }
            : null,
        };
      }),
    };
  }

  async exportXlsx(year: number): Promise<Buffer> {
    const plan = await this.view(year);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet(`${year}年度建设计划`);
    ws.addRow([`叶集区 ${year} 年度政务信息化项目建设计划（${plan.status === 'approved' ? '已批准' : '草案'}）`]);
    ws.addRow([
      '序号',
      '项目编号',
      '项目名称',
      '建设单位',
      '总投资（万元）',
      '本年度计划（万元）',
      '临时追加（R8.2）',
      '资金安排（万元）',
    ]);
    ws.getRow(2).font = { bold: true };
    plan.entries.forEach((e, i) =>
      ws.addRow([
        i + 1,
        e.code,
        e.name,
        e.orgName,
        Number(e.totalInvestment),
        Number(e.amount),
        e.urgent ? '是' : '',
        e.allocation ? Number(e.allocation.amount) : null,
      ]),
    );
    ws.addRow(['合计', '', '', '', '', Number(plan.total), '', Number(plan.allocatedTotal)]);
    ws.columns.forEach((c, i) => (c.width = [6, 16, 36, 22, 16, 18, 14, 16][i]));
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  // ---- R21 investment plan (DRC)
  async registerInvestment(
    projectId: number,
    userId: number,
    input: { year: number; amount: Money; approvedOn: string },
  ) {
    const project = await this.project(projectId);
    const problem = planEntryProblem(project, input.amount);
    if (problem) throw new HttpError(422, problem.replace('（R8.1）', '（R21）'), { rule: 'R21' });
    const repo = this.ds.getRepository(InvestmentPlanEntryEntity);
    if (await repo.existsBy({ projectId, year: input.year }))
      throw new HttpError(409, `该项目已列入 ${input.year} 年度投资计划`);
    await this.ds.transaction(async (m) => {
      const now = this.now();
      await m
        .getRepository(InvestmentPlanEntryEntity)
        .insert({ projectId, ...input, recordedBy: userId, recordedAt: now.toISOString() });
      await moveStage(m, projectId, 'investment-plan', now, ['approval']);
    });
    return repo.find({ where: { projectId }, order: { year: 'ASC' } });
  }

  investmentPlan(year?: number) {
    return this.ds.getRepository(InvestmentPlanEntryEntity).find({ where: year ? { year } : {}, order: { id: 'ASC' } });
  }

  /** R21: the district government investment plan of a year as Excel (区发改委's list). */
  async exportInvestmentXlsx(year: number): Promise<Buffer> {
    const entries = await this.investmentPlan(year);
    const projects = new Map(
      (entries.length
        ? await this.ds.getRepository(ProjectEntity).findBy({ id: In(entries.map((e) => e.projectId)) })
        : []
      ).map((p) => [p.id, p]),
    );
    const orgs = new Map((await this.ds.getRepository(OrganisationEntity).find()).map((o) => [o.id, o]));
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet(`${year}年度投资计划`);
    ws.addRow([`叶集区 ${year} 年度区本级政府性投资计划（政务信息化项目，R21）`]);
    ws.addRow([
      '序号',
      '项目编号',
      '项目名称',
      '建设单位',
      '总投资（万元）',
      '计划安排投资（万元）',
      '投资计划文号',
      '下达日期',
    ]);
    ws.getRow(2).font = { bold: true };
    entries.forEach((e, i) => {
      const p = projects.get(e.projectId);
      ws.addRow([
        i + 1,
        p?.code ?? '',
        p?.name ?? '',
        p ? (orgs.get(p.orgId)?.name ?? '') : '',
        p ? Number(p.totalInvestment) : null,
        Number(e.amount),
        e.planNo ?? '',
        e.approvedOn,
      ]);
    });
    ws.addRow(['合计', '', '', '', '', Number(addMoney('0', ...entries.map((e) => e.amount))), '', '']);
    ws.columns.forEach((c, i) => (c.width = [6, 16, 36, 22, 16, 20, 26, 12][i]));
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  /**
   * The facts behind R8.1 / R21 for a project. An urgent entry (R8.2) counts as approved: it is
   * only written after the district government approved the ad-hoc addition itself.
   */
  investmentFacts(projectId: number, m: EntityManager = this.ds.manager) {
    return investmentFactsOf(m, projectId);
  }
}

/** The facts behind R8.1 / R21 for a project, read through `m` (see `PlanService.investmentFacts`). */
export async function investmentFactsOf(m: EntityManager, projectId: number) {
  const inInvestmentPlan = await m.getRepository(InvestmentPlanEntryEntity).existsBy({ projectId });
  const rows = (await m.query(
    "SELECT COUNT(*) AS n FROM annual_plan_entry e JOIN annual_plan p ON p.id = e.plan_id WHERE e.project_id = ? AND (p.status = 'approved' OR e.urgent = 1)",
    [projectId],
  )) as { n: number | string }[];
  return { inInvestmentPlan, inApprovedAnnualPlan: Number(rows[0]?.n ?? 0) > 0 };
}

// ---------------------------------------------------------------- the process side (annual-planning, R8.2, R21)

/** Who records through the process: 0 (the acting user is on the user task that preceded the job). */
export const PROCESS_USER = 0;

/** The year's plan, created as a draft when the process is the first to need it. */
export async function ensureAnnualPlan(m: EntityManager, year: number, now: Date): Promise<AnnualPlan> {
  const repo = m.getRepository(AnnualPlanEntity);
  const existing = await repo.findOneBy({ year });
  if (existing) return existing;
  await repo.insert({
    year,
    status: 'draft',
    compiledBy: PROCESS_USER,
    compiledAt: now.toISOString(),
    approvedBy: null,
    approvedAt: null,
  });
  return repo.findOneByOrFail({ year });
}

export interface ProcessPlanItem {
  projectId: number;
  amount: Money;
}

/**
 * R8.1 through the annual-planning process: the plan's entries become exactly `items` (added,
 * amounts updated, the rest removed — urgent R8.2 entries stay), each checked by the same
 * `planEntryProblem` as the API; `approve` marks the plan approved by the district government
 * (Task_GovernmentApproval precedes Task_PlanPublish). A project that cannot be planned is an
 * error for the operator, not a silent omission.
 */
export async function syncAnnualPlan(
  m: EntityManager,
  year: number,
  items: readonly ProcessPlanItem[],
  opts: { approve: boolean; now: Date },
): Promise<AnnualPlan> {
  const plan = await ensureAnnualPlan(m, year, opts.now);
  const entries = m.getRepository(AnnualPlanEntryEntity);
  const current = await entries.findBy({ planId: plan.id });
  const projects = new Map(
    (items.length ? await m.getRepository(ProjectEntity).findBy({ id: In(items.map((i) => i.projectId)) }) : []).map(
      (p) => [p.id, p],
    ),
  );
  const wanted = new Set<number>();
  for (const item of items) {
    const project = projects.get(item.projectId);
    if (!project) throw new Error(`项目不存在：${item.projectId}`);
    const problem = planEntryProblem(project, item.amount);
    if (problem) throw new Error(`${project.code} ${problem}`);
    wanted.add(project.id);
    const entry = current.find((e) => e.projectId === project.id);
    if (entry) {
      if (compareMoney(entry.amount, item.amount) !== 0)
        await entries.update({ id: entry.id }, { amount: item.amount });
    } else {
      await entries.insert({
        planId: plan.id,
        projectId: project.id,
        amount: item.amount,
        urgent: false,
        addedBy: PROCESS_USER,
        addedAt: opts.now.toISOString(),
      });
    }
  }
  for (const e of current) if (!wanted.has(e.projectId) && !e.urgent) await entries.delete({ id: e.id });
  if (opts.approve && plan.status !== 'approved') {
    await m
      .getRepository(AnnualPlanEntity)
      .update({ id: plan.id }, { status: 'approved', approvedBy: PROCESS_USER, approvedAt: opts.now.toISOString() });
  }
  return m.getRepository(AnnualPlanEntity).findOneByOrFail({ id: plan.id });
}

/** R8.2: the district government approved an urgent project; it joins the year's plan as urgent. */
export async function addUrgentPlanEntry(
  m: EntityManager,
  year: number,
  project: Project,
  amount: Money,
  now: Date,
): Promise<void> {
  const problem = planEntryProblem(project, amount);
  if (problem) throw new Error(`${project.code} ${problem.replace('（R8.1）', '（R8.2）')}`);
  const plan = await ensureAnnualPlan(m, year, now);
  const entries = m.getRepository(AnnualPlanEntryEntity);
  const entry = await entries.findOneBy({ planId: plan.id, projectId: project.id });
  if (entry) await entries.update({ id: entry.id }, { amount, urgent: true });
  else
    await entries.insert({
      planId: plan.id,
      projectId: project.id,
      amount,
      urgent: true,
      addedBy: PROCESS_USER,
      addedAt: now.toISOString(),
    });
}

/** The user task in which the district government approves the annual plan (annual-planning.bpmn). */
export const PLAN_APPROVAL_TASK = 'Task_GovernmentApproval';

/**
 * R5/R8.1 资金安排 through the process (egov.fund-allocate): the year's allocation of each
 * included project, one row per year and project (allocating the year again replaces it). The
 * approver is whoever approved the plan in `Task_GovernmentApproval` of the same instance
 * through the tasklist (`task_completion`), when known. Runs in the job's `ctx.once` transaction.
 */
export async function recordFundAllocations(
  m: EntityManager,
  year: number,
  allocations: readonly { projectId: number; amount: Money }[],
  at: { processInstanceKey: string; elementInstanceKey: string },
  now: Date,
): Promise<void> {
  const decider = await taskDecider(m, at.processInstanceKey, PLAN_APPROVAL_TASK);
  const approval = {
    approvedBy: decider?.userId ?? null,
    approvedByOrgId: decider?.orgId ?? null,
    approvedAt: decider?.completedAt ?? null,
  };
  const repo = m.getRepository(FundAllocationEntity);
  for (const a of allocations) {
    const values = { amount: a.amount, ...approval, ...at, allocatedAt: now.toISOString() };
    const existing = await repo.findOneBy({ planYear: year, projectId: a.projectId });
    if (existing) await repo.update({ id: existing.id }, values);
    else await repo.insert({ planYear: year, projectId: a.projectId, ...values });
  }
}

/** The fund allocations of a year with the approving user's name, in project order. */
export async function fundAllocationsOf(m: EntityManager, year: number) {
  const rows = await m
    .getRepository(FundAllocationEntity)
    .find({ where: { planYear: year }, order: { projectId: 'ASC' } });
  const userIds = [...new Set(rows.map((r) => r.approvedBy).filter((id): id is number => id != null))];
  const users = new Map(
    (userIds.length ? await m.getRepository(UserEntity).findBy({ id: In(userIds) }) : []).map((u) => [u.id, u]),
  );
  const orgs = new Map((await m.getRepository(OrganisationEntity).find()).map((o) => [o.id, o]));
  return rows.map((r) => {
    const u = r.approvedBy != null ? users.get(r.approvedBy) : undefined;
    const org = r.approvedByOrgId != null ? orgs.get(r.approvedByOrgId) : undefined;
    return {
      projectId: r.projectId,
      amount: r.amount,
      allocatedAt: r.allocatedAt,
      approvedAt: r.approvedAt,
      approvedBy: u
        ? {
            id: u.id,
            username: u.username,
            displayName: u.displayName,
            orgCode: org?.code ?? '',
            orgName: org?.name ?? '',
          }
        : null,
    };
  });
}

/**
 * R21 through the process (egov.investment-plan-register): the DRC's plan entry of a year with its
 * 文号; registering the same year again corrects amount and number (the DRC re-issued it).
 */
export async function upsertInvestmentEntry(
  m: EntityManager,
  projectId: number,
  input: { year: number; amount: Money; approvedOn: string; planNo: string | null },
  now: Date,
): Promise<void> {
  const repo = m.getRepository(InvestmentPlanEntryEntity);
  const entry = await repo.findOneBy({ projectId, year: input.year });
  if (entry) await repo.update({ id: entry.id }, { amount: input.amount, planNo: input.planNo });
  else await repo.insert({ projectId, ...input, recordedBy: PROCESS_USER, recordedAt: now.toISOString() });
}
