/**
 * FEEL values ⇄ plain JSON values, the way Zeebe reads variables into FEEL and writes results back
 * (cf. Zeebe's FeelToMessagePackTransformer): temporal values become ISO strings, functions and
 * ranges become null, non-finite numbers become null.
 */
import { FeelDate, FeelDateTime, FeelDuration, FeelTime } from 'feelin';
import { formatOffsetDateTime, zonedFromFeel } from './zoned';

/** Zeebe's result type names (io.camunda.zeebe.el.ResultType), used in its error messages. */
export type ZeebeResultType =
  | 'NULL'
  | 'BOOLEAN'
  | 'NUMBER'
  | 'STRING'
  | 'ARRAY'
  | 'OBJECT'
  | 'DURATION'
  | 'PERIOD'
  | 'DATE'
  | 'DATE_TIME'
  | 'UNKNOWN';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

export function resultTypeOf(value: unknown): ZeebeResultType {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (typeof value === 'number') return Number.isFinite(value) ? 'NUMBER' : 'NULL';
  if (typeof value === 'string') return 'STRING';
  if (Array.isArray(value)) return 'ARRAY';
  if (value instanceof FeelDuration) return value.yearsMonths ? 'PERIOD' : 'DURATION';
  if (value instanceof FeelDate) return 'DATE';
  if (value instanceof FeelDateTime) return 'DATE_TIME';
  if (isPlainObject(value)) return 'OBJECT';
  return 'UNKNOWN';
}

/** Java's LocalTime.toString() drops zero seconds (`10:00`); Zeebe writes local times that way. */
function formatLocalTime(iso: string): string {
  return iso.endsWith(':00') && iso.length === 8 ? iso.slice(0, 5) : iso;
}

/** Converts a FEEL result to the JSON value Zeebe would store as a variable. */
export function toJsonValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'boolean':
    case 'string':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return Number(value);
    case 'function':
      return null;
    default:
      break;
  }
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value instanceof FeelDate) return value.iso;
  if (value instanceof FeelDateTime) {
    // local date-times stay local (ISO_LOCAL_DATE_TIME), zoned ones get their offset
    return value.zone === null ? value.unwrap().toString() : formatOffsetDateTime(zonedFromFeel(value));
  }
  if (value instanceof FeelTime) return value.zone === null ? formatLocalTime(value.iso) : value.iso;
  if (value instanceof FeelDuration) return value.iso;
  if (isPlainObject(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) result[key] = toJsonValue(entry);
    return result;
  }
  // ranges, FEEL functions and anything foreign: Zeebe writes nil for values it cannot map
  return null;
}

/** Whether `value` holds something feelin would not read as a context or list (cheap scan). */
function needsNormalization(value: unknown): boolean {
  if (value === undefined || typeof value === 'bigint') return true;
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(needsNormalization);
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto === null) return true;
  if (proto !== Object.prototype) return false;
  for (const key in value) {
    if (needsNormalization((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

/**
 * Prepares variables for feelin: plain objects (including null-prototype ones, e.g. from
 * database drivers) become ordinary contexts, Dates stay Dates (feelin maps them to date-times).
 * Returns the input itself when nothing needs changing (the common case: parsed JSON).
 */
export function toFeelInput(value: unknown): unknown {
  if (!needsNormalization(value)) return value;
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(toFeelInput);
  if (isPlainObject(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, entry] of Object.entries(value)) result[key] = toFeelInput(entry);
    return result;
  }
  if (typeof value === 'bigint') return Number(value);
  return value;
}
