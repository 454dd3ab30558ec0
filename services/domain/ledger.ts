/**
 * The budget ledger (R19.1, R19.2): the approved amount is the ceiling; payments never exceed it;
 * what is left when the project ends is returned (结余资金退回) and recorded as such.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { HttpError } from '../http/problem';
import { ContractEntity, LedgerEntryEntity, ProjectEntity, type LedgerEntry, type LedgerKind } from './entities';
import { fromCents, toCents, type Money } from './money';
import { investmentFactsOf, investmentPreconditionProblem } from './plans';

export interface LedgerBalance {
  approved: Money | null;
  paid: Money;
  returned: Money;
  /** approved − paid − returned */
  available: Money;
}

/** Pure: the balance of a ledger. */
export function ledgerBalance(
  approved: Money | null,
  entries: readonly Pick<LedgerEntry, 'kind' | 'amount'>[],
): LedgerBalance {
  const sum = (k: LedgerKind) => entries.filter((e) => e.kind === k).reduce((s, e) => s + toCents(e.amount), 0n);
  const paid = sum('payment');
  const returned = sum('surplus-return');
  return {
    approved,
    paid: fromCents(paid),
    returned: fromCents(returned),
    available: fromCents((approved ? toCents(approved) : 0n) - paid - returned),
  };
}

/** Pure: whether an entry may be booked (R19.2); returns the reason when not. */
export function checkLedgerEntry(balance: LedgerBalance, kind: LedgerKind, amount: Money): string | null {
  if (toCents(amount) <= 0n) return '金额必须大于 0';
  if (balance.approved === null) return '项目尚未核定批复金额，不能支付（R19.1）';
  if (toCents(amount) > toCents(balance.available)) {
    return kind === 'payment'
      ? `支付金额 ${amount} 万元超过可支付余额 ${balance.available} 万元：累计支付不得超过批复金额（R19.2）`
      : `退回金额 ${amount} 万元超过结余 ${balance.available} 万元（R19.2）`;
  }
  return null;
}

export interface LedgerRefusal {
  problem: string;
  rule: 'R19.2' | 'R21' | 'R8.1';
}

/**
 * Books a payment or a surplus return inside the caller's transaction (the API's, or a job
 * worker's `ctx.once`): R19.2 — never more than the approved amount — and, for a payment, R21 (in
 * the investment plan) and R8.1 (in an approved annual plan). Returns why not, booking nothing.
 */
export async function bookLedgerEntry(
  m: EntityManager,
  projectId: number,
  kind: LedgerKind,
  input: { amount: Money; valueDate: string; note?: string | null },
  userId: number,
  now: Date,
): Promise<LedgerRefusal | null> {
  const project = await m.getRepository(ProjectEntity).findOneByOrFail({ id: projectId });
  const entries = await m.getRepository(LedgerEntryEntity).findBy({ projectId });
  const problem = checkLedgerEntry(ledgerBalance(project.approvedAmount, entries), kind, input.amount);
  if (problem) return { problem, rule: 'R19.2' };
  if (kind === 'payment') {
    const gate = investmentPreconditionProblem(await investmentFactsOf(m, projectId));
    if (gate) return { problem: gate, rule: gate.includes('R21') ? 'R21' : 'R8.1' };
  }
  await m.getRepository(LedgerEntryEntity).insert({
    projectId,
    kind,
    amount: input.amount,
    valueDate: input.valueDate,
    note: input.note ?? null,
    recordedBy: userId,
    recordedAt: now.toISOString(),
  });
  return null;
}

export class LedgerService {
  constructor(
    private readonly ds: DataSource,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async ledger(projectId: number) {
    const project = await this.ds.getRepository(ProjectEntity).findOneByOrFail({ id: projectId });
    const entries = await this.ds.getRepository(LedgerEntryEntity).find({ where: { projectId }, order: { id: 'ASC' } });
    const contracts = await this.ds.getRepository(ContractEntity).findBy({ projectId });
    const contracted = fromCents(contracts.reduce((s, c) => s + toCents(c.amount), 0n));
    return { ...ledgerBalance(project.approvedAmount, entries), contracted, entries };
  }

  /** Books a payment or a surplus return; serialised per project by a transaction + re-read. */
  async book(
    projectId: number,
    kind: LedgerKind,
    input: { amount: Money; valueDate: string; note?: string },
    userId: number,
  ) {
    await this.ds.transaction('SERIALIZABLE', async (m) => {
      const refused = await bookLedgerEntry(m, projectId, kind, input, userId, this.now());
      if (refused) throw new HttpError(422, refused.problem, { rule: refused.rule });
    });
    return this.ledger(projectId);
  }

  /** R19.1: the approved amount may not fall below what has already been paid and returned. */
  async setApproved(projectId: number, amount: Money) {
    await this.ds.transaction(async (m) => {
      const entries = await m.getRepository(LedgerEntryEntity).findBy({ projectId });
      const used = ledgerBalance('0', entries);
      if (toCents(amount) < toCents(used.paid) + toCents(used.returned)) {
        throw new HttpError(422, `批复金额不得低于已支付与已退回合计（R19.2）`);
      }
      await m
        .getRepository(ProjectEntity)
        .update({ id: projectId }, { approvedAmount: amount, updatedAt: this.now().toISOString() });
    });
    return this.ledger(projectId);
  }
}
