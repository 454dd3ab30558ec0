/**
 * egov.investment-plan-register — R21: DRC's annual government investment plan (文号, year,
 * approved investment) is registered; the approved investment becomes the project's ceiling
 * (R19.1) and the project enters the investment plan — the only way into construction.
 */
import { z } from 'zod';
import { LedgerEntryEntity, ProjectEntity } from '../services/domain/entities';
import { upsertInvestmentEntry } from '../services/domain/plans';
import { recordKeyProjectApproval } from '../services/domain/process-records';
import { ledgerBalance } from '../services/domain/ledger';
import { toCents } from '../services/domain/money';
import type { WorkerDeps } from './deps';
import { projectEffectWorker } from './recording';
import { amount, projectIdSchema, setStage, toMoney } from './support';

export const investmentPlanInput = z.object({
  projectId: projectIdSchema,
  investmentPlanNo: z.string().trim().min(1).max(100),
  investmentPlanYear: z.number().int().min(2000).max(2100),
  approvedInvestment: amount,
  // form `key-project-approval` (R5 重点项目单独立项), present on the key-project branch
  keyApprovalDecision: z.enum(['approve', 'reject']).nullish(),
  approvalDocumentNo: z.string().trim().max(100).nullish(),
  keyApprovedInvestment: amount.nullish(),
  keyApprovalReason: z.string().trim().max(2000).nullish(),
});
export const investmentPlanOutput = z.object({ investmentPlanRegistered: z.boolean() });

export function createInvestmentPlanRegisterWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.investment-plan-register',
    description:
      'R21: registers the investment plan number and approved investment (R19.1 ceiling); stage 列入政府性投资计划',
    input: investmentPlanInput,
    output: investmentPlanOutput,
    async apply({ m, project, v, now, today, job }) {
      const approved = toMoney(v.approvedInvestment);
      const used = ledgerBalance('0', await m.getRepository(LedgerEntryEntity).findBy({ projectId: project.id }));
      if (toCents(approved) < toCents(used.paid) + toCents(used.returned))
        throw new Error(`批复投资 ${approved} 万元低于已支付与已退回合计（R19.2）`);
      // the domain's R21 gate (payments, contracts) reads investment_plan_entry, with its 文号
      await upsertInvestmentEntry(
        m,
        project.id,
        { year: v.investmentPlanYear, amount: approved, approvedOn: today, planNo: v.investmentPlanNo },
        now,
      );
      // R5: a key project reaches this job only through 区发改委's separate approval (单独立项);
      // its decision is recorded here, on the approved branch (the rejected one: egov.notify)
      if (v.keyApprovalDecision === 'approve') {
        await recordKeyProjectApproval(
          m,
          project.id,
          {
            decision: 'approve',
            documentNo: v.approvalDocumentNo?.trim() || null,
            approvedInvestment: v.keyApprovedInvestment != null ? toMoney(v.keyApprovedInvestment) : null,
            reason: v.keyApprovalReason?.trim() || null,
            decidedOn: today,
            processInstanceKey: job.processInstanceKey,
          },
          now,
        );
      }
      await m.getRepository(ProjectEntity).update({ id: project.id }, { approvedAmount: approved });
      await setStage(m, project.id, 'investment-plan', now);
      return { investmentPlanRegistered: true };
    },
  });
}
