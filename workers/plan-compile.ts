/**
 * egov.plan-compile — R8.1: the candidates of the annual construction plan are the projects of
 * the plan year that passed the joint review (R7) and are in the government investment plan
 * (R5, R21); the annual-plan form is pre-filled with them (included, requested funds).
 */
import { In } from 'typeorm';
import { z } from 'zod';
import { ProjectEntity } from '../services/domain/entities';
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
    description: 'R8.1: reviewed projects in the investment plan → candidateProjects and pre-filled planItems',
    input: planCompileInput,
    output: z.object({
      candidateProjects: z.array(
        z.object({ projectId: z.string(), projectName: z.string(), requestedFunds: z.number() }),
      ),
      planItems: z.array(planItemSchema),
      planTotalFunds: z.number(),
    }),
    async handle({ variables: v }) {
      const rows = await deps.dataSource.getRepository(ProjectEntity).find({
        where: { planYear: v.planYear, stage: In(['approval', 'investment-plan']) },
        order: { id: 'ASC' },
      });
      const candidates = rows.map((p) => ({
        projectId: String(p.id),
        projectName: p.name,
        requestedFunds: moneyToNumber(p.approvedAmount ?? p.totalInvestment),
      }));
      const total = Math.round(candidates.reduce((s, c) => s + c.requestedFunds * 100, 0)) / 100;
      return complete({
        candidateProjects: candidates,
        planItems: candidates.map((c) => ({
          projectId: c.projectId,
          projectName: c.projectName,
          included: 'yes' as const,
          allocatedFunds: c.requestedFunds,
        })),
        planTotalFunds: total,
      });
    },
  });
}
