/**
 * The `/v2` REST layer over RuntimeApi, on node:http directly: per request it only routes,
 * reads and validates the body, calls one runtime method and writes JSON. Errors become
 * problem+json (RFC 9457) with Zeebe's titles; client mistakes are 4xx, an unexpected exception
 * is a logged 500 and the server keeps serving.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { ZodError } from 'zod';
import type { Body, RuntimeApi } from '../runtime/api';
import { LIMITS, parseDeployment, parseJson, readBody } from './body';
import { JobLongPoller } from './job-poller';
import { badRequest, problemOf, sendProblem, unavailable } from './problem';
import type { Method, Route } from './router';
import { Router } from './router';
import * as s from './schemas';

type Reply = { json: unknown } | { noContent: true } | { text: string; contentType: string };

interface Ctx {
  params: Record<string, string>;
  /** the raw request body (empty when none) */
  raw: Buffer;
  req: http.IncomingMessage;
  res: http.ServerResponse;
}

type Handler = (ctx: Ctx) => Promise<Reply>;

const NO_CONTENT: Reply = { noContent: true };

function describeZod(err: ZodError): string {
  return err.issues
    .slice(0, 5)
    .map((i) => {
      const path = i.path.map(String).join('.') || 'body';
      return i.code === 'unrecognized_keys'
        ? `${path}: unknown field(s) ${i.keys.join(', ')}`
        : `${path}: ${i.message}`;
    })
    .join('; ');
}

/** Parses a JSON body against a schema; an absent body is validated as `{}`. */
function body<T extends z.ZodType>(schema: T, ctx: Ctx): z.output<T> {
  const parsed = parseJson(ctx.req, ctx.raw);
  const result = schema.safeParse(parsed === undefined ? {} : parsed);
  if (!result.success) throw badRequest(describeZod(result.error));
  return result.data;
}

/** The runtime takes the SDK's request types; the schemas above guarantee the shape. */
const as = <T>(v: unknown): T => v as T;
const asBody = (v: unknown): Body => (v ?? {}) as Body;

export interface EngineHttpOptions {
  runtime: RuntimeApi;
  logger: Logger;
  host: string;
  port: number;
}

export interface EngineHttpServer {
  readonly restAddress: string;
  readonly server: http.Server;
  /** number of parked long-poll activations (for tests and diagnostics) */
  parkedActivations(): number;
  /** stop accepting, answer long polls with empty job lists, wait for requests in flight */
  close(): Promise<void>;
}

