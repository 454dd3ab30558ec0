/**
 * egov.project-suspend — R26/R27: overdue or failed rectification suspends the investment plan
 * and construction; the stage before the suspension is kept (with the stored outputs) so that a
 * resumption restores it.
 */
import { z } from 'zod';
import { RectificationOrderEntity } from '../services/domain/entities';
import { REOPENED } from '../services/domain/rectification';
import type { WorkerDeps } from './deps';
import { projectEffectWorker } from './recording';
import { projectIdSchema, setStage } from './support';

export const suspendInput = z.object({ projectId: projectIdSchema, rectificationId: z.string().nullish() });

export function createProjectSuspendWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.project-suspend',
    description: 'R26/R27: suspends the project (暂缓投资计划、暂停建设); keeps the previous stage for a resumption',
    input: suspendInput,
    output: z.object({ projectStatus: z.literal('suspended') }),
    async apply({ m, project, v, now }) {
      await setStage(m, project.id, 'suspended', now);
      if (v.rectificationId && /^\d+$/.test(v.rectificationId)) {
        // the order stays open: it was not rectified in time, or the report was found not
        // satisfactory (不合格, R26) — then the report no longer stands: its text, who reported and
        // when are cleared (REOPENED), so the open order names no reporter until the next report
        // (the rejected report is in the audit trail of egov.rectification-report-record)
        await m
          .getRepository(RectificationOrderEntity)
          .update({ id: Number(v.rectificationId), projectId: project.id }, REOPENED);
      }
      return { projectStatus: 'suspended' as const, previousStage: project.stage } as { projectStatus: 'suspended' };
    },
  });
}
