/**
 * egov.fund-recovery — R19.3: funds of a project not carried out are recovered (by finance). The
 * approved amount is reduced by what is recovered; never more than is left unpaid (R19.2).
 */
import { z } from 'zod';
import { LedgerEntryEntity, ProjectEntity } from '../services/domain/entities';
import { ledgerBalance } from '../services/domain/ledger';
import { fromCents, toCents } from '../services/domain/money';
import type { WorkerDeps } from './deps';
import { projectEffectWorker } from './recording';
import { amount, moneyToNumber, projectIdSchema, toMoney } from './support';

// no amount: everything not yet paid is recovered
export const fundRecoveryInput = z.object({ projectId: projectIdSchema, fundRecoveryAmount: amount.nullish() });

export function createFundRecoveryWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.fund-recovery',
    description:
      'R19.3: recovers funds — the approved amount falls by the recovered amount (default: all unpaid), capped at what is unpaid',
    input: fundRecoveryInput,
    output: z.object({ recoveredAmount: z.number() }),
    async apply({ m, project, v, now }) {
      const entries = await m.getRepository(LedgerEntryEntity).findBy({ projectId: project.id });
      const balance = ledgerBalance(project.approvedAmount, entries);
      const available = toCents(balance.available) > 0n ? toCents(balance.available) : 0n;
      const asked = v.fundRecoveryAmount == null ? available : toCents(toMoney(v.fundRecoveryAmount));
      const recovered = asked < available ? asked : available;
      if (project.approvedAmount !== null && recovered > 0n) {
        await m
          .getRepository(ProjectEntity)
          .update(
            { id: project.id },
            { approvedAmount: fromCents(toCents(project.approvedAmount) - recovered), updatedAt: now.toISOString() },
          );
      }
      return { recoveredAmount: moneyToNumber(fromCents(recovered)) };
    },
  });
}
