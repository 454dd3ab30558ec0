/**
 * egov.investment-plan-register — R21: DRC's annual government investment plan (文号, year,
 * approved investment) is registered; the approved investment becomes the project's ceiling
 * (R19.1) and the project enters the investment plan — the only way into construction.
 */
import { z } from 'zod';
import { InvestmentPlanEntryEntity, LedgerEntryEntity, ProjectEntity } from '../services/domain/entities';
import { ledgerBalance } from '../services/domain/ledger';
import { toCents } from '../services/domain/money';
import type { WorkerDeps } from './deps';
import { projectEffectWorker } from './recording';
import { amount, projectIdSchema, toMoney } from './support';

export const investmentPlanInput = z.object({
  projectId: projectIdSchema,
  investmentPlanNo: z.string().trim().min(1).max(100),
  investmentPlanYear: z.number().int().min(2000).max(2100),
  approvedInvestment: amount,
});
export const investmentPlanOutput = z.object({ investmentPlanRegistered: z.boolean() });

export function createInvestmentPlanRegisterWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.investment-plan-register',
    description:
      'R21: registers the investment plan number and approved investment (R19.1 ceiling); stage 列入政府性投资计划',
    input: investmentPlanInput,
    output: investmentPlanOutput,
    async apply({ m, project, v, now, today }) {
      const approved = toMoney(v.approvedInvestment);
      const used = ledgerBalance('0', await m.getRepository(LedgerEntryEntity).findBy({ projectId: project.id }));
      if (toCents(approved) < toCents(used.paid) + toCents(used.returned))
        throw new Error(`批复投资 ${approved} 万元低于已支付与已退回合计（R19.2）`);
      // the domain's R21 gate (payments, contracts) reads investment_plan_entry; the plan number is in the audit trail
      const entries = m.getRepository(InvestmentPlanEntryEntity);
      const entry = await entries.findOneBy({ projectId: project.id, year: v.investmentPlanYear });
      if (entry) await entries.update({ id: entry.id }, { amount: approved });
      else
        await entries.insert({
          projectId: project.id,
          year: v.investmentPlanYear,
          amount: approved,
          approvedOn: today,
          recordedBy: 0,
          recordedAt: now.toISOString(),
        });
      await m
        .getRepository(ProjectEntity)
        .update(
          { id: project.id },
          { approvedAmount: approved, stage: 'investment-plan', updatedAt: now.toISOString() },
        );
      return { investmentPlanRegistered: true };
    },
  });
}
