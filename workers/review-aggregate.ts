/**
 * egov.review-aggregate — R7 joint review: the five bodies' opinions (data bureau, finance, DRC,
 * crypto bureau, cyberspace office) and the experts' scores on the five criteria (规划科学性,
 * 资源共享性, 建设可行性, 概算合理性, 密码应用安全性) → pass / return / fail with a Chinese reason.
 * Experts: a quorum of score sheets, an overall mean and a floor per criterion (configurable),
 * and the majority's recommendation. 附件3: a key project (flagged, or from the configured
 * investment) goes to DRC for separate approval.
 */
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import {
  ExpertScoreEntity,
  ProjectEntity,
  ReviewAssignmentEntity,
  ReviewRoundEntity,
  UserEntity,
} from '../services/domain/entities';
import type { WorkerConfig, WorkerDeps } from './deps';
import { complete, defineWorker, type JobInfo } from './framework';
import { amount, findProject, projectIdSchema, onceAudited, recordEvent } from './support';
import { markReturned } from '../services/domain/returns';
import { moveStage } from '../services/domain/stage-history';

export const REVIEW_CRITERIA = ['planning', 'sharing', 'feasibility', 'budget', 'crypto'] as const;
export type ReviewCriterion = (typeof REVIEW_CRITERIA)[number];
export const REVIEW_CRITERION_NAMES: Record<ReviewCriterion, string> = {
  planning: '规划科学性',
  sharing: '资源共享性',
  feasibility: '建设可行性',
  budget: '概算合理性',
  crypto: '密码应用安全性',
};

export const REVIEW_BODIES = {
  dataBureauReview: '区数管局',
  financeReview: '区财政局',
  drcReview: '区发改委',
  cryptoReview: '区委机要局',
  cyberspaceReview: '区委网信办',
} as const;
type BodyKey = keyof typeof REVIEW_BODIES;

const opinion = z.object({ decision: z.enum(['pass', 'fail', 'return']), reason: z.string().nullish() });
const score = z.number().min(0).max(100);
export const expertScoreSchema = z.object({
  expert: z.string().min(1),
  planning: score,
  sharing: score,
  feasibility: score,
  budget: score,
  crypto: score,
  // an expert who left the recommendation empty is not counted against the project
  recommendation: z.enum(['pass', 'fail']).nullish(),
});
export type ExpertScoreSheet = z.output<typeof expertScoreSchema>;

export const reviewInput = z.object({
  projectId: projectIdSchema.nullish(),
  dataBureauReview: opinion,
  financeReview: opinion,
  drcReview: opinion,
  cryptoReview: opinion,
  cyberspaceReview: opinion,
  // an expert who did not score leaves null in the multi-instance output collection
  expertScores: z.array(expertScoreSchema.nullable()),
  totalInvestment: amount,
});
type ReviewInput = z.output<typeof reviewInput>;

export const reviewOutput = z.object({
  reviewOutcome: z.enum(['pass', 'return', 'fail']),
  reviewPassed: z.boolean(),
  reviewReason: z.string(),
  reviewScore: z.number(),
  reviewCriterionMeans: z.record(z.string(), z.number()).nullable(),
  isKeyProject: z.boolean(),
});
type ReviewOutput = z.output<typeof reviewOutput>;

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Pure: the R7 decision. */
export function aggregateReview(
  v: Omit<ReviewInput, 'projectId'>,
  config: Pick<WorkerConfig, 'reviewQuorum' | 'reviewPassMean' | 'reviewCriterionFloors' | 'keyProjectThreshold'>,
  flaggedKeyProject = false,
): ReviewOutput {
  const bodies = Object.keys(REVIEW_BODIES) as BodyKey[];
  const said = (d: 'fail' | 'return') =>
    bodies
      .filter((b) => v[b].decision === d)
      .map((b) => `${REVIEW_BODIES[b]}${v[b].reason?.trim() ? `（${v[b].reason!.trim()}）` : ''}`);
  const failed = said('fail');
  const returned = said('return');
  const sheets = v.expertScores.filter((s): s is ExpertScoreSheet => s !== null);
  const problems: string[] = [];
  const returns: string[] = [];
  let overall = 0;
  let means: Record<ReviewCriterion, number> | null = null;
  if (failed.length) problems.push(`${failed.join('、')}意见为不通过`);
  if (sheets.length < config.reviewQuorum) {
    returns.push(`专家评分 ${sheets.length} 份，未达到法定人数 ${config.reviewQuorum} 人，须重新组织评审`);
  } else {
    means = Object.fromEntries(
      REVIEW_CRITERIA.map((c) => [c, round1(sheets.reduce((s, x) => s + x[c], 0) / sheets.length)]),
    ) as Record<ReviewCriterion, number>;
    overall = round1(REVIEW_CRITERIA.reduce((s, c) => s + means![c], 0) / REVIEW_CRITERIA.length);
    if (overall < config.reviewPassMean) problems.push(`专家综合平均分 ${overall} 低于通过线 ${config.reviewPassMean}`);
    const weak = REVIEW_CRITERIA.filter((c) => means![c] < config.reviewCriterionFloors[c]);
    if (weak.length)
      problems.push(
        `${weak.map((c) => `${REVIEW_CRITERION_NAMES[c]}（${means![c]}，最低 ${config.reviewCriterionFloors[c]}）`).join('、')}未达单项最低分`,
      );
    const against = sheets.filter((s) => s.recommendation === 'fail').length;
    if (against * 2 > sheets.length) problems.push(`${sheets.length} 位专家中 ${against} 位建议不通过`);
  }
  if (returned.length) returns.push(`${returned.join('、')}意见为退回修改`);
  const isKeyProject = flaggedKeyProject || v.totalInvestment >= config.keyProjectThreshold;
  const base = { reviewScore: overall, reviewCriterionMeans: means, isKeyProject };
  if (problems.length)
    return {
      ...base,
      reviewOutcome: 'fail',
      reviewPassed: false,
      reviewReason: `联合审查论证不通过（R7）：${problems.join('；')}`,
    };
  if (returns.length)
    return {
      ...base,
      reviewOutcome: 'return',
      reviewPassed: false,
      reviewReason: `联合审查论证退回修改（R7）：${returns.join('；')}`,
    };
  return {
    ...base,
    reviewOutcome: 'pass',
    reviewPassed: true,
    reviewReason: `联合审查论证通过（R7）：五部门意见均为通过，${sheets.length} 位专家综合平均分 ${overall}${isKeyProject ? '；属重点项目，报区发改委单独立项' : ''}`,
  };
}

