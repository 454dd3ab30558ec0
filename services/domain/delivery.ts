/**
 * Delivery of a project: government procurement (R14), contracts (R11, within the approved
 * budget R19.1), supervision / 等保 / testing units procured yearly and designated (R18),
 * network-security inspection (R12) and cryptography review (R13), and the data bureau's
 * post-evaluation (R29) that feeds next year's budget.
 */
import type { DataSource } from 'typeorm';
import { chinaDate } from '../calendar';
import { HttpError, notFound } from '../http/problem';
import {
  AcceptanceEntity,
  ComplianceCheckEntity,
  ContractEntity,
  PostEvaluationEntity,
  ProcurementEntity,
  ProjectEntity,
  ServiceUnitEntity,
  UnitDesignationEntity,
  UNIT_KIND_NAMES,
  type BudgetRecommendation,
  type CheckKind,
  type PostEvaluation,
  type ProcurementMethod,
  type UnitKind,
} from './entities';
import { compareMoney, fromCents, toCents, type Money } from './money';
import { PlanService } from './plans';
import { userRefs } from './user-refs';

// ---------------------------------------------------------------- pure rules

/** Single-source procurement needs a stated reason (政府采购法 art. 31). */
export function procurementProblem(method: ProcurementMethod, justification?: string | null): string | null {
  if (method === 'single-source' && !justification?.trim()) return '单一来源采购须说明理由（政府采购法第三十一条）';
  return null;
}

/** R19.1: contracts (in sum) and awards stay within the approved amount. */
export function contractProblem(approved: Money | null, contractedSoFar: Money, amount: Money): string | null {
  if (approved === null) return '项目尚未核定批复金额，不能签订合同（R19.1）';
  const total = fromCents(toCents(contractedSoFar) + toCents(amount));
  if (compareMoney(total, approved) > 0) {
    return `合同累计金额 ${total} 万元超过批复金额 ${approved} 万元（R19.1）`;
  }
  return null;
}

export function gradeOf(score: number): PostEvaluation['grade'] {
  if (score >= 90) return 'excellent';
  if (score >= 80) return 'good';
  if (score >= 60) return 'pass';
  return 'fail';
}

/** R29 (with R27): a failed post-evaluation cannot recommend more money next year. */
export function postEvaluationProblem(score: number, recommendation: BudgetRecommendation): string | null {
  if (gradeOf(score) === 'fail' && recommendation === 'increase')
    return '后评价不合格的项目不得建议增加下一年度投资（R29、R27）';
  return null;
}

/** Which body records which check. */
export const CHECK_BY_ORG: Record<string, CheckKind> = {
  'cyberspace-office': 'security-inspection',
  'crypto-bureau': 'crypto-review',
};

// ---------------------------------------------------------------- service

