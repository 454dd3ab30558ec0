/**
 * Events through the SDK, on a pinned engine clock: timer start (date, cycle), timer catch and
 * boundary (interrupting, non-interrupting cycle), messages (catch, receive task, start,
 * boundary, buffering with TTL, messageId uniqueness, once per process), escalation, error end,
 * terminate end and event sub-processes.
 */
import {
  activateJobs,
  activateOne,
  deployFixtures,
  eventually,
  instanceState,
  NOW,
  rejection,
  rootVariables,
  startTestEngine,
  trail,
  type TestEngine,
} from '../support/engine';

let t: TestEngine;
let clock = Date.parse('2030-01-01T00:00:00Z');
const MIN = 60_000;
async function advance(ms: number) {
  clock += ms;
  await t.sdk.pinClock({ timestamp: clock });
}

beforeAll(async () => {
  t = await startTestEngine('sdkevents');
  await t.sdk.pinClock({ timestamp: clock });
  await deployFixtures(
    t.client,
    'sdk-timer-start-cycle.bpmn',
    'sdk-timer-start-date.bpmn',
    'sdk-timer-catch.bpmn',
    'sdk-timer-boundary.bpmn',
    'sdk-message-catch.bpmn',
    'sdk-message-start.bpmn',
    'sdk-message-boundary.bpmn',
    'sdk-escalation.bpmn',
    'sdk-escalation-esp.bpmn',
    'sdk-error-end.bpmn',
    'sdk-terminate.bpmn',
    'sdk-event-subprocess.bpmn',
  );
});
afterAll(async () => {
  await t?.stop();
});

const start = async (processDefinitionId: string, variables: Record<string, unknown> = {}) =>
  (await t.sdk.createProcessInstance({ processDefinitionId, variables })).processInstanceKey;
const completed = (pi: string) => eventually(async () => expect(await instanceState(t.client, pi)).toBe('COMPLETED'));
const instancesOf = async (processDefinitionId: string) =>
  (await t.sdk.searchProcessInstances({ filter: { processDefinitionId } }, NOW)).items;
const userTaskOf = async (processInstanceKey: string, elementId: string) =>
  eventually(async () => {
    const [task] = (await t.sdk.searchUserTasks({ filter: { processInstanceKey, elementId } }, NOW)).items;
    expect(task).toBeDefined();
    return task!;
  });

describe('timer events', () => {
  it('should start instances from a timer cycle R2/PT10M exactly twice', async () => {
    expect(await instancesOf('sdk-timer-start-cycle')).toHaveLength(0);
    await advance(10 * MIN + 1000);
    await eventually(async () => expect(await instancesOf('sdk-timer-start-cycle')).toHaveLength(1));
    await advance(10 * MIN);
    await eventually(async () => expect(await instancesOf('sdk-timer-start-cycle')).toHaveLength(2));
    await advance(30 * MIN);
    await new Promise((r) => setTimeout(r, 300));
    expect(await instancesOf('sdk-timer-start-cycle')).toHaveLength(2);
    for (const job of await activateJobs(t.client, 'sdk-tick', { max: 10, waitMs: 1000 })) {
      await t.sdk.completeJob({ jobKey: job.jobKey });
    }
  });

  it('should start an instance from a timer date once it is due', async () => {
    expect(await instancesOf('sdk-timer-start-date')).toHaveLength(0);
    clock = Date.parse('2031-01-01T00:00:01Z');
    await t.sdk.pinClock({ timestamp: clock });
    await eventually(async () => {
      const items = await instancesOf('sdk-timer-start-date');
      expect(items).toHaveLength(1);
      expect(items[0]!.state).toBe('COMPLETED');
    });
  });

  it('should wait at a timer catch event until its duration passed', async () => {
    const pi = await start('sdk-timer-catch');
    await eventually(async () => expect(await trail(t.client, pi)).toContain('Wait5m:ACTIVE'));
    await advance(4 * MIN);
    expect(await activateJobs(t.client, 'sdk-after-timer', { waitMs: 200 })).toEqual([]);
    await advance(2 * MIN);
    const job = await activateOne(t.client, 'sdk-after-timer');
    expect(job.processInstanceKey).toBe(pi);
    await t.sdk.completeJob({ jobKey: job.jobKey });
    await completed(pi);
  });

  it('should fire a non-interrupting cycle boundary twice, then the interrupting deadline', async () => {
    const pi = await start('sdk-timer-boundary');
    const task = await userTaskOf(pi, 'Handle');
    await advance(10 * MIN + 1000);
    const r1 = await activateOne(t.client, 'sdk-remind');
    await t.sdk.completeJob({ jobKey: r1.jobKey });
    await advance(10 * MIN);
    const r2 = await activateOne(t.client, 'sdk-remind');
    await t.sdk.completeJob({ jobKey: r2.jobKey });
    expect((await t.sdk.getUserTask({ userTaskKey: task.userTaskKey }, NOW)).state).toBe('CREATED');
    await advance(41 * MIN);
    await completed(pi);
    const path = await trail(t.client, pi);
    expect(path).toEqual(expect.arrayContaining(['Handle:TERMINATED', 'Deadline:COMPLETED', 'Escalated:COMPLETED']));
    expect(path.filter((p) => p === 'SendReminder:COMPLETED')).toHaveLength(2);
    expect((await t.sdk.getUserTask({ userTaskKey: task.userTaskKey }, NOW)).state).toBe('CANCELED');
  });
});

