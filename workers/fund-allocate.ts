/**
 * egov.fund-allocate — R5: finance allocates the year's special funds to the included projects
 * as the approved plan says; each allocation is a `fund_allocation` row (with the user who
 * approved the plan in Task_GovernmentApproval, from task_completion), shown in the annual plan
 * (GET /api/annual-plans/:year, its Excel export), and it never exceeds the project's approved
 * investment (R19.1).
 */
import { In } from 'typeorm';
import { z } from 'zod';
import { ProjectEntity } from '../services/domain/entities';
import { recordFundAllocations } from '../services/domain/plans';
import type { WorkerDeps } from './deps';
import { complete, defineWorker } from './framework';
import { planItemSchema } from './plan-compile';
import { moneyToNumber, onceAudited, recordEvent, toMoney } from './support';

export const fundAllocateInput = z.object({
  planYear: z.number().int().min(2000).max(2100),
  planItems: z.array(planItemSchema.extend({ allocatedFunds: z.number().nonnegative().nullish() })),
});

export function createFundAllocateWorker(deps: WorkerDeps) {
  return defineWorker({
    type: 'egov.fund-allocate',
    description: 'R5: records the fund allocation of the included projects (capped at the approved investment, R19.1)',
    input: fundAllocateInput,
    output: z.object({
      allocatedTotal: z.number(),
      allocations: z.array(z.object({ projectId: z.string(), amount: z.number() })),
    }),
    async handle(ctx) {
      const v = ctx.variables;
      const out = await onceAudited(ctx, deps.dataSource, async (m) => {
        const items = v.planItems.filter((i) => i.included === 'yes' && /^\d+$/.test(i.projectId));
        const projects = new Map(
          (await m.getRepository(ProjectEntity).findBy({ id: In(items.map((i) => Number(i.projectId))) })).map((p) => [
            String(p.id),
            p,
          ]),
        );
        const allocations = items
          .filter((i) => projects.has(i.projectId))
          .map((i) => {
            const p = projects.get(i.projectId)!;
            const cap = moneyToNumber(p.approvedAmount ?? p.totalInvestment);
            return { projectId: i.projectId, amount: Math.min(i.allocatedFunds ?? cap, cap) };
          });
        const allocatedTotal = Math.round(allocations.reduce((s, a) => s + a.amount * 100, 0)) / 100;
        await recordFundAllocations(
          m,
          v.planYear,
          allocations.map((a) => ({ projectId: Number(a.projectId), amount: toMoney(a.amount) })),
          { processInstanceKey: ctx.job.processInstanceKey, elementInstanceKey: ctx.job.elementInstanceKey },
          deps.clock(),
        );
        await recordEvent(deps.dataSource, m, ctx.job, `plan:${v.planYear}`, { allocations, allocatedTotal });
        return { allocatedTotal, allocations };
      });
      return complete(out);
    },
  });
}
