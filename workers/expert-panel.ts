/**
 * egov.expert-panel — R7: the data bureau draws experts for the joint review. The least-loaded
 * active experts of the expert pool are drawn (fewest open review assignments, then longest
 * unused), the round is opened in the domain (review_round + review_assignment) and the panel's
 * user names go to the process (the scoring task is assigned per expert: `assignee="=expert"`).
 */
import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { z } from 'zod';
import {
  OrganisationEntity,
  ReviewAssignmentEntity,
  ReviewRoundEntity,
  UserEntity,
  type Project,
} from '../services/domain/entities';
import type { WorkerDeps } from './deps';
import { complete, defineWorker, type JobInfo } from './framework';
import { loadProject, projectIdSchema, onceAudited, recordEvent, setStage } from './support';

export const expertPanelInput = z.object({ projectId: projectIdSchema });
export const expertPanelOutput = z.object({
  expertPanel: z.array(z.string()).min(3),
  reviewRoundId: z.string(),
});

/** Too few active experts for the quorum: an operator must add experts (incident after retries). */
export class ExpertPoolError extends Error {
  constructor(available: number, needed: number) {
    super(`专家库可用专家 ${available} 人，少于评审所需 ${needed} 人（R7）`);
    this.name = 'ExpertPoolError';
  }
}

async function openRound(m: EntityManager, p: Project, expertIds: number[], now: Date): Promise<number> {
  const rounds = m.getRepository(ReviewRoundEntity);
  const roundNo = (await rounds.countBy({ projectId: p.id })) + 1;
  const res = await rounds.insert({
    projectId: p.id,
    roundNo,
    status: 'open',
    applicationVersion: p.currentVersion,
    // 0 = opened by the process (no user); the round's history is in the audit log
    openedBy: 0,
    openedAt: now.toISOString(),
    closedAt: null,
    outcome: null,
    reason: null,
  });
  const roundId = Number(res.identifiers[0]!.id);
  for (const expertId of expertIds) await m.getRepository(ReviewAssignmentEntity).insert({ roundId, expertId });
  return roundId;
}

export function createExpertPanelWorker(deps: WorkerDeps) {
  const draw = async (m: EntityManager, job: JobInfo, projectId: string) => {
    const project = await loadProject(m, projectId);
    const users = m.getRepository(UserEntity);
    const open = await m.getRepository(ReviewRoundEntity).findOneBy({ projectId: project.id, status: 'open' });
    // a round opened already (through the API) is kept: the process follows its panel, topped up to the quorum
    const assigned = open
      ? (await m.getRepository(ReviewAssignmentEntity).findBy({ roundId: open.id })).map((a) => a.expertId)
      : [];
    if (open && assigned.length >= deps.config.reviewQuorum) {
      const panel = (await users.findBy({ id: In(assigned) })).map((u) => u.username).sort();
      return { expertPanel: panel, reviewRoundId: String(open.id) };
    }
    const pool = await m.getRepository(OrganisationEntity).findOneBy({ code: 'experts' });
    const experts = pool
      ? (await users.find({ where: { orgId: pool.id, disabled: false }, order: { id: 'ASC' } })).filter((u) =>
          u.roles.includes('expert'),
        )
      : [];
    const size = open ? deps.config.reviewQuorum : Math.max(deps.config.expertPanelSize, deps.config.reviewQuorum);
    if (experts.length < deps.config.reviewQuorum) throw new ExpertPoolError(experts.length, deps.config.reviewQuorum);
    const load = new Map<number, { openCount: number; lastRound: number }>();
    const rows = (await m.query(
      `SELECT a.expert_id AS expertId, SUM(CASE WHEN r.status = 'open' THEN 1 ELSE 0 END) AS openCount, MAX(r.id) AS lastRound
         FROM review_assignment a JOIN review_round r ON r.id = a.round_id GROUP BY a.expert_id`,
    )) as { expertId: number | string; openCount: number | string; lastRound: number | string }[];
    for (const r of rows)
      load.set(Number(r.expertId), { openCount: Number(r.openCount), lastRound: Number(r.lastRound) });
    const kept = experts.filter((u) => assigned.includes(u.id));
    const drawn = experts
      .filter((u) => !assigned.includes(u.id))
      .sort((a, b) => {
        const la = load.get(a.id) ?? { openCount: 0, lastRound: 0 };
        const lb = load.get(b.id) ?? { openCount: 0, lastRound: 0 };
        return la.openCount - lb.openCount || la.lastRound - lb.lastRound || a.id - b.id;
      })
      .slice(0, Math.max(size - kept.length, 0));
    const chosen = [...kept, ...drawn];
    let roundId: number;
    if (open) {
      for (const u of drawn) await m.getRepository(ReviewAssignmentEntity).insert({ roundId: open.id, expertId: u.id });
      roundId = open.id;
    } else {
      roundId = await openRound(
        m,
        project,
        chosen.map((u) => u.id),
        deps.clock(),
      );
    }
    if (['submitted', 'joint-review'].includes(project.stage))
      await setStage(m, project.id, 'joint-review', deps.clock());
    const panel = chosen.map((u) => u.username);
    await recordEvent(deps.dataSource, m, job, `project:${project.id}`, { reviewRoundId: roundId, expertPanel: panel });
    return { expertPanel: panel, reviewRoundId: String(roundId) };
  };
  return defineWorker({
    type: 'egov.expert-panel',
    description: 'R7: draws the least-loaded active experts (≥ quorum) and opens the review round with them',
    input: expertPanelInput,
    output: expertPanelOutput,
    async handle(ctx) {
      return complete(await onceAudited(ctx, deps.dataSource, (m) => draw(m, ctx.job, ctx.variables.projectId)));
    },
  });
}
