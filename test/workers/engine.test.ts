/**
 * The workers bound to the embedded engine through the SDK's REST job workers (`startWorkers`),
 * as in production: a governed and a not-governed project (R2.2), a statutory date mapped into
 * the process (R19.3), a message published by another process (R7, egov.publish-message) and the
 * payment's BPMN error caught by its boundary event (R19.2).
 */
import path from 'node:path';
import fs from 'node:fs';
import pino from 'pino';
import { LedgerEntryEntity } from '../../services/domain/entities';
import { createWorkers } from '../../workers';
import { startWorkers, type RunningWorkers } from '../../workers/runner';
import { NOW, eventually, startTestEngine, type TestEngine } from '../support/engine';
import { runJob } from '../../workers/framework';
import { addProject, inPlans, job, openWorkerTestEnv, type WorkerTestEnv } from './helpers';

/*
 * The SDK's default backpressure profile (BALANCED) gates the client at 16 requests in flight,
 * and job activation long polls hold a permit for their whole poll: with all 38 workers polling,
 * every other call (job completion, instance creation, searches) waits up to a poll timeout. The
 * workers' client must run without that gate (LEGACY = observe only) — see the report to the
 * integrator; this test configures it the same way.
 */
process.env.CAMUNDA_SDK_BACKPRESSURE_PROFILE = 'LEGACY';

let t: TestEngine;
let env: WorkerTestEnv;
let running: RunningWorkers;

beforeAll(async () => {
  t = await startTestEngine('wengine');
  env = await openWorkerTestEnv('wengdom', { engine: t.client });
  running = startWorkers({
    client: t.client,
    definitions: createWorkers(env.deps),
    dataSource: env.ds,
    logger: pino({ level: 'silent' }),
  });
  const file = path.join(__dirname, 'fixtures', 'worker-flow.bpmn');
  type Resources = Parameters<TestEngine['client']['createDeployment']>[0]['resources'];
  await t.client.createDeployment({
    resources: [
      new File([fs.readFileSync(file)], 'worker-flow.bpmn', { type: 'application/xml' }),
    ] as unknown as Resources,
  });
});

afterAll(async () => {
  await running?.close(2_000);
  await t?.stop();
  await env?.close();
});

const start = async (processDefinitionId: string, variables: Record<string, unknown>) =>
  String((await t.sdk.createProcessInstance({ processDefinitionId, variables })).processInstanceKey);

async function endedAt(pi: string): Promise<string[]> {
  const res = await t.sdk.searchElementInstances({ filter: { processInstanceKey: pi, type: 'END_EVENT' } }, NOW);
  return res.items.filter((i) => i.state === 'COMPLETED').map((i) => i.elementId);
}

async function variable(pi: string, name: string): Promise<unknown> {
  const res = await t.sdk.searchVariables({ filter: { processInstanceKey: pi, name } }, NOW);
  return res.items[0] ? JSON.parse(res.items[0].value) : undefined;
}

const application = (projectId: string, over: Record<string, unknown> = {}) => ({
  projectId,
  planYear: 2026,
  listedInDepartmentBudget: true,
  totalInvestment: 120,
  fundSource: 'fiscal',
  constructionStart: '2026-03',
  constructionEnd: '2026-12',
  ...over,
});

describe('workers on the embedded engine (startWorkers over the SDK)', () => {
  it('should end a 10万元 department-budget project as not governed (R2.2)', async () => {
    const p = await addProject(env);
    const pi = await start('worker-flow', application(String(p.id), { totalInvestment: 10 }));
    await eventually(async () => expect(await endedAt(pi)).toEqual(['EndEvent_NotGoverned']), 20_000);
    expect(await variable(pi, 'governed')).toBe(false);
  });

  it('should map the R19.3 date, wait for the published message, pay, and take the BPMN error on overpayment', async () => {
    const paid = await addProject(env, { approvedAmount: '100.00', stage: 'payment' });
    const refused = await addProject(env, { approvedAmount: '100.00', stage: 'payment' });
    // R21 and R8.1: the ledger books a payment only for a project in both plans
    await inPlans(env, paid);
    await inPlans(env, refused);
    const piPaid = await start('worker-flow', application(String(paid.id), { requestedAmount: 60 }));
    const piRefused = await start('worker-flow', application(String(refused.id), { requestedAmount: 100.01 }));
    await eventually(
      async () => expect(await variable(piPaid, 'yearEndCheckAt')).toBe('2026-12-01T09:00:00+08:00'),
      20_000,
    );
    expect(await variable(piPaid, 'quarterlyReportsRequired')).toBe(true);
    expect(await endedAt(piPaid)).toEqual([]);

    const publisher = await start('worker-publisher', {
      planYear: 2027,
      appliedProjectIds: [String(paid.id), String(refused.id)],
      reviewWindowEnd: '2026-12-31T23:59:59+08:00',
    });
    await eventually(async () => expect(await endedAt(publisher)).toEqual(['PublisherEnd']), 20_000);
    await eventually(async () => expect(await endedAt(piPaid)).toEqual(['EndEvent_Paid']), 20_000);
    await eventually(async () => expect(await endedAt(piRefused)).toEqual(['EndEvent_Refused']), 20_000);
    expect(await variable(piPaid, 'surplusAmount')).toBe(40);
    expect(await env.ds.getRepository(LedgerEntryEntity).countBy({ projectId: paid.id })).toBe(1);
    expect(await env.ds.getRepository(LedgerEntryEntity).countBy({ projectId: refused.id })).toBe(0);
  });

  it('should publish a message once per (message, project, plan year): a redelivered job is not an error', async () => {
    const publish = createWorkers(env.deps).find((d) => d.type === 'egov.publish-message')!;
    const at = job(publish.type, { customHeaders: { messageName: 'annual-plan-included' } });
    const vars = { projectId: 'p-dup', planYear: 2027 };
    const first = await runJob(publish, at, vars, { dataSource: env.ds });
    const again = await runJob(publish, { ...at, jobKey: '1' }, vars, { dataSource: env.ds });
    expect(first).toEqual({ action: 'complete', variables: {} });
    expect(again).toEqual(first);
  });
});
