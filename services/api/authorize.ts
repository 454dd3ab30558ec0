/**
 * The authorisation rules, pure: role/organisation check first (403), then the scope rule on the
 * addressed resource. Another department's single resource answers 404, not 403, so that a
 * department cannot probe which project ids exist (documented in docs/api.md).
 */
import type { Principal } from '../auth/auth-service';
import type { Visibility } from '../domain/project-service';
import type { Access, Method, Scope } from './types';

export type Decision = { allow: true } | { allow: false; status: 401 | 403 | 404; reason: string };

export function hasAccess(p: Principal, access: Access): boolean {
  const roleOk = access.roles === 'any' || access.roles.some((r) => p.roles.includes(r));
  const typeOk = !access.orgTypes || access.orgTypes.includes(p.orgType);
  const orgOk = !access.orgCodes || access.orgCodes.includes(p.orgCode);
  return roleOk && typeOk && orgOk;
}

/** Step 1: may this caller use this endpoint at all? */
export function authorizeRoute(p: Principal | null, route: { scope: Scope; access: Access; method: Method }): Decision {
  if (route.scope === 'public') return { allow: true };
  if (!p) return { allow: false, status: 401, reason: '请先登录' };
  // the audit bureau reads everything and changes nothing (R25, R28) — but does its own audit task
  if (
    route.method !== 'get' &&
    route.scope !== 'authenticated' &&
    p.roles.includes('auditor') &&
    !route.access.auditorTaskWork &&
    !(route.access.auditorSupervision && p.orgCode === 'audit')
  ) {
    return { allow: false, status: 403, reason: '审计角色为只读' };
  }
  if (!hasAccess(p, route.access)) return { allow: false, status: 403, reason: '当前角色或单位无权访问此功能' };
  return { allow: true };
}

/** Step 2: may this caller touch this particular resource? */
export function authorizeResource(
  p: Principal,
  scope: Scope,
  facts: { projectOrgIds?: readonly number[]; assignedExpertIds?: readonly number[] },
): Decision {
  if (scope === 'own-department' && p.orgType !== 'bureau') {
    if (!facts.projectOrgIds?.includes(p.orgId)) return { allow: false, status: 404, reason: '资源不存在' };
  }
  if (scope === 'assigned-expert' && !facts.assignedExpertIds?.includes(p.id)) {
    return { allow: false, status: 404, reason: '资源不存在' };
  }
  return { allow: true };
}

/** What a caller's lists contain: departments their own projects, bureaus all. */
export function visibilityOf(p: Principal | null): Visibility {
  if (p && p.orgType === 'bureau') return { all: true };
  return { all: false, orgId: p?.orgId ?? -1 };
}
