/**
 * BPMN timer definitions as Zeebe reads them (timeDate, timeDuration, timeCycle), each either a
 * static value or an `=expression`.
 *
 * Semantics follow Zeebe's Interval / RepeatingInterval / CronTimer: durations and cycles count
 * from `now`; years, months, weeks and days are calendar arithmetic on the wall clock (2026-01-31
 * + P1M = 2026-02-28), hours and smaller are exact; a cycle with a start in the past fires at
 * once; cron expressions repeat forever. Wall-clock arithmetic happens in UTC (Zeebe's broker
 * zone in containers) unless a start date-time carries its own zone or the caller passes one.
 */
import { FeelDateTime, FeelDuration } from 'feelin';
import { parseDateAndTime } from './builtins';
import { resultTypeOf } from './convert';
import { CronParseError, nextCronFire, parseCron } from './cron';
import { FeelError } from './errors';
import { evaluateRaw, formatWarnings, unexpectedTypeMessage, type FeelWarning } from './evaluate';
import { DEFAULT_ZONE, normalizeZone, zonedFromEpoch, zonedFromFeel, type ZonedDateTime } from './zoned';

export type TimerDefinition = { kind: 'date' | 'duration' | 'cycle'; value: string };

export interface TimerSchedule {
  /** epoch ms of the first (or only) due time */
  dueAt: number;
  repetitions: number | 'infinite';
  /**
   * For cycles: the due time after `previousDueAt` (null: never again). Counting repetitions is
   * the caller's job. Pass `now` to re-anchor an overdue occurrence onto now as Zeebe does after
   * missed cycles (otherwise a late timer would fire all missed cycles back to back).
   */
  next?: (previousDueAt: number, now?: number) => number | null;
}

export interface TimerOptions {
  /** zone for wall-clock arithmetic and zone-less date-times; default UTC */
  timeZone?: string;
}

/** An ISO 8601 duration split as Zeebe's Interval does: calendar part + exact part. */
interface Interval {
  sign: 1 | -1;
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
  milliseconds: number;
}

const DURATION_PATTERN =
  /^([+-])?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:[.,](\d{1,9}))?S)?)?$/i;

/** Parses `P1Y2M3DT4H5.5S`, `PT10S`, `P2W`, `-PT5M`; null when malformed. */
export function parseIsoDuration(text: string): Interval | null {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) return null;
  const [, sign, y, mo, w, d, h, mi, s, fraction] = match;
  const hasDate = [y, mo, w, d].some((part) => part !== undefined);
  const hasTime = [h, mi, s].some((part) => part !== undefined);
  if (!hasDate && !hasTime) return null; // "P", "PT"
  if (text.toUpperCase().includes('T') && !hasTime) return null; // "P1DT"
  return {
    sign: sign === '-' ? -1 : 1,
    years: Number(y ?? 0),
    months: Number(mo ?? 0),
    weeks: Number(w ?? 0),
    days: Number(d ?? 0),
    hours: Number(h ?? 0),
    minutes: Number(mi ?? 0),
    seconds: Number(s ?? 0),
    milliseconds: fraction === undefined ? 0 : Math.round(Number(`0.${fraction}`) * 1000),
  };
}

function addInterval(start: ZonedDateTime, interval: Interval): ZonedDateTime {
  const k = interval.sign;
  return start
    .add({ years: k * interval.years, months: k * interval.months, weeks: k * interval.weeks, days: k * interval.days })
    .add({
      hours: k * interval.hours,
      minutes: k * interval.minutes,
      seconds: k * interval.seconds,
      milliseconds: k * interval.milliseconds,
    });
}

/** ISO date-time with `Z`, offset, `[Zone]` or `@Zone`; without a zone it is read in `zone`. */
function parseDateTimeText(text: string, zone: string): ZonedDateTime | null {
  const value = parseDateAndTime(text.trim());
  if (!value) return null;
  try {
    return zonedFromFeel(value, zone);
  } catch {
    return null; // unknown zone id
  }
}

interface Resolved {
  /** the text or FEEL value to interpret */
  value: unknown;
  /** the expression as written (without '='), or the static text, for messages */
  expression: string;
  warnings: FeelWarning[];
}

function resolve(text: string, context: Record<string, unknown>, now: number, zone: string): Resolved {
  const trimmed = text.trim();
  if (!trimmed.startsWith('=')) return { value: trimmed, expression: trimmed, warnings: [] };
  const expression = trimmed.slice(1);
  const { value, warnings } = evaluateRaw(expression, context, { now: new Date(now), timeZone: zone });
  return { value, expression, warnings };
}

function invalid(message: string, resolved: Resolved): FeelError {
  return new FeelError(message + formatWarnings(resolved.warnings), resolved.expression);
}

function scheduleDate(resolved: Resolved, zone: string): TimerSchedule {
  const { value, expression, warnings } = resolved;
  let dueAt: number;
  if (value instanceof FeelDateTime) {
    dueAt = zonedFromFeel(value, zone).epochMilliseconds;
  } else if (typeof value === 'string') {
    const parsed = parseDateTimeText(value, zone);
    if (!parsed) throw invalid(`Invalid date-time format '${value}' for expression '${expression}'.`, resolved);
    dueAt = parsed.epochMilliseconds;
  } else {
    const message = unexpectedTypeMessage(expression, ['DATE_TIME', 'STRING'], resultTypeOf(value), warnings);
    throw new FeelError(message, expression);
  }
  return { dueAt, repetitions: 1 };
}

