/**
 * engine/http on its own: routing, strict validation, limits, problem+json and long polling,
 * against a scripted RuntimeApi (the runtime itself is covered by the sdk-*.test.ts suites).
 * Real HTTP on an ephemeral loopback port.
 */
import type { ActivateJobsResponse } from '@camunda8/orchestration-cluster-api';
import pino from 'pino';
import { EngineError, notFound } from '../../engine/errors';
import { startEngineHttpServer, type EngineHttpServer } from '../../engine/http/server';
import type { Body, DeployResource, RuntimeApi } from '../../engine/runtime/api';

type Call = { method: string; args: unknown[] };

/** A scripted runtime: records calls; jobs are queued per type and handed out by activateJobs. */
class ScriptedRuntime {
  calls: Call[] = [];
  activations = 0;
  failNext: Error | null = null;
  private readonly queues = new Map<string, number[]>();
  private readonly listeners = new Set<(type: string) => void>();
  private nextJob = 1;

  addJobs(type: string, n: number) {
    const q = this.queues.get(type) ?? [];
    for (let i = 0; i < n; i++) q.push(this.nextJob++);
    this.queues.set(type, q);
    for (const l of this.listeners) l(type);
  }

  private record(method: string, ...args: unknown[]) {
    this.calls.push({ method, args });
    if (this.failNext) {
      const e = this.failNext;
      this.failNext = null;
      throw e;
    }
  }

  api(): RuntimeApi {
    const rec =
      (method: string, result: unknown = undefined) =>
      async (...args: unknown[]) => {
        this.record(method, ...args);
        if (args[0] === '404') throw notFound(`no ${method} with key 404`);
        return result;
      };
    const page = { items: [], page: { totalItems: 0 } };
    return {
      start: async () => undefined,
      stop: async () => undefined,
      now: () => Date.now(),
      getTopology: rec('getTopology', { brokers: [], clusterSize: 1 }),
      pinClock: rec('pinClock'),
      resetClock: rec('resetClock'),
      deployResources: async (resources: DeployResource[], tenantId?: string) => {
        this.record('deployResources', resources, tenantId);
        return { deploymentKey: '1', tenantId: tenantId ?? '<default>', deployments: [] } as never;
      },
      searchProcessDefinitions: rec('searchProcessDefinitions', page),
      getProcessDefinition: rec('getProcessDefinition', {}),
      getProcessDefinitionXml: rec('getProcessDefinitionXml', '<definitions/>'),
      getProcessDefinitionForm: rec('getProcessDefinitionForm', {}),
      getProcessDefinitionElementStatistics: rec('getProcessDefinitionElementStatistics', { items: [] }),
      createProcessInstance: rec('createProcessInstance', { processInstanceKey: '7' }),
      getProcessInstance: rec('getProcessInstance', {}),
      searchProcessInstances: rec('searchProcessInstances', page),
      cancelProcessInstance: rec('cancelProcessInstance'),
      getProcessInstanceElementStatistics: rec('getProcessInstanceElementStatistics', { items: [] }),
      getProcessInstanceSequenceFlows: rec('getProcessInstanceSequenceFlows', { items: [] }),
      activateJobs: async (body: Body): Promise<ActivateJobsResponse> => {
        this.activations++;
        const q = this.queues.get(body.type as string) ?? [];
        const taken = q.splice(0, body.maxJobsToActivate as number);
        await new Promise((r) => setImmediate(r));
        return { jobs: taken.map((k) => ({ jobKey: String(k) })) } as never;
      },
      completeJob: rec('completeJob'),
      failJob: rec('failJob'),
      throwJobError: rec('throwJobError'),
      updateJob: rec('updateJob'),
      onJobsAvailable: (l: (type: string) => void) => {
        this.listeners.add(l);
        return () => this.listeners.delete(l);
      },
      searchUserTasks: rec('searchUserTasks', page),
      getUserTask: rec('getUserTask', {}),
      getUserTaskForm: rec('getUserTaskForm', {}),
      searchUserTaskVariables: rec('searchUserTaskVariables', page),
      assignUserTask: rec('assignUserTask'),
      unassignUserTask: rec('unassignUserTask'),
      updateUserTask: rec('updateUserTask'),
      completeUserTask: rec('completeUserTask'),
      publishMessage: rec('publishMessage', { messageKey: '1', tenantId: '<default>' }),
      correlateMessage: rec('correlateMessage', { messageKey: '1', tenantId: '<default>', processInstanceKey: '2' }),
      searchElementInstances: rec('searchElementInstances', page),
      getElementInstance: rec('getElementInstance', {}),
      searchIncidents: rec('searchIncidents', page),
      getIncident: rec('getIncident', {}),
      resolveIncident: rec('resolveIncident'),
      searchVariables: rec('searchVariables', page),
      getVariable: rec('getVariable', {}),
    } as unknown as RuntimeApi;
  }
}

