/**
 * Statutory deadlines of a project (services/domain/lifecycle.ts StatutoryStatus) in words:
 * R15 quarterly reports, R22.2 final acceptance, R23 self-evaluation, R26 rectification.
 */
import type { StatutoryStatus } from './api';

export function statusFlags(s: StatutoryStatus): string[] {
  const flags: string[] = [];
  if (s.missingProgressReports.length) flags.push(`缺报季度报告 ${s.missingProgressReports.join('、')}（R15）`);
  if (s.finalAcceptanceOverdue) flags.push(`竣工验收逾期（R22.2，应于 ${s.finalAcceptanceDue ?? '—'} 前）`);
  if (s.selfEvaluationOverdue) flags.push(`绩效自评逾期（R23，应于 ${s.selfEvaluationDue ?? '—'} 前）`);
  if (s.overdueRectifications > 0) flags.push(`整改逾期 ${s.overdueRectifications} 项（R26）`);
  return flags;
}

/** The earliest open deadline with its rule, or null when none runs. */
export function nextDeadline(s: StatutoryStatus | null | undefined): { text: string; overdue: boolean } | null {
  if (!s) return null;
  const candidates: { date: string; text: string; overdue: boolean }[] = [];
  if (s.finalAcceptanceDue)
    candidates.push({
      date: s.finalAcceptanceDue,
      text: `竣工验收 ${s.finalAcceptanceDue}（R22.2）`,
      overdue: s.finalAcceptanceOverdue,
    });
  if (s.selfEvaluationDue)
    candidates.push({
      date: s.selfEvaluationDue,
      text: `绩效自评 ${s.selfEvaluationDue}（R23）`,
      overdue: s.selfEvaluationOverdue,
    });
  candidates.sort((a, b) => a.date.localeCompare(b.date));
  const first = candidates[0];
  return first ? { text: first.text, overdue: first.overdue } : null;
}
