/**
 * egov.acceptance-docs-check — R22.2 the four documents of a final-acceptance application
 * (acceptance application report, construction summary, security risk assessment — the secrecy
 * assessment for a classified system, else the 等保 report — and the 密评 report); R14 the
 * acceptance items (product security, cryptography, security review, and PUE for hardware and
 * data centres). The R12 inspection and R13 review must have passed: their passed rounds are on
 * file (written when they passed, egov.check-passed-record) — this job reads them, it does not
 * write them.
 */
import { z } from 'zod';
import type { EntityManager } from 'typeorm';
import { ComplianceCheckEntity, type CheckKind } from '../services/domain/entities';
import type { WorkerDeps } from './deps';
import { dayOf, recordFinalApplication, recordPreliminaryAcceptance } from '../services/domain/process-records';
import { recordCheckRound } from '../services/domain/attempts';
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
  // what the user task before this job decided (R22.1), recorded in the domain here: this is the
  // first job after the preliminary acceptance (R12/R13 are recorded when they pass)
  preliminaryResult: z.string().nullish(),
  preliminaryAcceptanceDate: z.string().nullish(),
  preliminaryIssues: z.string().max(5000).nullish(),
  finalApplicationDueDate: z.string().nullish(),
  // the inspection's / review's conclusions, read only for instances of a process version older than
  // egov.check-passed-record (see legacyPassedRounds)
  securityInspectionResult: z.string().nullish(),
  cryptoReviewResult: z.string().nullish(),
});
export const acceptanceDocsOutput = z.object({
  acceptanceDocsComplete: z.boolean(),
  materialsDefectsText: z.string(),
});

const CHECK_MISSING: Record<CheckKind, string> = {
  'security-inspection': 'R22.2 无网络安全检查通过记录（R12，区委网信办）',
  'crypto-review': 'R22.2 无密码应用审查通过记录（R13，区委机要局）',
};

/**
 * R22.2: the R12 inspection and the R13 review of the project passed — the latest recorded round of
 * each kind is a pass (a later failed round, entered through the API, takes the pass back).
 */
export async function checkDefects(m: EntityManager, projectId: number): Promise<string[]> {
  const defects: string[] = [];
  for (const kind of ['security-inspection', 'crypto-review'] as const) {
    const latest = (
      await m.getRepository(ComplianceCheckEntity).find({ where: { projectId, kind }, order: { id: 'DESC' }, take: 1 })
    )[0];
    if (!latest?.passed) defects.push(CHECK_MISSING[kind]);
  }
  return defects;
}

/**
 * Instances started on a process version without egov.check-passed-record passed R12/R13 without a
 * round on file (this job used to write it). For them — no round of that kind on file at all, and the
 * process says it passed — the passed round is recorded here, at this job's position, once. On the
 * current version a passed round is always on file before this job, so this writes nothing.
 */
export async function legacyPassedRounds(
  m: EntityManager,
  projectId: number,
  v: Pick<z.output<typeof acceptanceDocsInput>, 'securityInspectionResult' | 'cryptoReviewResult'>,
  position: { processInstanceKey: string; elementInstanceKey: string },
  checkedOn: string,
  now: Date,
): Promise<CheckKind[]> {
  const written: CheckKind[] = [];
  const results: [CheckKind, string | null | undefined][] = [
    ['security-inspection', v.securityInspectionResult],
    ['crypto-review', v.cryptoReviewResult],
  ];
  for (const [kind, result] of results) {
    if (result !== 'pass') continue;
    if (await m.getRepository(ComplianceCheckEntity).exists({ where: { projectId, kind } })) continue;
    await recordCheckRound(m, projectId, kind, { passed: true, findings: null, checkedOn, position }, now);
    written.push(kind);
  }
  return written;
}

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
      const out = await onceAudited(ctx, deps.dataSource, async (m) => {
        const project = await loadProject(m, v.projectId);
        const now = deps.clock();
        const today = todayIn(deps.clock);
        const legacy = await legacyPassedRounds(
          m,
          project.id,
          v,
          { processInstanceKey: ctx.job.processInstanceKey, elementInstanceKey: ctx.job.elementInstanceKey },
          today,
          now,
        );
        const defects = [...acceptanceDefects(v), ...(await checkDefects(m, project.id))];
        const answer = {
          acceptanceDocsComplete: defects.length === 0,
          materialsDefectsText: defectsText('竣工验收材料核验（R22.2、R14）', defects),
        };
        const recorded: string[] = legacy.map((kind) => `${kind} (passed, recorded late: older process version)`);
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
        if (answer.acceptanceDocsComplete) {
          await recordFinalApplication(
            m,
            project.id,
            { appliedOn: today, dueOn: dayOf(v.finalApplicationDueDate) },
            now,
          );
          recorded.push('final-acceptance-application');
        }
        await recordEvent(deps.dataSource, m, ctx.job, `project:${project.id}`, { output: answer, recorded });
        return answer;
      });
      return complete(out);
    },
  });
}
