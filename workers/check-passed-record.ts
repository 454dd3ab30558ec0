/**
 * egov.check-passed-record — R12 / R13: the network-security inspection (区委网信办) or cryptography
 * review (区委机要局) passed; the passing round is recorded right there, on the 是 path between
 * `Gateway_SecurityPassed` / `Gateway_CryptoPassed` and `Gateway_InspectionJoin`, with its round
 * number, the inspector who completed the inspection / review task (`task_completion`) and the
 * findings the body wrote. The task header `kind` (`security-inspection` | `crypto-review`) says
 * which. The failed rounds are egov.check-failed-record's; egov.acceptance-docs-check only reads
 * that a passed round of both kinds is on file (R22.2).
 */
import { z } from 'zod';
import { CHECK_TASK, deciderOf, lastCheckAt, recordCheckRound } from '../services/domain/attempts';
import { ComplianceCheckEntity } from '../services/domain/entities';
import type { WorkerDeps } from './deps';
import { checkFailedRecordInput, checkKindOf } from './check-failed-record';
import { projectEffectWorker } from './recording';

export function createCheckPassedRecordWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.check-passed-record',
    description: 'R12/R13 records the passed inspection/review round with its inspector and findings (header kind)',
    input: checkFailedRecordInput,
    output: z.object({}),
    async apply({ m, project, v, job, now, today }) {
      const kind = checkKindOf(job.customHeaders.kind, 'egov.check-passed-record');
      const [result, issues] =
        kind === 'security-inspection'
          ? [v.securityInspectionResult, v.securityIssues]
          : [v.cryptoReviewResult, v.cryptoIssues];
      if (result !== 'pass') throw new Error(`${kind} 结论为 ${String(result)}，不应登记为通过（R12/R13）`);
      const decider = await deciderOf(
        m,
        job.processInstanceKey,
        CHECK_TASK[kind],
        today,
        await lastCheckAt(m, project.id, kind),
      );
      // the form keeps the failed round's findings in its variable when the inspector leaves them
      // unchanged: those are the recorded round's findings, not findings of the pass
      const latest = (
        await m
          .getRepository(ComplianceCheckEntity)
          .find({ where: { projectId: project.id, kind }, order: { id: 'DESC' }, take: 1 })
      )[0];
      const written = issues?.trim() || null;
      const findings = latest && !latest.passed && (latest.findings ?? null) === written ? null : written;
      await recordCheckRound(
        m,
        project.id,
        kind,
        {
          passed: true,
          findings,
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
