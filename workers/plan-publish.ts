/**
 * egov.plan-publish — R8.1: the annual construction plan the district government approved is
 * issued: included projects enter the plan stage, the others are told (R8.1: no fiscal money).
 */
import { In } from 'typeorm';
import { z } from 'zod';
import { ProjectEntity } from '../services/domain/entities';
import type { WorkerDeps } from './deps';
import { complete, defineWorker } from './framework';
import { planItemSchema } from './plan-compile';
import { onceAudited, recordEvent } from './support';

export const planPublishInput = z.object({
  planYear: z.number().int().min(2000).max(2100),
  planItems: z.array(planItemSchema.extend({ allocatedFunds: z.number().nonnegative().nullish() })),
});

export function createPlanPublishWorker(deps: WorkerDeps) {
  return defineWorker({
    type: 'egov.plan-publish',
    description:
      'R8.1: issues the approved annual plan → includedProjectIds / excludedProjectIds; included projects enter 编制年度建设计划',
    input: planPublishInput,
    output: z.object({ includedProjectIds: z.array(z.string()), excludedProjectIds: z.array(z.string()) }),
    async handle(ctx) {
      const v = ctx.variables;
      const seen = new Set<string>();
      const items = v.planItems.filter((i) => (seen.has(i.projectId) ? false : (seen.add(i.projectId), true)));
      const included = items.filter((i) => i.included === 'yes').map((i) => i.projectId);
      const excluded = items.filter((i) => i.included === 'no').map((i) => i.projectId);
      await onceAudited(ctx, deps.dataSource, async (m) => {
        const ids = included.filter((id) => /^\d+$/.test(id)).map(Number);
        if (ids.length)
          await m
            .getRepository(ProjectEntity)
            .update({ id: In(ids) }, { stage: 'annual-plan', updatedAt: deps.clock().toISOString() });
        await recordEvent(deps.dataSource, m, ctx.job, `plan:${v.planYear}`, { included, excluded, items });
        return { included, excluded };
      });
      return complete({ includedProjectIds: included, excludedProjectIds: excluded });
    },
  });
}
