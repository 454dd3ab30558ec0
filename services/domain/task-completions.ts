/**
 * Who completed a user task (`task_completion`). The tasklist (`TaskService`) writes the row before
 * it tells the engine, so the job the completion triggers always finds it; a completion the engine
 * refused is removed again. Workers that record a decision taken in a user task read the deciding
 * user from here (R5 key-project approval, R8.1 the government's approval of the annual plan):
 * the process variables come from the form and carry no trustworthy actor.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { OrganisationEntity, TaskCompletionEntity, UserEntity, type TaskCompletion } from './entities';

export interface CompletedTask {
  userTaskKey: string;
  elementId: string;
  processInstanceKey: string;
  processDefinitionId: string;
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
 * The user who last completed `elementId` in the process instance through the tasklist, or null
 * (a task completed elsewhere — e.g. straight through the engine's API — has no row).
 */
export async function taskDecider(
  m: EntityManager,
  processInstanceKey: string,
  elementId: string,
): Promise<TaskDecider | null> {
  const row = (
    await m.getRepository(TaskCompletionEntity).find({
      where: { processInstanceKey, elementId, outcome: 'complete' },
      order: { id: 'DESC' },
      take: 1,
    })
  )[0];
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