let rt: ScriptedRuntime;
let srv: EngineHttpServer;
let base: string;

beforeEach(async () => {
  rt = new ScriptedRuntime();
  srv = await startEngineHttpServer({
    runtime: rt.api(),
    logger: pino({ level: 'silent' }),
    host: '127.0.0.1',
    port: 0,
  });
  base = `${srv.restAddress}/v2`;
});
afterEach(async () => {
  await srv.close();
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' || body instanceof FormData ? body : JSON.stringify(body);
    if (!(body instanceof FormData)) (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, type: res.headers.get('content-type') ?? '', headers: res.headers, text, json };
}

function expectProblem(r: Awaited<ReturnType<typeof call>>, status: number, title?: string) {
  expect(r.status).toBe(status);
  expect(r.type).toMatch(/^application\/problem\+json/);
  expect(r.json).toEqual(
    expect.objectContaining({
      type: 'about:blank',
      status,
      title: title ?? expect.any(String),
      detail: expect.any(String),
    }),
  );
  expect(typeof r.json?.instance).toBe('string');
}

describe('routing', () => {
  it('should answer 404 problem for an unknown route and 405 for a known path with the wrong method', async () => {
    expectProblem(await call('GET', '/nothing-here'), 404);
    const r = await call('DELETE', '/topology');
    expectProblem(r, 405);
    expect(r.headers.get('allow')).toBe('GET');
    expect(rt.calls).toHaveLength(0);
  });

  it('should reject keys that are not int64 decimal strings with 400 before calling the runtime', async () => {
    for (const key of ['abc', '12a', '1.5', '%20', '0x10']) {
      expectProblem(await call('GET', `/process-instances/${key}`), 400, 'INVALID_ARGUMENT');
    }
    expectProblem(await call('POST', '/jobs/x1/completion', {}), 400, 'INVALID_ARGUMENT');
    expect(rt.calls).toHaveLength(0);
    expect((await call('GET', '/process-instances/-42')).status).toBe(200);
    expect(rt.calls[0]).toEqual({ method: 'getProcessInstance', args: ['-42'] });
  });

  it('should answer GET /status with 204 and GET /topology from the runtime', async () => {
    expect((await call('GET', '/status')).status).toBe(204);
    const t = await call('GET', '/topology');
    expect(t.status).toBe(200);
    expect(t.json).toEqual({ brokers: [], clusterSize: 1 });
  });

  it('should serve the process XML as text/xml', async () => {
    const r = await call('GET', '/process-definitions/5/xml');
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/xml/);
    expect(r.text).toBe('<definitions/>');
  });
});