export class DeliveryService {
  constructor(
    private readonly ds: DataSource,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private today() {
    return chinaDate(this.now());
  }

  private async project(id: number) {
    const p = await this.ds.getRepository(ProjectEntity).findOneBy({ id });
    if (!p) throw notFound('项目不存在');
    return p;
  }

  private async contractedSum(projectId: number): Promise<Money> {
    const rows = await this.ds.getRepository(ContractEntity).findBy({ projectId });
    return fromCents(rows.reduce((s, c) => s + toCents(c.amount), 0n));
  }

  // ---- procurement (R14)
  async recordProcurement(
    projectId: number,
    userId: number,
    input: { method: ProcurementMethod; justification?: string; announcedOn: string },
  ) {
    await this.project(projectId);
    const problem = procurementProblem(input.method, input.justification);
    if (problem) throw new HttpError(422, problem, { rule: 'R14' });
    const repo = this.ds.getRepository(ProcurementEntity);
    const res = await repo.insert({
      projectId,
      method: input.method,
      justification: input.justification ?? null,
      announcedOn: input.announcedOn,
      awardedOn: null,
      supplier: null,
      amount: null,
      recordedBy: userId,
      recordedAt: this.now().toISOString(),
    });
    return repo.findOneByOrFail({ id: Number(res.identifiers[0]!.id) });
  }

  /** The trading center records the award; the award stays within the approved amount. */
  async award(projectId: number, procurementId: number, input: { awardedOn: string; supplier: string; amount: Money }) {
    const p = await this.project(projectId);
    const repo = this.ds.getRepository(ProcurementEntity);
    const proc = await repo.findOneBy({ id: procurementId, projectId });
    if (!proc) throw notFound('采购记录不存在');
    if (proc.awardedOn) throw new HttpError(409, '该采购已登记中标结果');
    if (input.awardedOn < proc.announcedOn) throw new HttpError(400, '中标日期不得早于公告日期');
    const problem = contractProblem(p.approvedAmount, '0', input.amount);
    if (problem) throw new HttpError(422, problem.replace('合同累计', '中标'), { rule: 'R19.1' });
    await repo.update({ id: procurementId }, input);
    return repo.findOneByOrFail({ id: procurementId });
  }

  procurements(projectId: number) {
    return this.ds.getRepository(ProcurementEntity).find({ where: { projectId }, order: { id: 'ASC' } });
  }

  // ---- contracts (R11, R19.1)
  async recordContract(
    projectId: number,
    userId: number,
    input: { procurementId?: number; supplier: string; amount: Money; signedOn: string; acceptanceDue: string },
  ) {
    const p = await this.project(projectId);
    if (input.procurementId !== undefined) {
      const proc = await this.ds.getRepository(ProcurementEntity).findOneBy({ id: input.procurementId, projectId });
      if (!proc?.awardedOn) throw new HttpError(422, '关联的采购不存在或尚未确定中标（R14）');
    }
    if (input.acceptanceDue <= input.signedOn) throw new HttpError(400, '合同约定验收日期须晚于签订日期');
    if (!(await new PlanService(this.ds, this.now).investmentFacts(projectId)).inInvestmentPlan) {
      throw new HttpError(422, '项目尚未列入区本级政府性投资计划，不得签订建设合同（R21）', { rule: 'R21' });
    }
    const problem = contractProblem(p.approvedAmount, await this.contractedSum(projectId), input.amount);
    if (problem) throw new HttpError(422, problem, { rule: 'R19.1' });
    const repo = this.ds.getRepository(ContractEntity);
    const res = await repo.insert({
      projectId,
      procurementId: input.procurementId ?? null,
      supplier: input.supplier,
      amount: input.amount,
      signedOn: input.signedOn,
      acceptanceDue: input.acceptanceDue,
      recordedBy: userId,
      recordedAt: this.now().toISOString(),
    });
    return repo.findOneByOrFail({ id: Number(res.identifiers[0]!.id) });
  }

  async contracts(projectId: number) {
    const items = await this.ds.getRepository(ContractEntity).find({ where: { projectId }, order: { id: 'ASC' } });
    return { items, contracted: await this.contractedSum(projectId) };
  }

  // ---- designated units (R18)
  async createUnit(input: { year: number; kind: UnitKind; name: string; contact?: string }) {
    const repo = this.ds.getRepository(ServiceUnitEntity);
    if (await repo.existsBy({ year: input.year, kind: input.kind, name: input.name })) {
      throw new HttpError(409, `${input.year} 年度已有同名${UNIT_KIND_NAMES[input.kind]}`);
    }
    const res = await repo.insert({ ...input, contact: input.contact ?? null });
    return repo.findOneByOrFail({ id: Number(res.identifiers[0]!.id) });
  }

  units(year?: number) {
    return this.ds
      .getRepository(ServiceUnitEntity)
      .find({ where: year ? { year } : {}, order: { year: 'DESC', kind: 'ASC', id: 'ASC' } });
  }

  /** R18: designate this year's unit of a kind; designating again replaces the earlier one. */
  async designate(projectId: number, userId: number, input: { kind: UnitKind; unitId: number }) {
    await this.project(projectId);
    const unit = await this.ds.getRepository(ServiceUnitEntity).findOneBy({ id: input.unitId });
    if (!unit) throw new HttpError(400, '单位不存在');
    if (unit.kind !== input.kind) throw new HttpError(400, `该单位不是${UNIT_KIND_NAMES[input.kind]}`);
    const year = Number(this.today().slice(0, 4));
    if (unit.year !== year)
      throw new HttpError(422, `须指定 ${year} 年度采购确定的${UNIT_KIND_NAMES[input.kind]}（R18）`, { rule: 'R18' });
    const repo = this.ds.getRepository(UnitDesignationEntity);
    const values = { unitId: unit.id, designatedBy: userId, designatedAt: this.now().toISOString() };
    const existing = await repo.findOneBy({ projectId, kind: input.kind });
    if (existing) await repo.update({ id: existing.id }, values);
    else await repo.insert({ projectId, kind: input.kind, ...values });
    return this.designations(projectId);
  }

  async designations(projectId: number) {
    const rows = await this.ds
      .getRepository(UnitDesignationEntity)
      .find({ where: { projectId }, order: { kind: 'ASC' } });
    const units = new Map((await this.ds.getRepository(ServiceUnitEntity).find()).map((u) => [u.id, u]));
    return rows.map((d) => ({
      kind: d.kind,
      kindName: UNIT_KIND_NAMES[d.kind],
      unit: units.get(d.unitId)!,
      designatedAt: d.designatedAt,
    }));
  }

  // ---- security inspection (R12) and cryptography review (R13)
  async recordCheck(
    projectId: number,
    org: { id: number; code: string },
    userId: number,
    input: { passed: boolean; findings?: string; checkedOn: string },
  ) {
    await this.project(projectId);
    const kind = CHECK_BY_ORG[org.code];
    if (!kind) throw new HttpError(403, '只有区委网信办或区委机要局可以登记审查结果');
    if (!input.passed && !input.findings?.trim()) throw new HttpError(400, '审查不通过须写明发现的问题');
    if (input.checkedOn > this.today()) throw new HttpError(400, '审查日期不得晚于今天');
    const repo = this.ds.getRepository(ComplianceCheckEntity);
    await repo.insert({
      projectId,
      kind,
      passed: input.passed,
      findings: input.findings ?? null,
      checkedOn: input.checkedOn,
      orgId: org.id,
      recordedBy: userId,
      recordedAt: this.now().toISOString(),
      round: (await repo.countBy({ projectId, kind })) + 1,
    });
    return this.checks(projectId);
  }

  /** All checks, and whether the latest of each kind passed (R12–R14 acceptance items). */
  async checks(projectId: number) {
    const items = await this.ds
      .getRepository(ComplianceCheckEntity)
      .find({ where: { projectId }, order: { id: 'ASC' } });
    const latest = (k: CheckKind) => [...items].reverse().find((c) => c.kind === k);
    const users = await userRefs(
      this.ds.manager,
      items.map((c) => c.recordedBy),
    );
    return {
      /** each round with `inspector`: the user of the checking body who recorded it (null: the process) */
      items: items.map((c) => ({ ...c, inspector: users.get(c.recordedBy) ?? null })),
      securityInspectionPassed: latest('security-inspection')?.passed ?? null,
      cryptoReviewPassed: latest('crypto-review')?.passed ?? null,
    };
  }

  // ---- post-evaluation (R29)
  async postEvaluate(
    projectId: number,
    userId: number,
    input: { score: number; conclusion: string; recommendation: BudgetRecommendation; evaluatedOn: string },
  ) {
    await this.project(projectId);
    const final = await this.ds.getRepository(AcceptanceEntity).findOneBy({ projectId, stage: 'final' });
    if (final?.result !== 'passed')
      throw new HttpError(422, '项目竣工验收并运行一段时间后方可开展后评价（R29）', { rule: 'R29' });
    if (input.evaluatedOn > this.today() || (final.acceptedOn && input.evaluatedOn <= final.acceptedOn)) {
      throw new HttpError(400, '后评价日期须在竣工验收之后且不晚于今天');
    }
    const problem = postEvaluationProblem(input.score, input.recommendation);
    if (problem) throw new HttpError(422, problem, { rule: 'R29' });
    const repo = this.ds.getRepository(PostEvaluationEntity);
    if (await repo.existsBy({ projectId })) throw new HttpError(409, '该项目已完成后评价');
    await repo.insert({ projectId, ...input, grade: gradeOf(input.score), evaluatedBy: userId });
    return repo.findOneByOrFail({ projectId });
  }

  postEvaluation(projectId: number) {
    return this.ds.getRepository(PostEvaluationEntity).findOneBy({ projectId });
  }

  /** R29: post-evaluations of a year's projects, the input to next year's budget. */
  async postEvaluationsForBudget(year: number) {
    const rows = await this.ds.getRepository(PostEvaluationEntity).find({ order: { id: 'ASC' } });
    const out = [];
    for (const r of rows.filter((x) => x.evaluatedOn.startsWith(String(year)))) {
      const p = await this.project(r.projectId);
      out.push({
        projectId: p.id,
        code: p.code,
        name: p.name,
        orgId: p.orgId,
        score: r.score,
        grade: r.grade,
        recommendation: r.recommendation,
      });
    }
    return out;
  }
}
