/**
 * egov.acceptance-record — R22.2: the panel's final-acceptance opinion and the R14 items are
 * recorded, the passed review as the last attempt (`acceptance_attempt`); the go-live date (R23's
 * and R29's anchor) defaults to the acceptance day. R17: the department operates the system from
 * now on.
 */
import { z } from 'zod';
import type { EntityManager } from 'typeorm';
import type { WorkerDeps } from './deps';
import type { JobInfo } from './framework';
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
/** what the expert panel's review (final-acceptance-opinion form) says, passed or failed */
export const finalReviewFields = {
  projectId: projectIdSchema,
  finalAcceptanceOpinion: z.string().trim().max(5000).nullish(),
  /** the expert panel (acceptance-organisation form), kept with the attempt */
  finalAcceptancePanel: z.string().trim().max(5000).nullish(),
  itemProductSecurity: item,
  itemCryptography: item,
  itemSecurityReview: item,
  itemEnergyEfficiency: item,
  /** R14 energy efficiency of hardware / data centres (from the final-acceptance application) */
  pue: z.number().nullish(),
};
export const acceptanceRecordInput = z.object({
  ...finalReviewFields,
  finalAcceptanceResult: z.enum(['pass', 'fail']),
  goLiveDate: dateLike.nullish(),
});

/**
 * R22.2/R14: one final-acceptance review — the stage's acceptance row (R23/R29 read it) and the
 * attempt of the history, decided by the expert who completed `Task_FinalAcceptanceReview`.
 */
export async function recordFinalReview(
  m: EntityManager,
  projectId: number,
  v: z.output<z.ZodObject<typeof finalReviewFields>>,
  passed: boolean,
  at: { job: JobInfo; now: Date; today: string },
) {
  const { job, now, today } = at;
  const opinion = v.finalAcceptanceOpinion?.trim() || null;
  await recordFinalAcceptance(
    m,
    projectId,
    {
      passed,
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
  const decider = await deciderOf(
    m,
    job.processInstanceKey,
    FINAL_ACCEPTANCE_TASK,
    today,
    await lastAttemptAt(m, projectId, 'final'),
  );
  return recordAcceptanceAttempt(
    m,
    projectId,
    {
      stage: 'final',
      passed,
      opinion,
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
}

export function createAcceptanceRecordWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.acceptance-record',
    description:
      'R22.2 records the acceptance opinion and R14 items; goLiveDate (R23/R29 anchor) defaults to today; stage 经费支付',
    input: acceptanceRecordInput,
    output: z.object({ goLiveDate: z.string(), acceptedOn: z.string() }),
    async apply({ m, project, v, job, now, today }) {
      if (v.finalAcceptanceResult !== 'pass') throw new Error('竣工验收未通过，不能登记投入运行（R22.2）');
      // the final acceptance in the domain (R23's self-evaluation and R29's post-evaluation read it)
      // and the passed review as the last attempt (failed ones: egov.acceptance-failed-record)
      await recordFinalReview(m, project.id, v, true, { job, now, today });
      await setStage(m, project.id, 'payment', now);
      return { goLiveDate: v.goLiveDate ?? today, acceptedOn: today };
    },
  });
}
