/**
 * Jobs through the SDK: REST job workers, headers, retries, back-off, incidents, timeouts, races,
 * BPMN errors, execution listeners and Zeebe's variable propagation.
 */
import {
  activateJobs,
  activateOne,
  deployFixtures,
  eventually,
  incidentsOf,
  instanceState,
  NOW,
  rejection,
  rootVariables,
  startTestEngine,
  trail,
  type TestEngine,
} from '../support/engine';

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine('sdkjobs');
  await deployFixtures(
    t.client,
    'sdk-job-service.bpmn',
    'sdk-job-retries.bpmn',
    'sdk-job-error.bpmn',
    'sdk-listeners.bpmn',
    'sdk-job-scope.bpmn',
  );
});
afterAll(async () => {
  await t?.stop();
});
afterEach(() => {
  t.client.stopAllWorkers();
});

const start = async (processDefinitionId: string, variables: Record<string, unknown> = {}) =>
  (await t.sdk.createProcessInstance({ processDefinitionId, variables })).processInstanceKey;

describe('service, send and business-rule tasks with REST job workers', () => {
  it('should hand jobs with headers, mapped inputs and retries to workers and apply output mappings', async () => {
    const seen: Record<string, unknown>[] = [];
    t.client.createJobWorker({
      jobType: 'sdk-charge',
      maxParallelJobs: 4,
      jobTimeoutMs: 30_000,
      jobHandler: (job) => {
        seen.push({
          headers: job.customHeaders,
          doubled: job.variables.doubled,
          retries: job.retries,
          elementId: job.elementId,
          kind: job.kind,
          processDefinitionId: job.processDefinitionId,
        });
        return job.complete({ receipt: `R-${String(job.variables.doubled)}` });
      },
    });
    for (const type of ['sdk-notify', 'sdk-rate']) {
      t.client.createJobWorker({
        jobType: type,
        maxParallelJobs: 4,
        jobTimeoutMs: 30_000,
        jobHandler: (job) => job.complete({ [`${type}-done`]: true }),
      });
    }
    const pi = await start('sdk-job-service', { amount: 21 });
    await eventually(async () => expect(await instanceState(t.client, pi)).toBe('COMPLETED'));
    expect(seen).toEqual([
      {
        headers: { channel: 'sms', priority: 'high' },
        doubled: 42,
        retries: 3,
        elementId: 'Charge',
        kind: 'BPMN_ELEMENT',
        processDefinitionId: 'sdk-job-service',
      },
    ]);
    const vars = await rootVariables(t.client, pi);
    // with an output mapping only the mapped result reaches the scope; the input-mapped local does not
    expect(vars).toEqual({ amount: 21, chargeReceipt: 'R-42', 'sdk-notify-done': true, 'sdk-rate-done': true });
    expect(await trail(t.client, pi)).toEqual(
      expect.arrayContaining(['Charge:COMPLETED', 'Notify:COMPLETED', 'Rate:COMPLETED', 'End:COMPLETED']),
    );
  });

  it('should return only the requested variables with fetchVariable', async () => {
    await start('sdk-job-retries', { maxRetries: 1, keep: 'yes', drop: 'no' });
    const job = await activateOne(t.client, 'sdk-flaky', { fetchVariable: ['keep'] });
    expect(job.variables).toEqual({ keep: 'yes' });
    await t.sdk.completeJob({ jobKey: job.jobKey });
  });
});

