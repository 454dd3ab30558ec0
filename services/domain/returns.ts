/**
 * 退回修改 (R6/R7) in the domain: while the project's process waits at `Task_ReviseApplication`
 * the project is in stage `returned`, and the stage visit carries the reasons (`note`, JSON array)
 * that the department sees beside its 附件1. Who returns it: `egov.materials-check` (materials
 * defects), `egov.duplicate-check` (duplicate construction) and `egov.review-aggregate` (the joint
 * review's 退回修改) — the three ways into `Gateway_ReviseMerge`. The resubmission
 * (services/processes/application-revision.ts) moves it back to `submitted`.
 */
import type { EntityManager } from 'typeorm';
import { IsNull } from 'typeorm';
import { ProjectStageHistoryEntity, type ProjectStage } from './entities';
import { moveStage, type StageMove } from './stage-history';

/** The stages a project can be returned from: the materials check (submitted, or returned again) and the joint review. */
export const RETURNABLE_FROM: readonly ProjectStage[] = ['submitted', 'returned', 'joint-review'];

/** The reasons stored on a stage visit (`note`); anything unreadable is no reason. */
export function parseReasons(note: string | null | undefined): string[] {
  if (!note) return [];
  try {
    const v = JSON.parse(note) as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Moves the project to `returned` with `reasons` on the visit. `add`: the reasons join those of
 * the current return (the duplicate check after the materials check of the same pass); `replace`:
 * they are the return's reasons. Repeating the same call changes nothing. A project in another
 * stage (the process and the domain disagree) is left alone: `'refused'`.
 */
export async function markReturned(
  m: EntityManager,
  projectId: number,
  at: Date,
  reasons: readonly string[],
  mode: 'replace' | 'add' = 'replace',
): Promise<StageMove> {
  const res = await moveStage(m, projectId, 'returned', at, RETURNABLE_FROM);
  if (res === 'refused' || res === 'missing') return res;
  const history = m.getRepository(ProjectStageHistoryEntity);
  const visit = await history.findOneBy({ projectId, stage: 'returned', leftAt: IsNull() });
  if (!visit) return res;
  const before = res === 'moved' || mode === 'replace' ? [] : parseReasons(visit.note);
  const note = JSON.stringify([...new Set([...before, ...reasons])]);
  if (note !== visit.note) await history.update({ id: visit.id }, { note });
  return res;
}

/**
 * The materials passed: a project still marked `returned` (its resubmission did not move it, e.g.
 * the task was completed while the API's answer was lost) goes back to `submitted`.
 */
export async function clearReturned(m: EntityManager, projectId: number, at: Date): Promise<StageMove> {
  return moveStage(m, projectId, 'submitted', at, ['returned']);
}
