/**
 * Camunda's FEEL built-ins that feelin lacks or implements differently (feel-scala as in Camunda
 * 8.8, https://docs.camunda.io/docs/components/modeler/feel/builtin-functions/).
 *
 * Extension point: feelin resolves a function name against the evaluation context before its own
 * built-ins, and invokes plain JS functions whose parameter names are given in `$args` (names
 * starting with `...` collect varargs). So we pass these functions in the context, under the
 * variables: a process variable with the same name (say `trim`) shadows the function, as it does
 * for feelin's own built-ins. Multi-word names (`get or else`) parse because feelin's parser
 * learns names from the context.
 *
 * Functions return null for arguments of the wrong type, as feel-scala does (it also reports a
 * warning; feelin's invocation failure type is not public, so we only return null).
 */
import { randomUUID } from 'node:crypto';
import { FeelDate, FeelDateTime, FeelDuration, FeelTime, dateAndTime, duration, parseDate, toFeel } from 'feelin';
import { FeelAssertionFailure } from './errors';
import { isPlainObject } from './convert';
import { feelFromZoned, normalizeZone, zonedFromEpoch, zonedFromFeel } from './zoned';

/** A JS function in the shape feelin invokes: parameter names in `$args`. */
export type FeelBuiltin = ((...args: unknown[]) => unknown) & { $args: string[] };