describe('request validation', () => {
  it('should answer malformed JSON with 400 and a wrong content type with 415', async () => {
    expectProblem(await call('POST', '/process-instances', '{"processDefinitionId": '), 400);
    expectProblem(
      await call('POST', '/process-instances', 'processDefinitionId=p', { 'content-type': 'text/plain' }),
      415,
    );
    expect(rt.calls).toHaveLength(0);
  });

  it('should reject unknown top-level fields, wrong types and missing required fields with 400 INVALID_ARGUMENT', async () => {
    const bad: [string, string, unknown][] = [
      ['POST', '/process-instances', { processDefinitionId: 'p', bogus: 1 }],
      ['POST', '/process-instances', { processDefinitionId: 42 }],
      ['POST', '/process-instances', { processDefinitionId: 'p', variables: [1, 2] }],
      ['POST', '/process-instances', { processDefinitionKey: 'k1' }],
      ['POST', '/process-instances', {}],
      ['POST', '/jobs/activation', { type: 't', timeout: 1000, maxJobsToActivate: 'five' }],
      ['POST', '/jobs/activation', { type: 't', maxJobsToActivate: 1 }],
      ['POST', '/jobs/1/failure', { retries: 'x' }],
      ['POST', '/jobs/1/error', {}],
      ['PATCH', '/jobs/1', { retries: 3 }],
      ['POST', '/messages/publication', { name: 'm', timeToLive: -1 }],
      ['POST', '/user-tasks/1/assignment', { assignee: 5 }],
      ['PATCH', '/user-tasks/1', { changeset: { priority: 101 } }],
      ['PATCH', '/user-tasks/1', { changeset: { dueDate: 'tomorrow' } }],
      ['PUT', '/clock', { timestamp: 'now' }],
      ['POST', '/process-instances/search', { sort: [{ field: 'nope', order: 'ASC' }] }],
      ['POST', '/process-instances/search', { sort: [{ field: 'startDate', order: 'up' }] }],
      ['POST', '/process-instances/search', { filter: { processInstanceKey: 'abc' } }],
      ['POST', '/process-instances/search', { page: { limit: -1 } }],
      ['POST', '/variables/search', []],
      ['POST', '/jobs/1/completion', 'null'],
    ];
    for (const [method, path, body] of bad) {
      const r = await call(method, path, body);
      expect({ method, path, status: r.status, title: r.json?.title }).toEqual({
        method,
        path,
        status: 400,
        title: expect.stringMatching(/INVALID_ARGUMENT|Bad Request/),
      });
    }
    expect(rt.calls).toHaveLength(0);
  });

  it('should accept what the SDK sends, normalising sort order and the legacy user-task update', async () => {
    expect(
      (
        await call('POST', '/process-instances/search', {
          filter: { processDefinitionId: 'p', state: 'ACTIVE' },
          sort: [{ field: 'startDate', order: 'desc' }],
          page: { from: 0, limit: 10 },
        })
      ).status,
    ).toBe(200);
    expect(rt.calls.at(-1)?.args[0]).toEqual({
      filter: { processDefinitionId: 'p', state: 'ACTIVE' },
      sort: [{ field: 'startDate', order: 'DESC' }],
      page: { from: 0, limit: 10 },
    });
    expect((await call('PATCH', '/user-tasks/9/update', { priority: 70, candidateGroups: ['g'] })).status).toBe(204);
    expect(rt.calls.at(-1)).toEqual({
      method: 'updateUserTask',
      args: ['9', { changeset: { priority: 70, candidateGroups: ['g'] } }],
    });
    expect((await call('POST', '/process-instances/3/cancellation')).status).toBe(204);
    expect((await call('POST', '/clock/reset')).status).toBe(204);
    expect((await call('PUT', '/clock', { timestamp: 1700000000000 })).status).toBe(204);
    expect(rt.calls.at(-1)).toEqual({ method: 'pinClock', args: [1700000000000] });
  });
});

describe('limits and deployments', () => {
  it('should answer an oversize JSON body with 413 and keep serving', async () => {
    const big = JSON.stringify({ processDefinitionId: 'p', variables: { blob: 'x'.repeat(5 * 1024 * 1024) } });
    expectProblem(await call('POST', '/process-instances', big), 413);
    expect((await call('GET', '/status')).status).toBe(204);
    expect(rt.calls).toHaveLength(0);
  });

  it('should pass multipart resources and tenantId to the runtime', async () => {
    const form = new FormData();
    form.append('resources', new File(['<definitions id="a"/>'], 'a.bpmn', { type: 'application/xml' }));
    form.append('resources', new File(['{"id":"f"}'], 'f.form', { type: 'application/json' }));
    form.append('tenantId', '<default>');
    const r = await call('POST', '/deployments', form);
    expect(r.status).toBe(200);
    const [resources, tenant] = rt.calls[0]!.args as [DeployResource[], string];
    expect(resources.map((x) => [x.name, x.content.toString()])).toEqual([
      ['a.bpmn', '<definitions id="a"/>'],
      ['f.form', '{"id":"f"}'],
    ]);
    expect(tenant).toBe('<default>');
  });

  it('should refuse DOCTYPE payloads, empty deployments, unknown parts and oversize resources', async () => {
    const evil = new FormData();
    evil.append(
      'resources',
      new File(['<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]><definitions>&lol;</definitions>'], 'e.bpmn'),
    );
    expectProblem(await call('POST', '/deployments', evil), 400, 'INVALID_ARGUMENT');
    const empty = new FormData();
    empty.append('tenantId', '<default>');
    expectProblem(await call('POST', '/deployments', empty), 400);
    const odd = new FormData();
    odd.append('script', 'rm -rf /');
    expectProblem(await call('POST', '/deployments', odd), 400);
    const huge = new FormData();
    huge.append('resources', new File(['<a>' + 'x'.repeat(4 * 1024 * 1024) + '</a>'], 'h.bpmn'));
    expectProblem(await call('POST', '/deployments', huge), 413);
    expectProblem(await call('POST', '/deployments', { resources: [] }), 415);
    expect(rt.calls).toHaveLength(0);
  });
});

