/**
 * egov.acceptance-docs-check — R22.2 the four documents of a final-acceptance application
 * (acceptance application report, construction summary, security risk assessment — the secrecy
 * assessment for a classified system, else the 等保 report — and the 密评 report); R14 the
 * acceptance items (product security, cryptography, security review, and PUE for hardware and
 * data centres).
 */
import { z } from 'zod';
import { CHECK_TASK, deciderOf, lastCheckAt } from '../services/domain/attempts';
import type { WorkerDeps } from './deps';
import {
  dayOf,
  recordComplianceCheck,
  recordFinalApplication,
  recordPreliminaryAcceptance,
} from '../services/domain/process-records';
import { complete, defineWorker } from './framework';
import { defectsText } from './security-gate';
import { loadProject, onceAudited, projectIdSchema, recordEvent, todayIn } from './support';

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
  // what the user tasks before this job decided (R12, R13, R22.1), recorded in the domain here:
  // this is the first job after the inspections and the preliminary acceptance
  securityInspectionResult: z.string().nullish(),
  securityIssues: z.string().max(5000).nullish(),
  riskAssessmentDate: z.string().nullish(),
  cryptoReviewResult: z.string().nullish(),
  cryptoIssues: z.string().max(5000).nullish(),
  preliminaryResult: z.string().nullish(),
  preliminaryAcceptanceDate: z.string().nullish(),
  preliminaryIssues: z.string().max(5000).nullish(),
  finalApplicationDueDate: z.string().nullish(),
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

export function createAcceptanceDocsCheckWorker(deps: WorkerDeps) {
  return defineWorker({
    type: 'egov.acceptance-docs-check',
    description:
      'R22.2 four documents (secrecy report for classified systems); R14 acceptance items incl. PUE for hardware/data centres',
    input: acceptanceDocsInput,
    output: acceptanceDocsOutput,
    async handle(ctx) {
      const v = ctx.variables;
      const defects = acceptanceDefects(v);
      const out = {
        acceptanceDocsComplete: defects.length === 0,
        materialsDefectsText: defectsText('竣工验收材料核验（R22.2、R14）', defects),
      };
      await onceAudited(ctx, deps.dataSource, async (m) => {
        const project = await loadProject(m, v.projectId);
        const now = deps.clock();
        const today = todayIn(deps.clock);
        const recorded: string[] = [];
        // R12 / R13: the gateways let the construction end only on a pass, so these are the passed checks
        for (const [kind, result, findings, on] of [
          ['security-inspection', v.securityInspectionResult, v.securityIssues, dayOf(v.riskAssessmentDate)],
          ['crypto-review', v.cryptoReviewResult, v.cryptoIssues, null],
        ] as const) {
          if (result !== 'pass' && result !== 'fail') continue;
          const checkedOn = on && on <= today ? on : today;
          const passed = result === 'pass';
          // the inspector who completed the inspection / review task in the tasklist
          const { userId } = await deciderOf(
            m,
            ctx.job.processInstanceKey,
            CHECK_TASK[kind],
            today,
            await lastCheckAt(m, project.id, kind),
          );
          if (
            await recordComplianceCheck(
              m,
              project.id,
              kind,
              { passed, findings: findings?.trim() || null, checkedOn, recordedBy: userId },
              now,
            )
          )
            recorded.push(kind);
        }
        const preliminaryOn = dayOf(v.preliminaryAcceptanceDate);
        if ((v.preliminaryResult === 'pass' || v.preliminaryResult === 'fail') && preliminaryOn) {
          await recordPreliminaryAcceptance(
            m,
            project.id,
            {
              passed: v.preliminaryResult === 'pass',
              acceptedOn: preliminaryOn,
              opinion: v.preliminaryIssues?.trim() || null,
            },
            now,
          );
          recorded.push('preliminary-acceptance');
        }
        // R22.2: a complete application is the final-acceptance application, with its deadline
        if (out.acceptanceDocsComplete) {
          await recordFinalApplication(
            m,
            project.id,
            { appliedOn: today, dueOn: dayOf(v.finalApplicationDueDate) },
            now,
          );
          recorded.push('final-acceptance-application');
        }
        await recordEvent(deps.dataSource, m, ctx.job, `project:${project.id}`, { output: out, recorded });
        return out;
      });
      return complete(out);
    },
  });
}
