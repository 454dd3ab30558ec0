/**
 * egov.post-evaluation-record — R29: the data bureau's post-evaluation (efficiency, effect, grade)
 * is recorded as input to the department's next-year investment and O&M budget; R27 cuts it.
 * `budgetInputs(ds, year)` lists what the finance bureau reads when it plans `year`.
 */
import type { DataSource } from 'typeorm';
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
      return { budgetInput };
    },
  });
}

/** R29: the post-evaluations that feed the budget of `year`, from the recorded outputs. */
export async function budgetInputs(ds: DataSource, year: number): Promise<BudgetInput[]> {
  const rows = (await ds.query(
    "SELECT output FROM worker_effect WHERE job_type = 'egov.post-evaluation-record' ORDER BY created_at",
  )) as { output: string }[];
  return rows
    .map((r) => (JSON.parse(r.output) as { budgetInput: BudgetInput }).budgetInput)
    .filter((b) => b.budgetYear === year);
}