describe('errors', () => {
  it('should map EngineError to its status and Zeebe title', async () => {
    const r = await call('GET', '/process-instances/404');
    expectProblem(r, 404, 'NOT_FOUND');
    expect(r.json?.detail).toBe('no getProcessInstance with key 404');
    rt.failNext = new EngineError(409, 'INVALID_STATE', 'job is not activated');
    expectProblem(await call('POST', '/jobs/1/completion', {}), 409, 'INVALID_STATE');
  });

  it('should answer an unexpected exception with a 500 problem and keep serving', async () => {
    rt.failNext = new TypeError('cannot read properties of undefined');
    const r = await call('GET', '/incidents/1');
    expectProblem(r, 500);
    expect(r.text).not.toContain('cannot read properties');
    expect((await call('GET', '/incidents/2')).status).toBe(200);
  });
});

describe('job activation long polling', () => {
  const activation = (type: string, requestTimeout?: number, max = 1) =>
    call('POST', '/jobs/activation', { type, worker: 'w', timeout: 60000, maxJobsToActivate: max, requestTimeout });

  it('should answer at once when jobs are activatable, honouring maxJobsToActivate', async () => {
    rt.addJobs('a', 5);
    const r = await activation('a', 1000, 3);
    expect((r.json?.jobs as unknown[]).length).toBe(3);
  });

  it('should not wait when requestTimeout is negative', async () => {
    const r = await activation('none', -1);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ jobs: [] });
    expect(srv.parkedActivations()).toBe(0);
  });

  it('should park until the runtime signals jobs of the type, then answer', async () => {
    const pending = activation('b', 30_000);
    await waitFor(() => srv.parkedActivations() === 1);
    rt.addJobs('other', 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(srv.parkedActivations()).toBe(1);
    rt.addJobs('b', 1);
    const r = await pending;
    expect(r.json?.jobs).toEqual([{ jobKey: expect.any(String) }]);
    expect(srv.parkedActivations()).toBe(0);
  });

  it('should answer with an empty list when requestTimeout passes', async () => {
    const r = await activation('c', 150);
    expect(r.json).toEqual({ jobs: [] });
  });

  it('should give each of many parked pollers at most one job and wake them without a storm', async () => {
    const pollers = Array.from({ length: 50 }, () => activation('d', 5_000));
    await waitFor(() => srv.parkedActivations() === 50);
    const before = rt.activations;
    rt.addJobs('d', 10);
    await waitFor(() => srv.parkedActivations() === 40);
    // one activation per served poller plus the one that found the queue empty
    expect(rt.activations - before).toBeLessThanOrEqual(11);
    await srv.close();
    const results = await Promise.all(pollers);
    const counts = results.map((r) => (r.json?.jobs as unknown[]).length);
    expect(counts.filter((n) => n === 1)).toHaveLength(10);
    expect(counts.filter((n) => n === 0)).toHaveLength(40);
    srv = await startEngineHttpServer({
      runtime: rt.api(),
      logger: pino({ level: 'silent' }),
      host: '127.0.0.1',
      port: 0,
    });
  });

  it('should drop the waiter of a client that hung up', async () => {
    const ac = new AbortController();
    const p = fetch(`${base}/jobs/activation`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'e', timeout: 1000, maxJobsToActivate: 1, requestTimeout: 30_000 }),
      signal: ac.signal,
    }).catch((e: Error) => e);
    await waitFor(() => srv.parkedActivations() === 1);
    ac.abort();
    await p;
    await waitFor(() => srv.parkedActivations() === 0);
    rt.addJobs('e', 1);
    const r = await activation('e', -1);
    expect((r.json?.jobs as unknown[]).length).toBe(1);
  });
});

async function waitFor(cond: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
