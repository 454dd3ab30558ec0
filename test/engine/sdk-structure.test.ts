/**
 * Structure through the SDK: call activities (variable propagation, parent keys), multi-instance
 * (parallel and sequential, output collection, completion condition, EXTRACT_VALUE_ERROR) and
 * script tasks.
 */
import {
  activateJobs,
  activateOne,
  deployFixtures,
  eventually,
  incidentsOf,
  instanceState,
  NOW,
  rootVariables,
  startTestEngine,
  trail,
  type TestEngine,
} from '../support/engine';

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine('sdkstructure');
  await deployFixtures(
    t.client,
    'sdk-call-parent.bpmn',
    'sdk-call-child.bpmn',
    'sdk-mi-parallel.bpmn',
    'sdk-mi-sequential.bpmn',
    'sdk-script.bpmn',
  );
});
afterAll(async () => {
  await t?.stop();
});

const start = async (processDefinitionId: string, variables: Record<string, unknown> = {}) =>
  (await t.sdk.createProcessInstance({ processDefinitionId, variables })).processInstanceKey;
const completed = (pi: string) => eventually(async () => expect(await instanceState(t.client, pi)).toBe('COMPLETED'));

describe('call activity', () => {
  it('should start the called process with mapped inputs and propagate its variables back', async () => {
    const parent = await start('sdk-call-parent', { amount: 7, untouched: true });
    const child = await activateOne(t.client, 'sdk-child-work');
    expect(child.processDefinitionId).toBe('sdk-call-child');
    expect(child.processInstanceKey).not.toBe(parent);
    expect(child.variables).toEqual(expect.objectContaining({ childAmount: 7 }));
    const childInstance = await t.sdk.getProcessInstance({ processInstanceKey: child.processInstanceKey }, NOW);
    expect(childInstance.parentProcessInstanceKey).toBe(parent);
    const children = await t.sdk.searchProcessInstances({ filter: { parentProcessInstanceKey: parent } }, NOW);
    expect(children.items.map((i) => i.processInstanceKey)).toEqual([child.processInstanceKey]);

    await t.sdk.completeJob({ jobKey: child.jobKey, variables: { approvedAmount: 14 } });
    const after = await activateOne(t.client, 'sdk-after-call');
    expect(after.processInstanceKey).toBe(parent);
    expect(after.variables).toEqual(expect.objectContaining({ amount: 7, untouched: true, approvedAmount: 14 }));
    await t.sdk.completeJob({ jobKey: after.jobKey });
    await completed(parent);
    expect(await instanceState(t.client, child.processInstanceKey)).toBe('COMPLETED');
  });

  it('should cancel the called instance with its parent', async () => {
    const parent = await start('sdk-call-parent', { amount: 1 });
    const child = await activateOne(t.client, 'sdk-child-work');
    await t.sdk.cancelProcessInstance({ processInstanceKey: parent });
    expect(await instanceState(t.client, parent)).toBe('TERMINATED');
    await eventually(async () => expect(await instanceState(t.client, child.processInstanceKey)).toBe('TERMINATED'));
  });
});

describe('multi-instance', () => {
  it('should run one parallel instance per item and collect outputElement into outputCollection in order', async () => {
    const pi = await start('sdk-mi-parallel', { items: [1, 2, 3] });
    const jobs = await eventually(async () => {
      const got = await activateJobs(t.client, 'sdk-mi-par', { max: 10, waitMs: 500 });
      expect(got).toHaveLength(3);
      return got;
    });
    expect(jobs.map((j) => j.variables.item).sort()).toEqual([1, 2, 3]);
    expect(jobs.every((j) => typeof j.variables.loopCounter === 'number')).toBe(true);
    // complete out of order: the output collection still follows the input order
    for (const j of [...jobs].reverse()) {
      await t.sdk.completeJob({ jobKey: j.jobKey, variables: { itemResult: Number(j.variables.item) * 10 } });
    }
    const collect = await activateOne(t.client, 'sdk-mi-collect');
    expect(collect.variables.results).toEqual([10, 20, 30]);
    await t.sdk.completeJob({ jobKey: collect.jobKey });
    await completed(pi);
    const body = (await t.sdk.searchElementInstances({ filter: { processInstanceKey: pi, elementId: 'Each' } }, NOW))
      .items;
    expect(body.filter((e) => e.type === 'MULTI_INSTANCE_BODY')).toHaveLength(1);
    expect(body.filter((e) => e.type === 'SERVICE_TASK')).toHaveLength(3);
  });

  it('should run sequentially, one at a time, and stop early on the completion condition', async () => {
    const pi = await start('sdk-mi-sequential', { items: ['a', 'b', 'c', 'd'] });
    for (const expected of ['a', 'b']) {
      const got = await activateJobs(t.client, 'sdk-mi-seq', { max: 10 });
      expect(got.map((j) => j.variables.item)).toEqual([expected]);
      await t.sdk.completeJob({ jobKey: got[0]!.jobKey, variables: { itemResult: `${expected}!` } });
    }
    const collect = await activateOne(t.client, 'sdk-mi-seq-collect');
    expect(collect.variables.results).toEqual(['a!', 'b!', null, null]);
    expect(await activateJobs(t.client, 'sdk-mi-seq', { waitMs: -1 })).toEqual([]);
    await t.sdk.completeJob({ jobKey: collect.jobKey });
    await completed(pi);
  });

  it('should complete an empty collection at once', async () => {
    const pi = await start('sdk-mi-parallel', { items: [] });
    const collect = await activateOne(t.client, 'sdk-mi-collect');
    expect(collect.processInstanceKey).toBe(pi);
    expect(collect.variables.results).toEqual([]);
    await t.sdk.completeJob({ jobKey: collect.jobKey });
  });

  it('should raise EXTRACT_VALUE_ERROR when the input collection is not a list', async () => {
    const pi = await start('sdk-mi-parallel', { items: 'not-a-list' });
    await eventually(async () =>
      expect(await incidentsOf(t.client, pi)).toEqual([
        expect.objectContaining({ errorType: 'EXTRACT_VALUE_ERROR', elementId: 'Each' }),
      ]),
    );
  });
});

describe('script task', () => {
  it('should evaluate zeebe:script FEEL into the result variable', async () => {
    const pi = await start('sdk-script', { a: 2, b: 40 });
    const show = await activateOne(t.client, 'sdk-show');
    expect(show.variables).toEqual(expect.objectContaining({ sum: 42, label: 'total: 42' }));
    await t.sdk.completeJob({ jobKey: show.jobKey });
    await completed(pi);
    expect(await rootVariables(t.client, pi)).toEqual({ a: 2, b: 40, sum: 42, label: 'total: 42' });
    expect(await trail(t.client, pi)).toEqual(expect.arrayContaining(['Sum:COMPLETED', 'Label:COMPLETED']));
  });
});
