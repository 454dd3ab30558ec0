/**
 * The v2 search contract over SQL: `filter` (plain values or { $eq, $neq, $exists, $in, $notIn,
 * $like, $gt, $gte, $lt, $lte }), `sort: [{ field, order }]`, `page: { from | after | before, limit }`
 * → `{ items, page: { totalItems, startCursor, endCursor, hasMoreTotalItems } }`.
 */
import { invalidArgument } from '../errors';
import type { Row, Sql } from '../store';
import { placeholders } from './rows';

export type FieldKind = 'key' | 'string' | 'int' | 'date' | 'bool';
export interface FieldSpec {
  col: string;
  kind: FieldKind;
}
export type Specs = Record<string, FieldSpec | ((value: unknown, where: string[], params: unknown[]) => void)>;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function normalize(kind: FieldKind, v: unknown, field: string): unknown {
  switch (kind) {
    case 'bool':
      if (typeof v !== 'boolean') throw invalidArgument(`filter '${field}' expects a boolean`);
      return v ? 1 : 0;
    case 'int':
      if (typeof v !== 'number' || !Number.isFinite(v)) throw invalidArgument(`filter '${field}' expects a number`);
      return v;
    case 'date': {
      const ms = typeof v === 'string' ? Date.parse(v) : NaN;
      if (Number.isNaN(ms)) throw invalidArgument(`filter '${field}' expects an ISO 8601 date-time`);
      return new Date(ms).toISOString();
    }
    case 'key':
      if (typeof v !== 'string' && typeof v !== 'number') throw invalidArgument(`filter '${field}' expects a key`);
      if (!/^-?\d+$/.test(String(v)))
        throw invalidArgument(`filter '${field}' expects a numeric key, got '${String(v)}'`);
      return String(v);
    default:
      if (typeof v !== 'string' && typeof v !== 'number') throw invalidArgument(`filter '${field}' expects a string`);
      return String(v);
  }
}

/** Camunda's like: `*` any characters, `?` one character; '!' escapes (a backslash literal differs between SQLite and MySQL) */
export const escapeLike = (v: string) => v.replace(/[!%_]/g, (c) => `!${c}`);
export const LIKE = "LIKE ? ESCAPE '!'";
export function likePattern(v: string): string {
  return escapeLike(v).replace(/\*/g, '%').replace(/\?/g, '_');
}

export function condition(
  col: string,
  kind: FieldKind,
  value: unknown,
  field: string,
  where: string[],
  params: unknown[],
) {
  if (!isObj(value)) {
    where.push(`${col} = ?`);
    params.push(normalize(kind, value, field));
    return;
  }
  for (const [op, v] of Object.entries(value)) {
    switch (op) {
      case '$eq':
        where.push(`${col} = ?`);
        params.push(normalize(kind, v, field));
        break;
      case '$neq':
        where.push(`(${col} IS NULL OR ${col} <> ?)`);
        params.push(normalize(kind, v, field));
        break;
      case '$exists':
        where.push(v === true ? `${col} IS NOT NULL` : `${col} IS NULL`);
        break;
      case '$in':
      case '$notIn': {
        if (!Array.isArray(v)) throw invalidArgument(`filter '${field}.${op}' expects an array`);
        if (v.length === 0) {
          where.push(op === '$in' ? '1 = 0' : '1 = 1');
          break;
        }
        where.push(`${col} ${op === '$in' ? 'IN' : 'NOT IN'} (${placeholders(v.length)})`);
        params.push(...v.map((x) => normalize(kind, x, field)));
        break;
      }
      case '$like':
        if (typeof v !== 'string') throw invalidArgument(`filter '${field}.$like' expects a string`);
        where.push(`${col} ${LIKE}`);
        params.push(likePattern(v));
        break;
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte': {
        const sym = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' }[op];
        where.push(`${col} ${sym} ?`);
        params.push(normalize(kind, v, field));
        break;
      }
      default:
        throw invalidArgument(`unsupported filter operator '${op}' on '${field}'`);
    }
  }
}

