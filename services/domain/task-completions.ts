/**
 * Who completed a user task (`task_completion`). The tasklist (`TaskService`) writes the row before
 * it tells the engine, so the job the completion triggers always finds it; a completion the engine
 * refused is removed again. Workers that record a decision taken in a user task read the deciding
 * user from here (R5 key-project approval, R8.1 the government's approval of the annual plan):
 * the process variables come from the form and carry no trustworthy actor.
 */
import { IsNull, type DataSource, type EntityManager } from 'typeorm';
import { OrganisationEntity, TaskCompletionEntity, UserEntity, type TaskCompletion } from './entities';

export interface CompletedTask {
  userTaskKey: string;
  elementId: string;
  processInstanceKey: string;
  processDefinitionId: string;
  /** the request the task belongs to (`REQUEST_ID_VARIABLES`), null for other tasks */
  requestId?: string | null;
}

/**
 * The user tasks of the "at any time" event sub-processes of project-lifecycle.bpmn — several
 * instances can wait side by side in one process instance (two rectification orders) — and the
 * variables of their scope that name the request they belong to, first found wins:
 * `rectificationId` (egov.rectification-register's order id, what the workers downstream carry)
 * before the message's `rectificationOrderId`. `TaskService` records the value with the
 * completion; the workers ask `taskDecider` for the completion of THEIR request.
 */
export const REQUEST_ID_VARIABLES: Readonly<Record<string, readonly string[]>> = {
  Task_Rectify: ['rectificationId', 'rectificationOrderId'],
  Task_RectificationVerify: ['rectificationId', 'rectificationOrderId'],
  Task_ChangeApproval: ['changeRequestId'],
  Task_DelayReview: ['delayRequestId'],
};

/** The request id among a task's variables (`REQUEST_ID_VARIABLES` of its element), or null. */
export function requestIdOf(elementId: string, variables: Record<string, unknown>): string | null {
  for (const name of REQUEST_ID_VARIABLES[elementId] ?? []) {
    const v = variables[name];
    if (v !== undefined && v !== null && String(v) !== '') return String(v);
  }
  return null;
}

/** Records that `username` completes (or gives back) the task; replaces an earlier attempt's row. */
export async function recordTaskCompletion(
  ds: DataSource,
  task: CompletedTask,
  username: string,
  outcome: TaskCompletion['outcome'],
  at: Date,
): Promise<void> {
  await ds.transaction(async (m) => {
    const user = await m.getRepository(UserEntity).findOneBy({ username });
    const repo = m.getRepository(TaskCompletionEntity);
    await repo.delete({ userTaskKey: task.userTaskKey });
    await repo.insert({
      ...task,
      requestId: task.requestId ?? null,
      userId: user?.id ?? null,
      username,
      orgId: user?.orgId ?? null,
      outcome,
      completedAt: at.toISOString(),
    });
  });
}

/** The engine refused the completion: the task is still open, nobody completed it. */
export async function forgetTaskCompletion(ds: DataSource, userTaskKey: string): Promise<void> {
  await ds.transaction((m) => m.getRepository(TaskCompletionEntity).delete({ userTaskKey }));
}

export interface TaskDecider {
  userId: number | null;
  username: string;
  orgId: number | null;
  orgCode: string | null;
  completedAt: string;
}

/**
 * The user who completed `elementId` in the process instance through the tasklist, or null (a
 * task completed elsewhere — e.g. straight through the engine's API — has no row).
 *
 * `requestId` (the order / change / delay request id the worker's job carries): the completion of
 * THAT request's task — two orders reported or verified at almost the same moment each name their
 * own user; a row recorded without a request id (before migration 1764310000000) still counts,
 * another request's row never does. Without `requestId`: the latest completion of the element
 * (tasks that occur once per instance at a time: R5, R8.1, the review rounds).
 */
export async function taskDecider(
  m: EntityManager,
  processInstanceKey: string,
  elementId: string,
  requestId?: string | number | null,
): Promise<TaskDecider | null> {
  const repo = m.getRepository(TaskCompletionEntity);
  const latest = async (where: Record<string, unknown>) =>
    (
      await repo.find({
        where: { processInstanceKey, elementId, outcome: 'complete', ...where },
        order: { id: 'DESC' },
        take: 1,
      })
    )[0];
  const row =
    requestId === undefined || requestId === null
      ? await latest({})
      : ((await latest({ requestId: String(requestId) })) ?? (await latest({ requestId: IsNull() })));
  if (!row) return null;
  const org = row.orgId != null ? await m.getRepository(OrganisationEntity).findOneBy({ id: row.orgId }) : null;
  return {
    userId: row.userId,
    username: row.username,
    orgId: row.orgId,
    orgCode: org?.code ?? null,
    completedAt: row.completedAt,
  };
}
