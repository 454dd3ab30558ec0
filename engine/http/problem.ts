/**
 * RFC 9457 problem+json as Zeebe's REST gateway writes it: `title` carries the gateway's
 * rejection name (INVALID_ARGUMENT, NOT_FOUND, INVALID_STATE, …) so SDK users can branch on it.
 */
import type { ServerResponse } from 'node:http';
import { EngineError } from '../errors';

export interface ProblemDetail {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
}

/** A client mistake detected by engine/http itself (parsing, validation, routing, limits). */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}

export const badRequest = (detail: string) => new HttpProblem(400, 'INVALID_ARGUMENT', detail);
export const malformedBody = (detail: string) => new HttpProblem(400, 'Bad Request', detail);
export const routeNotFound = (detail: string) => new HttpProblem(404, 'Not Found', detail);
export const methodNotAllowed = (method: string, allow: string[]) =>
  new HttpProblem(405, 'Method Not Allowed', `Request method '${method}' is not supported`, {
    allow: allow.join(', '),
  });
export const payloadTooLarge = (detail: string) => new HttpProblem(413, 'Payload Too Large', detail);
export const unsupportedMediaType = (detail: string) => new HttpProblem(415, 'Unsupported Media Type', detail);
export const unavailable = (detail: string) => new HttpProblem(503, 'UNAVAILABLE', detail);

export function sendProblem(
  res: ServerResponse,
  instance: string,
  status: number,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
): void {
  const body: ProblemDetail = { type: 'about:blank', title, status, detail, instance };
  const payload = JSON.stringify(body);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

/** Maps any thrown value to a problem; returns false for errors that are ours (→ 500). */
export function problemOf(
  err: unknown,
): { status: number; title: string; detail: string; headers?: Record<string, string> } | null {
  if (err instanceof HttpProblem)
    return { status: err.status, title: err.title, detail: err.message, headers: err.headers };
  if (err instanceof EngineError) return { status: err.status, title: err.title, detail: err.message };
  return null;
}
