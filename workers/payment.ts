/**
 * egov.payment — R19.2 against the budget ledger: the payment is booked unless the total paid
 * would exceed the approved investment, which is the BPMN error ERR_PAYMENT_EXCEEDS_APPROVED
 * (caught by Boundary_PaymentExceedsApproved → back to the payment request); the same error, with
 * its reason in `paymentRefusedReason`, refuses a payment the ledger's R21 / R8.1 gate refuses (not
 * in the investment plan, not in an approved annual plan). What remains of the
 * approved investment is the surplus to return (Gateway_Surplus).
 */
import { z } from 'zod';
import { LedgerEntryEntity } from '../services/domain/entities';
import { bookLedgerEntry, ledgerBalance } from '../services/domain/ledger';
import { PROCESS_USER } from '../services/domain/plans';
import { fromCents, toCents } from '../services/domain/money';
import type { WorkerDeps } from './deps';
import { bpmnError, complete, defineWorker } from './framework';
import {
  amount,
  loadProject,
  moneyToNumber,
  projectIdSchema,
  onceAudited,
  recordEvent,
  todayIn,
  toMoney,
} from './support';

export const PAYMENT_EXCEEDS_APPROVED = 'ERR_PAYMENT_EXCEEDS_APPROVED';

export const paymentInput = z.object({
  projectId: projectIdSchema,
  requestedAmount: amount,
  paidSoFar: amount.nullish(),
  paymentApprovedAmount: amount.nullish(),
  approvedInvestment: amount.nullish(),
});
export const paymentOutput = z.object({
  paidTotal: z.number(),
  surplusAmount: z.number(),
  paymentAmount: z.number(),
});

type PaymentResult =
  | { ok: true; paidTotal: number; surplusAmount: number; paymentAmount: number }
  | { ok: false; message: string; paidTotal: number; approved: number | null };

export function createPaymentWorker(deps: WorkerDeps) {
  return defineWorker({
    type: 'egov.payment',
    description:
      'R19.2: books the approved payment in the ledger; never more than the approved investment (else BPMN error ERR_PAYMENT_EXCEEDS_APPROVED); surplus = approved − paid − returned',
    input: paymentInput,
    output: paymentOutput,
    async handle(ctx) {
      const v = ctx.variables;
      // the decision and the booking happen together, once: a redelivery gets the same answer
      const result = await onceAudited(ctx, deps.dataSource, async (m): Promise<PaymentResult> => {
        const project = await loadProject(m, v.projectId);
        const approved = project.approvedAmount;
        const balance = ledgerBalance(
          approved,
          await m.getRepository(LedgerEntryEntity).findBy({ projectId: project.id }),
        );
        const pay = toMoney(Math.min(v.paymentApprovedAmount ?? v.requestedAmount, v.requestedAmount));
        // the ledger's rule (R19.2 ceiling, R21 investment plan, R8.1 approved annual plan), booked
        // in this job's transaction; 0 = booked by the process, the approver is on the payment task
        const refused = await bookLedgerEntry(
          m,
          project.id,
          'payment',
          { amount: pay, valueDate: todayIn(deps.clock), note: `流程支付（${ctx.job.elementId}）` },
          PROCESS_USER,
          deps.clock(),
        );
        if (refused) {
          await recordEvent(deps.dataSource, m, ctx.job, `project:${project.id}`, {
            refused: refused.problem,
            rule: refused.rule,
            amount: pay,
          });
          return {
            ok: false,
            message: refused.problem,
            paidTotal: moneyToNumber(balance.paid),
            approved: approved === null ? null : moneyToNumber(approved),
          };
        }
        const paid = toCents(balance.paid) + toCents(pay);
        const surplus = toCents(balance.available) - toCents(pay);
        const out = {
          ok: true as const,
          paidTotal: moneyToNumber(fromCents(paid)),
          surplusAmount: moneyToNumber(fromCents(surplus > 0n ? surplus : 0n)),
          paymentAmount: moneyToNumber(pay),
        };
        await recordEvent(deps.dataSource, m, ctx.job, `project:${project.id}`, out);
        return out;
      });
      if (!result.ok)
        return bpmnError(PAYMENT_EXCEEDS_APPROVED, result.message, {
          paymentRefusedReason: result.message,
          paidTotal: result.paidTotal,
        });
      return complete({
        paidTotal: result.paidTotal,
        surplusAmount: result.surplusAmount,
        paymentAmount: result.paymentAmount,
      });
    },
  });
}
