/**
 * egov.due-date — every statutory date of the models on the Chinese working-day calendar (R6, R7,
 * R8.2, R15, R19.3, R22.2, R23, R26, R29), as ISO 8601 date-times at +08:00 that timers
 * (`timeDate`) and task due dates read directly. The rule comes from the task header `rule` (or
 * the variable `dueDateRule`).
 */
import { z } from 'zod';
import { addDays, addMonths, parseIsoDate, type IsoDate } from '../services/calendar';
import type { WorkerDeps } from './deps';
import { complete, defineWorker } from './framework';
import { chinaDateTime, dateLike, todayIn } from './support';

export const DUE_DATE_RULES = [
  'R6.application-deadline',
  'R7.review-end',
  'R19.3.year-end-check',
  'R26.rectification',
  'R22.2.final-acceptance-application',
  'R23.self-evaluation',
  'R29.post-evaluation-start',
  'R15.next-quarter',
] as const;
export type DueDateRule = (typeof DUE_DATE_RULES)[number];

const quarterPattern = /^(\d{4})-?Q([1-4])$/;

export const dueDateInput = z.object({
  dueDateRule: z.enum(DUE_DATE_RULES).nullish(),
  anchorDate: dateLike.nullish(),
  planYear: z.number().int().min(2000).max(2100).nullish(),
  urgentAdHoc: z.boolean().nullish(),
  rectificationDays: z.number().int().min(1).max(365).nullish(),
  rectificationDeadline: dateLike.nullish(),
  lastReportedQuarter: z.string().regex(quarterPattern, 'quarter like 2026Q3').nullish(),
});
type DueDateInput = z.output<typeof dueDateInput>;

export const dueDateOutput = z.object({
  dueDate: z.string(),
  reviewWindowEnd: z.string().optional(),
  windowOpensAt: z.string().optional(),
  reminderAt: z.string().optional(),
  quarter: z.string().optional(),
});
type DueDateOutput = z.output<typeof dueDateOutput>;

/** A job whose variables do not allow the rule's computation: an incident, not a retry. */
export class DueDateInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DueDateInputError';
  }
}

function need<T>(value: T | null | undefined, rule: string, name: string): T {
  if (value === null || value === undefined) throw new DueDateInputError(`${rule} 需要变量 ${name}`);
  return value;
}

export const formatQuarter = (year: number, q: number) => `${year}Q${q}`;

export function parseQuarter(s: string): { year: number; q: number } {
  const m = quarterPattern.exec(s);
  if (!m) throw new DueDateInputError(`不是季度：${s}`);
  return { year: Number(m[1]), q: Number(m[2]) };
}

/** Pure: the dates of a rule, given today in China. */
export function computeDueDate(
  deps: Pick<WorkerDeps, 'calendar' | 'config'>,
  rule: DueDateRule,
  v: DueDateInput,
  today: IsoDate,
): DueDateOutput {
  const cal = deps.calendar;
  switch (rule) {
    case 'R6.application-deadline': {
      // "before October": the last day is 30 September (moved past a holiday, art. 203); the timer fires at the next midnight
      const year = need(v.planYear, rule, 'planYear') - 1;
      const last = cal.deadlineOn(`${year}-09-30`);
      return {
        dueDate: chinaDateTime(addDays(last, 1), '00:00:00'),
        reviewWindowEnd: chinaDateTime(`${year}-12-31`, '23:59:59'),
      };
    }
    case 'R7.review-end': {
      if (v.urgentAdHoc) {
        // R8.2: an urgent project is reviewed at once, within the configured working days
        return { dueDate: chinaDateTime(cal.addWorkingDays(today, deps.config.adHocReviewWorkingDays), '17:30:00') };
      }
      const year = need(v.planYear, rule, 'planYear') - 1;
      let d = `${year}-12-31`;
      while (!cal.isWorkingDay(d)) d = addDays(d, -1);
      return { dueDate: chinaDateTime(d, '17:30:00') };
    }
    case 'R19.3.year-end-check': {
      const year = need(v.planYear, rule, 'planYear');
      return { dueDate: chinaDateTime(cal.workingDayOnOrAfter(`${year}-12-01`), '09:00:00') };
    }
    case 'R26.rectification': {
      const day = v.rectificationDeadline
        ? cal.deadlineOn(v.rectificationDeadline)
        : cal.addWorkingDays(today, need(v.rectificationDays, rule, 'rectificationDays 或 rectificationDeadline'));
      return { dueDate: chinaDateTime(day, '23:59:59') };
    }
    case 'R22.2.final-acceptance-application':
      return {
        dueDate: chinaDateTime(cal.periodEnd(need(v.anchorDate, rule, 'anchorDate'), { months: 1 }), '23:59:59'),
      };
    case 'R23.self-evaluation':
      return {
        dueDate: chinaDateTime(cal.periodEnd(need(v.anchorDate, rule, 'anchorDate'), { months: 6 }), '23:59:59'),
      };
    case 'R29.post-evaluation-start': {
      const end = addMonths(need(v.anchorDate, rule, 'anchorDate'), deps.config.postEvaluationMonths);
      return { dueDate: chinaDateTime(cal.workingDayOnOrAfter(end), '09:00:00') };
    }
    case 'R15.next-quarter': {
      // the quarter reported on: the one after the last report, or (first time) the current one
      let { year, q } = v.lastReportedQuarter
        ? parseQuarter(v.lastReportedQuarter)
        : (() => {
            const t = parseIsoDate(today);
            return { year: t.year, q: Math.floor((t.month - 1) / 3) };
          })();
      q += 1;
      if (q === 5) {
        year += 1;
        q = 1;
      }
      // its report is due in the first 5 working days of the following quarter's first month
      const windowYear = q === 4 ? year + 1 : year;
      const windowMonth = q === 4 ? 1 : q * 3 + 1;
      const days = cal.firstWorkingDays(windowYear, windowMonth, 5);
      if (days.length < 5) throw new DueDateInputError(`${windowYear}-${windowMonth} 工作日不足 5 天`);
      return {
        quarter: formatQuarter(year, q),
        windowOpensAt: chinaDateTime(days[0]!, '00:00:00'),
        reminderAt: chinaDateTime(days[3]!, '09:00:00'),
        dueDate: chinaDateTime(days[4]!, '23:59:59'),
      };
    }
  }
}

export function createDueDateWorker(deps: WorkerDeps) {
  return defineWorker({
    type: 'egov.due-date',
    description:
      'Statutory dates on the working-day calendar (header `rule`): R6 application deadline, R7 review end (R8.2 ad hoc), R19.3 year-end check, R26 rectification, R22.2 one month, R23 six months, R29 post-evaluation start, R15 next quarterly report window',
    input: dueDateInput,
    output: dueDateOutput,
    async handle(ctx) {
      const header = ctx.job.customHeaders.rule;
      const rule = (typeof header === 'string' ? header : undefined) ?? ctx.variables.dueDateRule;
      if (!rule || !(DUE_DATE_RULES as readonly string[]).includes(rule))
        throw new DueDateInputError(`未知的期限规则：${String(rule)}`);
      return complete(computeDueDate(deps, rule as DueDateRule, ctx.variables, todayIn(deps.clock)));
    },
  });
}
