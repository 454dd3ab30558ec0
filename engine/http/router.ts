/**
 * A small path router for the fixed `/v2` route table: literal segments and `{key}` segments.
 * Distinguishes "no such resource" (404) from "resource exists, other method" (405), and rejects
 * keys that are not int64 decimal strings (400) before any handler runs.
 */
import { badRequest, methodNotAllowed, routeNotFound } from './problem';
import { KEY_PATTERN } from './schemas';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Route<H> {
  method: Method;
  path: string;
  handler: H;
}

interface CompiledRoute<H> extends Route<H> {
  segments: string[];
  /** literal segments count: the more literal route wins (jobs/activation over jobs/{key}) */
  literals: number;
}

export interface Match<H> {
  route: Route<H>;
  params: Record<string, string>;
}

export class Router<H> {
  private readonly bySize = new Map<number, CompiledRoute<H>[]>();

  constructor(routes: Route<H>[]) {
    for (const r of routes) {
      const segments = r.path.split('/').filter(Boolean);
      const compiled = { ...r, segments, literals: segments.filter((s) => !s.startsWith('{')).length };
      const list = this.bySize.get(segments.length) ?? [];
      list.push(compiled);
      list.sort((a, b) => b.literals - a.literals);
      this.bySize.set(segments.length, list);
    }
  }

  match(method: string, pathname: string): Match<H> {
    const parts = pathname.split('/').filter(Boolean);
    const candidates = (this.bySize.get(parts.length) ?? []).filter((r) =>
      r.segments.every((s, i) => s.startsWith('{') || s === parts[i]),
    );
    if (candidates.length === 0) throw routeNotFound(`No endpoint ${method} ${pathname}`);
    const route = candidates.find((r) => r.method === method);
    if (!route) throw methodNotAllowed(method, [...new Set(candidates.map((r) => r.method))]);
    const params: Record<string, string> = {};
    route.segments.forEach((s, i) => {
      if (!s.startsWith('{')) return;
      const name = s.slice(1, -1);
      let value: string;
      try {
        value = decodeURIComponent(parts[i] ?? '');
      } catch {
        throw badRequest(`The provided ${name} is not a valid key`);
      }
      if (!KEY_PATTERN.test(value)) {
        throw badRequest(`The provided ${name} '${value.slice(0, 40)}' is not a valid key: expected an int64 number`);
      }
      params[name] = value;
    });
    return { route, params };
  }
}
