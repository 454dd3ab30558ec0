/**
 * egov.procurement-record — R14 procurement under the Tendering and Government Procurement Laws
 * with products 安全可靠; R19.1 the contract may not exceed the approved investment; the
 * contracted acceptance date is kept for R22.3. A compliant record writes `procurement` and
 * `contract`.
 */
import { z } from 'zod';
import type { WorkerDeps } from './deps';
import { projectEffectWorker } from './recording';
import type { ProcurementMethod } from '../services/domain/entities';
import { recordProcurementAndContract } from '../services/domain/process-records';
import { amount, dateLike, moneyToNumber, projectIdSchema, setStage, toMoney } from './support';

export const PROCUREMENT_METHODS = {
  'open-tender': '公开招标',
  'invited-tender': '邀请招标',
  'competitive-negotiation': '竞争性谈判',
  'competitive-consultation': '竞争性磋商',
  'single-source': '单一来源采购',
  inquiry: '询价',
  'framework-agreement': '框架协议采购',
} as const;

/** The form's method in the domain's terms (`procurement.method`). */
const DOMAIN_METHOD: Record<keyof typeof PROCUREMENT_METHODS, ProcurementMethod> = {
  'open-tender': 'public-tender',
  'invited-tender': 'invited-tender',
  'competitive-negotiation': 'competitive-negotiation',
  'competitive-consultation': 'competitive-consultation',
  'single-source': 'single-source',
  inquiry: 'inquiry',
  'framework-agreement': 'framework-agreement',
};

export const procurementInput = z.object({
  projectId: projectIdSchema,
  procurementMethod: z.enum(Object.keys(PROCUREMENT_METHODS) as [keyof typeof PROCUREMENT_METHODS]),
  tenderNo: z.string().trim().max(100).nullish(),
  supplierName: z.string().trim().min(1).max(200),
  contractNo: z.string().trim().min(1).max(100),
  contractAmount: amount,
  contractSignedDate: dateLike,
  contractedAcceptanceDate: dateLike,
  productsSecureAndReliable: z.boolean(),
  approvedInvestment: amount.nullish(),
});
export const procurementOutput = z.object({
  procurementCompliant: z.boolean(),
  procurementDefects: z.array(z.string()),
  contractedAcceptanceDate: z.string(),
});

export function createProcurementRecordWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.procurement-record',
    description:
      'R14 procurement record (method, tender, supplier, contract, products 安全可靠); R19.1 contract ≤ approved investment',
    input: procurementInput,
    output: procurementOutput,
    async apply({ m, project, v, now }) {
      // the registered approved amount (R21) is the ceiling; the process variable only when none is registered
      const ceiling = project.approvedAmount !== null ? moneyToNumber(project.approvedAmount) : v.approvedInvestment;
      const defects: string[] = [];
      if (ceiling === null || ceiling === undefined) defects.push('R19.1 项目尚无批复投资，不能签订合同');
      else if (v.contractAmount > ceiling)
        defects.push(`R19.1 合同金额 ${v.contractAmount} 万元超过批复投资 ${ceiling} 万元`);
      if (!v.productsSecureAndReliable) defects.push('R14 采购产品未确认安全可靠');
      if (['open-tender', 'invited-tender'].includes(v.procurementMethod) && !v.tenderNo?.trim())
        defects.push('R14 招标采购须登记招标编号');
      if (v.contractedAcceptanceDate <= v.contractSignedDate) defects.push('R22.3 合同约定验收日期须晚于合同签订日期');
      const compliant = defects.length === 0;
      if (compliant) {
        // a compliant procurement is the project's procurement and contract (R14, R19.1, the
        // contracted acceptance date of R22.3); a defective one goes back to Task_Procurement and
        // stays in the audit trail only, so the contracted sum never counts a refused contract
        await recordProcurementAndContract(
          m,
          project,
          {
            method: DOMAIN_METHOD[v.procurementMethod],
            tenderNo: v.tenderNo?.trim() || null,
            supplier: v.supplierName,
            contractNo: v.contractNo,
            amount: toMoney(v.contractAmount),
            signedOn: v.contractSignedDate,
            acceptanceDue: v.contractedAcceptanceDate,
          },
          now,
        );
        await setStage(m, project.id, 'implementation', now);
      }
      return {
        procurementCompliant: compliant,
        procurementDefects: defects,
        contractedAcceptanceDate: v.contractedAcceptanceDate,
      };
    },
  });
}
