/**
 * The one way a project changes stage: the project row (stage, `stageEnteredAt`) and its stage
 * history move together in the caller's transaction. Used by `ProjectService.setStage` (API-driven
 * steps) and the workers' `setStage` (engine-driven steps). Durations are measured from this
 * history: `daysInStage` on a project and the dashboard's stage-duration chart.
 */
import type { EntityManager } from 'typeorm';
import { IsNull } from 'typeorm';
import { chinaDate, daysBetween } from '../calendar/dates';
import { ProjectEntity, ProjectStageHistoryEntity, type ProjectStage } from './entities';

export type StageMove = 'moved' | 'unchanged' | 'refused' | 'missing';

/**
 * Moves `projectId` to `to` at `at`. With `allowedFrom`, refuses (`'refused'`) when the project is
 * in another stage, or was moved by someone else meanwhile. Staying in the same stage only touches
 * `updatedAt` (`'unchanged'`): the days in stage keep counting.
 */
export async function moveStage(
  m: EntityManager,
  projectId: number,
  to: ProjectStage,
  at: Date,
  allowedFrom?: readonly ProjectStage[],
): Promise<StageMove> {
  const repo = m.getRepository(ProjectEntity);
  const current = await repo.findOne({ where: { id: projectId }, select: { id: true, stage: true } });
  if (!current) return 'missing';
  if (allowedFrom && !allowedFrom.includes(current.stage)) return 'refused';
  const iso = at.toISOString();
  if (current.stage === to) {
    await repo.update({ id: projectId, stage: to }, { updatedAt: iso });
    return 'unchanged';
  }
  // optimistic: the stage read above must still hold
  const res = await repo.update(
    { id: projectId, stage: current.stage },
    { stage: to, updatedAt: iso, stageEnteredAt: iso },
  );
  if (res.affected === 0) return 'refused';
  const history = m.getRepository(ProjectStageHistoryEntity);
  await history.update({ projectId, leftAt: IsNull() }, { leftAt: iso });
  await history.insert({ projectId, stage: to, enteredAt: iso, leftAt: null });
  return 'moved';
}

/**
 * Whole calendar days (自然日, China time) since the current stage began: 0 on the day it began.
 * Projects written before the stage timestamp existed fall back to their creation time.
 */
export function daysInStage(p: { stageEnteredAt?: string | null; createdAt: string }, now: Date): number {
  const since = new Date(p.stageEnteredAt ?? p.createdAt);
  return Math.max(0, daysBetween(chinaDate(since), chinaDate(now)));
}

export interface StageDuration {
  stage: ProjectStage;
  stageName: string;
  /** visits counted: finished ones and the ones still running (measured up to now) */
  visits: number;
  /** of which still in the stage */
  current: number;
  avgDays: number;
  maxDays: number;
}

/** Stages a project does not leave: their "duration" would only grow with time. */
export const TERMINAL_STAGES: readonly ProjectStage[] = ['closed', 'terminated', 'not-governed', 'rejected'];

const DAY_MS = 86_400_000;

/**
 * Per stage, the mean and longest time spent in it (calendar days, one decimal), over the given
 * visits. A visit still running counts up to `now`: a stuck project shows in the chart.
 */
export function stageDurations(
  visits: readonly { stage: ProjectStage; enteredAt: string; leftAt: string | null }[],
  now: Date,
  order: readonly ProjectStage[],
  names: Record<ProjectStage, string>,
): StageDuration[] {
  const by = new Map<ProjectStage, { sum: number; max: number; n: number; open: number }>();
  for (const v of visits) {
    if (TERMINAL_STAGES.includes(v.stage)) continue;
    const end = v.leftAt ? Date.parse(v.leftAt) : now.getTime();
    const days = Math.max(0, end - Date.parse(v.enteredAt)) / DAY_MS;
    const a = by.get(v.stage) ?? { sum: 0, max: 0, n: 0, open: 0 };
    a.sum += days;
    a.max = Math.max(a.max, days);
    a.n += 1;
    if (!v.leftAt) a.open += 1;
    by.set(v.stage, a);
  }
  const round = (x: number) => Math.round(x * 10) / 10;
  return order
    .filter((s) => by.has(s))
    .map((s) => {
      const a = by.get(s)!;
      return {
        stage: s,
        stageName: names[s],
        visits: a.n,
        current: a.open,
        avgDays: round(a.sum / a.n),
        maxDays: round(a.max),
      };
    });
}
