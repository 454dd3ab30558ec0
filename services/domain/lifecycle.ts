/**
 * From construction to evaluation: progress reports 附件2 (R15), change requests (R20),
 * preliminary and final acceptance with the R14 items and the R22.2 document gate and deadline,
 * delay requests (R22.3), self-evaluation (R23), and the statutory status of each project that
 * the manager's dashboard shows. Deadlines are counted on the Chinese working-day calendar.
 */
import type { DataSource, EntityManager, EntitySchema, FindOptionsWhere } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { z } from 'zod';
import {
  CalendarRangeError,
  addDays,
  chinaDate,
  periodEndCalendar,
  requiresQuarterlyReports,
  type Period,
  type WorkingDayCalendar,
} from '../calendar';
import { HttpError, notFound } from '../http/problem';
import {
  AcceptanceEntity,
  AttachmentEntity,
  ChangeRequestEntity,
  DelayRequestEntity,
  ProgressReportEntity,
  ProjectEntity,
  RectificationOrderEntity,
  SelfEvaluationEntity,
  type Acceptance,
  type AcceptanceItem,
  type AttachmentKind,
  type ChangeCase,
  type ChangeRequest,
  type DelayRequest,
  type Project,
  type ProjectCategory,
} from './entities';
import { acceptanceAttemptsView, recordAcceptanceAttempt } from './attempts';
import { userRefs } from './user-refs';
import { compareMoney, moneySchema, type Money } from './money';
import { MATERIAL_NAMES } from './project-service';
import { isRectificationOverdue } from './rectification';
import { moveStage } from './stage-history';

// ---------------------------------------------------------------- pure rules

/** R22.2: what the final-acceptance application must carry. */
export const FINAL_ACCEPTANCE_DOCUMENTS: readonly AttachmentKind[] = [
  'acceptance-report',
  'construction-summary',
  'security-assessment',
  'crypto-assessment',
];

export function missingFinalAcceptanceDocuments(present: ReadonlySet<string>): AttachmentKind[] {
  return FINAL_ACCEPTANCE_DOCUMENTS.filter((k) => !present.has(k));
}

export const acceptanceItemsSchema = z.strictObject({
  productSecurity: z.boolean().describe('产品安全可靠（R14）'),
  cryptography: z.boolean().describe('密码应用审查通过（R13, R14）'),
  securityReview: z.boolean().describe('网络安全审查通过（R12, R14）'),
  pue: z
    .string()
    .regex(/^[1-3](\.\d{1,2})?$/, 'PUE 为 1.00–3.99 的数值')
    .nullable()
    .describe('数据中心/机房能效 PUE（R14），硬件与机房类项目必填'),
});
export type AcceptanceItems = z.output<typeof acceptanceItemsSchema>;

/** Categories with hardware or machine rooms, whose energy efficiency is an acceptance item (R14). */
const ENERGY_RELEVANT: readonly ProjectCategory[] = ['infrastructure', 'cloud-platform'];

/** R14: the items that must hold for a final acceptance to pass; returns what fails. */
export function acceptanceItemProblems(items: AcceptanceItems, category: ProjectCategory): string[] {
  const problems: string[] = [];
  if (!items.productSecurity) problems.push('产品安全可靠性未通过');
  if (!items.cryptography) problems.push('密码应用审查未通过');
  if (!items.securityReview) problems.push('网络安全审查未通过');
  if (ENERGY_RELEVANT.includes(category) && !items.pue) problems.push('硬件/机房类项目须填报能效指标 PUE');
  return problems;
}

/** The R14 items of an API decision found not met (the API records PUE as a value, not a verdict). */
export function acceptanceItemsNotMet(items: AcceptanceItems): AcceptanceItem[] {
  const notMet: AcceptanceItem[] = [];
  if (!items.productSecurity) notMet.push('productSecurity');
  if (!items.cryptography) notMet.push('cryptography');
  if (!items.securityReview) notMet.push('securityReview');
  return notMet;
}