describe('message events', () => {
  it('should correlate a published message to a waiting catch event and a receive task', async () => {
    const pi = await start('sdk-message-catch', { orderId: 'M-1' });
    await eventually(async () => expect(await trail(t.client, pi)).toContain('Payment:ACTIVE'));
    const pub = await t.sdk.publishMessage({ name: 'sdk-payment', correlationKey: 'M-1', variables: { paid: 99.5 } });
    expect(pub.messageKey).toMatch(/^\d+$/);
    await eventually(async () => expect(await trail(t.client, pi)).toContain('Receipt:ACTIVE'));
    const corr = await t.sdk.correlateMessage({
      name: 'sdk-receipt',
      correlationKey: 'M-1',
      variables: { receipt: 'R' },
    });
    expect(corr.processInstanceKey).toBe(pi);
    await completed(pi);
    expect(await rootVariables(t.client, pi)).toEqual({ orderId: 'M-1', paid: 99.5, receipt: 'R' });
  });

  it('should buffer a message for its time to live and refuse a duplicate messageId', async () => {
    await t.sdk.publishMessage({
      name: 'sdk-payment',
      correlationKey: 'M-2',
      timeToLive: 10 * MIN,
      messageId: 'pay-M-2',
    });
    expect(
      await rejection(
        t.sdk.publishMessage({
          name: 'sdk-payment',
          correlationKey: 'M-2',
          timeToLive: 10 * MIN,
          messageId: 'pay-M-2',
        }),
      ),
    ).toEqual(expect.objectContaining({ status: 409, title: 'ALREADY_EXISTS' }));
    const pi = await start('sdk-message-catch', { orderId: 'M-2' });
    await eventually(async () => expect(await trail(t.client, pi)).toContain('Receipt:ACTIVE'));

    await t.sdk.publishMessage({ name: 'sdk-payment', correlationKey: 'M-3', timeToLive: MIN });
    await advance(2 * MIN);
    const late = await start('sdk-message-catch', { orderId: 'M-3' });
    await new Promise((r) => setTimeout(r, 200));
    expect(await trail(t.client, late)).toContain('Payment:ACTIVE');
  });

  // Zeebe's message cardinality: a message is correlated only once per process (BPMN process id),
  // even when several instances of it wait with the same name and key
  it('should correlate one message to only one waiting instance of the same process', async () => {
    const a = await start('sdk-message-catch', { orderId: 'M-4' });
    const b = await start('sdk-message-catch', { orderId: 'M-4' });
    for (const pi of [a, b])
      await eventually(async () => expect(await trail(t.client, pi)).toContain('Payment:ACTIVE'));
    await t.sdk.publishMessage({ name: 'sdk-payment', correlationKey: 'M-4' });
    const passed = async () =>
      (await Promise.all([a, b].map(async (pi) => (await trail(t.client, pi)).includes('Payment:COMPLETED')))).filter(
        Boolean,
      ).length;
    await eventually(async () => expect(await passed()).toBe(1));
    await new Promise((r) => setTimeout(r, 200));
    expect(await passed()).toBe(1);
    await t.sdk.publishMessage({ name: 'sdk-payment', correlationKey: 'M-4' });
    await eventually(async () => expect(await passed()).toBe(2));
  });

  it('should answer a correlation nobody waits for with 404', async () => {
    expect(await rejection(t.sdk.correlateMessage({ name: 'sdk-payment', correlationKey: 'nobody' }))).toEqual(
      expect.objectContaining({ status: 404, title: 'NOT_FOUND' }),
    );
  });

  it('should start an instance from a message start event with the message variables', async () => {
    const res = await t.sdk.correlateMessage({ name: 'sdk-order-placed', variables: { orderNo: 'O-1' } });
    const job = await activateOne(t.client, 'sdk-handle-order');
    expect(job.processInstanceKey).toBe(res.processInstanceKey);
    expect(job.variables).toEqual({ orderNo: 'O-1' });
    await t.sdk.completeJob({ jobKey: job.jobKey });
    await completed(String(res.processInstanceKey));
  });

  it('should run a non-interrupting message boundary beside the task and let an interrupting one end it', async () => {
    const pi = await start('sdk-message-boundary', { orderId: 'B-1' });
    const task = await userTaskOf(pi, 'Work');
    await t.sdk.publishMessage({ name: 'sdk-nudge', correlationKey: 'B-1' });
    const nudge = await activateOne(t.client, 'sdk-on-nudge');
    expect((await t.sdk.getUserTask({ userTaskKey: task.userTaskKey }, NOW)).state).toBe('CREATED');
    await t.sdk.publishMessage({ name: 'sdk-cancel', correlationKey: 'B-1' });
    await eventually(async () => expect(await trail(t.client, pi)).toContain('Work:TERMINATED'));
    expect(await instanceState(t.client, pi)).toBe('ACTIVE');
    await t.sdk.completeJob({ jobKey: nudge.jobKey });
    await completed(pi);
    expect(await trail(t.client, pi)).toEqual(expect.arrayContaining(['EndCancelled:COMPLETED', 'EndNudge:COMPLETED']));
  });
});

