/** egov.plan-add-adhoc — R8.2: an urgent project approved by the district government joins the year's plan. */
import { z } from 'zod';
import { ProjectEntity } from '../services/domain/entities';
import type { WorkerDeps } from './deps';
import { projectEffectWorker } from './recording';
import { addUrgentPlanEntry } from '../services/domain/plans';
import { projectIdSchema, setStage } from './support';

export const planAddAdHocInput = z.object({
  projectId: projectIdSchema,
  planYear: z.number().int().min(2000).max(2100),
  adHocApprovalNo: z.string().trim().max(100).nullish(),
});
export const planAddAdHocOutput = z.object({ planIncluded: z.boolean() });

export function createPlanAddAdhocWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.plan-add-adhoc',
    description:
      'R8.2: adds the approved urgent project to the year’s annual_plan as an urgent entry (stage 编制年度建设计划)',
    input: planAddAdHocInput,
    output: planAddAdHocOutput,
    async apply({ m, project, v, now }) {
      // the R8.2 entry (urgent) in the year's annual_plan: the domain's R8.1 payment gate reads it
      await addUrgentPlanEntry(m, v.planYear, project, project.approvedAmount ?? project.totalInvestment, now);
      await m.getRepository(ProjectEntity).update({ id: project.id }, { planYear: v.planYear });
      await setStage(m, project.id, 'annual-plan', now);
      return { planIncluded: true };
    },
  });
}
