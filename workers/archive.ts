/**
 * egov.archive — the end of the life cycle (附件3 结束; R25): the project file is archived as a
 * manifest — application versions, attachments with their SM3 digests, review rounds, ledger,
 * rectification orders — whose own SM3 digest goes into the chained audit log, so any later change
 * to the file is detectable. The project is closed.
 */
import { z } from 'zod';
import {
  ApplicationVersionEntity,
  AttachmentEntity,
  LedgerEntryEntity,
  RectificationOrderEntity,
  ReviewRoundEntity,
} from '../services/domain/entities';
import { sm3 } from '../services/audit/audit-log';
import { ledgerBalance } from '../services/domain/ledger';
import type { WorkerDeps } from './deps';
import { projectEffectWorker } from './recording';
import { projectIdSchema, setStage } from './support';

export const archiveInput = z.object({ projectId: projectIdSchema });

export function createArchiveWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.archive',
    description: 'R25: archives the project file (manifest with SM3 digests in the audit chain) and closes the project',
    input: archiveInput,
    output: z.object({ projectStatus: z.literal('completed'), archiveDigest: z.string() }),
    async apply({ m, project, now }) {
      const where = { projectId: project.id };
      const versions = await m.getRepository(ApplicationVersionEntity).find({ where, order: { version: 'ASC' } });
      const attachments = await m.getRepository(AttachmentEntity).find({ where, order: { id: 'ASC' } });
      const rounds = await m.getRepository(ReviewRoundEntity).find({ where, order: { roundNo: 'ASC' } });
      const ledger = await m.getRepository(LedgerEntryEntity).find({ where, order: { id: 'ASC' } });
      const orders = await m.getRepository(RectificationOrderEntity).find({ where, order: { id: 'ASC' } });
      const manifest = {
        project: { id: project.id, code: project.code, name: project.name, planYear: project.planYear },
        applicationVersions: versions.map((v) => ({ version: v.version, sm3: sm3(v.data), createdAt: v.createdAt })),
        attachments: attachments.map((a) => ({ kind: a.kind, name: a.originalName, sm3: a.sm3, size: a.size })),
        reviewRounds: rounds.map((r) => ({ roundNo: r.roundNo, outcome: r.outcome, reason: r.reason })),
        ledger: { ...ledgerBalance(project.approvedAmount, ledger), entries: ledger.length },
        rectificationOrders: orders.map((o) => ({ id: o.id, deadline: o.deadline, status: o.status })),
        archivedAt: now.toISOString(),
      };
      await setStage(m, project.id, 'closed', now);
      return { projectStatus: 'completed' as const, archiveDigest: sm3(JSON.stringify(manifest)), manifest } as {
        projectStatus: 'completed';
        archiveDigest: string;
      };
    },
    detail: () => ({}),
  });
}