describe('job failures, retries and incidents', () => {
  it('should retry with back-off, raise JOB_NO_RETRIES at 0 and continue after retries are updated and the incident resolved', async () => {
    const pinned = Date.parse('2030-01-01T00:00:00Z');
    await t.sdk.pinClock({ timestamp: pinned });
    try {
      const pi = await start('sdk-job-retries', { maxRetries: 2 });
      let job = await activateOne(t.client, 'sdk-flaky');
      expect(job.retries).toBe(2); // retries="=maxRetries" evaluated as FEEL
      await t.sdk.failJob({ jobKey: job.jobKey, retries: 1, errorMessage: 'smtp down', retryBackOff: 60_000 });
      // in back-off: not activatable until the (pinned) clock passes it
      expect(await activateJobs(t.client, 'sdk-flaky', { waitMs: -1 })).toEqual([]);
      await t.sdk.pinClock({ timestamp: pinned + 61_000 });
      job = await activateOne(t.client, 'sdk-flaky');
      expect(job.retries).toBe(1);
      await t.sdk.failJob({ jobKey: job.jobKey, retries: 0, errorMessage: 'smtp still down' });

      const [incident] = await eventually(async () => {
        const found = await incidentsOf(t.client, pi);
        expect(found).toHaveLength(1);
        return found;
      });
      expect(incident).toEqual(
        expect.objectContaining({
          errorType: 'JOB_NO_RETRIES',
          errorMessage: 'smtp still down',
          elementId: 'Flaky',
          jobKey: job.jobKey,
        }),
      );
      expect((await t.sdk.getProcessInstance({ processInstanceKey: pi }, NOW)).hasIncident).toBe(true);
      expect(await activateJobs(t.client, 'sdk-flaky', { waitMs: -1 })).toEqual([]);

      await t.sdk.updateJob({ jobKey: job.jobKey, changeset: { retries: 2 } });
      await t.sdk.resolveIncident({ incidentKey: String(incident!.incidentKey) });
      const again = await activateOne(t.client, 'sdk-flaky');
      expect(again.jobKey).toBe(job.jobKey);
      expect(again.retries).toBe(2);
      await t.sdk.completeJob({ jobKey: again.jobKey });
      await eventually(async () => expect(await instanceState(t.client, pi)).toBe('COMPLETED'));
      expect((await t.sdk.getIncident({ incidentKey: String(incident!.incidentKey) }, NOW)).state).toBe('RESOLVED');
      expect((await t.sdk.getProcessInstance({ processInstanceKey: pi }, NOW)).hasIncident).toBe(false);
    } finally {
      await t.sdk.resetClock();
    }
  });

  it('should make a job whose timeout passed activatable again (at least once)', async () => {
    const pi = await start('sdk-job-retries', { maxRetries: 3 });
    const first = await activateOne(t.client, 'sdk-flaky', { timeoutMs: 300, worker: 'slow' });
    const second = await activateOne(t.client, 'sdk-flaky', { worker: 'fast', waitMs: 10_000 });
    expect(second.jobKey).toBe(first.jobKey);
    expect(second.worker).toBe('fast');
    expect(second.deadline).toBeGreaterThan(first.deadline);
    await t.sdk.completeJob({ jobKey: second.jobKey });
    await eventually(async () => expect(await instanceState(t.client, pi)).toBe('COMPLETED'));
  });

  it('should shorten a job timeout with updateJob', async () => {
    await start('sdk-job-retries', { maxRetries: 3 });
    const job = await activateOne(t.client, 'sdk-flaky', { timeoutMs: 600_000 });
    await t.sdk.updateJob({ jobKey: job.jobKey, changeset: { timeout: 200 } });
    const again = await activateOne(t.client, 'sdk-flaky', { waitMs: 10_000 });
    expect(again.jobKey).toBe(job.jobKey);
    await t.sdk.completeJob({ jobKey: again.jobKey });
  });

  it('should answer 404 to completing a job twice, and to unknown job keys', async () => {
    await start('sdk-job-retries', { maxRetries: 3 });
    const job = await activateOne(t.client, 'sdk-flaky');
    await t.sdk.completeJob({ jobKey: job.jobKey, variables: { done: 1 } });
    expect(await rejection(t.sdk.completeJob({ jobKey: job.jobKey }))).toEqual(
      expect.objectContaining({ status: 404, title: 'NOT_FOUND' }),
    );
    expect(await rejection(t.sdk.failJob({ jobKey: job.jobKey, retries: 1 }))).toEqual(
      expect.objectContaining({ status: 404 }),
    );
    expect(await rejection(t.sdk.completeJob({ jobKey: '2251799813699999' }))).toEqual(
      expect.objectContaining({ status: 404 }),
    );
  });
});

describe('competing workers', () => {
  it('should give one job to exactly one of two parked activations', async () => {
    const a = activateJobs(t.client, 'sdk-flaky', { waitMs: 1_500, worker: 'a', max: 5 });
    const b = activateJobs(t.client, 'sdk-flaky', { waitMs: 1_500, worker: 'b', max: 5 });
    await new Promise((r) => setTimeout(r, 100));
    await start('sdk-job-retries', { maxRetries: 3 });
    const [ja, jb] = await Promise.all([a, b]);
    expect(ja.length + jb.length).toBe(1);
    const [job] = [...ja, ...jb];
    await t.sdk.completeJob({ jobKey: job!.jobKey });
  });

  it('should process every job exactly once with two REST job workers on the same type', async () => {
    const handled = new Map<string, string[]>();
    for (const name of ['worker-1', 'worker-2']) {
      t.client.createJobWorker({
        jobType: 'sdk-flaky',
        workerName: name,
        maxParallelJobs: 3,
        jobTimeoutMs: 30_000,
        jobHandler: async (job) => {
          handled.set(job.jobKey, [...(handled.get(job.jobKey) ?? []), name]);
          await new Promise((r) => setTimeout(r, 5));
          return job.complete();
        },
      });
    }
    const keys = await Promise.all(Array.from({ length: 20 }, () => start('sdk-job-retries', { maxRetries: 3 })));
    await eventually(async () => {
      for (const k of keys) expect(await instanceState(t.client, k)).toBe('COMPLETED');
    }, 30_000);
    expect(handled.size).toBe(20);
    for (const workers of handled.values()) expect(workers).toHaveLength(1);
  });
});

