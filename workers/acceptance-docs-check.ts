/**
 * egov.acceptance-docs-check — R22.2 the four documents of a final-acceptance application
 * (acceptance application report, construction summary, security risk assessment — the secrecy
 * assessment for a classified system, else the 等保 report — and the 密评 report); R14 the
 * acceptance items (product security, cryptography, security review, and PUE for hardware and
 * data centres).
 */
import { z } from 'zod';
import type { WorkerDeps } from './deps';
import { complete, defineWorker } from './framework';
import { defectsText } from './security-gate';
import { projectIdSchema } from './support';

const doc = z.string().trim().max(500).nullish();
export const acceptanceDocsInput = z.object({
  projectId: projectIdSchema,
  classifiedSystem: z.boolean().default(false),
  securityReportType: z.enum(['secrecy', 'classified-protection']).nullish(),
  docAcceptanceApplication: doc,
  docConstructionSummary: doc,
  docSecurityRiskReport: doc,
  docCryptoAssessmentReport: doc,
  productSecurityStatus: z.string().trim().max(5000).nullish(),
  cryptoApplicationStatus: z.string().trim().max(5000).nullish(),
  securityReviewStatus: z.string().trim().max(5000).nullish(),
  hasHardwareOrDataCentre: z.boolean().default(false),
  pue: z.number().nullish(),
});
export const acceptanceDocsOutput = z.object({
  acceptanceDocsComplete: z.boolean(),
  materialsDefectsText: z.string(),
});

/** Pure: what is missing from a final-acceptance application (R22.2, R14). */
export function acceptanceDefects(v: z.output<typeof acceptanceDocsInput>): string[] {
  const defects: string[] = [];
  const has = (s: string | null | undefined) => !!s && s.length > 0;
  if (!has(v.docAcceptanceApplication)) defects.push('R22.2 缺少验收申请报告');
  if (!has(v.docConstructionSummary)) defects.push('R22.2 缺少项目建设总结');
  const report = v.classifiedSystem ? '保密测评报告' : '等级保护测评报告';
  if (!has(v.docSecurityRiskReport)) defects.push(`R22.2 缺少安全风险评估报告（${report}）`);
  else if (v.classifiedSystem && v.securityReportType !== 'secrecy')
    defects.push('R22.2 涉密信息系统的安全风险评估报告须为保密测评报告');
  else if (!v.classifiedSystem && v.securityReportType === 'secrecy')
    defects.push('R22.2 非涉密系统的安全风险评估报告应为等级保护测评报告');
  if (!has(v.docCryptoAssessmentReport)) defects.push('R22.2 缺少密码应用安全性评估报告');
  if (!has(v.productSecurityStatus)) defects.push('R14 未说明产品安全可靠情况');
  if (!has(v.cryptoApplicationStatus)) defects.push('R14 未说明密码应用情况');
  if (!has(v.securityReviewStatus)) defects.push('R14 未说明安全审查情况');
  if (v.hasHardwareOrDataCentre && !(typeof v.pue === 'number' && v.pue >= 1))
    defects.push('R14 含硬件或数据中心的项目须填报能源利用效率（PUE ≥ 1.0）');
  return defects;
}

export function createAcceptanceDocsCheckWorker(_deps: WorkerDeps) {
  return defineWorker({
    type: 'egov.acceptance-docs-check',
    description:
      'R22.2 four documents (secrecy report for classified systems); R14 acceptance items incl. PUE for hardware/data centres',
    input: acceptanceDocsInput,
    output: acceptanceDocsOutput,
    async handle({ variables: v }) {
      const defects = acceptanceDefects(v);
      return complete({
        acceptanceDocsComplete: defects.length === 0,
        materialsDefectsText: defectsText('竣工验收材料核验（R22.2、R14）', defects),
      });
    },
  });
}
