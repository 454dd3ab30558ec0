/**
 * Builds the /api Express router from the route table. For every request, in this order:
 * CSRF header → body size → session → role/organisation (403) → resource scope (404) →
 * multipart → strict validation of query and body (400) → handler → audit of every write.
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import cookieParser from 'cookie-parser';
import multer from 'multer';
import swaggerUi from 'swagger-ui-express';
import type { DataSource } from 'typeorm';
import type { Config } from '../../config';
import type { Principal } from '../auth/auth-service';
import { HttpError } from '../http/problem';
import type { Logger } from '../logger';
import { authorizeResource, authorizeRoute, visibilityOf, type Decision } from './authorize';
import { routes as defaultRoutes } from './routes';
import { emptyQuery } from './schemas';
import { createDomainServices, type ApiServices, type ServiceOptions } from './services';
import { SESSION_COOKIE } from './session-cookie';
import type { AnyRoute, Ctx, LoadedResource, ResourceKind } from './types';

export interface ApiRouterDeps {
  config: Config;
  dataSource: DataSource;
  logger?: Logger;
  /** pre-built services (bootstrap shares them with the seed); built from the DataSource otherwise */
  services?: ApiServices;
  serviceOptions?: ServiceOptions;
  routes?: readonly AnyRoute[];
}

export const JSON_BODY_LIMIT = '256kb';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** CSRF: browsers cannot add this header cross-site without CORS, which we never enable. */
function csrfGuard(req: Request, _res: Response, next: NextFunction) {
  if (SAFE_METHODS.has(req.method) || req.get('X-Requested-With') === 'XMLHttpRequest') return next();
  next(new HttpError(403, '缺少请求头 X-Requested-With: XMLHttpRequest（CSRF 防护）'));
}

function parseId(raw: string | undefined): number {
  if (!raw || !/^[1-9]\d{0,9}$/.test(raw)) throw new HttpError(400, `无效的标识：${String(raw).slice(0, 20)}`);
  return Number(raw);
}

function deny(d: Exclude<Decision, { allow: true }>): HttpError {
  return new HttpError(d.status, d.reason);
}

