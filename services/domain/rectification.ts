/**
 * R26 rectification orders: a supervising body orders a department to rectify by a deadline; the
 * department responds; the issuer closes it or sends it back. Overdue means today is after the
 * deadline (the deadline day itself still counts, 届满 includes the day) and it is not closed.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { chinaDate } from '../calendar';
import { HttpError, notFound } from '../http/problem';
import { OrganisationEntity, RectificationOrderEntity, UserEntity, type RectificationOrder } from './entities';

/**
 * `terminated`: the project was terminated (R26) while the order was still open — no longer owed.
 * Stored in the same `status` column (varchar 20) beside the entity's open/responded/closed.
 */
export const RECTIFICATION_TERMINATED = 'terminated';

/**
 * R26: the supervisor found the report not satisfactory (不合格) — the order is owed again and the
 * report no longer stands: its text, who reported and when are cleared (the order names no
 * reporter until the next report; the rejected report stays in the audit trail). The same for the
 * review route without a process and egov.project-suspend with one.
 */
export const REOPENED = { status: 'open', response: null, respondedAt: null, respondedBy: null } as const;

/** Closed or terminated orders are no longer owed. */
export function isRectificationFinished(order: Pick<RectificationOrder, 'status'>): boolean {
  return order.status === 'closed' || (order.status as string) === RECTIFICATION_TERMINATED;
}

export function isRectificationOverdue(order: Pick<RectificationOrder, 'status' | 'deadline'>, today: string): boolean {
  return !isRectificationFinished(order) && today > order.deadline;
}

/**
 * R26: the project is terminated — its orders still open or responded are marked `terminated`
 * (closedAt = now), in the caller's transaction (egov.project-terminate's `ctx.once`). Returns
 * how many were marked.
 */
export async function terminateRectificationOrders(m: EntityManager, projectId: number, now: Date): Promise<number> {
  const repo = m.getRepository(RectificationOrderEntity);
  const owed = (await repo.findBy({ projectId })).filter((o) => !isRectificationFinished(o));
  for (const o of owed)
    await repo.update({ id: o.id }, { status: RECTIFICATION_TERMINATED as never, closedAt: now.toISOString() });
  return owed.length;
}

export class RectificationDeadlineError extends HttpError {
  constructor() {
    super(400, '整改期限须晚于今天（R26）');
  }
}

/**
 * R26: an open order with a deadline after today, inside the caller's transaction (the API's, or
 * egov.rectification-register's `ctx.once`). Returns the order's id.
 */
export async function issueRectificationOrder(
  m: EntityManager,
  input: { projectId: number; issuerOrgId: number; userId: number; issue: string; deadline: string },
  now: Date,
): Promise<number> {
  if (input.deadline <= chinaDate(now)) throw new RectificationDeadlineError();
  const res = await m.getRepository(RectificationOrderEntity).insert({
    projectId: input.projectId,
    issuedByOrgId: input.issuerOrgId,
    issue: input.issue,
    deadline: input.deadline,
    status: 'open',
    response: null,
    respondedAt: null,
    respondedBy: null,
    closedAt: null,
    closedBy: null,
    issuedBy: input.userId,
    issuedAt: now.toISOString(),
  });
  return Number(res.identifiers[0]!.id);
}

export class RectificationService {
  constructor(
    private readonly ds: DataSource,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private today() {
    return chinaDate(this.now());
  }

  async get(id: number): Promise<RectificationOrder> {
    const o = await this.ds.getRepository(RectificationOrderEntity).findOneBy({ id });
    if (!o) throw notFound('整改通知不存在');
    return o;
  }

  /**
   * `afterInsert` runs in the order's transaction with its id (the API publishes
   * `rectification-ordered` there, keyed by the id): if it throws, the order is not written.
   */
  async issue(
    projectId: number,
    issuerOrgId: number,
    userId: number,
    input: { issue: string; deadline: string },
    afterInsert?: (m: EntityManager, orderId: number) => Promise<void>,
  ) {
    const id = await this.ds.transaction(async (m) => {
      const orderId = await issueRectificationOrder(m, { projectId, issuerOrgId, userId, ...input }, this.now());
      if (afterInsert) await afterInsert(m, orderId);
      return orderId;
    });
    return this.view(id);
  }

  /** Without a process: the department's report, by `userId` (with a process egov.rectification-report-record writes it). */
  async respond(id: number, response: string, userId: number) {
    const o = await this.get(id);
    if (o.status !== 'open') throw new HttpError(409, '该整改通知当前不接受回复');
    await this.ds
      .getRepository(RectificationOrderEntity)
      .update({ id }, { status: 'responded', response, respondedAt: this.now().toISOString(), respondedBy: userId });
    return this.view(id);
  }

  /**
   * Only the issuing body decides: accepted → closed (by `userId`), otherwise back to open (same
   * deadline; the report cleared, `REOPENED`).
   */
  async review(id: number, reviewerOrgId: number, accepted: boolean, userId: number) {
    const o = await this.get(id);
    if (o.issuedByOrgId !== reviewerOrgId) throw new HttpError(403, '只有下达整改通知的单位可以验收整改');
    if (o.status !== 'responded') throw new HttpError(409, '整改尚未回复，不能验收');
    await this.ds
      .getRepository(RectificationOrderEntity)
      .update(
        { id },
        accepted ? { status: 'closed', closedAt: this.now().toISOString(), closedBy: userId } : { ...REOPENED },
      );
    return this.view(id);
  }

  async listOf(projectId: number) {
    const rows = await this.ds
      .getRepository(RectificationOrderEntity)
      .find({ where: { projectId }, order: { id: 'ASC' } });
    return Promise.all(rows.map((r) => this.view(r.id)));
  }

  async view(id: number) {
    const o = await this.get(id);
    const org = await this.ds.getRepository(OrganisationEntity).findOneByOrFail({ id: o.issuedByOrgId });
    const userRef = async (userId: number | null) => {
      const u = userId != null ? await this.ds.getRepository(UserEntity).findOneBy({ id: userId }) : null;
      return u ? { id: u.id, username: u.username, displayName: u.displayName } : null;
    };
    return {
      id: o.id,
      projectId: o.projectId,
      issuedBy: { code: org.code, name: org.name },
      issue: o.issue,
      deadline: o.deadline,
      status: o.status,
      overdue: isRectificationOverdue(o, this.today()),
      response: o.response,
      respondedAt: o.respondedAt,
      /** who reported: the department user (task_completion of Task_Rectify, or the response route's caller) */
      respondedBy: await userRef(o.respondedBy),
      closedAt: o.closedAt,
      /** who found it satisfactory: the supervisor (Task_RectificationVerify, or the review route's caller) */
      closedBy: await userRef(o.closedBy),
      issuedAt: o.issuedAt,
    };
  }
}
