/**
 * The domain rows the process writes (issue 4): each function runs inside the job worker's
 * `ctx.once` transaction (the EntityManager it is given), so a redelivered job changes nothing,
 * and it keeps the rules of the domain services next to it (procurement, contracts and units:
 * delivery.ts; acceptance, reports, change and delay requests: lifecycle.ts; plans: plans.ts).
 * Rows written by the process carry user 0 (`PROCESS_USER`): the acting person is on the user
 * task that preceded the job, and in the audit trail.
 */
import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { chinaDate, isIsoDate } from '../calendar';
import {
  AcceptanceEntity,
  ChangeRequestEntity,
  ContractEntity,
  DelayRequestEntity,
  KeyProjectApprovalEntity,
  OrganisationEntity,
  PostEvaluationEntity,
  ProcurementEntity,
  RectificationOrderEntity,
  ProgressReportEntity,
  SelfEvaluationEntity,
  ServiceUnitEntity,
  UnitDesignationEntity,
  type Acceptance,
  type AcceptanceStage,
  type BudgetRecommendation,
  type ChangeCase,
  type KeyApprovalDecision,
  type PostEvaluation,
  type ProcurementMethod,
  type Project,
  type UnitKind,
  UserEntity,
} from './entities';
import { gradeOf } from './delivery';
import type { AcceptanceItems } from './lifecycle';
import type { Money } from './money';
import { PROCESS_USER } from './plans';
import { taskDecider } from './task-completions';

/** A form date or date-time as the day in China, or null when absent or not a date. */
export function dayOf(value: string | null | undefined): string | null {
  if (!value) return null;
  const s = value.trim();
  if (isIsoDate(s)) return s;
  if (/^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s))) return chinaDate(new Date(s));
  return null;
}

// ---------------------------------------------------------------- R14 procurement and contract

export async function recordProcurementAndContract(
  m: EntityManager,
  project: Project,
  input: {
    method: ProcurementMethod;
    tenderNo: string | null;
    supplier: string;
    contractNo: string;
    amount: Money;
    signedOn: string;
    acceptanceDue: string;
  },
  now: Date,
): Promise<{ procurementId: number; contractId: number }> {
  // the form records the award and the signed contract together: the award day is the signing day
  const res = await m.getRepository(ProcurementEntity).insert({
    projectId: project.id,
    method: input.method,
    justification: null,
    announcedOn: input.signedOn,
    awardedOn: input.signedOn,
    supplier: input.supplier,
    amount: input.amount,
    tenderNo: input.tenderNo,
    recordedBy: PROCESS_USER,
    recordedAt: now.toISOString(),
  });
  const procurementId = Number(res.identifiers[0]!.id);
  const contract = await m.getRepository(ContractEntity).insert({
    projectId: project.id,
    procurementId,
    supplier: input.supplier,
    amount: input.amount,
    signedOn: input.signedOn,
    acceptanceDue: input.acceptanceDue,
    contractNo: input.contractNo,
    recordedBy: PROCESS_USER,
    recordedAt: now.toISOString(),
  });
  return { procurementId, contractId: Number(contract.identifiers[0]!.id) };
}

// ---------------------------------------------------------------- R18 designated units

/**
 * R18: designates the year's unit of each kind by name; a unit the data bureau named that is not
 * yet among the year's units is added to them (the data bureau procured it). Designating a kind
 * again replaces the earlier designation, as `DeliveryService.designate` does.
 */
export async function designateUnits(
  m: EntityManager,
  projectId: number,
  year: number,
  units: readonly { kind: UnitKind; name: string }[],
  now: Date,
): Promise<void> {
  const unitRepo = m.getRepository(ServiceUnitEntity);
  const designations = m.getRepository(UnitDesignationEntity);
  for (const { kind, name } of units) {
    let unit = await unitRepo.findOneBy({ year, kind, name });
    if (!unit) {
      await unitRepo.insert({ year, kind, name, contact: null });
      unit = await unitRepo.findOneByOrFail({ year, kind, name });
    }
    const values = { unitId: unit.id, designatedBy: PROCESS_USER, designatedAt: now.toISOString() };
    const existing = await designations.findOneBy({ projectId, kind });
    if (existing) await designations.update({ id: existing.id }, values);
    else await designations.insert({ projectId, kind, ...values });
  }
}

