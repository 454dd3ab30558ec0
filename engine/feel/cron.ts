/**
 * Spring-style cron expressions, as Zeebe accepts them in timeCycle (Zeebe uses Spring's
 * CronExpression): six fields `second minute hour day-of-month month day-of-week`.
 *
 * No cron library is installed in this project, so this is a small parser of our own. Supported:
 * `*`, `?`, numbers, ranges `a-b`, lists `a,b`, steps `* /n`, `a/n`, `a-b/n`, month names JAN–DEC,
 * day names SUN–SAT (0 or 7 = Sunday), `L`, `L-n`, `nW`, `LW` in day-of-month, `nL` and `n#k` in
 * day-of-week, and the macros @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly.
 * As in Spring, a day must match BOTH day-of-month and day-of-week (`?` and `*` match any day).
 */
import { zonedFromEpoch, type ZonedDateTime } from './zoned';

const MACROS: Record<string, string> = {
  '@yearly': '0 0 0 1 1 *',
  '@annually': '0 0 0 1 1 *',
  '@monthly': '0 0 0 1 * *',
  '@weekly': '0 0 0 * * 0',
  '@daily': '0 0 0 * * *',
  '@midnight': '0 0 0 * * *',
  '@hourly': '0 0 * * * *',
};

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export class CronParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CronParseError';
  }
}

interface DayOfMonthSpec {
  any: boolean;
  days: Set<number>;
  /** `L` (0) or `L-n` (n): days before the last day of the month */
  lastOffsets: number[];
  /** `nW`: the weekday nearest to day n */
  nearestWeekdays: number[];
  /** `LW`: the last weekday of the month */
  lastWeekday: boolean;
}

interface DayOfWeekSpec {
  any: boolean;
  /** ISO numbering, 1 = Monday … 7 = Sunday (as Temporal's dayOfWeek) */
  days: Set<number>;
  /** `nL`: the last such weekday of the month */
  lastOf: number[];
  /** `n#k`: the k-th such weekday of the month */
  nth: Array<{ day: number; ordinal: number }>;
}

export interface CronExpression {
  readonly source: string;
  readonly seconds: ReadonlySet<number>;
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly dayOfMonth: Readonly<DayOfMonthSpec>;
  readonly dayOfWeek: Readonly<DayOfWeekSpec>;
}

function parseValue(text: string, field: string, names?: readonly string[], nameOffset = 0): number {
  const upper = text.toUpperCase();
  if (names) {
    const index = names.indexOf(upper);
    if (index >= 0) return index + nameOffset;
  }
  if (!/^\d+$/.test(text)) throw new CronParseError(`invalid value '${text}' in ${field} field`);
  return Number(text);
}

/** A numeric field: `*`, `?`, `a`, `a-b`, with optional `/step`, comma-separated. */
function parseField(
  text: string,
  field: string,
  min: number,
  max: number,
  names?: readonly string[],
  nameOffset = 0,
): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText, extra] = part.split('/');
    if (range === undefined || range === '' || extra !== undefined) {
      throw new CronParseError(`invalid ${field} field '${text}'`);
    }
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) {
        throw new CronParseError(`invalid step '${stepText}' in ${field} field`);
      }
      step = Number(stepText);
    }
    let start: number;
    let end: number;
    if (range === '*' || range === '?') {
      start = min;
      end = max;
    } else if (range.includes('-')) {
      const [from, to, more] = range.split('-');
      if (from === undefined || to === undefined || more !== undefined) {
        throw new CronParseError(`invalid range '${range}' in ${field} field`);
      }
      start = parseValue(from, field, names, nameOffset);
      end = parseValue(to, field, names, nameOffset);
    } else {
      start = parseValue(range, field, names, nameOffset);
      end = stepText === undefined ? start : max; // `a/n` runs from a to the field's end
    }
    if (start < min || end > max || start > end) {
      throw new CronParseError(`${field} field '${part}' is out of range ${min}-${max}`);
    }
    for (let value = start; value <= end; value += step) values.add(value);
  }
  return values;
}

function parseDayOfMonth(text: string): DayOfMonthSpec {
  const spec: DayOfMonthSpec = {
    any: false,
    days: new Set(),
    lastOffsets: [],
    nearestWeekdays: [],
    lastWeekday: false,
  };
  if (text === '*' || text === '?') return { ...spec, any: true };
  const plain: string[] = [];
  for (const part of text.toUpperCase().split(',')) {
    let match: RegExpExecArray | null;
    if (part === 'L') spec.lastOffsets.push(0);
    else if (part === 'LW') spec.lastWeekday = true;
    else if ((match = /^L-(\d+)$/.exec(part))) spec.lastOffsets.push(Number(match[1]));
    else if ((match = /^(\d+)W$/.exec(part))) {
      const day = Number(match[1]);
      if (day < 1 || day > 31) throw new CronParseError(`day-of-month '${part}' is out of range 1-31`);
      spec.nearestWeekdays.push(day);
    } else plain.push(part);
  }
  if (plain.length > 0) spec.days = parseField(plain.join(','), 'day-of-month', 1, 31);
  return spec;
}

/** Spring numbers days 0–7 with 0 and 7 for Sunday; we keep ISO 1–7 (Monday first). */
const toIsoDay = (day: number): number => (day === 0 ? 7 : day);