/** R20: a change stays within the approved budget; otherwise the normal procedure applies again. */
export function changeRequestProblem(approved: Money | null, newAmount: Money): string | null {
  if (approved === null) return '项目尚未核定批复金额，不能申请变更（R20）';
  if (compareMoney(newAmount, approved) > 0) {
    return `变更后金额 ${newAmount} 万元超过批复金额 ${approved} 万元：超出批复预算的变更须重新履行审批程序（R20）`;
  }
  return null;
}

/** R22.3: a delay is applied for in advance (before the contracted date) and moves it later. */
export function delayRequestProblem(today: string, contracted: string, requested: string): string | null {
  if (today >= contracted) return `须在合同约定验收日期 ${contracted} 之前提前申请延期（R22.3）`;
  if (requested <= contracted) return '申请的验收日期须晚于合同约定日期';
  return null;
}

/** "2026-Q3" → first day of the quarter after it, where its report window lies (R15). */
export function nextQuarterStart(quarter: string): string {
  const [y, q] = [Number(quarter.slice(0, 4)), Number(quarter.slice(6))];
  return q === 4 ? `${y + 1}-01-01` : `${y}-${String(q * 3 + 1).padStart(2, '0')}-01`;
}

export function quarterOf(date: string): string {
  return `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
}

/** Quarters from the project's start to its end (YYYY-MM months), inclusive. */
export function quartersOf(startMonth: string, endMonth: string): string[] {
  const out: string[] = [];
  let q = quarterOf(`${startMonth}-01`);
  const last = quarterOf(`${endMonth}-01`);
  while (q <= last) {
    out.push(q);
    q = quarterOf(nextQuarterStart(q));
  }
  return out;
}

/** Last day of a YYYY-MM month. */
function monthEnd(month: string): string {
  const [y, m] = [Number(month.slice(0, 4)), Number(month.slice(5, 7))];
  return addDays(m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`, -1);
}

/** R15 applies to projects lasting more than 6 months or spanning years. */
export function projectRequiresProgressReports(p: Pick<Project, 'startMonth' | 'endMonth'>): boolean {
  return requiresQuarterlyReports(`${p.startMonth}-01`, monthEnd(p.endMonth));
}

export const progressReportSchema = z
  .strictObject({
    quarter: z
      .string()
      .regex(/^20\d{2}-Q[1-4]$/, '季度格式为 YYYY-Qn')
      .describe('所报季度'),
    responsiblePerson: z.string().trim().min(1).max(60).describe('负责人'),
    fax: z.string().max(30).optional().describe('传真'),
    contactPerson: z.string().trim().min(1).max(60).describe('联系人'),
    phone: z
      .string()
      .regex(/^[\d-]{7,20}$/)
      .describe('电话'),
    mobile: z
      .string()
      .regex(/^1\d{10}$/)
      .describe('手机'),
    email: z.email().max(120).describe('E-MAIL'),
    mainContent: z.string().trim().min(1).max(2000).describe('主要内容'),
    progress: z.string().trim().min(1).max(2000).describe('建设进度'),
    expectedCompletion: z.iso.date().describe('预计完成时间'),
    totalInvestment: moneySchema.describe('总投资（万元）'),
    invested: moneySchema.describe('已投资（万元）'),
  })
  .refine((r) => compareMoney(r.invested, r.totalInvestment) <= 0, {
    message: '已投资不得超过总投资',
    path: ['invested'],
  })
  .describe('附件2 项目建设进度季度报告');
export type ProgressReportForm = z.output<typeof progressReportSchema>;

// ---------------------------------------------------------------- service

export interface StatutoryStatus {
  projectId: number;
  /** R15: quarters whose report window has passed without a report */
  missingProgressReports: string[];
  /** R22.2: last day to apply for final acceptance, and whether it passed unmet */
  finalAcceptanceDue: string | null;
  finalAcceptanceOverdue: boolean;
  /** R23 */
  selfEvaluationDue: string | null;
  selfEvaluationOverdue: boolean;
  /** R26 */
  overdueRectifications: number;
}

/** The columns every request awaiting a decision has (R20 change, R22.3 delay). */
/** Runs in the request's transaction with the new row; throwing rolls the row back. */
export type AfterOpen<T> = (m: EntityManager, row: T) => Promise<void>;