// ---------------------------------------------------------------- R22 acceptance

async function upsertAcceptance(
  m: EntityManager,
  projectId: number,
  stage: AcceptanceStage,
  values: Partial<Omit<Acceptance, 'id' | 'projectId' | 'stage' | 'recordedBy' | 'recordedAt'>>,
  now: Date,
): Promise<void> {
  const repo = m.getRepository(AcceptanceEntity);
  const existing = await repo.findOneBy({ projectId, stage });
  const row = { ...values, recordedBy: PROCESS_USER, recordedAt: now.toISOString() };
  if (existing) await repo.update({ id: existing.id }, row);
  else
    await repo.insert({
      projectId,
      stage,
      appliedOn: chinaDate(now),
      dueOn: null,
      late: false,
      acceptedOn: null,
      result: null,
      opinion: null,
      items: null,
      ...row,
    });
}

/** R22.1: the department's own preliminary acceptance (form `preliminary-acceptance`). */
export async function recordPreliminaryAcceptance(
  m: EntityManager,
  projectId: number,
  input: { passed: boolean; acceptedOn: string; opinion: string | null },
  now: Date,
): Promise<void> {
  await upsertAcceptance(
    m,
    projectId,
    'preliminary',
    {
      acceptedOn: input.passed ? input.acceptedOn : null,
      result: input.passed ? 'passed' : 'failed',
      opinion: input.opinion,
    },
    now,
  );
}

/** R22.2: the final-acceptance application with its four documents, and its deadline. */
export async function recordFinalApplication(
  m: EntityManager,
  projectId: number,
  input: { appliedOn: string; dueOn: string | null },
  now: Date,
): Promise<void> {
  const existing = await m.getRepository(AcceptanceEntity).findOneBy({ projectId, stage: 'final' });
  if (existing?.result === 'passed') return;
  await upsertAcceptance(
    m,
    projectId,
    'final',
    {
      appliedOn: input.appliedOn,
      dueOn: input.dueOn,
      late: !!input.dueOn && input.appliedOn > input.dueOn,
      acceptedOn: null,
      result: null,
      opinion: null,
      items: null,
    },
    now,
  );
}

/** R22.2, R14: the panel's opinion and the acceptance items; the project goes live. */
export async function recordFinalAcceptance(
  m: EntityManager,
  projectId: number,
  input: { passed: boolean; acceptedOn: string; opinion: string | null; items: AcceptanceItems },
  now: Date,
): Promise<void> {
  await upsertAcceptance(
    m,
    projectId,
    'final',
    {
      acceptedOn: input.passed ? input.acceptedOn : null,
      result: input.passed ? 'passed' : 'failed',
      opinion: input.opinion,
      items: JSON.stringify(input.items),
    },
    now,
  );
}

// ---------------------------------------------------------------- R23, R15

/** R23: the self-evaluation report; one per project (a second filing replaces the first). */
export async function recordSelfEvaluation(
  m: EntityManager,
  projectId: number,
  input: { effect: string; problems: string; submittedOn: string; dueOn: string },
): Promise<void> {
  const repo = m.getRepository(SelfEvaluationEntity);
  const values = { ...input, late: input.submittedOn > input.dueOn, submittedBy: PROCESS_USER };
  const existing = await repo.findOneBy({ projectId });
  if (existing) await repo.update({ id: existing.id }, values);
  else await repo.insert({ projectId, ...values });
}

