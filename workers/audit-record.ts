/** egov.audit-record — R28: the audit bureau's report on the special funds is recorded with the project. */
import { z } from 'zod';
import type { WorkerDeps } from './deps';
import { projectEffectWorker } from './recording';
import { projectIdSchema } from './support';

export const auditRecordInput = z.object({
  projectId: projectIdSchema,
  auditReportNo: z.string().trim().min(1).max(100),
  auditFindings: z.string().trim().max(10000).nullish(),
  auditDecision: z.string().trim().max(10000).nullish(),
});

export function createAuditRecordWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.audit-record',
    description: 'R28: records the audit report (number, findings, decision)',
    input: auditRecordInput,
    output: z.object({ auditRecordedAt: z.string() }),
    async apply({ now }) {
      return { auditRecordedAt: now.toISOString() };
    },
  });
}