interface DecidedRequest {
  id: number;
  projectId: number;
  status: 'submitted' | 'approved' | 'rejected';
  decisionNote: string | null;
  requestedBy: number;
  requestedAt: string;
  decidedBy: number | null;
  decidedAt: string | null;
}

export class LifecycleService {
  constructor(
    private readonly ds: DataSource,
    private readonly calendar: WorkingDayCalendar,
    private readonly now: () => Date = () => new Date(),
  ) {}

  today(): string {
    return chinaDate(this.now());
  }

  /** Calendar look-ups outside the years the holiday notices cover are a 422, not a crash. */
  private onCalendar<T>(f: () => T): T {
    try {
      return f();
    } catch (err) {
      if (err instanceof CalendarRangeError) throw new HttpError(422, `工作日历未覆盖该日期所在年度：${err.message}`);
      throw err;
    }
  }

  /**
   * A period's last day on the working-day calendar; for a year whose holiday notice is not out
   * yet, the nominal Civil Code day (art. 201–202) until it is.
   */
  periodEnd(start: string, period: Period): string {
    try {
      return this.calendar.periodEnd(start, period);
    } catch (err) {
      if (err instanceof CalendarRangeError) return periodEndCalendar(start, period);
      throw err;
    }
  }

  private async project(id: number): Promise<Project> {
    const p = await this.ds.getRepository(ProjectEntity).findOneBy({ id });
    if (!p) throw notFound('项目不存在');
    return p;
  }

  // ---- R15 progress reports
  async submitProgressReport(projectId: number, userId: number, form: ProgressReportForm) {
    const p = await this.project(projectId);
    const quarters = quartersOf(p.startMonth, p.endMonth);
    if (!quarters.includes(form.quarter)) throw new HttpError(422, `${form.quarter} 不在项目建设期内`);
    const today = this.today();
    const windowOpens = nextQuarterStart(form.quarter);
    if (today < windowOpens) throw new HttpError(422, `${form.quarter} 尚未结束，应于 ${windowOpens} 起报送（R15）`);
    const dueOn = this.onCalendar(() => this.calendar.quarterReportWindow(windowOpens).end);
    const repo = this.ds.getRepository(ProgressReportEntity);
    if (await repo.existsBy({ projectId, quarter: form.quarter }))
      throw new HttpError(409, `${form.quarter} 的进度报告已报送`);
    await repo.insert({
      projectId,
      quarter: form.quarter,
      data: JSON.stringify(form),
      submittedOn: today,
      dueOn,
      late: today > dueOn,
      submittedBy: userId,
    });
    return this.progressReports(projectId);
  }

  async progressReport(projectId: number, quarter: string) {
    const r = await this.ds.getRepository(ProgressReportEntity).findOneBy({ projectId, quarter });
    if (!r) throw notFound(`${quarter} 的进度报告不存在`);
    return { quarter: r.quarter, submittedOn: r.submittedOn, form: JSON.parse(r.data) as ProgressReportForm };
  }

  async progressReports(projectId: number) {
    const rows = await this.ds
      .getRepository(ProgressReportEntity)
      .find({ where: { projectId }, order: { quarter: 'ASC' } });
    return rows.map((r) => ({
      id: r.id,
      quarter: r.quarter,
      submittedOn: r.submittedOn,
      dueOn: r.dueOn,
      late: r.late,
      form: JSON.parse(r.data) as ProgressReportForm,
    }));
  }

  // ---- R20 change requests
  async requestChange(
    projectId: number,
    userId: number,
    input: { changeCase: ChangeCase; description: string; newAmount: Money },
    publish?: AfterOpen<ChangeRequest>,
  ) {
    const p = await this.project(projectId);
    const problem = changeRequestProblem(p.approvedAmount, input.newAmount);
    if (problem) throw new HttpError(422, problem, { rule: 'R20' });
    return this.openRequest(ChangeRequestEntity, projectId, userId, input, '已有待审批的变更申请', publish);
  }

  decideChange(projectId: number, changeId: number, userId: number, input: { approved: boolean; note?: string }) {
    return this.decideRequest(ChangeRequestEntity, projectId, changeId, userId, input, '变更申请');
  }