export function buildWhere(filter: unknown, specs: Specs, where: string[], params: unknown[]) {
  if (filter === undefined || filter === null) return;
  if (!isObj(filter)) throw invalidArgument('filter must be an object');
  for (const [field, value] of Object.entries(filter)) {
    if (value === undefined || value === null) continue;
    if (field === '$or') {
      if (!Array.isArray(value)) throw invalidArgument("filter '$or' expects an array");
      const parts: string[] = [];
      for (const sub of value) {
        const w: string[] = [];
        buildWhere(sub, specs, w, params);
        parts.push(w.length ? `(${w.join(' AND ')})` : '1 = 1');
      }
      if (parts.length) where.push(`(${parts.join(' OR ')})`);
      continue;
    }
    const spec = specs[field];
    if (!spec) throw invalidArgument(`unsupported filter field '${field}'`);
    if (typeof spec === 'function') spec(value, where, params);
    else condition(spec.col, spec.kind, value, field, where, params);
  }
}

const cursor = (offset: number) => Buffer.from(JSON.stringify({ o: offset })).toString('base64');
function decodeCursor(c: unknown): number {
  if (typeof c !== 'string') throw invalidArgument('cursor must be a string');
  try {
    const v = JSON.parse(Buffer.from(c, 'base64').toString('utf8')) as { o?: unknown };
    if (typeof v.o === 'number' && v.o >= 0) return v.o;
  } catch {
    // fall through
  }
  throw invalidArgument(`invalid cursor '${c}'`);
}

export interface SearchSpec {
  /** FROM clause incl. alias, e.g. 'zb_job j' */
  from: string;
  columns: string;
  specs: Specs;
  sorts: Record<string, string>;
  /** tie-breaker and default order */
  keyCol: string;
  baseWhere?: string[];
  baseParams?: unknown[];
}

/** the SDK brands keys and ids as nominal strings; our rows hold exactly those values */
export function wire<R>(v: unknown): R {
  return v as R;
}

export async function search<R>(sql: Sql, spec: SearchSpec, query: unknown, map: (r: Row) => unknown): Promise<R> {
  const q = isObj(query) ? query : {};
  const where = [...(spec.baseWhere ?? [])];
  const params = [...(spec.baseParams ?? [])];
  buildWhere(q.filter, spec.specs, where, params);
  const order: string[] = [];
  if (q.sort !== undefined) {
    if (!Array.isArray(q.sort)) throw invalidArgument('sort must be an array');
    for (const s of q.sort as unknown[]) {
      if (!isObj(s) || typeof s.field !== 'string') throw invalidArgument('sort entries need a field');
      const col = spec.sorts[s.field];
      if (!col) throw invalidArgument(`unsupported sort field '${s.field}'`);
      const dir = typeof s.order === 'string' && s.order.toUpperCase() === 'DESC' ? 'DESC' : 'ASC';
      order.push(`${col} ${dir}`);
    }
  }
  order.push(`${spec.keyCol} ASC`);
  const page = isObj(q.page) ? q.page : {};
  const limitRaw = page.limit ?? 100;
  if (typeof limitRaw !== 'number' || !Number.isInteger(limitRaw) || limitRaw < 0 || limitRaw > 10000)
    throw invalidArgument('page.limit must be an integer between 0 and 10000');
  const limit = limitRaw;
  let from = 0;
  if (page.after !== undefined) from = decodeCursor(page.after) + 1;
  else if (page.before !== undefined) from = Math.max(0, decodeCursor(page.before) - limit);
  else if (page.from !== undefined) {
    if (typeof page.from !== 'number' || !Number.isInteger(page.from) || page.from < 0)
      throw invalidArgument('page.from must be a non-negative integer');
    from = page.from;
  }
  const w = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  const total = await sql.all(`SELECT COUNT(*) AS n FROM ${spec.from}${w}`, params);
  const rows =
    limit === 0
      ? []
      : await sql.all(
          `SELECT ${spec.columns} FROM ${spec.from}${w} ORDER BY ${order.join(', ')} LIMIT ${limit} OFFSET ${from}`,
          params,
        );
  const items = rows.map(map);
  const pageOut: { totalItems: number; hasMoreTotalItems: boolean; startCursor?: string; endCursor?: string } = {
    totalItems: Number(total[0]?.n ?? 0),
    hasMoreTotalItems: false,
  };
  if (items.length) {
    pageOut.startCursor = cursor(from);
    pageOut.endCursor = cursor(from + items.length - 1);
  }
  return wire<R>({ items, page: pageOut });
}

/** drops null/undefined so optional response fields are absent rather than null */
export function compact<R>(o: Record<string, unknown>): R {
  for (const key of Object.keys(o)) if (o[key] === null || o[key] === undefined) delete o[key];
  return wire<R>(o);
}
