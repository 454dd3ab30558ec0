/**
 * The route-table types: every API endpoint is one `RouteDef` (method, path, who may call it,
 * which scope rule applies, its schemas and its handler). The router, the authorisation matrix
 * test and the OpenAPI document are all generated from the same table.
 */
import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Principal } from '../auth/auth-service';
import type { OrgType, Role } from '../domain/organisations';
import type { Visibility } from '../domain/project-service';
import type { ApiServices } from './services';

/**
 * - public: no login (login itself, the OpenAPI document)
 * - authenticated: any logged-in user, about themselves
 * - own-department: departments only their own (lead or participant) projects; bureaus all
 * - bureau-wide: bureau users with the listed roles, across all projects
 * - assigned-expert: experts, only review rounds assigned to them
 * - read-only-audit: audit material, read-only
 */
export const SCOPES = [
  'public',
  'authenticated',
  'own-department',
  'bureau-wide',
  'assigned-expert',
  'read-only-audit',
] as const;
export type Scope = (typeof SCOPES)[number];

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface Access {
  roles: readonly Role[] | 'any';
  /** restricts to these kinds of organisation */
  orgTypes?: readonly OrgType[];
  /** restricts to these organisations (bureau codes) */
  orgCodes?: readonly string[];
  /**
   * R28: the otherwise read-only audit role may call this write route — the tasklist's claim and
   * complete, which the TaskService limits to the audit group's own task (审计任务).
   */
  auditorTaskWork?: true;
  /**
   * R26 (R28): the audit bureau is one of the supervising bodies — its auditors may order
   * rectification (and review their own orders); read-only everywhere else.
   */
  auditorSupervision?: true;
}

/** Resources addressed by `:id`, loaded and scope-checked before the handler runs. */
export type ResourceKind = 'project' | 'attachment' | 'reviewRound' | 'rectification' | 'user' | 'catalogue';

export interface LoadedResource {
  kind: ResourceKind;
  id: number;
  /** the project the resource belongs to (absent for users and catalogue entries) */
  projectId?: number;
  /** the organisation that owns a resource not tied to a project (catalogue entries) */
  orgId?: number;
}

export interface Ctx<Q = unknown, B = unknown> {
  req: Request;
  res: Response;
  /** null only on public routes */
  principal: Principal;
  params: Record<string, string>;
  query: Q;
  body: B;
  resource: LoadedResource | null;
  visibility: Visibility;
  file?: Express.Multer.File;
  ip: string | null;
  services: ApiServices;
}

export interface RouteDef<Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  id: string;
  method: Method;
  /** Express path below /api, e.g. /projects/:id */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  scope: Scope;
  resource?: ResourceKind;
  query?: Q;
  body?: B;
  /** multipart/form-data with one file field `file`; `body` then describes the other fields */
  upload?: boolean;
  response?: z.ZodType;
  /** binary responses (xlsx, attachment content) */
  produces?: string;
  successStatus?: number;
  /**
   * Answers beyond the success status and the ones every route gets (400, 401/403, 404): status →
   * when it is given. 4xx/5xx are problem+json; a 2xx may name its body's schema. In the OpenAPI.
   */
  responses?: Record<number, string | { description: string; schema?: z.ZodType }>;
  /** auth routes audit themselves */
  audit?: boolean;
  handler: (ctx: Ctx<z.output<Q>, z.output<B>>) => Promise<unknown>;
}

export type AnyRoute = RouteDef<z.ZodType, z.ZodType>;

/** Keeps the handler's types tied to its schemas, then erases them for the table. */
export function route<Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType>(def: RouteDef<Q, B>): AnyRoute {
  return def as unknown as AnyRoute;
}
