/**
 * A minimal hash router (vue-router is not installed): `#/path/:param?query`. Routes are matched
 * in order; each names the roles allowed to open it (empty = any signed-in user).
 */
import { computed, reactive, type Component } from 'vue';
import type { OrgType, Role } from './api';

export interface RouteDef {
  name: string;
  path: string;
  title: string;
  component: () => Promise<{ default: Component }>;
  roles: Role[];
  /** shown in the side menu */
  menu?: boolean;
  /** only users of these kinds of organisation (e.g. the bureau-wide lists); absent = any */
  orgTypes?: OrgType[];
  icon?: string;
}

export interface CurrentRoute {
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
}

function parseHash(hash: string): CurrentRoute {
  const raw = hash.replace(/^#/, '') || '/';
  const [pathPart, queryPart] = raw.split('?', 2) as [string, string | undefined];
  const query: Record<string, string> = {};
  new URLSearchParams(queryPart ?? '').forEach((v, k) => (query[k] = v));
  return { path: pathPart.startsWith('/') ? pathPart : `/${pathPart}`, params: {}, query };
}

export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    const seg = p[i]!;
    if (seg.startsWith(':')) params[seg.slice(1)] = decodeURIComponent(s[i]!);
    else if (seg !== s[i]) return null;
  }
  return params;
}

export const route = reactive<CurrentRoute>(parseHash(location.hash));

window.addEventListener('hashchange', () => Object.assign(route, parseHash(location.hash)));

export function navigate(path: string, query: Record<string, string | undefined> = {}): void {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') qs.set(k, v);
  const s = qs.toString();
  location.hash = s ? `${path}?${s}` : path;
}

export function useMatchedRoute(routes: RouteDef[]) {
  return computed(() => {
    for (const def of routes) {
      const params = matchPath(def.path, route.path);
      if (params) return { def, params };
    }
    return null;
  });
}

export function allowed(def: RouteDef, roles: readonly Role[], orgType?: OrgType): boolean {
  if (def.orgTypes && orgType && !def.orgTypes.includes(orgType)) return false;
  return def.roles.length === 0 || def.roles.some((r) => roles.includes(r));
}
