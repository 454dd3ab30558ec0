/**
 * The Chinese working-day calendar: weekends and statutory holidays are rest days, except the
 * weekend days the State Council's yearly notice makes into working days (调休上班).
 *
 * Data: the `chinese-days` package (it transcribes each year's 国务院办公厅 notice), plus local
 * override files (`config/holidays/*.json`) for a year whose notice the package does not carry
 * yet — an override replaces the package's data for its year. A date in a year neither covers
 * is a `CalendarRangeError`, never a guess: weekday rules alone would silently miss 调休.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import packageData from 'chinese-days/dist/chinese-days.json';
import { addDays, addMonths, daysInMonth, isIsoDate, isWeekend, isoDate, parseIsoDate, type IsoDate } from './dates';

export class CalendarRangeError extends Error {
  constructor(
    readonly date: IsoDate,
    readonly coveredYears: readonly number[],
  ) {
    const span = coveredYears.length ? `${coveredYears[0]}–${coveredYears[coveredYears.length - 1]}` : '无';
    super(
      `工作日历不含 ${date.slice(0, 4)} 年（已覆盖：${span}）：请在 config/holidays/ 添加该年国务院办公厅节假日安排通知的覆盖文件`,
    );
    this.name = 'CalendarRangeError';
  }
}

export class HolidayOverrideError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`节假日覆盖文件无效 ${file}：${reason}`);
    this.name = 'HolidayOverrideError';
  }
}

const overrideSchema = z
  .object({
    year: z.number().int().min(2000).max(2100),
    holidays: z.array(z.string().refine(isIsoDate, 'YYYY-MM-DD')),
    workdays: z.array(z.string().refine(isIsoDate, 'YYYY-MM-DD')),
    source: z.string().min(4, 'source must name the State Council notice'),
  })
  .superRefine((o, ctx) => {
    for (const d of [...o.holidays, ...o.workdays]) {
      if (!d.startsWith(`${o.year}-`)) ctx.addIssue({ code: 'custom', message: `${d} is not in ${o.year}` });
    }
    for (const d of o.workdays) {
      // a make-up working day only makes sense on a weekend day
      if (!isWeekend(d)) ctx.addIssue({ code: 'custom', message: `workday ${d} is not a Saturday or Sunday` });
      if (o.holidays.includes(d)) ctx.addIssue({ code: 'custom', message: `${d} is both holiday and workday` });
    }
  });

export type HolidayOverride = z.output<typeof overrideSchema>;

/** Reads and validates override files: every `*.json` in a directory, plus one extra file. */
export function loadHolidayOverrides(opts: { dir?: string; file?: string }): HolidayOverride[] {
  const files: string[] = [];
  if (opts.dir && fs.existsSync(opts.dir)) {
    for (const name of fs.readdirSync(opts.dir).sort())
      if (name.endsWith('.json')) files.push(path.join(opts.dir, name));
  }
  if (opts.file) files.push(path.resolve(opts.file));
  return files.map((file) => {
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new HolidayOverrideError(file, err instanceof Error ? err.message : String(err));
    }
    const parsed = overrideSchema.safeParse(raw);
    if (!parsed.success) throw new HolidayOverrideError(file, parsed.error.issues.map((i) => i.message).join('; '));
    return parsed.data;
  });
}

interface YearData {
  holidays: Set<IsoDate>;
  workdays: Set<IsoDate>;
  source: string;
}

/** Date period per Civil Code art. 200–204. */
export type Period = { months: number } | { days: number };

export interface QuarterReportWindow {
  /** the quarter the window lies in, e.g. 2026-Q4 */
  quarter: string;
  /** the quarter reported on (the previous one), e.g. 2026-Q3 */
  reportsOn: string;
  /** the first 5 working days of the quarter's first month (R15) */
  days: IsoDate[];
  start: IsoDate;
  end: IsoDate;
}

export class WorkingDayCalendar {
  private readonly years = new Map<number, YearData>();

  constructor(overrides: readonly HolidayOverride[] = []) {
    const data = packageData as { holidays: Record<string, string>; workdays: Record<string, string> };
    for (const d of Object.keys(data.holidays)) this.year(Number(d.slice(0, 4)), 'chinese-days').holidays.add(d);
    for (const d of Object.keys(data.workdays)) this.year(Number(d.slice(0, 4)), 'chinese-days').workdays.add(d);
    this.applyOverrides(overrides);
  }

  /**
   * Adds (or replaces) years from override files while running — a State Council notice that is
   * transcribed after start-up takes effect without a restart. Returns the years that were not
   * covered before.
   */
  applyOverrides(overrides: readonly HolidayOverride[]): number[] {
    const added: number[] = [];
    for (const o of overrides) {
      if (!this.years.has(o.year)) added.push(o.year);
      this.years.set(o.year, { holidays: new Set(o.holidays), workdays: new Set(o.workdays), source: o.source });
    }
    return added.sort((a, b) => a - b);
  }

  private year(y: number, source: string): YearData {
    let data = this.years.get(y);
    if (!data) this.years.set(y, (data = { holidays: new Set(), workdays: new Set(), source }));
    return data;
  }