/** R15: the 附件2 report of a quarter (`YYYY-Qn`); reporting a quarter again replaces it. */
export async function recordProgressReport(
  m: EntityManager,
  projectId: number,
  input: { quarter: string; data: Record<string, unknown>; submittedOn: string; dueOn: string },
): Promise<void> {
  const repo = m.getRepository(ProgressReportEntity);
  const values = {
    data: JSON.stringify(input.data),
    submittedOn: input.submittedOn,
    dueOn: input.dueOn,
    late: input.submittedOn > input.dueOn,
    submittedBy: PROCESS_USER,
  };
  const existing = await repo.findOneBy({ projectId, quarter: input.quarter });
  if (existing) await repo.update({ id: existing.id }, values);
  else await repo.insert({ projectId, quarter: input.quarter, ...values });
}

// ---------------------------------------------------------------- R20 change, R22.3 delay

/**
 * Who decided a request (decidedBy): the user who completed the deciding task, else the process (0).
 * `requestId`: the request the process decided (the event sub-process's `changeRequestId` /
 * `delayRequestId`, the message's row id); with it only that row is decided — two requests open at
 * the same time are never mixed up. Without it (a request opened in the process only, or an
 * instance started before the id was carried) the project's oldest pending request is the one.
 */
export interface RequestDecision {
  requestId?: number | null;
  decidedBy?: number | null;
}

function pendingRequest<T extends { id: number; projectId: number; status: string }>(
  m: EntityManager,
  entity: typeof ChangeRequestEntity | typeof DelayRequestEntity,
  projectId: number,
  requestId: number | null | undefined,
): Promise<T | null> {
  const repo = m.getRepository(entity as never) as unknown as { findOne(o: unknown): Promise<T | null> };
  return repo.findOne({
    where: requestId ? { id: requestId, projectId, status: 'submitted' } : { projectId, status: 'submitted' },
    order: { id: 'ASC' },
  });
}

/**
 * R20: the change the district government approved. A change request the department filed
 * through the API and that is still pending is the one decided (the one `requestId` names);
 * otherwise the approved change is recorded as a new request.
 */
export async function fileApprovedChange(
  m: EntityManager,
  projectId: number,
  input: { changeCase: ChangeCase; description: string; newAmount: Money; note: string | null } & RequestDecision,
  now: Date,
): Promise<number> {
  const repo = m.getRepository(ChangeRequestEntity);
  const decided = {
    status: 'approved' as const,
    decidedBy: input.decidedBy ?? PROCESS_USER,
    decidedAt: now.toISOString(),
  };
  const pending = await pendingRequest<{ id: number; projectId: number; status: string }>(
    m,
    ChangeRequestEntity,
    projectId,
    input.requestId,
  );
  if (pending) {
    await repo.update({ id: pending.id }, { ...decided, decisionNote: input.note });
    return pending.id;
  }
  const res = await repo.insert({
    projectId,
    changeCase: input.changeCase,
    description: input.description,
    newAmount: input.newAmount,
    decisionNote: input.note,
    requestedBy: PROCESS_USER,
    requestedAt: now.toISOString(),
    ...decided,
  });
  return Number(res.identifiers[0]!.id);
}

/**
 * R22.3: the approved delay of the contracted acceptance date — the request is decided (or
 * recorded) and the project's latest contract gets the new date.
 */
export async function approveDelay(
  m: EntityManager,
  projectId: number,
  input: { requestedDate: string; contractedDate: string | null; reason: string } & RequestDecision,
  now: Date,
): Promise<void> {
  const contracts = m.getRepository(ContractEntity);
  const contract = (await contracts.find({ where: { projectId }, order: { id: 'DESC' }, take: 1 }))[0];
  const contractedDate = contract?.acceptanceDue ?? input.contractedDate ?? input.requestedDate;
  const repo = m.getRepository(DelayRequestEntity);
  const decided = {
    status: 'approved' as const,
    decidedBy: input.decidedBy ?? PROCESS_USER,
    decidedAt: now.toISOString(),
  };
  const pending = await pendingRequest<{ id: number; projectId: number; status: string }>(
    m,
    DelayRequestEntity,
    projectId,
    input.requestId,
  );
  if (pending) await repo.update({ id: pending.id }, { ...decided, requestedDate: input.requestedDate });
  else
    await repo.insert({
      projectId,
      contractedDate,
      requestedDate: input.requestedDate,
      reason: input.reason,
      decisionNote: null,
      requestedBy: PROCESS_USER,
      requestedAt: now.toISOString(),
      ...decided,
    });
  if (contract) await contracts.update({ id: contract.id }, { acceptanceDue: input.requestedDate });
}