export function buildRoutes(runtime: RuntimeApi, poller: JobLongPoller): Route<Handler>[] {
  const r = (method: Method, path: string, handler: Handler): Route<Handler> => ({ method, path, handler });
  const k = (ctx: Ctx) => ctx.params.key!;
  return [
    // cluster and clock
    r('GET', '/v2/topology', async () => ({ json: await runtime.getTopology() })),
    r('GET', '/v2/status', async () => NO_CONTENT),
    r('PUT', '/v2/clock', async (c) => {
      await runtime.pinClock(body(s.pinClock, c).timestamp);
      return NO_CONTENT;
    }),
    r('POST', '/v2/clock/reset', async () => {
      await runtime.resetClock();
      return NO_CONTENT;
    }),

    // deployments
    r('POST', '/v2/deployments', async (c) => {
      const upload = await parseDeployment(c.req, c.raw);
      for (const res of upload.resources) {
        // entity expansion and external entities are refused outright, before any XML parser runs
        if (/<!DOCTYPE|<!ENTITY/i.test(res.content.toString('utf8'))) {
          throw badRequest(`Resource '${res.name}' contains a DOCTYPE declaration, which is not allowed`);
        }
      }
      return { json: await runtime.deployResources(upload.resources, upload.tenantId) };
    }),

    // process definitions
    r('POST', '/v2/process-definitions/search', async (c) => ({
      json: await runtime.searchProcessDefinitions(as(body(s.processDefinitionSearch, c))),
    })),
    r('GET', '/v2/process-definitions/{key}', async (c) => ({ json: await runtime.getProcessDefinition(k(c)) })),
    r('GET', '/v2/process-definitions/{key}/xml', async (c) => ({
      text: await runtime.getProcessDefinitionXml(k(c)),
      contentType: 'text/xml; charset=utf-8',
    })),
    r('GET', '/v2/process-definitions/{key}/form', async (c) => ({
      json: await runtime.getProcessDefinitionForm(k(c)),
    })),
    r('POST', '/v2/process-definitions/{key}/statistics/element-instances', async (c) => ({
      json: await runtime.getProcessDefinitionElementStatistics(k(c), asBody(body(s.processDefinitionStatistics, c))),
    })),

    // process instances
    r('POST', '/v2/process-instances', async (c) => ({
      json: await runtime.createProcessInstance(asBody(body(s.createProcessInstance, c))),
    })),
    r('POST', '/v2/process-instances/search', async (c) => ({
      json: await runtime.searchProcessInstances(as(body(s.processInstanceSearch, c))),
    })),
    r('GET', '/v2/process-instances/{key}', async (c) => ({ json: await runtime.getProcessInstance(k(c)) })),
    r('POST', '/v2/process-instances/{key}/cancellation', async (c) => {
      await runtime.cancelProcessInstance(k(c), asBody(body(s.cancelProcessInstance, c)));
      return NO_CONTENT;
    }),
    r('GET', '/v2/process-instances/{key}/statistics/element-instances', async (c) => ({
      json: await runtime.getProcessInstanceElementStatistics(k(c)),
    })),
    r('GET', '/v2/process-instances/{key}/sequence-flows', async (c) => ({
      json: await runtime.getProcessInstanceSequenceFlows(k(c)),
    })),

    // jobs
    r('POST', '/v2/jobs/activation', async (c) => {
      const req = body(s.activateJobs, c);
      const { requestTimeout, ...rest } = req;
      let gone = false;
      const isGone = () => gone;
      const onClose = () => {
        if (c.res.writableEnded) return;
        gone = true;
        poller.release(req.type, isGone);
      };
      c.res.once('close', onClose);
      try {
        return { json: await poller.activate({ ...rest, requestTimeout }, requestTimeout, isGone) };
      } finally {
        c.res.off('close', onClose);
      }
    }),
    r('POST', '/v2/jobs/{key}/completion', async (c) => {
      await runtime.completeJob(k(c), asBody(body(s.completeJob, c)));
      return NO_CONTENT;
    }),
    r('POST', '/v2/jobs/{key}/failure', async (c) => {
      await runtime.failJob(k(c), asBody(body(s.failJob, c)));
      return NO_CONTENT;
    }),
    r('POST', '/v2/jobs/{key}/error', async (c) => {
      await runtime.throwJobError(k(c), asBody(body(s.throwJobError, c)));
      return NO_CONTENT;
    }),
    r('PATCH', '/v2/jobs/{key}', async (c) => {
      await runtime.updateJob(k(c), asBody(body(s.updateJob, c)));
      return NO_CONTENT;
    }),

    // user tasks
    r('POST', '/v2/user-tasks/search', async (c) => ({
      json: await runtime.searchUserTasks(as(body(s.userTaskSearch, c))),
    })),
    r('GET', '/v2/user-tasks/{key}', async (c) => ({ json: await runtime.getUserTask(k(c)) })),
    r('GET', '/v2/user-tasks/{key}/form', async (c) => ({ json: await runtime.getUserTaskForm(k(c)) })),
    r('POST', '/v2/user-tasks/{key}/variables/search', async (c) => ({
      json: await runtime.searchUserTaskVariables(k(c), as(body(s.userTaskVariableSearch, c))),
    })),
    r('POST', '/v2/user-tasks/{key}/assignment', async (c) => {
      await runtime.assignUserTask(k(c), asBody(body(s.assignUserTask, c)));
      return NO_CONTENT;
    }),
    r('DELETE', '/v2/user-tasks/{key}/assignee', async (c) => {
      await runtime.unassignUserTask(k(c));
      return NO_CONTENT;
    }),
    r('PATCH', '/v2/user-tasks/{key}', async (c) => {
      await runtime.updateUserTask(k(c), asBody(body(s.updateUserTask, c)));
      return NO_CONTENT;
    }),
    // the legacy client (8.5–8.7 style) sends the changeset itself
    r('PATCH', '/v2/user-tasks/{key}/update', async (c) => {
      const parsed = parseJson(c.req, c.raw);
      const wrapped =
        parsed && typeof parsed === 'object' && 'changeset' in parsed ? parsed : { changeset: parsed ?? {} };
      const result = s.updateUserTask.safeParse(wrapped);
      if (!result.success) throw badRequest(describeZod(result.error));
      await runtime.updateUserTask(k(c), asBody(result.data));
      return NO_CONTENT;
    }),
    r('POST', '/v2/user-tasks/{key}/completion', async (c) => {
      await runtime.completeUserTask(k(c), asBody(body(s.completeUserTask, c)));
      return NO_CONTENT;
    }),

    // messages
    r('POST', '/v2/messages/publication', async (c) => ({
      json: await runtime.publishMessage(asBody(body(s.publishMessage, c))),
    })),
    r('POST', '/v2/messages/correlation', async (c) => ({
      json: await runtime.correlateMessage(asBody(body(s.correlateMessage, c))),
    })),

    // element instances, incidents, variables
    r('POST', '/v2/element-instances/search', async (c) => ({
      json: await runtime.searchElementInstances(as(body(s.elementInstanceSearch, c))),
    })),
    r('GET', '/v2/element-instances/{key}', async (c) => ({ json: await runtime.getElementInstance(k(c)) })),
    r('POST', '/v2/incidents/search', async (c) => ({
      json: await runtime.searchIncidents(as(body(s.incidentSearch, c))),
    })),
    r('GET', '/v2/incidents/{key}', async (c) => ({ json: await runtime.getIncident(k(c)) })),
    r('POST', '/v2/incidents/{key}/resolution', async (c) => {
      body(s.resolveIncident, c);
      await runtime.resolveIncident(k(c));
      return NO_CONTENT;
    }),
    r('POST', '/v2/variables/search', async (c) => ({
      json: await runtime.searchVariables(as(body(s.variableSearch, c))),
    })),
    r('GET', '/v2/variables/{key}', async (c) => ({ json: await runtime.getVariable(k(c)) })),
  ];
}