describe('BPMN errors thrown by workers', () => {
  it('should route a caught error code to the boundary event, with the error variables', async () => {
    const pi = await start('sdk-job-error');
    const job = await activateOne(t.client, 'sdk-validate');
    await t.sdk.throwJobError({
      jobKey: job.jobKey,
      errorCode: 'INVALID',
      errorMessage: '材料不全',
      variables: { reason: 'missing' },
    });
    await eventually(async () => expect(await instanceState(t.client, pi)).toBe('COMPLETED'));
    const path = await trail(t.client, pi);
    expect(path).toEqual(
      expect.arrayContaining(['Validate:TERMINATED', 'OnInvalid:COMPLETED', 'EndRejected:COMPLETED']),
    );
    expect(path).not.toContain('EndOk:COMPLETED');
    expect((await rootVariables(t.client, pi)).reason).toBe('missing');
  });

  it('should start the error event sub-process for an error not caught by the boundary', async () => {
    const pi = await start('sdk-job-error');
    const job = await activateOne(t.client, 'sdk-validate');
    await t.sdk.throwJobError({ jobKey: job.jobKey, errorCode: 'FATAL' });
    const cleanup = await activateOne(t.client, 'sdk-cleanup');
    expect(cleanup.processInstanceKey).toBe(pi);
    await t.sdk.completeJob({ jobKey: cleanup.jobKey });
    await eventually(async () => expect(await instanceState(t.client, pi)).toBe('COMPLETED'));
    expect(await trail(t.client, pi)).toEqual(
      expect.arrayContaining(['Validate:TERMINATED', 'OnFatal:COMPLETED', 'Cleanup:COMPLETED', 'FatalEnd:COMPLETED']),
    );
  });

  it('should raise UNHANDLED_ERROR_EVENT for an error code nobody catches', async () => {
    const pi = await start('sdk-job-error');
    const job = await activateOne(t.client, 'sdk-validate');
    await t.sdk.throwJobError({ jobKey: job.jobKey, errorCode: 'NOBODY_CATCHES_THIS' });
    const [incident] = await eventually(async () => {
      const found = await incidentsOf(t.client, pi);
      expect(found).toHaveLength(1);
      return found;
    });
    expect(incident).toEqual(expect.objectContaining({ errorType: 'UNHANDLED_ERROR_EVENT', elementId: 'Validate' }));
    expect(await instanceState(t.client, pi)).toBe('ACTIVE');
  });
});

describe('execution listeners', () => {
  it('should run start and end listeners as jobs of kind EXECUTION_LISTENER around the element', async () => {
    const pi = await start('sdk-listeners', { n: 1 });
    expect(await activateJobs(t.client, 'sdk-listened-work', { waitMs: -1 })).toEqual([]);
    const startJob = await activateOne(t.client, 'sdk-listen-start');
    expect(startJob).toEqual(
      expect.objectContaining({ kind: 'EXECUTION_LISTENER', listenerEventType: 'START', elementId: 'Work' }),
    );
    await t.sdk.completeJob({ jobKey: startJob.jobKey, variables: { fromListener: true } });
    const work = await activateOne(t.client, 'sdk-listened-work');
    expect(work.variables).toEqual(expect.objectContaining({ n: 1, fromListener: true }));
    await t.sdk.completeJob({ jobKey: work.jobKey });
    const endJob = await activateOne(t.client, 'sdk-listen-end');
    expect(endJob).toEqual(expect.objectContaining({ kind: 'EXECUTION_LISTENER', listenerEventType: 'END' }));
    expect(await instanceState(t.client, pi)).toBe('ACTIVE');
    await t.sdk.completeJob({ jobKey: endJob.jobKey });
    await eventually(async () => expect(await instanceState(t.client, pi)).toBe('COMPLETED'));
  });
});

describe('variable propagation', () => {
  it('should write job variables to the nearest scope that has them, else to the root', async () => {
    const pi = await start('sdk-job-scope');
    const inc = await activateOne(t.client, 'sdk-inc');
    expect(inc.variables).toEqual({ counter: 0 });
    await t.sdk.completeJob({ jobKey: inc.jobKey, variables: { counter: 5, other: 'x' } });
    const peek = await activateOne(t.client, 'sdk-peek');
    expect(peek.variables).toEqual({ counter: 5, other: 'x' });
    expect(await rootVariables(t.client, pi)).toEqual({ other: 'x' });
    const scoped = await t.sdk.searchVariables({ filter: { processInstanceKey: pi, name: 'counter' } }, NOW);
    expect(scoped.items).toHaveLength(1);
    expect(scoped.items[0]!.scopeKey).not.toBe(pi);
    expect(scoped.items[0]!.value).toBe('5');
    const byKey = await t.sdk.getVariable({ variableKey: scoped.items[0]!.variableKey }, NOW);
    expect(byKey).toEqual(expect.objectContaining({ name: 'counter', value: '5' }));
    await t.sdk.completeJob({ jobKey: peek.jobKey });
    const check = await activateOne(t.client, 'sdk-check');
    expect(check.variables).toEqual({ other: 'x' });
    await t.sdk.completeJob({ jobKey: check.jobKey });
    await eventually(async () => expect(await instanceState(t.client, pi)).toBe('COMPLETED'));
  });
});