// ---------------------------------------------------------------- R29 post-evaluation

/** The post-evaluation form's grade and recommendation in the domain's terms. */
export const PROCESS_GRADES: Record<string, PostEvaluation['grade']> = {
  excellent: 'excellent',
  good: 'good',
  fair: 'pass',
  poor: 'fail',
};
export const PROCESS_RECOMMENDATIONS: Record<string, BudgetRecommendation> = {
  normal: 'keep',
  reduce: 'reduce',
  none: 'stop',
};

/** R29 (R27): the data bureau's post-evaluation; one per project (recording again replaces it). */
export async function recordPostEvaluation(
  m: EntityManager,
  projectId: number,
  input: {
    score: number;
    grade: PostEvaluation['grade'] | null;
    conclusion: string;
    recommendation: BudgetRecommendation;
    r27BudgetCut: boolean;
    evaluatedOn: string;
  },
): Promise<void> {
  const repo = m.getRepository(PostEvaluationEntity);
  const values = {
    score: Math.round(input.score),
    grade: input.grade ?? gradeOf(input.score),
    conclusion: input.conclusion,
    recommendation: input.recommendation,
    r27BudgetCut: input.r27BudgetCut,
    evaluatedOn: input.evaluatedOn,
    evaluatedBy: PROCESS_USER,
  };
  const existing = await repo.findOneBy({ projectId });
  if (existing) await repo.update({ id: existing.id }, values);
  else await repo.insert({ projectId, ...values });
}

// ---------------------------------------------------------------- R5 key-project approval

/** The user task in which 区发改委 decides a key project (processes/project-lifecycle.bpmn). */
export const KEY_PROJECT_APPROVAL_TASK = 'Task_KeyProjectApproval';

/**
 * R5: 区发改委's separate approval (单独立项) of a key project, as its form recorded it. Who
 * approved, and when, is the user who completed `Task_KeyProjectApproval` of the process instance
 * through the tasklist (`task_completion`, written by TaskService — never a form value); without
 * such a row (a task completed outside the tasklist) the approver stays unknown and the day is
 * `decidedOn`.
 */
export async function recordKeyProjectApproval(
  m: EntityManager,
  projectId: number,
  input: {
    decision: KeyApprovalDecision;
    documentNo: string | null;
    approvedInvestment: Money | null;
    reason: string | null;
    decidedOn: string;
    processInstanceKey: string | null;
  },
  now: Date,
): Promise<void> {
  const drc = await m.getRepository(OrganisationEntity).findOneBy({ code: 'drc' });
  if (!drc) throw new Error('区发改委（drc）不在机构表中');
  const decider = input.processInstanceKey
    ? await taskDecider(m, input.processInstanceKey, KEY_PROJECT_APPROVAL_TASK)
    : null;
  await m.getRepository(KeyProjectApprovalEntity).insert({
    projectId,
    ...input,
    approver: decider?.username ?? null,
    approverUserId: decider?.userId ?? null,
    decidedOn: decider ? chinaDate(new Date(decider.completedAt)) : input.decidedOn,
    decidedAt: decider?.completedAt ?? null,
    approverOrgId: drc.id,
    recordedAt: now.toISOString(),
  });
}

export function keyProjectApprovals(m: EntityManager, projectId: number) {
  return m.getRepository(KeyProjectApprovalEntity).find({ where: { projectId }, order: { id: 'ASC' } });
}

