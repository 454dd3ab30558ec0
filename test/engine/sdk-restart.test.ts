/**
 * Durability across a restart: the engine is closed and a new one is started on the same
 * database. Waiting timers (including ones that came due while it was down), activated jobs whose
 * timeout passed meanwhile, user tasks, open message subscriptions and buffered messages resume.
 */
import {
  activateOne,
  deployFixtures,
  eventually,
  instanceState,
  NOW,
  startTestEngine,
  trail,
  type TestEngine,
} from '../support/engine';

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine('sdkrestart');
});
afterAll(async () => {
  await t?.stop();
});

const start = async (processDefinitionId: string, variables: Record<string, unknown> = {}) =>
  (await t.sdk.createProcessInstance({ processDefinitionId, variables })).processInstanceKey;

it('should resume timers, jobs, user tasks and messages after a restart on the same database', async () => {
  // the engine runs two hours in the past, so the 1 h timer and the 1 min job timeout lie in the real past
  const past = Date.now() - 2 * 3600_000;
  await t.sdk.pinClock({ timestamp: past });
  await deployFixtures(
    t.client,
    'sdk-restart-timer.bpmn',
    'sdk-restart-job.bpmn',
    'sdk-restart-user.bpmn',
    'sdk-restart-message.bpmn',
  );
  const timer = await start('sdk-restart-timer');
  const job = await start('sdk-restart-job');
  const user = await start('sdk-restart-user');
  const waiting = await start('sdk-restart-message', { orderId: 'R-2' });
  await t.sdk.publishMessage({
    name: 'sdk-restart-paid',
    correlationKey: 'R-1',
    timeToLive: 24 * 3600_000,
    variables: { paid: 1 },
  });
  const activated = await activateOne(t.client, 'sdk-restart-work', { timeoutMs: 60_000 });
  await eventually(async () => {
    expect(await trail(t.client, timer)).toContain('Wait1h:ACTIVE');
    expect(await trail(t.client, user)).toContain('Decide:ACTIVE');
    expect(await trail(t.client, waiting)).toContain('Paid:ACTIVE');
  });
  const [task] = (await t.sdk.searchUserTasks({ filter: { processInstanceKey: user } }, NOW)).items;
  const before = t.engine.restAddress;

  await t.restart();
  expect(before).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(t.engine.restAddress).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

  // everything that was waiting is still there
  for (const pi of [timer, job, user, waiting]) expect(await instanceState(t.client, pi)).toBe('ACTIVE');
  expect((await t.sdk.getUserTask({ userTaskKey: task!.userTaskKey }, NOW)).state).toBe('CREATED');

  // back to real time: the timer and the job timeout came due while the engine was down
  await t.sdk.resetClock();
  const afterTimer = await activateOne(t.client, 'sdk-restart-after-timer', { waitMs: 10_000 });
  expect(afterTimer.processInstanceKey).toBe(timer);
  await t.sdk.completeJob({ jobKey: afterTimer.jobKey });
  const again = await activateOne(t.client, 'sdk-restart-work', { waitMs: 10_000 });
  expect(again.jobKey).toBe(activated.jobKey);
  await t.sdk.completeJob({ jobKey: again.jobKey });

  await t.sdk.completeUserTask({ userTaskKey: task!.userTaskKey, variables: { decision: 'ok' } });
  await t.sdk.publishMessage({ name: 'sdk-restart-paid', correlationKey: 'R-2' });
  // the message buffered before the restart is still there for a new subscription
  const buffered = await start('sdk-restart-message', { orderId: 'R-1' });

  for (const pi of [timer, job, user, waiting, buffered]) {
    await eventually(async () => expect(await instanceState(t.client, pi)).toBe('COMPLETED'));
  }
});

it('should keep deployments and versions across restarts', async () => {
  await t.restart();
  const defs = await t.sdk.searchProcessDefinitions({ filter: { processDefinitionId: 'sdk-restart-job' } }, NOW);
  expect(defs.items.map((d) => d.version)).toEqual([1]);
  const pi = await start('sdk-restart-job');
  const job = await activateOne(t.client, 'sdk-restart-work');
  expect(job.processInstanceKey).toBe(pi);
  await t.sdk.completeJob({ jobKey: job.jobKey });
  await eventually(async () => expect(await instanceState(t.client, pi)).toBe('COMPLETED'));
});