function send(res: http.ServerResponse, reply: Reply): void {
  if (res.destroyed) return;
  if ('noContent' in reply) {
    res.writeHead(204);
    res.end();
    return;
  }
  const [payload, type] =
    'json' in reply ? [JSON.stringify(reply.json), 'application/json'] : [reply.text, reply.contentType];
  res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

/** Creates the `/v2` request handler; exported separately so tests can mount it on their own server. */
export function createEngineHandler(runtime: RuntimeApi, logger: Logger) {
  const poller = new JobLongPoller(runtime);
  const router = new Router(buildRoutes(runtime, poller));
  let closing = false;
  let inFlight = 0;
  let drained: (() => void) | null = null;

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    inFlight++;
    // a request counts until its response is flushed (or its connection gone), so close() never
    // cuts an answer it has already given
    res.once('close', () => {
      inFlight--;
      if (inFlight === 0 && drained) drained();
    });
    try {
      if (closing) throw unavailable('The engine is shutting down');
      const { route, params } = router.match(req.method ?? 'GET', pathname);
      const limit = route.path === '/v2/deployments' ? LIMITS.deploymentBytes : LIMITS.jsonBytes;
      const raw = await readBody(req, limit);
      send(res, await route.handler({ params, raw, req, res }));
    } catch (err) {
      const p = problemOf(err);
      if (p) {
        if (p.status === 413) {
          // the rest of an oversize body is discarded; the connection is not reused
          res.setHeader('connection', 'close');
          req.resume();
        }
        sendProblem(res, pathname, p.status, p.title, p.detail, p.headers);
      } else if (err instanceof ZodError) {
        sendProblem(res, pathname, 400, 'INVALID_ARGUMENT', describeZod(err));
      } else {
        logger.error({ err, method: req.method, path: pathname }, 'engine http: unexpected error');
        sendProblem(res, pathname, 500, 'INTERNAL', 'Unexpected error while processing the request');
      }
    }
  };

  return {
    handle,
    poller,
    /** refuse new requests, end long polls, resolve once no request is in flight */
    async drain(timeoutMs = 3_000): Promise<void> {
      closing = true;
      poller.close();
      if (inFlight === 0) return;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, timeoutMs);
        drained = () => {
          clearTimeout(t);
          resolve();
        };
      });
    },
  };
}

export async function startEngineHttpServer(opts: EngineHttpOptions): Promise<EngineHttpServer> {
  const handler = createEngineHandler(opts.runtime, opts.logger);
  const server = http.createServer({ keepAliveTimeout: 65_000, requestTimeout: 0 }, (req, res) => {
    void handler.handle(req, res);
  });
  // long polls hold a request open longer than Node's default header/request timeouts allow
  server.headersTimeout = 60_000;
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy(err);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    restAddress: `http://${host}:${addr.port}`,
    server,
    parkedActivations: () => handler.poller.parked,
    async close() {
      let done = false;
      const closed = new Promise<void>((resolve) =>
        server.close(() => {
          done = true;
          resolve();
        }),
      );
      server.closeIdleConnections();
      await handler.drain();
      // keep-alive connections turn idle once their last answer is out; give them a moment
      for (let i = 0; i < 50 && !done; i++) {
        server.closeIdleConnections();
        await new Promise((r) => setTimeout(r, 20));
      }
      server.closeAllConnections();
      await closed;
    },
  };
}
