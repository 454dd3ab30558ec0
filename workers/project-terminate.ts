/** egov.project-terminate — R26: a project still non-compliant after suspension is terminated. */
import { z } from 'zod';
import type { WorkerDeps } from './deps';
import { projectEffectWorker } from './recording';
import { terminateRectificationOrders } from '../services/domain/rectification';
import { projectIdSchema, setStage } from './support';

export const terminateInput = z.object({
  projectId: projectIdSchema,
  suspensionReason: z.string().trim().max(2000).nullish(),
});

export function createProjectTerminateWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.project-terminate',
    description: 'R26: terminates the project (stage 已终止), its open rectification orders with it; the reason goes to the audit trail',
    input: terminateInput,
    output: z.object({ projectStatus: z.literal('terminated') }),
    async apply({ m, project, now }) {
      await setStage(m, project.id, 'terminated', now);
      // R26: the orders the project still owed end with it (status terminated, dated)
      await terminateRectificationOrders(m, project.id, now);
      return { projectStatus: 'terminated' as const };
    },
  });
}