describe('escalation, error and terminate end events', () => {
  it('should catch an intermediate escalation without interrupting, and an escalation end event interrupting', async () => {
    const pi = await start('sdk-escalation');
    const inform = await activateOne(t.client, 'sdk-inform');
    await eventually(async () =>
      expect(await trail(t.client, pi)).toEqual(expect.arrayContaining(['OnAbort:COMPLETED', 'Aborted:COMPLETED'])),
    );
    expect(await trail(t.client, pi)).not.toContain('Finished:COMPLETED');
    await t.sdk.completeJob({ jobKey: inform.jobKey });
    await completed(pi);
    expect(await trail(t.client, pi)).toEqual(expect.arrayContaining(['OnNotify:COMPLETED', 'Informed:COMPLETED']));
  });

  it('should start a non-interrupting escalation event sub-process', async () => {
    const pi = await start('sdk-escalation-esp');
    const [handle, cont] = await Promise.all([
      activateOne(t.client, 'sdk-esp-handle'),
      activateOne(t.client, 'sdk-esp-continue'),
    ]);
    await t.sdk.completeJob({ jobKey: cont.jobKey });
    expect(await instanceState(t.client, pi)).toBe('ACTIVE');
    await t.sdk.completeJob({ jobKey: handle.jobKey });
    await completed(pi);
  });

  it('should catch an error end event on the enclosing sub-process boundary', async () => {
    const pi = await start('sdk-error-end');
    await completed(pi);
    const path = await trail(t.client, pi);
    // the throwing end event and its scope are terminated by the interrupting catch, as in Zeebe
    expect(path).toEqual(
      expect.arrayContaining(['Fail:TERMINATED', 'Check:TERMINATED', 'Caught:COMPLETED', 'Handled:COMPLETED']),
    );
    expect(path).not.toContain('Normal:COMPLETED');
  });

  it('should terminate the whole instance at a terminate end event', async () => {
    const pi = await start('sdk-terminate');
    await completed(pi);
    expect(await trail(t.client, pi)).toEqual(expect.arrayContaining(['Kill:COMPLETED', 'Wait:TERMINATED']));
    const [task] = (await t.sdk.searchUserTasks({ filter: { processInstanceKey: pi } }, NOW)).items;
    expect(task?.state).toBe('CANCELED');
  });
});

describe('event sub-processes', () => {
  it('should run a non-interrupting message event sub-process and let an interrupting timer one end the instance', async () => {
    const pi = await start('sdk-event-subprocess', { orderId: 'E-1' });
    await userTaskOf(pi, 'Main');
    await t.sdk.publishMessage({ name: 'sdk-ping', correlationKey: 'E-1', variables: { ping: 1 } });
    const pong = await activateOne(t.client, 'sdk-pong');
    expect(pong.variables).toEqual(expect.objectContaining({ ping: 1, orderId: 'E-1' }));
    await t.sdk.completeJob({ jobKey: pong.jobKey });
    await eventually(async () => expect(await trail(t.client, pi)).toContain('OnPing:COMPLETED'));
    expect(await trail(t.client, pi)).toContain('Main:ACTIVE');
    await advance(121 * MIN);
    await completed(pi);
    expect(await trail(t.client, pi)).toEqual(
      expect.arrayContaining(['Main:TERMINATED', 'OnTimeout:COMPLETED', 'TimeoutEnd:COMPLETED']),
    );
  });
});
