/** egov.plan-carry-over — R8.1: a project not in this year's plan waits for the next plan year. */
import { z } from 'zod';
import { ProjectEntity } from '../services/domain/entities';
import type { WorkerDeps } from './deps';
import { projectEffectWorker } from './recording';
import { projectIdSchema } from './support';

export const carryOverInput = z.object({ projectId: projectIdSchema, planYear: z.number().int().min(2000).max(2099) });
export const carryOverOutput = z.object({ planYear: z.number().int() });

export function createPlanCarryOverWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.plan-carry-over',
    description: 'R8.1: carries the project over to the next plan year (planYear + 1)',
    input: carryOverInput,
    output: carryOverOutput,
    async apply({ m, project, v, now }) {
      const planYear = v.planYear + 1;
      await m.getRepository(ProjectEntity).update({ id: project.id }, { planYear, updatedAt: now.toISOString() });
      return { planYear };
    },
  });
}
