/**
 * egov.acceptance-failed-record — R22.2 (R14): a final acceptance the expert panel found 不合格 is
 * recorded before the department rectifies (`Task_AcceptanceRectify`): the attempt with the
 * panel's opinion and the R14 items not met (`acceptance_attempt`), and the stage's acceptance
 * row shows the failed result until the department applies again. One attempt per process
 * position: a redelivered job writes nothing (`ctx.once`), a second failed review is attempt n+1.
 * The deciding expert is the user who completed `Task_FinalAcceptanceReview` (`task_completion`).
 */
import { z } from 'zod';
import type { WorkerDeps } from './deps';
import { finalReviewFields, recordFinalReview } from './acceptance-record';
import { projectEffectWorker } from './recording';

export const acceptanceFailedRecordInput = z.object({
  ...finalReviewFields,
  /** the gateway's default (不合格) path: anything but `pass` */
  finalAcceptanceResult: z.string().nullish(),
});

export function createAcceptanceFailedRecordWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.acceptance-failed-record',
    description: 'R22.2/R14 records a failed final acceptance: attempt n with the opinion and the R14 items not met',
    input: acceptanceFailedRecordInput,
    output: z.object({ finalAcceptanceAttempt: z.number().int().min(1) }),
    async apply({ m, project, v, job, now, today }) {
      if (v.finalAcceptanceResult === 'pass') throw new Error('竣工验收结论为合格，不应登记为不合格（R22.2）');
      const attempt = await recordFinalReview(m, project.id, v, false, { job, now, today });
      return { finalAcceptanceAttempt: attempt.attempt };
    },
  });
}
