/**
 * One error shape for the whole API: RFC 9457 problem+json, as Camunda's own REST API uses.
 */
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { ZodError } from 'zod';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  [extension: string]: unknown;
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** An error that carries its HTTP status; thrown by routes and domain services alike. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'HttpError';
  }
}

export const badRequest = (detail: string, ext?: Record<string, unknown>) => new HttpError(400, detail, ext);
export const forbidden = (detail = '无权执行此操作 (forbidden)') => new HttpError(403, detail);
export const notFound = (detail = '资源不存在 (not found)') => new HttpError(404, detail);
export const conflict = (detail: string) => new HttpError(409, detail);

export function sendProblem(res: Response, status: number, detail: string, extensions: Record<string, unknown> = {}) {
  const body: Problem = {
    type: 'about:blank',
    title: titles[status] ?? 'Error',
    status,
    detail,
    instance: res.req?.originalUrl,
    ...extensions,
  };
  res.status(status).type('application/problem+json').send(JSON.stringify(body));
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, 404, `no route for ${req.method} ${req.path}`);
};

/** Maps every error to problem+json; unknown errors become 500 without leaking internals. */
export function errorHandler(log?: { error(obj: unknown, msg?: string): void }): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    if (res.headersSent) return;
    if (err instanceof HttpError) return sendProblem(res, err.status, err.message, err.extensions);
    if (err instanceof ZodError) {
      const issues = err.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
      const first = issues[0];
      return sendProblem(res, 400, first ? `${first.path || 'body'}: ${first.message}` : 'invalid request', { issues });
    }
    // body-parser and friends set status/statusCode on client errors (bad JSON, too large, …)
    const status = Number(
      (err as { status?: number; statusCode?: number }).status ?? (err as { statusCode?: number }).statusCode,
    );
    if (status >= 400 && status < 500) {
      return sendProblem(res, status, (err as Error).message || 'invalid request');
    }
    log?.error({ err }, 'unhandled error');
    sendProblem(res, 500, 'internal error');
  };
}