  async changeRequests(projectId: number) {
    const rows = await this.ds.getRepository(ChangeRequestEntity).find({ where: { projectId }, order: { id: 'ASC' } });
    return withDecider(this.ds.manager, rows);
  }

  // ---- R22.3 delay requests
  async requestDelay(
    projectId: number,
    userId: number,
    input: { contractedDate: string; requestedDate: string; reason: string },
    publish?: AfterOpen<DelayRequest>,
  ) {
    await this.project(projectId);
    const problem = delayRequestProblem(this.today(), input.contractedDate, input.requestedDate);
    if (problem) throw new HttpError(422, problem, { rule: 'R22.3' });
    return this.openRequest(DelayRequestEntity, projectId, userId, input, '已有待审批的延期申请', publish);
  }

  decideDelay(projectId: number, delayId: number, userId: number, input: { approved: boolean; note?: string }) {
    return this.decideRequest(DelayRequestEntity, projectId, delayId, userId, input, '延期申请');
  }

  /**
   * Opens a request awaiting a decision (R20, R22.3): one pending request per project at a time.
   * `afterInsert` runs in the same transaction with the new row (the API publishes the process
   * message there, keyed by the row's id): if it throws, the row is not written.
   */
  private async openRequest<T extends DecidedRequest>(
    entity: EntitySchema<T>,
    projectId: number,
    userId: number,
    input: Omit<T, keyof DecidedRequest>,
    pendingMessage: string,
    afterInsert?: AfterOpen<T>,
  ): Promise<T> {
    return this.ds.transaction(async (m) => {
      const repo = m.getRepository(entity);
      const pending = await repo.findOneBy({ projectId, status: 'submitted' } as FindOptionsWhere<T>);
      if (pending) throw new HttpError(409, pendingMessage, { pendingId: pending.id });
      const res = await repo.insert({
        projectId,
        ...input,
        status: 'submitted',
        decisionNote: null,
        requestedBy: userId,
        requestedAt: this.now().toISOString(),
        decidedBy: null,
        decidedAt: null,
      } as unknown as QueryDeepPartialEntity<T>);
      const row = await repo.findOneByOrFail({ id: Number(res.identifiers[0]!.id) } as FindOptionsWhere<T>);
      if (afterInsert) await afterInsert(m, row);
      return row;
    });
  }

  /** Approves or rejects a pending request once. */
  private async decideRequest<T extends DecidedRequest>(
    entity: EntitySchema<T>,
    projectId: number,
    requestId: number,
    userId: number,
    input: { approved: boolean; note?: string },
    what: string,
  ): Promise<T> {
    const repo = this.ds.getRepository(entity);
    const request = await repo.findOneBy({ id: requestId, projectId } as FindOptionsWhere<T>);
    if (!request) throw notFound(`${what}不存在`);
    if (request.status !== 'submitted') throw new HttpError(409, `该${what}已审批`);
    await repo.update(
      { id: requestId } as FindOptionsWhere<T>,
      {
        status: input.approved ? 'approved' : 'rejected',
        decisionNote: input.note ?? null,
        decidedBy: userId,
        decidedAt: this.now().toISOString(),
      } as unknown as QueryDeepPartialEntity<T>,
    );
    return repo.findOneByOrFail({ id: requestId } as FindOptionsWhere<T>);
  }

  async delayRequests(projectId: number) {
    const rows = await this.ds.getRepository(DelayRequestEntity).find({ where: { projectId }, order: { id: 'ASC' } });
    return withDecider(this.ds.manager, rows);
  }

  // ---- R22 acceptance
  private acceptance(projectId: number, stage: 'preliminary' | 'final') {
    return this.ds.getRepository(AcceptanceEntity).findOneBy({ projectId, stage });
  }