function scheduleDuration(resolved: Resolved, now: number, zone: string): TimerSchedule {
  const { value, expression, warnings } = resolved;
  let text: string;
  if (value instanceof FeelDuration) text = value.iso;
  else if (typeof value === 'string') text = value;
  else {
    const expected = ['DURATION', 'PERIOD', 'STRING'] as const;
    throw new FeelError(unexpectedTypeMessage(expression, expected, resultTypeOf(value), warnings), expression);
  }
  const interval = parseIsoDuration(text);
  if (!interval) throw invalid(`Invalid duration format '${text}' for expression '${expression}'.`, resolved);
  return { dueAt: addInterval(zonedFromEpoch(now, zone), interval).epochMilliseconds, repetitions: 1 };
}

/** `R5/PT10S`, `R/PT1H`, `R3/2026-01-01T08:00:00Z/P1D` (repetitions / [start /] interval). */
function scheduleRepeatingInterval(text: string, resolved: Resolved, now: number, zone: string): TimerSchedule {
  const fail = (reason: string) =>
    invalid(`Invalid time cycle format '${text}' for expression '${resolved.expression}': ${reason}.`, resolved);
  const parts = text.split('/');
  if (parts.length < 2 || parts.length > 3) throw fail('expected R[n]/[start/]duration');
  const [repeat, ...rest] = parts as [string, ...string[]];
  if (!/^R\d*$/.test(repeat)) throw fail(`cannot parse repetitions '${repeat}'`);
  const repetitions = repeat === 'R' ? 'infinite' : Number(repeat.slice(1));
  const interval = parseIsoDuration(rest[rest.length - 1] as string);
  if (!interval) throw fail(`cannot parse duration '${rest[rest.length - 1]}'`);
  if (interval.sign < 0) throw fail('the duration must not be negative');
  const addTo = (epochMs: number, at: string) => addInterval(zonedFromEpoch(epochMs, at), interval).epochMilliseconds;
  const reanchor = (natural: number, at: string, current?: number) =>
    current !== undefined && natural <= current ? addTo(current, at) : natural;

  if (rest.length === 2) {
    const start = parseDateTimeText(rest[0] as string, zone);
    if (!start) throw fail(`cannot parse start date-time '${rest[0]}'`);
    const startZone = start.timeZoneId;
    return {
      dueAt: Math.max(start.epochMilliseconds, now), // a start in the past fires at once
      repetitions,
      next: (previous, current) => reanchor(addTo(previous, startZone), startZone, current),
    };
  }
  return {
    dueAt: addTo(now, zone),
    repetitions,
    next: (previous, current) => reanchor(addTo(previous, zone), zone, current),
  };
}

function scheduleCycle(resolved: Resolved, now: number, zone: string): TimerSchedule {
  const { value, expression, warnings } = resolved;
  if (typeof value !== 'string') {
    throw new FeelError(unexpectedTypeMessage(expression, 'STRING', resultTypeOf(value), warnings), expression);
  }
  const text = value.trim();
  if (text.toUpperCase().startsWith('R')) return scheduleRepeatingInterval(text, resolved, now, zone);
  let cron;
  try {
    cron = parseCron(text);
  } catch (error) {
    const reason = error instanceof CronParseError ? error.message : String(error);
    throw invalid(`Invalid time cycle format '${text}' for expression '${expression}': ${reason}.`, resolved);
  }
  const dueAt = nextCronFire(cron, now, zone);
  if (dueAt === null) {
    throw invalid(`Invalid time cycle format '${text}' for expression '${expression}': it never fires.`, resolved);
  }
  return { dueAt, repetitions: 'infinite', next: (previous) => nextCronFire(cron, previous, zone) };
}

/**
 * Computes when a timer is due. `now` is the runtime's clock (epoch ms); expressions see it as
 * now(). Throws FeelError with Zeebe's wording for malformed values or wrongly typed results.
 */
export function scheduleTimer(
  def: TimerDefinition,
  context: Record<string, unknown>,
  now: number,
  opts?: TimerOptions,
): TimerSchedule {
  const zone = normalizeZone(opts?.timeZone ?? DEFAULT_ZONE);
  try {
    zonedFromEpoch(now, zone);
  } catch {
    throw new FeelError(`Unknown time zone '${zone}'`, def.value);
  }
  const resolved = resolve(def.value, context, now, zone);
  switch (def.kind) {
    case 'date':
      return scheduleDate(resolved, zone);
    case 'duration':
      return scheduleDuration(resolved, now, zone);
    case 'cycle':
      return scheduleCycle(resolved, now, zone);
    default:
      // kinds come from stored rows too, where the type system cannot vouch for them
      throw new FeelError(`Unknown timer kind '${String(def.kind)}'`, def.value);
  }
}
