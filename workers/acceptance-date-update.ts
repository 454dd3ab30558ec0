/** egov.acceptance-date-update — R22.3: an approved delay moves the contracted acceptance date. */
import { z } from 'zod';
import type { WorkerDeps } from './deps';
import { projectEffectWorker } from './recording';
import { approveDelay, dayOf } from '../services/domain/process-records';
import { dateLike, projectIdSchema } from './support';
import { taskDecider } from '../services/domain/task-completions';

export const acceptanceDateInput = z.object({
  projectId: projectIdSchema,
  requestedAcceptanceDate: dateLike,
  contractedAcceptanceDate: z.string().nullish(),
  delayReason: z.string().trim().max(5000).nullish(),
  /** the request the API filed (the message's row id, local to this delay's event sub-process) */
  delayRequestId: z.number().int().positive().nullish(),
});

export function createAcceptanceDateUpdateWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.acceptance-date-update',
    description: 'R22.3: records the approved delay; contractedAcceptanceDate = requested date',
    input: acceptanceDateInput,
    output: z.object({ contractedAcceptanceDate: z.string() }),
    async apply({ m, project, v, now, job }) {
      // decided by the data bureau user who completed Task_DelayReview in the tasklist
      const decider = await taskDecider(m, job.processInstanceKey, 'Task_DelayReview', v.delayRequestId);
      // "in advance" (R22.3) is checked by the API before the request enters the process; the
      // approved delay is a delay_request row and the contract's acceptance date moves with it
      await approveDelay(
        m,
        project.id,
        {
          requestedDate: v.requestedAcceptanceDate,
          contractedDate: dayOf(v.contractedAcceptanceDate),
          reason: v.delayReason?.trim() || '（流程中申请）',
          requestId: v.delayRequestId ?? null,
          decidedBy: decider?.userId ?? null,
        },
        now,
      );
      return { contractedAcceptanceDate: v.requestedAcceptanceDate };
    },
  });
}