  /** R22.1: the department organises the preliminary acceptance itself and records its result. */
  async recordPreliminary(
    projectId: number,
    userId: number,
    input: { acceptedOn: string; passed: boolean; opinion: string },
  ) {
    await this.project(projectId);
    if (input.acceptedOn > this.today()) throw new HttpError(400, '验收日期不得晚于今天');
    const repo = this.ds.getRepository(AcceptanceEntity);
    const existing = await this.acceptance(projectId, 'preliminary');
    if (existing?.result === 'passed') throw new HttpError(409, '初步验收已通过');
    const values = {
      appliedOn: this.today(),
      dueOn: null,
      late: false,
      acceptedOn: input.passed ? input.acceptedOn : null,
      result: input.passed ? ('passed' as const) : ('failed' as const),
      opinion: input.opinion,
      items: null,
      recordedBy: userId,
      recordedAt: this.now().toISOString(),
    };
    if (existing) await repo.update({ id: existing.id }, values);
    else await repo.insert({ projectId, stage: 'preliminary', ...values });
    return this.acceptances(projectId);
  }

  /** R22.2: apply within 1 month after the preliminary acceptance, with the four documents. */
  async applyFinal(projectId: number, userId: number) {
    const prelim = await this.acceptance(projectId, 'preliminary');
    if (prelim?.result !== 'passed' || !prelim.acceptedOn)
      throw new HttpError(422, '须先通过初步验收（R22.1）', { rule: 'R22.1' });
    const present = new Set(
      (await this.ds.getRepository(AttachmentEntity).find({ where: { projectId }, select: { kind: true } })).map(
        (a) => a.kind,
      ),
    );
    const missing = missingFinalAcceptanceDocuments(present);
    if (missing.length) {
      throw new HttpError(
        422,
        `竣工验收申请材料不全（R22.2）：缺少${missing.map((k) => MATERIAL_NAMES[k]).join('、')}`,
        {
          rule: 'R22.2',
          missing,
        },
      );
    }
    const existing = await this.acceptance(projectId, 'final');
    if (existing && existing.result !== 'failed') throw new HttpError(409, '已申请竣工验收');
    const dueOn = this.periodEnd(prelim.acceptedOn, { months: 1 });
    const today = this.today();
    const values = {
      appliedOn: today,
      dueOn,
      late: today > dueOn,
      acceptedOn: null,
      result: null,
      opinion: null,
      items: null,
      recordedBy: userId,
      recordedAt: this.now().toISOString(),
    };
    const repo = this.ds.getRepository(AcceptanceEntity);
    if (existing) await repo.update({ id: existing.id }, values);
    else await repo.insert({ projectId, stage: 'final', ...values });
    // the stage with its entry time and history (services/domain/stage-history.ts)
    await this.ds.transaction((m) => moveStage(m, projectId, 'final-acceptance', this.now()));
    return this.acceptances(projectId);
  }

  /** R22.2, R14: the panel's opinion; a pass needs every R14 item. */
  async decideFinal(
    projectId: number,
    userId: number,
    input: { passed: boolean; acceptedOn: string; opinion: string; items: AcceptanceItems },
  ) {
    const p = await this.project(projectId);
    const final = await this.acceptance(projectId, 'final');
    if (!final || final.result !== null) throw new HttpError(409, '没有待作出结论的竣工验收申请');
    if (input.passed) {
      const problems = acceptanceItemProblems(input.items, p.category);
      if (problems.length)
        throw new HttpError(422, `验收事项不满足（R14）：${problems.join('；')}`, { rule: 'R14', problems });
    }
    if (input.acceptedOn > this.today()) throw new HttpError(400, '验收日期不得晚于今天');
    await this.ds.transaction(async (m) => {
      await m.getRepository(AcceptanceEntity).update(
        { id: final.id },
        {
          result: input.passed ? 'passed' : 'failed',
          acceptedOn: input.passed ? input.acceptedOn : null,
          opinion: input.opinion,
          items: JSON.stringify(input.items),
          recordedBy: userId,
          recordedAt: this.now().toISOString(),
        },
      );
      // the history of reviews (R22.2): a failed one stays on file after the re-application
      await recordAcceptanceAttempt(
        m,
        projectId,
        {
          stage: 'final',
          passed: input.passed,
          opinion: input.opinion,
          failedItems: acceptanceItemsNotMet(input.items),
          panel: null,
          decidedOn: input.acceptedOn,
          decidedBy: userId,
          position: null,
        },
        this.now(),
      );
    });
    if (input.passed) {
      await this.ds.transaction((m) => moveStage(m, projectId, 'payment', this.now()));
    }
    return this.acceptances(projectId);
  }