  /** Years with a holiday arrangement, ascending. */
  coveredYears(): number[] {
    return [...this.years.keys()].sort((a, b) => a - b);
  }

  /** Where each covered year's arrangement comes from (package or override notice). */
  sources(): Record<number, string> {
    return Object.fromEntries(this.coveredYears().map((y) => [y, this.years.get(y)!.source]));
  }

  private dataFor(date: IsoDate): YearData {
    const { year } = parseIsoDate(date);
    const data = this.years.get(year);
    if (!data) throw new CalendarRangeError(date, this.coveredYears());
    return data;
  }

  isWorkingDay(date: IsoDate): boolean {
    const data = this.dataFor(date);
    if (data.workdays.has(date)) return true;
    if (data.holidays.has(date)) return false;
    return !isWeekend(date);
  }

  /** The date itself when it is a working day, else the next working day. */
  workingDayOnOrAfter(date: IsoDate): IsoDate {
    let d = date;
    while (!this.isWorkingDay(d)) d = addDays(d, 1);
    return d;
  }

  /**
   * n working days after `date` (the date itself not counted); negative n counts backwards.
   * n = 0 returns the date unchanged.
   */
  addWorkingDays(date: IsoDate, n: number): IsoDate {
    if (!Number.isInteger(n)) throw new RangeError(`n must be an integer: ${n}`);
    const step = n < 0 ? -1 : 1;
    let d = date;
    for (let left = Math.abs(n); left > 0;) {
      d = addDays(d, step);
      if (this.isWorkingDay(d)) left--;
    }
    return d;
  }

  /** Working days strictly after `from` up to and including `to` (negative when `to` is earlier). */
  workingDaysBetween(from: IsoDate, to: IsoDate): number {
    if (to < from) return -this.workingDaysBetween(to, from);
    let count = 0;
    for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (this.isWorkingDay(d)) count++;
    return count;
  }

  /** The first n working days of a month, e.g. R15: the first 5 of a quarter's first month. */
  firstWorkingDays(year: number, month: number, n: number): IsoDate[] {
    const days: IsoDate[] = [];
    const last = daysInMonth(year, month);
    for (let day = 1; day <= last && days.length < n; day++) {
      const d = isoDate(year, month, day);
      if (this.isWorkingDay(d)) days.push(d);
    }
    return days;
  }

  /**
   * R15: projects lasting more than 6 months or spanning years report progress on the previous
   * quarter within the first 5 working days of each quarter's first month. Returns the window of
   * the quarter that contains `date`.
   */
  quarterReportWindow(date: IsoDate): QuarterReportWindow {
    const { year, month } = parseIsoDate(date);
    const q = Math.floor((month - 1) / 3) + 1;
    const days = this.firstWorkingDays(year, (q - 1) * 3 + 1, 5);
    const prev = q === 1 ? `${year - 1}-Q4` : `${year}-Q${q - 1}`;
    return { quarter: `${year}-Q${q}`, reportsOn: prev, days, start: days[0]!, end: days[days.length - 1]! };
  }

  /**
   * The last day of a period (Civil Code art. 200–204): the starting day is not counted (201);
   * a period in months ends on the corresponding day of the last month, or that month's last
   * day when it has none (202); when the last day is a statutory holiday or rest day, the period
   * ends on the first working day after it (203). Used for R22.2 (1 month), R23 (6 months), R26.
   */
  periodEnd(start: IsoDate, period: Period): IsoDate {
    return this.workingDayOnOrAfter(periodEndCalendar(start, period));
  }

  /**
   * A fixed last day set by a rule ("before October" = by 30 September, R6): art. 203 moves it
   * to the first working day after a holiday on which it falls.
   */
  deadlineOn(date: IsoDate): IsoDate {
    return this.workingDayOnOrAfter(date);
  }
}

/** The nominal last day of a period, before the holiday rule (art. 201, 202). */
export function periodEndCalendar(start: IsoDate, period: Period): IsoDate {
  if ('months' in period) {
    if (!Number.isInteger(period.months) || period.months < 1)
      throw new RangeError('months must be a positive integer');
    return addMonths(start, period.months);
  }
  if (!Number.isInteger(period.days) || period.days < 1) throw new RangeError('days must be a positive integer');
  return addDays(start, period.days);
}

/**
 * "超过 N 个月": strictly more than N months from `start` to `end` (Civil Code art. 1259:
 * 超过 excludes the number itself, 以上/以内 include it).
 */
export function lastsMoreThanMonths(start: IsoDate, end: IsoDate, months: number): boolean {
  return end > addMonths(start, months);
}

/** "以内 / 届满": a day on or before the last day is in time (art. 1259 includes the number). */
export function isWithin(date: IsoDate, lastDay: IsoDate): boolean {
  return date <= lastDay;
}

/** R15: more than 6 months (超过) or spanning a year boundary. */
export function requiresQuarterlyReports(start: IsoDate, end: IsoDate): boolean {
  return start.slice(0, 4) !== end.slice(0, 4) || lastsMoreThanMonths(start, end, 6);
}