export function createApiRouter(deps: ApiRouterDeps): Router {
  const services = deps.services ?? createDomainServices(deps.dataSource, deps.config, deps.serviceOptions);
  const table = deps.routes ?? defaultRoutes;
  const upload = multer({
    storage: multer.memoryStorage(),
    // browsers send UTF-8 file names; busboy's default would read them as latin1
    defParamCharset: 'utf8',
    limits: {
      fileSize: deps.config.UPLOAD_MAX_BYTES,
      files: 1,
      fields: 5,
      fieldSize: 1024,
      parts: 6,
      fieldNameSize: 50,
    },
  }).single('file');

  async function loadResource(kind: ResourceKind, id: number): Promise<LoadedResource> {
    switch (kind) {
      case 'project':
        return { kind, id, projectId: (await services.projects.get(id)).id };
      case 'attachment':
        return { kind, id, projectId: (await services.attachments.get(id)).projectId };
      case 'reviewRound':
        return { kind, id, projectId: (await services.reviews.getRound(id)).projectId };
      case 'rectification':
        return { kind, id, projectId: (await services.rectifications.get(id)).projectId };
      case 'catalogue':
        return { kind, id, orgId: (await services.catalogue.get(id)).orgId };
      case 'user':
        await services.identity.userView(id).catch(() => {
          throw new HttpError(404, '用户不存在');
        });
        return { kind, id };
    }
  }

  function runUpload(req: Request, res: Response): Promise<void> {
    return new Promise((resolve, reject) =>
      upload(req, res, (err: unknown) => {
        if (!err) return resolve();
        if (err instanceof multer.MulterError) {
          return reject(
            err.code === 'LIMIT_FILE_SIZE'
              ? new HttpError(413, `文件超过大小上限 ${deps.config.UPLOAD_MAX_BYTES} 字节`)
              : new HttpError(400, `上传格式不正确：${err.code}${err.field ? ` (${err.field})` : ''}`),
          );
        }
        reject(err);
      }),
    );
  }

  function hasBody(req: Request): boolean {
    return Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
  }

  function handle(r: AnyRoute) {
    return async (req: Request, res: Response, next: NextFunction) => {
      let principal: Principal | null = null;
      let resource: LoadedResource | null = null;
      try {
        principal = r.scope === 'public' ? null : await services.auth.authenticate(req.cookies?.[SESSION_COOKIE]);
        const routeDecision = authorizeRoute(principal, r);
        if (!routeDecision.allow) throw deny(routeDecision);

        if (r.resource) {
          resource = await loadResource(r.resource, parseId(String(req.params.id ?? '')));
          const facts = {
            projectOrgIds: resource.projectId
              ? await services.projects.memberOrgIds(resource.projectId)
              : resource.orgId !== undefined
                ? [resource.orgId]
                : undefined,
            assignedExpertIds: r.resource === 'reviewRound' ? await services.reviews.expertIds(resource.id) : undefined,
          };
          const decision = authorizeResource(principal!, r.scope, facts);
          if (!decision.allow) throw deny(decision);
        }

        if (r.upload) {
          if (!req.is('multipart/form-data'))
            throw new HttpError(415, '请以 multipart/form-data 上传，文件字段名为 file');
          await runUpload(req, res);
        } else if (r.method !== 'get' && hasBody(req) && !req.is('application/json')) {
          throw new HttpError(415, '请求体须为 application/json');
        }

        const query = (r.query ?? emptyQuery).parse(req.query);
        const body = r.body ? r.body.parse(req.body ?? {}) : undefined;
        const ctx: Ctx = {
          req,
          res,
          principal: principal as Principal,
          params: req.params as Record<string, string>,
          query,
          body,
          resource,
          visibility: visibilityOf(principal),
          file: req.file,
          ip: req.ip ?? null,
          services,
        };
        const result = await r.handler(ctx);
        if (r.method !== 'get' && r.audit !== false && principal) {
          await services.audit.record({
            actor: principal.username,
            action: r.id,
            target: resource ? `${resource.kind}:${resource.id}` : null,
            ip: ctx.ip,
          });
        }
        if (res.headersSent) return;
        const status = r.successStatus ?? 200;
        if (status === 204) res.status(204).end();
        else res.status(status).json(result);
      } catch (err) {
        if (err instanceof HttpError && (err.status === 403 || (err.status === 404 && resource)) && principal) {
          await services.audit
            .record({
              actor: principal.username,
              action: r.id,
              target: resource ? `${resource.kind}:${resource.id}` : req.originalUrl.slice(0, 200),
              outcome: 'denied',
              ip: req.ip ?? null,
            })
            .catch((e: unknown) => deps.logger?.error({ err: e }, 'audit failed'));
        }
        next(err);
      }
    };
  }

  const router = express.Router();
  router.use(cookieParser());
  router.use(csrfGuard);
  router.use(express.json({ limit: JSON_BODY_LIMIT }));
  // interactive viewer of the generated document (static assets, public like the document itself)
  router.use(
    '/docs',
    swaggerUi.serveFiles(undefined, { swaggerUrl: '/api/openapi.json' }),
    swaggerUi.setup(undefined, { swaggerUrl: '/api/openapi.json', customSiteTitle: '叶集区政务信息化项目管理 API' }),
  );
  for (const r of table) router[r.method](r.path, handle(r));
  return router;
}

/** The paths the router actually serves (for the test that the table is complete). */
export function servedRoutes(router: Router): { method: string; path: string }[] {
  const out: { method: string; path: string }[] = [];
  for (const layer of router.stack as unknown as { route?: { path: string; methods: Record<string, boolean> } }[]) {
    if (!layer.route) continue;
    for (const m of Object.keys(layer.route.methods)) out.push({ method: m, path: layer.route.path });
  }
  return out;
}
