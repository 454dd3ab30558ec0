/**
 * Gateways through the SDK: exclusive (with default flow), parallel, inclusive and event-based,
 * plus CONDITION_ERROR incidents and their resolution (which retries the evaluation, as Zeebe).
 */
import {
  activateJobs,
  activateOne,
  deployFixtures,
  eventually,
  incidentsOf,
  instanceState,
  NOW,
  startTestEngine,
  trail,
  type TestEngine,
} from '../support/engine';

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine('sdkgateways');
  await deployFixtures(
    t.client,
    'sdk-exclusive.bpmn',
    'sdk-exclusive-nodefault.bpmn',
    'sdk-parallel.bpmn',
    'sdk-inclusive.bpmn',
    'sdk-event-gateway.bpmn',
  );
});
afterAll(async () => {
  await t?.stop();
});

const start = async (processDefinitionId: string, variables: Record<string, unknown> = {}) =>
  (await t.sdk.createProcessInstance({ processDefinitionId, variables })).processInstanceKey;
const completed = (pi: string) => eventually(async () => expect(await instanceState(t.client, pi)).toBe('COMPLETED'));

describe('exclusive gateway', () => {
  it('should take the flow whose condition holds, else the default flow', async () => {
    const high = await start('sdk-exclusive', { amount: 500 });
    const low = await start('sdk-exclusive', { amount: 5 });
    await completed(high);
    await completed(low);
    expect(await trail(t.client, high)).toContain('EndHigh:COMPLETED');
    expect(await trail(t.client, high)).not.toContain('EndLow:COMPLETED');
    expect(await trail(t.client, low)).toContain('EndLow:COMPLETED');
    const flows = await t.sdk.getProcessInstanceSequenceFlows({ processInstanceKey: low }, NOW);
    expect(flows.items.map((f) => f.sequenceFlowId).sort()).toEqual(['F1', 'ToLow']);
  });

  it('should raise CONDITION_ERROR when no flow matches and no default exists; resolving retries it', async () => {
    const pi = await start('sdk-exclusive-nodefault', { kind: 'c' });
    const [incident] = await eventually(async () => {
      const found = await incidentsOf(t.client, pi);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(incident).toEqual(expect.objectContaining({ errorType: 'CONDITION_ERROR', elementId: 'Kind' }));
    expect(incident!.errorMessage).toBeTruthy();
    const stats = await t.sdk.getProcessInstanceStatistics({ processInstanceKey: pi }, NOW);
    expect(stats.items.find((s) => s.elementId === 'Kind')).toEqual(expect.objectContaining({ incidents: 1 }));
    const [gw] = (await t.sdk.searchElementInstances({ filter: { processInstanceKey: pi, elementId: 'Kind' } }, NOW))
      .items;
    expect(gw).toEqual(expect.objectContaining({ state: 'ACTIVE', hasIncident: true, type: 'EXCLUSIVE_GATEWAY' }));

    // nothing changed: resolving re-evaluates and fails again with a new incident
    await t.sdk.resolveIncident({ incidentKey: String(incident!.incidentKey) });
    await eventually(async () => {
      const again = await incidentsOf(t.client, pi);
      expect(again).toHaveLength(1);
      expect(again[0]!.incidentKey).not.toBe(incident!.incidentKey);
    });
    expect(await instanceState(t.client, pi)).toBe('ACTIVE');
  });
});

describe('parallel gateway', () => {
  it('should fork into both branches and join exactly once', async () => {
    const pi = await start('sdk-parallel');
    const [a, b] = await Promise.all([activateOne(t.client, 'sdk-par-a'), activateOne(t.client, 'sdk-par-b')]);
    await t.sdk.completeJob({ jobKey: a.jobKey, variables: { a: 1 } });
    // the join waits for the second branch
    expect(await activateJobs(t.client, 'sdk-par-after', { waitMs: 300 })).toEqual([]);
    await t.sdk.completeJob({ jobKey: b.jobKey, variables: { b: 2 } });
    const after = await activateOne(t.client, 'sdk-par-after');
    expect(after.variables).toEqual(expect.objectContaining({ a: 1, b: 2 }));
    await t.sdk.completeJob({ jobKey: after.jobKey });
    await completed(pi);
    expect(await activateJobs(t.client, 'sdk-par-after', { waitMs: -1 })).toEqual([]);
    expect((await trail(t.client, pi)).filter((x) => x.startsWith('Join:'))).toHaveLength(1);
  });
});

describe('inclusive gateway', () => {
  it('should activate every flow whose condition holds and join them', async () => {
    const pi = await start('sdk-inclusive', { a: true, b: true });
    const [a, b] = await Promise.all([activateOne(t.client, 'sdk-inc-a'), activateOne(t.client, 'sdk-inc-b')]);
    expect(await activateJobs(t.client, 'sdk-inc-default', { waitMs: -1 })).toEqual([]);
    await t.sdk.completeJob({ jobKey: a.jobKey });
    expect(await activateJobs(t.client, 'sdk-inc-after', { waitMs: 300 })).toEqual([]);
    await t.sdk.completeJob({ jobKey: b.jobKey });
    const after = await activateOne(t.client, 'sdk-inc-after');
    await t.sdk.completeJob({ jobKey: after.jobKey });
    await completed(pi);
  });

  it('should take only the matching flow, or the default when none matches', async () => {
    const onlyB = await start('sdk-inclusive', { a: false, b: true });
    const b = await activateOne(t.client, 'sdk-inc-b');
    expect(b.processInstanceKey).toBe(onlyB);
    await t.sdk.completeJob({ jobKey: b.jobKey });
    await t.sdk.completeJob({ jobKey: (await activateOne(t.client, 'sdk-inc-after')).jobKey });
    await completed(onlyB);

    const none = await start('sdk-inclusive', { a: false, b: false });
    const d = await activateOne(t.client, 'sdk-inc-default');
    expect(d.processInstanceKey).toBe(none);
    await t.sdk.completeJob({ jobKey: d.jobKey });
    await t.sdk.completeJob({ jobKey: (await activateOne(t.client, 'sdk-inc-after')).jobKey });
    await completed(none);
  });
});

describe('event-based gateway', () => {
  it('should continue on the message when it arrives first and drop the timer', async () => {
    const pi = await start('sdk-event-gateway', { orderId: 'EG-1' });
    await eventually(async () => expect(await trail(t.client, pi)).toContain('Wait:ACTIVE'));
    const res = await t.sdk.correlateMessage({ name: 'sdk-go', correlationKey: 'EG-1', variables: { via: 'message' } });
    expect(res.processInstanceKey).toBe(pi);
    await completed(pi);
    const path = await trail(t.client, pi);
    expect(path).toEqual(expect.arrayContaining(['Go:COMPLETED', 'EndMessage:COMPLETED']));
    expect(path.some((p) => p.startsWith('Timeout:'))).toBe(false);
  });

  it('should continue on the timer when it fires first and no longer accept the message', async () => {
    const now = Date.now();
    await t.sdk.pinClock({ timestamp: now });
    try {
      const pi = await start('sdk-event-gateway', { orderId: 'EG-2' });
      await eventually(async () => expect(await trail(t.client, pi)).toContain('Wait:ACTIVE'));
      await t.sdk.pinClock({ timestamp: now + 61 * 60_000 });
      await completed(pi);
      expect(await trail(t.client, pi)).toEqual(expect.arrayContaining(['Timeout:COMPLETED', 'EndTimeout:COMPLETED']));
      const late = await t.sdk.publishMessage({ name: 'sdk-go', correlationKey: 'EG-2', timeToLive: 0 });
      expect(late.messageKey).toMatch(/^\d+$/);
      expect(await trail(t.client, pi)).not.toContain('Go:COMPLETED');
    } finally {
      await t.sdk.resetClock();
    }
  });
});
