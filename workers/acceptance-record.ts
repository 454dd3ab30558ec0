/**
 * egov.acceptance-record — R22.2: the panel's final-acceptance opinion and the R14 items are
 * recorded, the passed review as the last attempt (`acceptance_attempt`); the go-live date (R23's
 * and R29's anchor) defaults to the acceptance day. R17: the department operates the system from
 * now on.
 */
import { z } from 'zod';
import type { WorkerDeps } from './deps';
import { projectEffectWorker } from './recording';
import {
  FINAL_ACCEPTANCE_TASK,
  deciderOf,
  failedAcceptanceItems,
  lastAttemptAt,
  recordAcceptanceAttempt,
} from '../services/domain/attempts';
import { recordFinalAcceptance } from '../services/domain/process-records';
import { dateLike, projectIdSchema, setStage } from './support';

const item = z.enum(['pass', 'fail', 'not-applicable']).nullish();
export const acceptanceRecordInput = z.object({
  projectId: projectIdSchema,
  finalAcceptanceResult: z.enum(['pass', 'fail']),
  finalAcceptanceOpinion: z.string().trim().max(5000).nullish(),
  /** the expert panel (acceptance-organisation form), kept with the attempt */
  finalAcceptancePanel: z.string().trim().max(5000).nullish(),
  itemProductSecurity: item,
  itemCryptography: item,
  itemSecurityReview: item,
  itemEnergyEfficiency: item,
  goLiveDate: dateLike.nullish(),
  /** R14 energy efficiency of hardware / data centres (from the final-acceptance application) */
  pue: z.number().nullish(),
});

export function createAcceptanceRecordWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.acceptance-record',
    description:
      'R22.2 records the acceptance opinion and R14 items; goLiveDate (R23/R29 anchor) defaults to today; stage 经费支付',
    input: acceptanceRecordInput,
    output: z.object({ goLiveDate: z.string(), acceptedOn: z.string() }),
    async apply({ m, project, v, job, now, today }) {
      if (v.finalAcceptanceResult !== 'pass') throw new Error('竣工验收未通过，不能登记投入运行（R22.2）');
      // the final acceptance in the domain: R23's self-evaluation and R29's post-evaluation read it
      await recordFinalAcceptance(
        m,
        project.id,
        {
          passed: true,
          acceptedOn: today,
          opinion: v.finalAcceptanceOpinion?.trim() || null,
          items: {
            productSecurity: v.itemProductSecurity !== 'fail',
            cryptography: v.itemCryptography !== 'fail',
            securityReview: v.itemSecurityReview !== 'fail',
            pue: typeof v.pue === 'number' && v.pue >= 1 && v.pue < 4 ? v.pue.toFixed(2) : null,
          },
        },
        now,
      );
      // the passed review as the last attempt of the history (failed ones: egov.acceptance-failed-record),
      // decided by the expert who completed the review in the tasklist
      const decider = await deciderOf(
        m,
        job.processInstanceKey,
        FINAL_ACCEPTANCE_TASK,
        today,
        await lastAttemptAt(m, project.id, 'final'),
      );
      await recordAcceptanceAttempt(
        m,
        project.id,
        {
          stage: 'final',
          passed: true,
          opinion: v.finalAcceptanceOpinion?.trim() || null,
          failedItems: failedAcceptanceItems({
            productSecurity: v.itemProductSecurity,
            cryptography: v.itemCryptography,
            securityReview: v.itemSecurityReview,
            energyEfficiency: v.itemEnergyEfficiency,
          }),
          panel: v.finalAcceptancePanel?.trim() || null,
          decidedOn: decider.on,
          decidedBy: decider.userId,
          position: { processInstanceKey: job.processInstanceKey, elementInstanceKey: job.elementInstanceKey },
        },
        now,
      );
      await setStage(m, project.id, 'payment', now);
      return { goLiveDate: v.goLiveDate ?? today, acceptedOn: today };
    },
  });
}
