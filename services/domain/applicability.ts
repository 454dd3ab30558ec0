/**
 * R2.2: a project listed in a department budget of 10万元 or less (以下 includes the number
 * itself, Civil Code art. 1259) may be bought through decentralised procurement and is not
 * governed by the measures: the application is recognised at once and no review flow starts.
 */
import { compareMoney, type Money } from './money';

export const R22_THRESHOLD: Money = '10.00';

export interface Applicability {
  governed: boolean;
  rule: 'R2.2' | 'R2.1';
  reason: string;
}

export function assessApplicability(input: { departmentBudget: boolean; totalInvestment: Money }): Applicability {
  if (input.departmentBudget && compareMoney(input.totalInvestment, R22_THRESHOLD) <= 0) {
    return {
      governed: false,
      rule: 'R2.2',
      reason: `列入部门预算且投资 ${input.totalInvestment} 万元（10万元以下，含10万元），可按分散采购方式自行采购，不适用本办法（R2.2），不进入联合审查流程`,
    };
  }
  return { governed: true, rule: 'R2.1', reason: '适用本办法（R2.1），按政务信息化项目程序管理' };
}
