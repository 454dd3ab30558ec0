/**
 * egov.check-failed-record — R12 / R13: a network-security inspection (区委网信办) or cryptography
 * review (区委机要局) that did not pass is recorded as its round, with the findings the department
 * must rectify, before `Task_SecurityRectify` / `Task_CryptoRectify`. The task header `kind`
 * (`security-inspection` | `crypto-review`) says which; the passed round is recorded on the pass
 * path by egov.check-passed-record (same input, same header). The row names the inspector
 * who completed the inspection / review task (`task_completion`) as `recorded_by`.
 */
import { z } from 'zod';
import { CHECK_TASK, deciderOf, lastCheckAt, recordCheckRound } from '../services/domain/attempts';
import { CHECK_KINDS, type CheckKind } from '../services/domain/entities';
import type { WorkerDeps } from './deps';
import { projectEffectWorker } from './recording';
import { projectIdSchema } from './support';

export const checkFailedRecordInput = z.object({
  projectId: projectIdSchema,
  securityInspectionResult: z.string().nullish(),
  securityIssues: z.string().max(5000).nullish(),
  cryptoReviewResult: z.string().nullish(),
  cryptoIssues: z.string().max(5000).nullish(),
});

export function checkKindOf(header: unknown, jobType = 'egov.check-failed-record'): CheckKind {
  if (typeof header === 'string' && (CHECK_KINDS as readonly string[]).includes(header)) return header as CheckKind;
  throw new Error(`${jobType} 的任务头 kind 须为 ${CHECK_KINDS.join(' | ')}，实际为 ${String(header)}`);
}

export function createCheckFailedRecordWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.check-failed-record',
    description: 'R12/R13 records a failed inspection/review round with its findings (header kind)',
    input: checkFailedRecordInput,
    output: z.object({}),
    async apply({ m, project, v, job, now, today }) {
      const kind = checkKindOf(job.customHeaders.kind);
      const [result, issues] =
        kind === 'security-inspection'
          ? [v.securityInspectionResult, v.securityIssues]
          : [v.cryptoReviewResult, v.cryptoIssues];
      if (result === 'pass') throw new Error(`${kind} 结论为通过，不应登记为不通过（R12/R13）`);
      // the inspector who completed the inspection / review in the tasklist, and the day
      const decider = await deciderOf(
        m,
        job.processInstanceKey,
        CHECK_TASK[kind],
        today,
        await lastCheckAt(m, project.id, kind),
      );
      await recordCheckRound(
        m,
        project.id,
        kind,
        {
          passed: false,
          findings: issues?.trim() || null,
          checkedOn: decider.on,
          recordedBy: decider.userId,
          position: { processInstanceKey: job.processInstanceKey, elementInstanceKey: job.elementInstanceKey },
        },
        now,
      );
      return {};
    },
  });
}
