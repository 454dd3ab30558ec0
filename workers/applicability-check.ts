/** egov.applicability-check — R2.1 scope, R2.2 the 10万元 threshold, R15 whether quarterly reports are due. */
import { z } from 'zod';
import { daysInMonth, requiresQuarterlyReports } from '../services/calendar';
import { assessApplicability } from '../services/domain/applicability';
import type { WorkerDeps } from './deps';
import { complete, defineWorker } from './framework';
import { amount, projectIdSchema, toMoney } from './support';

/** R2.1: fiscal funds, higher-level transfer funds, self-raised funds (the 附件1 form's options). */
export const GOVERNED_FUND_SOURCES = ['fiscal', 'transfer', 'self-raised'] as const;
const FUND_NAMES: Record<string, string> = {
  fiscal: '财政资金',
  transfer: '上级转移支付资金',
  'self-raised': '自筹资金',
};

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM');

export const applicabilityInput = z.object({
  projectId: projectIdSchema,
  listedInDepartmentBudget: z.boolean(),
  totalInvestment: amount,
  fundSource: z.string().min(1),
  constructionStart: month,
  constructionEnd: month,
});

export const applicabilityOutput = z.object({
  governed: z.boolean(),
  applicabilityReason: z.string(),
  quarterlyReportsRequired: z.boolean(),
});

/** "YYYY-MM" construction months → the first and the last day of the period. */
export function constructionPeriod(start: string, end: string): { from: string; to: string } {
  const [y, m] = end.split('-').map(Number) as [number, number];
  return { from: `${start}-01`, to: `${end}-${String(daysInMonth(y, m)).padStart(2, '0')}` };
}

export function createApplicabilityCheckWorker(_deps: WorkerDeps) {
  return defineWorker({
    type: 'egov.applicability-check',
    description:
      'R2.1 fund sources; R2.2 listed in a department budget and ≤ 10万元 (以下 includes 10) → not governed; R15 construction period > 6 months (超过, strict) or spanning years → quarterly reports',
    input: applicabilityInput,
    output: applicabilityOutput,
    async handle({ variables: v }) {
      const period = constructionPeriod(v.constructionStart, v.constructionEnd);
      const quarterlyReportsRequired = requiresQuarterlyReports(period.from, period.to);
      if (!(GOVERNED_FUND_SOURCES as readonly string[]).includes(v.fundSource)) {
        return complete({
          governed: false,
          applicabilityReason: `资金来源“${v.fundSource}”不属于财政资金、上级转移支付资金或自筹资金，不适用本办法（R2.1）`,
          quarterlyReportsRequired,
        });
      }
      const a = assessApplicability({
        departmentBudget: v.listedInDepartmentBudget,
        totalInvestment: toMoney(v.totalInvestment),
      });
      const reason = a.governed ? `${a.reason}；资金来源：${FUND_NAMES[v.fundSource]}` : a.reason;
      return complete({ governed: a.governed, applicabilityReason: reason, quarterlyReportsRequired });
    },
  });
}
