/**
 * egov.plan-publish — R8.1: the annual construction plan the district government approved is
 * issued: the year's `annual_plan` is approved with exactly the included projects (allocated
 * funds), included projects enter the plan stage, the others are told (R8.1: no fiscal money).
 */
import { In } from 'typeorm';
import { z } from 'zod';
import { ProjectEntity } from '../services/domain/entities';
import type { WorkerDeps } from './deps';
import { complete, defineWorker } from './framework';
import { planItemSchema } from './plan-compile';
import { compareMoney } from '../services/domain/money';
import { syncAnnualPlan } from '../services/domain/plans';
import { onceAudited, recordEvent, setStage, toMoney } from './support';

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
        const now = deps.clock();
        const ids = included.filter((id) => /^\d+$/.test(id)).map(Number);
        const projects = ids.length ? await m.getRepository(ProjectEntity).findBy({ id: In(ids) }) : [];
        const missing = ids.filter((id) => !projects.some((p) => p.id === id));
        if (missing.length) throw new Error(`年度计划中的项目不存在：${missing.join('、')}`);
        // the government approved the plan (Task_GovernmentApproval): annual_plan(_entry) is what the
        // domain's R8.1 payment gate reads. The entry is the allocated funds capped at the project's
        // approved (else applied) investment, as egov.fund-allocate caps the allocation (R19.1); an
        // included item without funds gets the ceiling.
        await syncAnnualPlan(
          m,
          v.planYear,
          projects.map((p) => {
            const ceiling = p.approvedAmount ?? p.totalInvestment;
            const funds = items.find((i) => i.projectId === String(p.id))?.allocatedFunds;
            const asked = funds ? toMoney(funds) : ceiling;
            return { projectId: p.id, amount: compareMoney(asked, ceiling) > 0 ? ceiling : asked };
          }),
          { approve: true, now },
        );
        for (const p of projects) if (p.stage !== 'annual-plan') await setStage(m, p.id, 'annual-plan', now);
        await recordEvent(deps.dataSource, m, ctx.job, `plan:${v.planYear}`, { included, excluded, items });
        return { included, excluded };
      });
      return complete({ includedProjectIds: included, excludedProjectIds: excluded });
    },
  });
}