export function createReviewAggregateWorker(deps: WorkerDeps) {
  /** Closes the project's open review round with the outcome and the experts' sheets. */
  const persist = async (m: EntityManager, job: JobInfo, v: ReviewInput) => {
    const project = v.projectId ? await findProject(m, v.projectId) : null;
    const result = aggregateReview(v, deps.config, project?.keyProject ?? false);
    if (!project) return result;
    const now = deps.clock().toISOString();
    const round = await m.getRepository(ReviewRoundEntity).findOneBy({ projectId: project.id, status: 'open' });
    if (round) {
      const assigned = new Set(
        (await m.getRepository(ReviewAssignmentEntity).findBy({ roundId: round.id })).map((a) => a.expertId),
      );
      for (const s of v.expertScores) {
        if (!s) continue;
        const user = await m.getRepository(UserEntity).findOneBy({ username: s.expert });
        if (!user || !assigned.has(user.id)) continue;
        if (await m.getRepository(ExpertScoreEntity).existsBy({ roundId: round.id, expertId: user.id })) continue;
        await m.getRepository(ExpertScoreEntity).insert({
          roundId: round.id,
          expertId: user.id,
          planning: s.planning,
          sharing: s.sharing,
          feasibility: s.feasibility,
          budget: s.budget,
          cryptography: s.crypto,
          opinion: s.recommendation === 'pass' ? '建议通过' : '建议不通过',
          submittedAt: now,
        });
      }
      await m.getRepository(ReviewRoundEntity).update(
        { id: round.id },
        {
          status: 'closed',
          closedAt: now,
          outcome: result.reviewOutcome === 'pass' ? 'passed' : result.reviewOutcome === 'fail' ? 'failed' : null,
          reason: result.reviewReason,
        },
      );
    }
    const stage =
      result.reviewOutcome === 'pass' ? 'approval' : result.reviewOutcome === 'fail' ? 'rejected' : 'returned';
    await m
      .getRepository(ProjectEntity)
      .update({ id: project.id }, { keyProject: result.isKeyProject, updatedAt: now });
    // the stage with its entry time and history (services/domain/stage-history.ts); 退回修改
    // carries the review's reason to the department (services/domain/returns.ts)
    if (result.reviewOutcome === 'return') await markReturned(m, project.id, new Date(now), [result.reviewReason]);
    else await moveStage(m, project.id, stage, new Date(now));
    await recordEvent(deps.dataSource, m, job, `project:${project.id}`, { ...result });
    return result;
  };
  return defineWorker({
    type: 'egov.review-aggregate',
    description:
      'R7: five bodies’ opinions + expert scores (quorum, overall pass mark, per-criterion floors, majority) → reviewOutcome pass/return/fail with reason; 附件3 key project',
    input: reviewInput,
    output: reviewOutput,
    async handle(ctx) {
      return complete(await onceAudited(ctx, deps.dataSource, (m) => persist(m, ctx.job, ctx.variables)));
    },
  });
}