function parseDayOfWeek(text: string): DayOfWeekSpec {
  const spec: DayOfWeekSpec = { any: false, days: new Set(), lastOf: [], nth: [] };
  if (text === '*' || text === '?') return { ...spec, any: true };
  const plain: string[] = [];
  for (const part of text.toUpperCase().split(',')) {
    let match: RegExpExecArray | null;
    if ((match = /^(\w+)L$/.exec(part))) {
      spec.lastOf.push(toIsoDay(parseWeekday(match[1] as string)));
    } else if ((match = /^(\w+)#(\d)$/.exec(part))) {
      const ordinal = Number(match[2]);
      if (ordinal < 1 || ordinal > 5) throw new CronParseError(`invalid ordinal in day-of-week '${part}'`);
      spec.nth.push({ day: toIsoDay(parseWeekday(match[1] as string)), ordinal });
    } else plain.push(part);
  }
  if (plain.length > 0) {
    for (const day of parseField(plain.join(','), 'day-of-week', 0, 7, DAY_NAMES)) spec.days.add(toIsoDay(day));
  }
  return spec;
}

function parseWeekday(text: string): number {
  const day = parseValue(text, 'day-of-week', DAY_NAMES);
  if (day > 7) throw new CronParseError(`day-of-week '${text}' is out of range 0-7`);
  return day;
}

export function parseCron(text: string): CronExpression {
  const source = text.trim();
  const expanded = MACROS[source.toLowerCase()] ?? source;
  const fields = expanded.split(/\s+/);
  if (fields.length !== 6) {
    throw new CronParseError(`cron expression must consist of 6 fields (found ${fields.length} in "${source}")`);
  }
  const [second, minute, hour, dayOfMonth, month, dayOfWeek] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return {
    source,
    seconds: parseField(second, 'second', 0, 59),
    minutes: parseField(minute, 'minute', 0, 59),
    hours: parseField(hour, 'hour', 0, 23),
    dayOfMonth: parseDayOfMonth(dayOfMonth),
    months: parseField(month, 'month', 1, 12, MONTH_NAMES, 1),
    dayOfWeek: parseDayOfWeek(dayOfWeek),
  };
}

function nearestWeekday(day: number, date: ZonedDateTime): number {
  const target = Math.min(day, date.daysInMonth);
  const dayOfWeek = date.with({ day: target }).dayOfWeek;
  if (dayOfWeek === 6) return target > 1 ? target - 1 : target + 2; // Saturday → Friday (or Monday)
  if (dayOfWeek === 7) return target < date.daysInMonth ? target + 1 : target - 2; // Sunday → Monday (or Friday)
  return target;
}

function lastWeekday(date: ZonedDateTime): number {
  const last = date.daysInMonth;
  const dayOfWeek = date.with({ day: last }).dayOfWeek;
  return dayOfWeek === 6 ? last - 1 : dayOfWeek === 7 ? last - 2 : last;
}

function dayMatches(cron: CronExpression, date: ZonedDateTime): boolean {
  const { day, dayOfWeek, daysInMonth } = date;
  const dom = cron.dayOfMonth;
  const domMatches =
    dom.any ||
    dom.days.has(day) ||
    dom.lastOffsets.some((offset) => day === daysInMonth - offset) ||
    (dom.lastWeekday && day === lastWeekday(date)) ||
    dom.nearestWeekdays.some((n) => day === nearestWeekday(n, date));
  if (!domMatches) return false;
  const dow = cron.dayOfWeek;
  return (
    dow.any ||
    dow.days.has(dayOfWeek) ||
    dow.lastOf.some((d) => d === dayOfWeek && day + 7 > daysInMonth) ||
    dow.nth.some(({ day: d, ordinal }) => d === dayOfWeek && Math.ceil(day / 7) === ordinal)
  );
}

const nextIn = (values: ReadonlySet<number>, from: number): number | undefined =>
  [...values].filter((v) => v > from).sort((a, b) => a - b)[0];

/** A cron that never fires (e.g. `0 0 0 30 FEB *`) gives up after this many calendar years. */
const SEARCH_YEARS = 28;

/**
 * The first fire time strictly after `afterEpochMs`, evaluated on the wall clock of `zone`
 * (Zeebe: the broker's default zone, UTC in containers). Null if the expression never fires.
 */
export function nextCronFire(cron: CronExpression, afterEpochMs: number, zone?: string): number | null {
  let date = zonedFromEpoch(afterEpochMs, zone)
    .with({ millisecond: 0, microsecond: 0, nanosecond: 0 })
    .add({ seconds: 1 });
  const lastYear = date.year + SEARCH_YEARS;
  while (date.year <= lastYear) {
    if (!cron.months.has(date.month)) {
      date = date.with({ day: 1 }).startOfDay().add({ months: 1 });
      continue;
    }
    if (!dayMatches(cron, date)) {
      date = date.startOfDay().add({ days: 1 });
      continue;
    }
    if (!cron.hours.has(date.hour)) {
      const hour = nextIn(cron.hours, date.hour);
      date = hour === undefined ? date.startOfDay().add({ days: 1 }) : date.with({ hour, minute: 0, second: 0 });
      continue;
    }
    if (!cron.minutes.has(date.minute)) {
      const minute = nextIn(cron.minutes, date.minute);
      date =
        minute === undefined ? date.with({ minute: 0, second: 0 }).add({ hours: 1 }) : date.with({ minute, second: 0 });
      continue;
    }
    if (!cron.seconds.has(date.second)) {
      const second = nextIn(cron.seconds, date.second);
      date = second === undefined ? date.with({ second: 0 }).add({ minutes: 1 }) : date.with({ second });
      continue;
    }
    if (date.epochMilliseconds > afterEpochMs) return date.epochMilliseconds;
    date = date.add({ seconds: 1 }); // a repeated wall-clock hour (DST end) mapped to the past
  }
  return null;
}
