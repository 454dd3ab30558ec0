/**
 * egov.plan-compile — R8.1: the candidates of the annual construction plan are the projects of
 * the plan year that passed the joint review (R7) and are in the government investment plan
 * (R5, R21); the annual-plan form is pre-filled with them (included, requested funds), and the
 * year's `annual_plan` is opened as a draft holding them.
 */
import { In } from 'typeorm';
import { z } from 'zod';
import { AnnualPlanEntryEntity, ProjectEntity } from '../services/domain/entities';
import { ensureAnnualPlan, syncAnnualPlan } from '../services/domain/plans';
import type { WorkerDeps } from './deps';
import { complete, defineWorker } from './framework';
import { moneyToNumber } from './support';

export const planCompileInput = z.object({ planYear: z.number().int().min(2000).max(2100) });
export const planItemSchema = z.object({
  projectId: z.string(),
  projectName: z.string(),
  included: z.enum(['yes', 'no']),
  allocatedFunds: z.number().nonnegative(),
});

export function createPlanCompileWorker(deps: WorkerDeps) {
  return defineWorker({
    type: 'egov.plan-compile',
    description:
      'R8.1: reviewed projects in the investment plan → candidateProjects and pre-filled planItems; the draft annual_plan holds them',
    input: planCompileInput,
    output: z.object({
      candidateProjects: z.array(
        z.object({ projectId: z.string(), projectName: z.string(), requestedFunds: z.number() }),
      ),
      planItems: z.array(planItemSchema),
      planTotalFunds: z.number(),
    }),
    async handle(ctx) {
      const v = ctx.variables;
      // the draft plan shows the candidates to the data bureau (GET /api/annual-plans/:year) while
      // it compiles the plan in the form; a plan the API already submitted or approved is left alone
      const out = await ctx.once(async (m) => {
        const rows = await m.getRepository(ProjectEntity).find({
          where: { planYear: v.planYear, stage: In(['approval', 'investment-plan']) },
          order: { id: 'ASC' },
        });
        const candidates = rows.map((p) => ({
          projectId: String(p.id),
          projectName: p.name,
          requestedFunds: moneyToNumber(p.approvedAmount ?? p.totalInvestment),
        }));
        const plan = await ensureAnnualPlan(m, v.planYear, deps.clock());
        if (plan.status === 'draft') {
          const existing = await m.getRepository(AnnualPlanEntryEntity).findBy({ planId: plan.id });
          await syncAnnualPlan(
            m,
            v.planYear,
            [
              // entries the data bureau added through the API stay in the draft
              ...existing.filter((e) => !e.urgent && !rows.some((p) => p.id === e.projectId)),
              ...rows.map((p) => ({ projectId: p.id, amount: p.approvedAmount ?? p.totalInvestment })),
            ].map((e) => ({ projectId: e.projectId, amount: e.amount })),
            { approve: false, now: deps.clock() },
          );
        }
        const total = Math.round(candidates.reduce((s, c) => s + c.requestedFunds * 100, 0)) / 100;
        return {
          candidateProjects: candidates,
          planItems: candidates.map((c) => ({
            projectId: c.projectId,
            projectName: c.projectName,
            included: 'yes' as const,
            allocatedFunds: c.requestedFunds,
          })),
          planTotalFunds: total,
        };
      });
      return complete(out);
    },
  });
}