function builtin(parameterNames: string[], impl: (...args: unknown[]) => unknown): FeelBuiltin {
  return Object.assign((...args: unknown[]) => impl(...args), { $args: parameterNames });
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isList = (value: unknown): value is unknown[] => Array.isArray(value);
const isContext = (value: unknown): value is Record<string, unknown> => isPlainObject(value);
const isInteger = (value: unknown): value is number => isNumber(value) && Number.isInteger(value);

// ---------------------------------------------------------------------------------------------
// numbers: decimal rounding without binary floating point surprises (1.005 → 1.01 at scale 2)

export type RoundingMode = 'UP' | 'DOWN' | 'CEILING' | 'FLOOR' | 'HALF_UP' | 'HALF_DOWN' | 'HALF_EVEN';
const ROUNDING_MODES: ReadonlySet<string> = new Set([
  'UP',
  'DOWN',
  'CEILING',
  'FLOOR',
  'HALF_UP',
  'HALF_DOWN',
  'HALF_EVEN',
]);

/** n × 10^places, computed on the decimal representation so `1.005` shifts to exactly `100.5`. */
function shiftDecimal(n: number, places: number): number {
  const [mantissa, exponent] = n.toExponential().split('e') as [string, string];
  return Number(`${mantissa}e${Number(exponent) + places}`);
}

export function roundDecimal(n: number, scale: number, mode: RoundingMode): number {
  const shifted = shiftDecimal(n, scale);
  const sign = shifted < 0 ? -1 : 1;
  const magnitude = Math.abs(shifted);
  const floor = Math.floor(magnitude);
  const fraction = magnitude - floor;
  let rounded: number;
  switch (mode) {
    case 'UP':
      rounded = sign * (fraction > 0 ? floor + 1 : floor);
      break;
    case 'DOWN':
      rounded = sign * floor;
      break;
    case 'CEILING':
      rounded = Math.ceil(shifted);
      break;
    case 'FLOOR':
      rounded = Math.floor(shifted);
      break;
    case 'HALF_UP':
      rounded = sign * (fraction >= 0.5 ? floor + 1 : floor);
      break;
    case 'HALF_DOWN':
      rounded = sign * (fraction > 0.5 ? floor + 1 : floor);
      break;
    case 'HALF_EVEN':
      rounded = sign * (fraction > 0.5 || (fraction === 0.5 && floor % 2 === 1) ? floor + 1 : floor);
      break;
  }
  const result = shiftDecimal(rounded, -scale);
  return result === 0 ? 0 : result; // no -0 in variables
}

function rounding(mode: RoundingMode): FeelBuiltin {
  return builtin(['n', 'scale'], (n, scale) => {
    if (!isNumber(n)) return null;
    if (scale === undefined) return roundDecimal(n, 0, mode);
    return isInteger(scale) ? roundDecimal(n, scale, mode) : null;
  });
}

// ---------------------------------------------------------------------------------------------
// lists and contexts

/** A key under which FEEL-equal values collide (for distinct/duplicate detection). */
function equalityKey(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return `n:${value}`;
  if (typeof value === 'string') return `s:${value}`;
  if (typeof value === 'boolean') return `b:${value}`;
  if (value instanceof FeelDate) return `d:${value.iso}`;
  if (value instanceof FeelDateTime) return `dt:${value.iso}`;
  if (value instanceof FeelTime) return `t:${value.iso}`;
  if (value instanceof FeelDuration) return `p:${value.iso}`;
  if (isList(value)) return `l:[${value.map(equalityKey).join(',')}]`;
  if (isContext(value)) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}=${equalityKey(value[key])}`);
    return `c:{${entries.join(',')}}`;
  }
  return `o:${String(value)}`;
}

function getPath(context: Record<string, unknown>, keys: unknown[]): unknown {
  let current: unknown = context;
  for (const key of keys) {
    if (!isString(key) || !isContext(current) || !Object.hasOwn(current, key)) return null;
    current = current[key];
  }
  return current ?? null;
}

function putPath(context: Record<string, unknown>, keys: string[], value: unknown): Record<string, unknown> {
  const [key, ...rest] = keys as [string, ...string[]];
  if (rest.length === 0) return { ...context, [key]: value };
  const nested = context[key];
  return { ...context, [key]: putPath(isContext(nested) ? nested : {}, rest, value) };
}

function contextPut(context: unknown, keyOrKeys: unknown, value: unknown): unknown {
  if (!isContext(context)) return null;
  const keys = isString(keyOrKeys) ? [keyOrKeys] : keyOrKeys;
  if (!isList(keys) || keys.length === 0 || !keys.every(isString)) return null;
  return putPath(context, keys, value);
}

// ---------------------------------------------------------------------------------------------
// temporal

/** `2018-04-29T09:30:00+02:00[Europe/Berlin]` (Java's zoned form) → feelin's `@zone` form. */
export function parseDateAndTime(text: string): FeelDateTime | null {
  const bracketed = /^(.*T[^[]*?)(?:Z|[+-]\d{2}:?\d{2})?\[([^\]]+)\]$/.exec(text);
  const normalized = bracketed ? `${bracketed[1]}@${bracketed[2]}` : text;
  if (!normalized.includes('T')) return null;
  return dateAndTime(normalized);
}

function dateTimeAtZone(value: FeelDateTime, zone: string): FeelDateTime | null {
  try {
    return feelFromZoned(zonedFromFeel(value).withTimeZone(normalizeZone(zone)));
  } catch {
    return null; // unknown zone id
  }
}

function plainDateOf(value: unknown): ReturnType<FeelDate['unwrap']> | null {
  if (value instanceof FeelDate) return value.unwrap();
  if (value instanceof FeelDateTime) return value.unwrap().toPlainDate();
  return null;
}

/** `date and time()` with Camunda's overloads: (from), (date, time), (date, timezone). */
const dateAndTimeBuiltin = builtin(['date', 'time', 'from', 'timezone'], (date, time, from, timezone) => {
  if (isString(date) && time === undefined) return parseDateAndTime(date);
  if (isString(from)) return parseDateAndTime(from);
  if (date instanceof FeelDateTime && (isString(time) || isString(timezone))) {
    return dateTimeAtZone(date, (isString(time) ? time : timezone) as string);
  }
  const day = plainDateOf(date);
  if (day && time instanceof FeelTime) {
    return new FeelDateTime(day.toPlainDateTime(time.unwrap()), time.zone);
  }
  return null;
});

// ---------------------------------------------------------------------------------------------

const staticBuiltins: Record<string, FeelBuiltin> = {
  // boolean (Camunda extensions)
  'is defined': builtin(['value'], (value) => value !== null && value !== undefined),
  'get or else': builtin(['value', 'default'], (value, fallback) => value ?? fallback ?? null),
  assert: builtin(['value', 'condition', 'cause'], (value, condition, cause) => {
    if (condition === true) return value ?? null;
    throw new FeelAssertionFailure(isString(cause) ? cause : 'The condition is not fulfilled');
  }),

  // string
  trim: builtin(['string'], (s) => (isString(s) ? s.trim() : null)),
  'is blank': builtin(['string'], (s) => (isString(s) ? s.trim().length === 0 : null)),
  extract: builtin(['string', 'pattern'], (s, pattern) => {
    if (!isString(s) || !isString(pattern)) return null;
    try {
      return Array.from(s.matchAll(new RegExp(pattern, 'g')), (match) => match[0]);
    } catch {
      return null; // not a valid regular expression
    }
  }),
  uuid: builtin([], () => randomUUID()),
  'to base64': builtin(['value'], (s) => (isString(s) ? Buffer.from(s, 'utf8').toString('base64') : null)),
  'string join': builtin(['list', 'delimiter', 'prefix', 'suffix'], (list, delimiter, prefix, suffix) => {
    if (!isList(list)) return null;
    const parts = list.filter((item) => item !== null && item !== undefined);
    if (!parts.every(isString)) return null;
    for (const extra of [delimiter, prefix, suffix]) {
      if (extra !== undefined && extra !== null && !isString(extra)) return null;
    }
    return `${prefix ?? ''}${parts.join((delimiter as string | null | undefined) ?? '')}${suffix ?? ''}`;
  }),

  // list
  'is empty': builtin(['list'], (list) => (isList(list) ? list.length === 0 : null)),
  'duplicate values': builtin(['list'], (list) => {
    if (!isList(list)) return null;
    const seen = new Map<string, number>();
    const duplicates: unknown[] = [];
    for (const item of list) {
      const key = equalityKey(item);
      const count = (seen.get(key) ?? 0) + 1;
      seen.set(key, count);
      if (count === 2) duplicates.push(item);
    }
    return duplicates;
  }),
  partition: builtin(['list', 'size'], (list, size) => {
    if (!isList(list) || !isInteger(size) || size <= 0) return null;
    const parts: unknown[][] = [];
    for (let i = 0; i < list.length; i += size) parts.push(list.slice(i, i + size));
    return parts;
  }),

  // context: Camunda's overloads with a key path, and the deprecated put()/put all()
  'get value': builtin(['context', 'key', 'keys'], (context, key, keys) => {
    if (!isContext(context)) return null;
    const path = isString(key) ? [key] : isList(key) ? key : keys;
    if (!isList(path) || path.length === 0) return null;
    return getPath(context, path);
  }),
  'context put': builtin(['context', 'key', 'value', 'keys'], (context, key, value, keys) =>
    contextPut(context, key ?? keys, value),
  ),
  put: builtin(['context', 'key', 'value'], (context, key, value) => contextPut(context, key, value)),
  'put all': builtin(['...contexts'], (...contexts) => {
    const all = contexts.length === 1 && isList(contexts[0]) ? contexts[0] : contexts;
    return all.every(isContext) ? Object.assign({}, ...all) : null;
  }),

  // numeric
  decimal: builtin(['n', 'scale', 'mode'], (n, scale, mode) => {
    if (!isNumber(n) || !isInteger(scale)) return null;
    const roundingMode = mode === undefined || mode === null ? 'HALF_EVEN' : String(mode).toUpperCase();
    return ROUNDING_MODES.has(roundingMode) ? roundDecimal(n, scale, roundingMode as RoundingMode) : null;
  }),
  floor: rounding('FLOOR'),
  ceiling: rounding('CEILING'),
  'round up': rounding('UP'),
  'round down': rounding('DOWN'),
  'round half up': rounding('HALF_UP'),
  'round half down': rounding('HALF_DOWN'),
  'random number': builtin([], () => Math.random()),

  // temporal
  'date and time': dateAndTimeBuiltin,
  // feelin 8.2 keeps leftover days (P1Y8M2D); feel-scala returns whole months (Java Period.between)
  'years and months duration': builtin(['from', 'to'], (from, to) => {
    const start = plainDateOf(from);
    const end = plainDateOf(to);
    if (!start || !end) return null;
    const months = start.until(end, { largestUnit: 'months' }).months;
    const magnitude = Math.abs(months);
    return duration(`${months < 0 ? '-' : ''}P${Math.trunc(magnitude / 12)}Y${magnitude % 12}M`);
  }),
  'last day of month': builtin(['date'], (date) => {
    const day = plainDateOf(date);
    return day ? new FeelDate(day.with({ day: day.daysInMonth })) : null;
  }),

  // AI agent tool parameters: the engine returns the value, connectors read the definition
  fromAi: builtin(['value', 'description', 'type', 'schema', 'options'], (value) => value ?? null),
};

/** Names of all functions we add or replace; the parser needs them to read multi-word names. */
export const camundaBuiltinNames: readonly string[] = [...Object.keys(staticBuiltins), 'now', 'today'];

/**
 * The Camunda built-ins an expression mentions, for one evaluation. Only mentioned names go into
 * the context: feelin's parser scans every context name for multi-word names, and a full set
 * would triple the cost of a simple condition. `now()` and `today()` read the runtime's clock
 * (pinnable in tests) and are seen in `zone` (default UTC, like a Zeebe broker in a container).
 */
export function camundaBuiltins(expression: string, now: Date, zone?: string): Record<string, FeelBuiltin> {
  const text = expression.replace(/\s+/g, ' ');
  const clock = (): FeelDateTime =>
    zone ? feelFromZoned(zonedFromEpoch(now.getTime(), zone)) : (toFeel(new Date(now.getTime())) as FeelDateTime);
  const result: Record<string, FeelBuiltin> = {};
  for (const name of camundaBuiltinNames) {
    if (!text.includes(name)) continue;
    if (name === 'now') result.now = builtin([], clock);
    else if (name === 'today') result.today = builtin([], () => parseDate(clock().unwrap().toPlainDate().toString()));
    else result[name] = staticBuiltins[name] as FeelBuiltin;
  }
  return result;
}
