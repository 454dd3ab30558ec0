/**
 * egov.post-evaluation-record — R29: the data bureau's post-evaluation (efficiency, effect, grade)
 * is recorded as input to the department's next-year investment and O&M budget; R27 cuts it.
 * `budgetInputs(ds, year)` lists what the finance bureau reads when it plans `year`.
 */
import type { DataSource } from 'typeorm';
import { In, Like } from 'typeorm';
import { PostEvaluationEntity, ProjectEntity, type BudgetRecommendation } from '../services/domain/entities';
import { PROCESS_GRADES, PROCESS_RECOMMENDATIONS, recordPostEvaluation } from '../services/domain/process-records';
import { z } from 'zod';
import type { WorkerDeps } from './deps';
import { projectEffectWorker } from './recording';
import { projectIdSchema, setStage } from './support';

const score = z.number().min(0).max(100);
export const postEvaluationInput = z.object({
  projectId: projectIdSchema,
  scoreOperationEfficiency: score,
  scoreUsageEffect: score,
  postEvaluationGrade: z.enum(['excellent', 'good', 'fair', 'poor']),
  budgetRecommendation: z.enum(['normal', 'reduce', 'none']),
  r27BudgetCut: z.boolean().default(false),
  postEvaluationProblems: z.string().trim().max(5000).nullish(),
  rectificationSuggestions: z.string().trim().max(5000).nullish(),
});

export const budgetInputSchema = z.object({
  budgetYear: z.number().int(),
  projectId: z.string(),
  projectCode: z.string(),
  orgId: z.number().int(),
  grade: z.string(),
  score: z.number(),
  recommendation: z.enum(['normal', 'reduce', 'none']),
  r27BudgetCut: z.boolean(),
});
export type BudgetInput = z.output<typeof budgetInputSchema>;

export function createPostEvaluationRecordWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.post-evaluation-record',
    description: 'R29: records the post-evaluation as next year’s budget input (R27: budget cut)',
    input: postEvaluationInput,
    output: z.object({ budgetInput: budgetInputSchema }),
    async apply({ m, project, v, now, today }) {
      await setStage(m, project.id, 'post-evaluation', now);
      const budgetInput: BudgetInput = {
        budgetYear: Number(today.slice(0, 4)) + 1,
        projectId: String(project.id),
        projectCode: project.code,
        orgId: project.orgId,
        grade: v.postEvaluationGrade,
        score: Math.round(((v.scoreOperationEfficiency + v.scoreUsageEffect) / 2) * 10) / 10,
        // R27 overrides a normal recommendation: the next-year budget is cut
        recommendation: v.r27BudgetCut && v.budgetRecommendation === 'normal' ? 'reduce' : v.budgetRecommendation,
        r27BudgetCut: v.r27BudgetCut,
      };
      // the post-evaluation in the domain (post_evaluation): next year's budget input reads it
      await recordPostEvaluation(m, project.id, {
        score: budgetInput.score,
        grade: PROCESS_GRADES[v.postEvaluationGrade] ?? null,
        conclusion:
          [v.postEvaluationProblems, v.rectificationSuggestions && `整改意见：${v.rectificationSuggestions}`]
            .filter(Boolean)
            .join('\n') || `后评价等级：${GRADE_NAMES[v.postEvaluationGrade]}`,
        recommendation: PROCESS_RECOMMENDATIONS[budgetInput.recommendation]!,
        r27BudgetCut: v.r27BudgetCut,
        evaluatedOn: today,
      });
      return { budgetInput };
    },
  });
}

const GRADE_NAMES: Record<string, string> = { excellent: '优秀', good: '良好', fair: '一般', poor: '较差' };
const PROCESS_RECOMMENDATION_OF: Record<BudgetRecommendation, BudgetInput['recommendation']> = {
  increase: 'normal',
  keep: 'normal',
  reduce: 'reduce',
  stop: 'none',
};

/**
 * R29: the post-evaluations that feed the budget of `year` — those recorded in the year before,
 * from the domain (post_evaluation), whether the process or the API recorded them.
 */
export async function budgetInputs(ds: DataSource, year: number): Promise<BudgetInput[]> {
  const rows = await ds
    .getRepository(PostEvaluationEntity)
    .find({ where: { evaluatedOn: Like(`${year - 1}-%`) }, order: { id: 'ASC' } });
  const projects = new Map(
    (rows.length ? await ds.getRepository(ProjectEntity).findBy({ id: In(rows.map((r) => r.projectId)) }) : []).map(
      (p) => [p.id, p],
    ),
  );
  return rows.map((r) => ({
    budgetYear: year,
    projectId: String(r.projectId),
    projectCode: projects.get(r.projectId)?.code ?? '',
    orgId: projects.get(r.projectId)?.orgId ?? 0,
    grade: r.grade,
    score: r.score,
    recommendation: PROCESS_RECOMMENDATION_OF[r.recommendation],
    r27BudgetCut: r.r27BudgetCut ?? false,
  }));
}
