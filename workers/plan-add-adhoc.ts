/** egov.plan-add-adhoc — R8.2: an urgent project approved by the district government joins the year's plan. */
import { z } from 'zod';
import { ProjectEntity } from '../services/domain/entities';
import type { WorkerDeps } from './deps';
import { projectEffectWorker } from './recording';
import { projectIdSchema } from './support';

export const planAddAdHocInput = z.object({
  projectId: projectIdSchema,
  planYear: z.number().int().min(2000).max(2100),
  adHocApprovalNo: z.string().trim().max(100).nullish(),
});
export const planAddAdHocOutput = z.object({ planIncluded: z.boolean() });

export function createPlanAddAdhocWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.plan-add-adhoc',
    description: 'R8.2: adds the approved urgent project to the annual plan (stage 编制年度建设计划)',
    input: planAddAdHocInput,
    output: planAddAdHocOutput,
    async apply({ m, project, v, now }) {
      await m
        .getRepository(ProjectEntity)
        .update({ id: project.id }, { stage: 'annual-plan', planYear: v.planYear, updatedAt: now.toISOString() });
      return { planIncluded: true };
    },
  });
}
