/**
 * egov.security-gate — R12 before the cyberspace office's inspection: the 等保 assessment report
 * (for a classified system the secrecy assessment, R11) is on file and the project runs network
 * security and 等保 management systems (project start form).
 */
import { z } from 'zod';
import { AttachmentEntity } from '../services/domain/entities';
import type { WorkerDeps } from './deps';
import { complete, defineWorker } from './framework';
import { loadProject, projectIdSchema } from './support';

export const securityGateInput = z.object({
  projectId: projectIdSchema,
  classifiedSystem: z.boolean().default(false),
  managementSystems: z.array(z.string()).nullish(),
  secrecyRulesApplied: z.boolean().nullish(),
});
export function defectsText(title: string, defects: string[]): string {
  return defects.length ? `${title}：\n${defects.map((d, i) => `${i + 1}. ${d}`).join('\n')}` : `${title}：材料齐全`;
}

export function createSecurityGateWorker(deps: WorkerDeps) {
  return defineWorker({
    type: 'egov.security-gate',
    description:
      'R12 (R11 classified): security assessment report on file, network-security and 等保 management systems',
    input: securityGateInput,
    output: z.object({ securityDocsComplete: z.boolean(), materialsDefectsText: z.string() }),
    async handle({ variables: v }) {
      const m = deps.dataSource.manager;
      const project = await loadProject(m, v.projectId);
      const defects: string[] = [];
      const hasReport = await m
        .getRepository(AttachmentEntity)
        .existsBy({ projectId: project.id, kind: 'security-assessment' });
      if (!hasReport)
        defects.push(v.classifiedSystem ? 'R11/R12 缺少保密测评报告' : 'R12 缺少网络安全等级保护测评报告');
      if (v.managementSystems) {
        if (!v.managementSystems.includes('network-security')) defects.push('R12 未建立网络安全管理制度');
        if (!v.managementSystems.includes('classified-protection')) defects.push('R11 未落实等级保护测评制度');
      }
      if (v.classifiedSystem && v.secrecyRulesApplied !== true) defects.push('R11 涉密信息系统未确认执行保密规定');
      return complete({
        securityDocsComplete: defects.length === 0,
        materialsDefectsText: defectsText('网络安全检查材料核验（R12）', defects),
      });
    },
  });
}
