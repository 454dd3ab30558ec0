/** egov.surplus-return-record — R19.2: the surplus the department returned is booked in the ledger. */
import { z } from 'zod';
import { LedgerEntryEntity } from '../services/domain/entities';
import { bookLedgerEntry, ledgerBalance } from '../services/domain/ledger';
import { PROCESS_USER } from '../services/domain/plans';
import type { WorkerDeps } from './deps';
import { projectEffectWorker } from './recording';
import { amount, dateLike, moneyToNumber, projectIdSchema, toMoney } from './support';

export const surplusReturnInput = z.object({
  projectId: projectIdSchema,
  surplusAmount: amount.nullish(),
  returnedAmount: amount,
  surplusReturnedDate: dateLike,
  surplusVoucherNo: z.string().trim().min(1).max(100),
});

export function createSurplusReturnRecordWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.surplus-return-record',
    description: 'R19.2: books the surplus return (结余资金退回) with voucher; never more than the surplus',
    input: surplusReturnInput,
    output: z.object({ surplusReturned: z.number(), surplusRemaining: z.number() }),
    async apply({ m, project, v, now }) {
      const entries = await m.getRepository(LedgerEntryEntity).findBy({ projectId: project.id });
      const balance = ledgerBalance(project.approvedAmount, entries);
      const returned = toMoney(v.returnedAmount);
      // the ledger's rule (R19.2), booked in this job's transaction
      const refused = await bookLedgerEntry(
        m,
        project.id,
        'surplus-return',
        { amount: returned, valueDate: v.surplusReturnedDate, note: `结余资金退回，凭证号 ${v.surplusVoucherNo}` },
        PROCESS_USER,
        now,
      );
      // a wrong amount in the form is an incident for the operator, not a silent correction
      if (refused) throw new Error(refused.problem);
      return {
        surplusReturned: moneyToNumber(returned),
        surplusRemaining: Math.round((moneyToNumber(balance.available) - moneyToNumber(returned)) * 100) / 100,
      };
    },
  });
}
