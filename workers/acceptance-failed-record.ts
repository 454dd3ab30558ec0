/**
 * egov.acceptance-failed-record — R22.2 (R14): a final acceptance the expert panel found 不合格 is
 * recorded before the department rectifies (`Task_AcceptanceRectify`): the attempt with the
 * panel's opinion and the R14 items not met (`acceptance_attempt`), and the stage's acceptance
 * row shows the failed result until the department applies again. One attempt per process
 * position: a redelivered job writes nothing (`ctx.once`), a second failed review is attempt n+1.
 * The deciding expert is the user who completed `Task_FinalAcceptanceReview` (`task_completion`).
 */
import { z } from 'zod';
import {
  FINAL_ACCEPTANCE_TASK,
  deciderOf,
  failedAcceptanceItems,
  lastAttemptAt,
  recordAcceptanceAttempt,
} from '../services/domain/attempts';
import { recordFinalAcceptance } from '../services/domain/process-records';
import type { WorkerDeps } from './deps';
import { projectEffectWorker } from './recording';
import { projectIdSchema } from './support';

const item = z.enum(['pass', 'fail', 'not-applicable']).nullish();
export const acceptanceFailedRecordInput = z.object({
  projectId: projectIdSchema,
  /** the gateway's default (不合格) path: anything but `pass` */
  finalAcceptanceResult: z.string().nullish(),
  finalAcceptanceOpinion: z.string().trim().max(5000).nullish(),
  finalAcceptancePanel: z.string().trim().max(5000).nullish(),
  itemProductSecurity: item,
  itemCryptography: item,
  itemSecurityReview: item,
  itemEnergyEfficiency: item,
  pue: z.number().nullish(),
});

export function createAcceptanceFailedRecordWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.acceptance-failed-record',
    description: 'R22.2/R14 records a failed final acceptance: attempt n with the opinion and the R14 items not met',
    input: acceptanceFailedRecordInput,
    output: z.object({ finalAcceptanceAttempt: z.number().int().min(1) }),
    async apply({ m, project, v, job, now, today }) {
      if (v.finalAcceptanceResult === 'pass') throw new Error('竣工验收结论为合格，不应登记为不合格（R22.2）');
      const failedItems = failedAcceptanceItems({
        productSecurity: v.itemProductSecurity,
        cryptography: v.itemCryptography,
        securityReview: v.itemSecurityReview,
        energyEfficiency: v.itemEnergyEfficiency,
      });
      const opinion = v.finalAcceptanceOpinion?.trim() || null;
      // the expert who completed the review in the tasklist, and the day
      const decider = await deciderOf(
        m,
        job.processInstanceKey,
        FINAL_ACCEPTANCE_TASK,
        today,
        await lastAttemptAt(m, project.id, 'final'),
      );
      await recordFinalAcceptance(
        m,
        project.id,
        {
          passed: false,
          acceptedOn: today,
          opinion,
          items: {
            productSecurity: v.itemProductSecurity !== 'fail',
            cryptography: v.itemCryptography !== 'fail',
            securityReview: v.itemSecurityReview !== 'fail',
            pue: typeof v.pue === 'number' && v.pue >= 1 && v.pue < 4 ? v.pue.toFixed(2) : null,
          },
        },
        now,
      );
      const attempt = await recordAcceptanceAttempt(
        m,
        project.id,
        {
          stage: 'final',
          passed: false,
          opinion,
          failedItems,
          panel: v.finalAcceptancePanel?.trim() || null,
          decidedOn: decider.on,
          decidedBy: decider.userId,
          position: { processInstanceKey: job.processInstanceKey, elementInstanceKey: job.elementInstanceKey },
        },
        now,
      );
      return { finalAcceptanceAttempt: attempt.attempt };
    },
  });
}
