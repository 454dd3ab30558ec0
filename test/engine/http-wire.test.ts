/**
 * What the official SDK actually puts on the wire, recorded by a proxy between the SDK client and
 * the real engine: every request body the SDK sends must pass engine/http's strict schemas (the
 * calls succeed), and the recorded shapes document the contract the schemas were written from.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEngineClient } from '../../services/engine-client';
import { deployFixtures, NOW, startTestEngine, type PlainClient, type TestEngine } from '../support/engine';

interface Recorded {
  method: string;
  path: string;
  contentType?: string;
  body: string;
  status: number;
}

let t: TestEngine;
let proxy: http.Server;
let sdk: PlainClient;
const recorded: Recorded[] = [];

beforeAll(async () => {
  t = await startTestEngine('httpwire');
  const target = new URL(t.engine.restAddress);
  proxy = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const fwd = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          recorded.push({
            method: req.method ?? '',
            path: (req.url ?? '').replace(/\/\d+(?=\/|$)/g, '/{key}'),
            contentType: req.headers['content-type'],
            body: body.toString('utf8'),
            status: up.statusCode ?? 0,
          });
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      fwd.end(body);
    });
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const client = createEngineClient({
    restAddress: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    validation: 'fanatical',
  });
  client.configure({ log: { level: 'error' } });
  sdk = client as unknown as PlainClient;
  await deployFixtures(
    client,
    'sdk-user-task.bpmn',
    'sdk-review-form.form',
    'sdk-job-retries.bpmn',
    'sdk-message-catch.bpmn',
  );
});
afterAll(async () => {
  await new Promise((r) => proxy?.close(r));
  await t?.stop();
});

it('should accept every body the SDK sends, as the SDK sends it', async () => {
  const pi = await sdk.createProcessInstance({
    processDefinitionId: 'sdk-user-task',
    variables: { initiator: 'a', due: '2030-01-01T00:00:00Z', amount: 1, approvers: ['g'] },
  });
  await sdk.searchProcessInstances(
    {
      filter: { processDefinitionId: 'sdk-user-task' },
      sort: [{ field: 'startDate', order: 'DESC' }],
      page: { from: 0, limit: 5 },
    },
    NOW,
  );
  const tasks = await sdk.searchUserTasks({ filter: { processInstanceKey: pi.processInstanceKey } }, NOW);
  const key = tasks.items[0]!.userTaskKey;
  await sdk.assignUserTask({ userTaskKey: key, assignee: 'b', allowOverride: true });
  await sdk.updateUserTask({ userTaskKey: key, changeset: { priority: 30, candidateGroups: ['x'] } });
  await sdk.searchUserTaskVariables({ userTaskKey: key }, NOW);
  await sdk.unassignUserTask({ userTaskKey: key });
  await sdk.completeUserTask({ userTaskKey: key, variables: { ok: true } });

  const job = await sdk.createProcessInstance({ processDefinitionId: 'sdk-job-retries', variables: { maxRetries: 2 } });
  const activated = await sdk.activateJobs({
    type: 'sdk-flaky',
    worker: 'w',
    timeout: 30_000,
    maxJobsToActivate: 2,
    requestTimeout: 2000,
  });
  await sdk.updateJob({ jobKey: activated.jobs[0]!.jobKey, changeset: { retries: 5, timeout: 10_000 } });
  await sdk.failJob({ jobKey: activated.jobs[0]!.jobKey, retries: 4, errorMessage: 'again', retryBackOff: 0 });
  const again = await sdk.activateJobs({ type: 'sdk-flaky', worker: 'w', timeout: 30_000, maxJobsToActivate: 1 });
  await sdk.completeJob({ jobKey: again.jobs[0]!.jobKey, variables: { done: true } });
  await sdk.cancelProcessInstance({
    processInstanceKey: (
      await sdk.createProcessInstance({ processDefinitionId: 'sdk-job-retries', variables: { maxRetries: 1 } })
    ).processInstanceKey,
  });

  await sdk.publishMessage({
    name: 'sdk-payment',
    correlationKey: 'W-1',
    timeToLive: 1000,
    messageId: 'w-1',
    variables: { a: 1 },
  });
  await sdk.searchIncidents({ filter: { processInstanceKey: job.processInstanceKey } }, NOW);
  await sdk.searchVariables({ filter: { processInstanceKey: job.processInstanceKey } }, NOW);
  await sdk.searchElementInstances({ filter: { processInstanceKey: job.processInstanceKey } }, NOW);
  await sdk.searchProcessDefinitions({ filter: { processDefinitionId: 'sdk-job-retries' } }, NOW);
  await sdk.pinClock({ timestamp: Date.now() });
  await sdk.resetClock();
  await sdk.getTopology();

  const failures = recorded.filter((r) => r.status >= 400);
  expect(failures).toEqual([]);
  const byRoute = Object.fromEntries(recorded.map((r) => [`${r.method} ${r.path}`, r]));
  // the shapes engine/http was written against (tenantId filled in by the SDK; empty bodies as {})
  expect(byRoute['POST /v2/deployments']!.contentType).toMatch(/^multipart\/form-data; boundary=/);
  expect(byRoute['POST /v2/deployments']!.body).toContain('name="tenantId"');
  expect(JSON.parse(byRoute['POST /v2/process-instances']!.body)).toEqual(
    expect.objectContaining({ tenantId: '<default>' }),
  );
  expect(JSON.parse(byRoute['POST /v2/jobs/activation']!.body)).toEqual(
    expect.objectContaining({ type: 'sdk-flaky', worker: 'w', timeout: 30_000, maxJobsToActivate: 1 }),
  );
  expect(JSON.parse(byRoute['POST /v2/process-instances/{key}/cancellation']!.body)).toEqual({});
  expect(byRoute['DELETE /v2/user-tasks/{key}/assignee']!.body).toBe('');
  expect(byRoute['POST /v2/clock/reset']!.body).toBe('');
  expect(JSON.parse(byRoute['POST /v2/messages/publication']!.body)).toEqual({
    name: 'sdk-payment',
    correlationKey: 'W-1',
    timeToLive: 1000,
    messageId: 'w-1',
    variables: { a: 1 },
    tenantId: '<default>',
  });
});
