/**
 * egov.crypto-gate — R13 before the crypto bureau's review: domestic cryptography was planned
 * with the system (附件1 R24 item) and the cryptography application security assessment (密评)
 * report is on file.
 */
import { z } from 'zod';
import { ApplicationVersionEntity, AttachmentEntity } from '../services/domain/entities';
import type { WorkerDeps } from './deps';
import { complete, defineWorker } from './framework';
import { defectsText } from './security-gate';
import { loadProject, projectIdSchema } from './support';

export const cryptoGateInput = z.object({
  projectId: projectIdSchema,
  r24Compliance: z.array(z.string()).nullish(),
});

export function createCryptoGateWorker(deps: WorkerDeps) {
  return defineWorker({
    type: 'egov.crypto-gate',
    description: 'R13: domestic cryptography planned with the system and the 密评 report on file',
    input: cryptoGateInput,
    output: z.object({ cryptoDocsComplete: z.boolean(), materialsDefectsText: z.string() }),
    async handle({ variables: v }) {
      const m = deps.dataSource.manager;
      const project = await loadProject(m, v.projectId);
      const defects: string[] = [];
      if (!(await m.getRepository(AttachmentEntity).existsBy({ projectId: project.id, kind: 'crypto-assessment' })))
        defects.push('R13 缺少密码应用安全性评估（密评）报告');
      let planned = v.r24Compliance?.includes('domestic-crypto');
      if (planned === undefined) {
        const row = await m
          .getRepository(ApplicationVersionEntity)
          .findOneBy({ projectId: project.id, version: project.currentVersion });
        try {
          const data = row ? (JSON.parse(row.data) as { r24Compliance?: unknown }) : {};
          planned = Array.isArray(data.r24Compliance) && data.r24Compliance.includes('domestic-crypto');
        } catch {
          planned = false;
        }
      }
      if (!planned) defects.push('R13 申报时未规划国产密码应用（须同步规划、同步建设、同步运行）');
      return complete({
        cryptoDocsComplete: defects.length === 0,
        materialsDefectsText: defectsText('密码应用材料核验（R13）', defects),
      });
    },
  });
}
