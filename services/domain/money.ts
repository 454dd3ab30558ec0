/**
 * Money in 万元 with two decimals, DECIMAL(14,2) in the database and a decimal string in the API
 * ("123.45"). Arithmetic happens on integer hundredths (BigInt), never on floats.
 */
import type { ValueTransformer } from 'typeorm';
import { z } from 'zod';

const MONEY_PATTERN = /^(0|[1-9]\d{0,11})(\.\d{1,2})?$/;

/** A non-negative amount in 万元, at most 12 integer digits and 2 decimals. */
export const moneySchema = z
  .string()
  .regex(MONEY_PATTERN, '金额须为非负数，最多两位小数（单位：万元）')
  .describe('amount in 万元, decimal string with at most two decimals');

export type Money = string;

/** "12.3" → 1230n */
export function toCents(amount: Money): bigint {
  if (!MONEY_PATTERN.test(amount)) throw new Error(`not a money amount: ${amount}`);
  const [int, frac = ''] = amount.split('.');
  return BigInt(int!) * 100n + BigInt((frac + '00').slice(0, 2));
}

/** 1230n → "12.30" */
export function fromCents(cents: bigint): Money {
  const neg = cents < 0n;
  const abs = neg ? -cents : cents;
  const s = `${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
  return neg ? `-${s}` : s;
}

export function addMoney(...amounts: Money[]): Money {
  return fromCents(amounts.reduce((sum, a) => sum + toCents(a), 0n));
}

export function compareMoney(a: Money, b: Money): -1 | 0 | 1 {
  const d = toCents(a) - toCents(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** Normalises what a driver returns: MySQL gives "12.30", SQLite a number (exact to 14 digits). */
export function normaliseMoney(value: unknown): Money | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return value.toFixed(2);
  const s = String(value);
  return fromCents(toCents(s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') || '0' : s));
}

export const moneyTransformer: ValueTransformer = {
  to: (v: Money | null | undefined) => (v === undefined ? undefined : v === null ? null : fromCents(toCents(v))),
  from: (v: unknown) => normaliseMoney(v),
};