/** R5 approvals of a project with the approving body's name (GET /projects/:id/key-project-approval). */
export async function keyProjectApprovalView(m: EntityManager, projectId: number) {
  const rows = await keyProjectApprovals(m, projectId);
  const orgs = new Map((await m.getRepository(OrganisationEntity).find()).map((o) => [o.id, o]));
  const userIds = [...new Set(rows.map((r) => r.approverUserId).filter((id): id is number => id != null))];
  const users = new Map(
    (userIds.length ? await m.getRepository(UserEntity).findBy({ id: In(userIds) }) : []).map((u) => [u.id, u]),
  );
  return rows.map((r) => ({
    id: r.id,
    decision: r.decision,
    decisionName: r.decision === 'approve' ? '批准' : '不予批准',
    documentNo: r.documentNo,
    approvedInvestment: r.approvedInvestment,
    reason: r.reason,
    approver: { code: orgs.get(r.approverOrgId)?.code ?? '', name: orgs.get(r.approverOrgId)?.name ?? '' },
    approverUser: r.approver,
    /** the DRC user who completed the approval task, with the organisation they belong to */
    approvedBy:
      r.approverUserId != null && users.has(r.approverUserId)
        ? {
            id: r.approverUserId,
            username: users.get(r.approverUserId)!.username,
            displayName: users.get(r.approverUserId)!.displayName,
            orgCode: orgs.get(users.get(r.approverUserId)!.orgId)?.code ?? '',
            orgName: orgs.get(users.get(r.approverUserId)!.orgId)?.name ?? '',
          }
        : null,
    decidedOn: r.decidedOn,
    decidedAt: r.decidedAt,
    recordedAt: r.recordedAt,
  }));
}

// ---------------------------------------------------------------- decisions announced by egov.notify

/**
 * R20 / R22.3: a change or delay request the process refused (ineligible, or not approved). A
 * pending request the department filed through the API is the one decided; otherwise the refused
 * request is recorded as decided, so the project's file shows it.
 */
export async function recordRefusedRequest(
  m: EntityManager,
  projectId: number,
  what: 'change' | 'delay',
  input: {
    note: string | null;
    change?: { changeCase: ChangeCase; description: string; newAmount: Money };
    delay?: { contractedDate: string; requestedDate: string; reason: string };
  } & RequestDecision,
  now: Date,
): Promise<void> {
  const decided = {
    status: 'rejected' as const,
    decisionNote: input.note,
    decidedBy: input.decidedBy ?? PROCESS_USER,
    decidedAt: now.toISOString(),
  };
  const opened = { requestedBy: PROCESS_USER, requestedAt: now.toISOString() };
  type Row = { id: number; projectId: number; status: string };
  if (what === 'change') {
    const repo = m.getRepository(ChangeRequestEntity);
    const pending = await pendingRequest<Row>(m, ChangeRequestEntity, projectId, input.requestId);
    if (pending) await repo.update({ id: pending.id }, decided);
    else if (input.change) await repo.insert({ projectId, ...input.change, ...opened, ...decided });
    return;
  }
  const repo = m.getRepository(DelayRequestEntity);
  const pending = await pendingRequest<Row>(m, DelayRequestEntity, projectId, input.requestId);
  if (pending) await repo.update({ id: pending.id }, decided);
  else if (input.delay) await repo.insert({ projectId, ...input.delay, ...opened, ...decided });
}

/**
 * R26: the supervising body found the rectification satisfactory (Task_RectificationVerify);
 * `closedBy` is the supervisor who completed that task (task_completion), null if unknown.
 */
export async function closeRectificationOrder(
  m: EntityManager,
  orderId: number,
  now: Date,
  closedBy: number | null = null,
): Promise<boolean> {
  const repo = m.getRepository(RectificationOrderEntity);
  const order = await repo.findOneBy({ id: orderId });
  if (!order || order.status === 'closed') return false;
  await repo.update(
    { id: orderId },
    { status: 'closed', closedAt: now.toISOString(), closedBy, respondedAt: order.respondedAt ?? now.toISOString() },
  );
  return true;
}
