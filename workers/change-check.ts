/**
 * egov.change-check — R20: the main content may change only in one of the three cases (provincial
 * / city deployment, technical-plan optimisation, business need within the approved framework),
 * within the approved budget and with the goals unchanged; otherwise the normal procedure again.
 */
import { z } from 'zod';
import type { WorkerDeps } from './deps';
import { complete, defineWorker } from './framework';
import { amount, projectIdSchema } from './support';

export const CHANGE_CASES = {
  'case-1': '（一）根据省、市部署要求调整',
  'case-2': '（二）技术方案优化',
  'case-3': '（三）在批复框架内因业务需要调整',
} as const;

export const changeCheckInput = z.object({
  projectId: projectIdSchema,
  changeCase: z.enum(['case-1', 'case-2', 'case-3', 'none']),
  changeWithinBudget: z.boolean().default(false),
  changeGoalsUnchanged: z.boolean().default(false),
  changeTotalInvestment: amount.nullish(),
  approvedInvestment: amount.nullish(),
});
export const changeCheckOutput = z.object({ changeEligible: z.boolean(), changeIneligibleReason: z.string() });

/** Pure: the reasons a change is not eligible under R20 (empty = eligible). */
export function changeProblems(v: z.output<typeof changeCheckInput>): string[] {
  const problems: string[] = [];
  if (v.changeCase === 'none') problems.push('不属于 R20 规定的三种可调整情形');
  if (!v.changeWithinBudget) problems.push('调整后投资超出概算批复');
  if (
    v.changeTotalInvestment !== null &&
    v.changeTotalInvestment !== undefined &&
    v.approvedInvestment !== null &&
    v.approvedInvestment !== undefined &&
    v.changeTotalInvestment > v.approvedInvestment
  )
    problems.push(`调整后总投资 ${v.changeTotalInvestment} 万元超过批复投资 ${v.approvedInvestment} 万元`);
  if (!v.changeGoalsUnchanged) problems.push('建设目标发生变化');
  return problems;
}

export function createChangeCheckWorker(_deps: WorkerDeps) {
  return defineWorker({
    type: 'egov.change-check',
    description: 'R20: change eligible only in cases (一)–(三), within the approved budget, goals unchanged',
    input: changeCheckInput,
    output: changeCheckOutput,
    async handle({ variables: v }) {
      const problems = changeProblems(v);
      return complete({
        changeEligible: problems.length === 0,
        changeIneligibleReason: problems.length
          ? `不符合 R20 调整条件：${problems.join('；')}；须按有关规定重新履行审批手续`
          : `符合 R20 情形${CHANGE_CASES[v.changeCase as keyof typeof CHANGE_CASES]}`,
      });
    },
  });
}