  /** R22.2: every final-acceptance review, failed ones too (`acceptance_attempt`). */
  acceptanceAttempts(projectId: number) {
    return acceptanceAttemptsView(this.ds.manager, projectId);
  }

  async acceptances(projectId: number) {
    const rows = await this.ds.getRepository(AcceptanceEntity).find({ where: { projectId }, order: { id: 'ASC' } });
    return rows.map((a: Acceptance) => ({ ...a, items: a.items ? (JSON.parse(a.items) as AcceptanceItems) : null }));
  }

  // ---- R23 self-evaluation
  async submitSelfEvaluation(projectId: number, userId: number, input: { effect: string; problems: string }) {
    const final = await this.acceptance(projectId, 'final');
    if (final?.result !== 'passed' || !final.acceptedOn)
      throw new HttpError(422, '项目竣工验收通过后方可提交绩效自评（R23）');
    const repo = this.ds.getRepository(SelfEvaluationEntity);
    if (await repo.existsBy({ projectId })) throw new HttpError(409, '绩效自评报告已提交');
    const dueOn = this.periodEnd(final.acceptedOn, { months: 6 });
    const today = this.today();
    await repo.insert({ projectId, ...input, submittedOn: today, dueOn, late: today > dueOn, submittedBy: userId });
    return repo.findOneByOrFail({ projectId });
  }

  selfEvaluation(projectId: number) {
    return this.ds.getRepository(SelfEvaluationEntity).findOneBy({ projectId });
  }

  // ---- the dashboard's statutory status (R15, R22.2, R23, R26)
  async statutoryStatus(projectId: number): Promise<StatutoryStatus> {
    const p = await this.project(projectId);
    const today = this.today();
    const safe = <T>(f: () => T): T | null => {
      try {
        return f();
      } catch (err) {
        if (err instanceof CalendarRangeError) return null;
        throw err;
      }
    };
    const missingProgressReports: string[] = [];
    if (projectRequiresProgressReports(p)) {
      const reported = new Set(
        (await this.ds.getRepository(ProgressReportEntity).findBy({ projectId })).map((r) => r.quarter),
      );
      for (const q of quartersOf(p.startMonth, p.endMonth)) {
        const due = safe(() => this.calendar.quarterReportWindow(nextQuarterStart(q)).end);
        if (due && today > due && !reported.has(q)) missingProgressReports.push(q);
      }
    }
    const prelim = await this.acceptance(projectId, 'preliminary');
    const final = await this.acceptance(projectId, 'final');
    const finalAcceptanceDue =
      prelim?.result === 'passed' && prelim.acceptedOn ? this.periodEnd(prelim.acceptedOn, { months: 1 }) : null;
    const selfEvaluationDue =
      final?.result === 'passed' && final.acceptedOn ? this.periodEnd(final.acceptedOn, { months: 6 }) : null;
    const selfEval = await this.selfEvaluation(projectId);
    const orders = await this.ds.getRepository(RectificationOrderEntity).findBy({ projectId });
    return {
      projectId,
      missingProgressReports,
      finalAcceptanceDue,
      finalAcceptanceOverdue: !!finalAcceptanceDue && !final && today > finalAcceptanceDue,
      selfEvaluationDue,
      selfEvaluationOverdue: !!selfEvaluationDue && !selfEval && today > selfEvaluationDue,
      overdueRectifications: orders.filter((o) => isRectificationOverdue(o, today)).length,
    };
  }
}

/** R20 / R22.3 rows with the user who decided them (`decider`: name and organisation; null while pending). */
async function withDecider<T extends { decidedBy: number | null }>(m: EntityManager, rows: T[]) {
  const users = await userRefs(
    m,
    rows.map((r) => r.decidedBy),
  );
  return rows.map((r) => ({ ...r, decider: (r.decidedBy != null ? users.get(r.decidedBy) : undefined) ?? null }));
}
