import { bpmn, chain, drivers, flow, serviceTask, startHarness, T0, type Harness } from './fixtures/runtime-harness';

let h: Harness;
const d = drivers(() => h);

beforeAll(async () => {
  h = await startHarness('rt_events');
});
afterAll(async () => {
  await h.close();
});

const msg = (id: string, name: string, key = '= key') =>
  `<bpmn:message id="${id}" name="${name}"><bpmn:extensionElements><zeebe:subscription correlationKey="${key}" /></bpmn:extensionElements></bpmn:message>`;
const advance = async (ms: number) => h.rt.pinClock(h.clock.now() + ms);

describe('runtime: messages', () => {
  beforeAll(async () => {
    await d.deploy(
      'catch.bpmn',
      bpmn(
        'catch_msg',
        [
          '<bpmn:startEvent id="start" />',
          '<bpmn:intermediateCatchEvent id="wait"><bpmn:messageEventDefinition messageRef="m1" /></bpmn:intermediateCatchEvent>',
          '<bpmn:endEvent id="end" />',
          chain(['start', 'wait', 'end']),
        ].join('\n'),
        msg('m1', 'paid'),
      ),
    );
  });

  it('should correlate a published message to the waiting instance once, with its variables', async () => {
    const pi = await d.start('catch_msg', { key: 'order-1' });
    const other = await d.start('catch_msg', { key: 'order-2' });
    const r = await h.rt.publishMessage({ name: 'paid', correlationKey: 'order-1', variables: { amount: 5 } });
    expect(r.messageKey).toMatch(/^\d+$/);
    expect(await d.state(pi)).toBe('COMPLETED');
    expect(await d.vars(pi)).toMatchObject({ amount: 5 });
    expect(await d.state(other)).toBe('ACTIVE');
  });

  it('should buffer a message for its time to live and reject a duplicate messageId', async () => {
    await h.rt.publishMessage({ name: 'paid', correlationKey: 'later', timeToLive: 60_000, messageId: 'm-1' });
    await expect(
      h.rt.publishMessage({ name: 'paid', correlationKey: 'later', timeToLive: 60_000, messageId: 'm-1' }),
    ).rejects.toMatchObject({ status: 409, title: 'ALREADY_EXISTS' });
    const pi = await d.start('catch_msg', { key: 'later' });
    expect(await d.state(pi)).toBe('COMPLETED');
    // a message correlates once per process (BPMN process id): a second instance waits for another message
    const pi2 = await d.start('catch_msg', { key: 'later' });
    expect(await d.state(pi2)).toBe('ACTIVE');
    await advance(60_001);
    // expired: the messageId is free again
    await h.rt.publishMessage({ name: 'paid', correlationKey: 'later', messageId: 'm-1' });
    expect(await d.state(pi2)).toBe('COMPLETED');
  });

  it('should correlate via POST /messages/correlation or answer 404', async () => {
    const pi = await d.start('catch_msg', { key: 'c-1' });
    const r = await h.rt.correlateMessage({ name: 'paid', correlationKey: 'c-1', variables: { via: 'correlate' } });
    expect(r.processInstanceKey).toBe(pi);
    await expect(h.rt.correlateMessage({ name: 'paid', correlationKey: 'nobody' })).rejects.toMatchObject({
      status: 404,
    });
  });

  it('should raise EXTRACT_VALUE_ERROR when the correlation key is missing and retry after resolution', async () => {
    const pi = await d.start('catch_msg', {});
    const [inc] = await d.incidents(pi);
    expect(inc?.errorType).toBe('EXTRACT_VALUE_ERROR');
    expect(inc?.errorMessage).toContain('correlation key');
    await expect(h.rt.resolveIncident(inc!.incidentKey!)).resolves.toBeUndefined();
    expect(await d.incidents(pi)).toHaveLength(1);
  });

  it('should start an instance by a message start event, one per correlation key at a time', async () => {
    await d.deploy(
      'mstart.bpmn',
      bpmn(
        'msg_start',
        [
          '<bpmn:startEvent id="start"><bpmn:messageEventDefinition messageRef="ms" /></bpmn:startEvent>',
          serviceTask('task', 'ms-task'),
          '<bpmn:endEvent id="end" />',
          chain(['start', 'task', 'end']),
        ].join('\n'),
        '<bpmn:message id="ms" name="apply" />',
      ),
    );
    await h.rt.publishMessage({ name: 'apply', correlationKey: 'p-1', variables: { who: 'a' }, timeToLive: 60_000 });
    await h.rt.publishMessage({ name: 'apply', correlationKey: 'p-1', variables: { who: 'b' }, timeToLive: 60_000 });
    await h.rt.publishMessage({ name: 'apply', correlationKey: 'p-2', variables: { who: 'c' } });
    const started = await h.rt.searchProcessInstances({ filter: { processDefinitionId: 'msg_start' } });
    expect(started.page.totalItems).toBe(2);
    const [job] = await d.jobs('ms-task', 1);
    expect(job?.variables).toEqual({ who: 'a' });
    await h.rt.completeJob(job!.jobKey, {});
    // the buffered second message starts the next instance for p-1 once the first has ended
    const next = await d.jobs('ms-task');
    expect(next.map((j) => j.variables.who).sort()).toEqual(['b', 'c']);
  });
});

describe('runtime: timers and the clock', () => {
  it('should fire an intermediate timer when the pinned clock passes it, also after a restart', async () => {
    await d.deploy(
      'timer.bpmn',
      bpmn(
        'timer_catch',
        [
          '<bpmn:startEvent id="start" />',
          '<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>',
          '<bpmn:endEvent id="end" />',
          chain(['start', 'wait', 'end']),
        ].join('\n'),
      ),
    );
    const pi = await d.start('timer_catch');
    await advance(30 * 60_000);
    expect(await d.state(pi)).toBe('ACTIVE');
    await h.restart();
    await advance(31 * 60_000);
    expect(await d.state(pi)).toBe('COMPLETED');
  });

  it('should fire timers that came due while the engine was down as soon as it starts', async () => {
    const pi = await d.start('timer_catch');
    // the engine is stopped inside restart(); the clock moves while nothing runs
    h.clock.pin(h.clock.now() + 2 * 3600_000);
    await h.restart();
    expect(await d.state(pi)).toBe('COMPLETED');
  });

  it('should interrupt a task with a boundary timer and repeat a non-interrupting cycle', async () => {
    await d.deploy(
      'boundary.bpmn',
      bpmn(
        'boundary_timer',
        [
          '<bpmn:startEvent id="start" />',
          serviceTask('task', 'slow'),
          '<bpmn:endEvent id="done" /><bpmn:endEvent id="late" /><bpmn:endEvent id="reminded" />',
          '<bpmn:boundaryEvent id="timeout" attachedToRef="task"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">PT10M</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>',
          '<bpmn:boundaryEvent id="remind" attachedToRef="task" cancelActivity="false"><bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">R2/PT3M</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:boundaryEvent>',
          flow('f1', 'start', 'task'),
          flow('f2', 'task', 'done'),
          flow('f3', 'timeout', 'late'),
          flow('f4', 'remind', 'reminded'),
        ].join('\n'),
      ),
    );
    const pi = await d.start('boundary_timer');
    await advance(3 * 60_000);
    await advance(3 * 60_000);
    await advance(3 * 60_000);
    let els = await d.elements(pi);
    expect(els.filter((e) => e === 'reminded:COMPLETED')).toHaveLength(2);
    expect(els).toContain('task:ACTIVE');
    await advance(2 * 60_000);
    els = await d.elements(pi);
    expect(els).toContain('task:TERMINATED');
    expect(els).toContain('late:COMPLETED');
    expect(await d.state(pi)).toBe('COMPLETED');
    expect(await d.jobs('slow')).toHaveLength(0);
  });

  it('should start instances from a timer start event', async () => {
    const at = new Date(T0 + 24 * 3600_000).toISOString();
    await d.deploy(
      'tstart.bpmn',
      bpmn(
        'timer_start',
        [
          `<bpmn:startEvent id="start"><bpmn:timerEventDefinition><bpmn:timeDate xsi:type="bpmn:tFormalExpression">${at}</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:startEvent>`,
          '<bpmn:endEvent id="end" />',
          chain(['start', 'end']),
        ].join('\n'),
      ),
    );
    await h.rt.pinClock(T0 + 25 * 3600_000);
    const r = await h.rt.searchProcessInstances({ filter: { processDefinitionId: 'timer_start' } });
    expect(r.items.map((p) => p.state)).toEqual(['COMPLETED']);
  });
});

describe('runtime: boundary errors, messages and escalations', () => {
  it('should catch a job error on a boundary and follow its flow', async () => {
    await d.deploy(
      'err.bpmn',
      bpmn(
        'err_boundary',
        [
          '<bpmn:startEvent id="start" />',
          serviceTask('task', 'err-task'),
          '<bpmn:endEvent id="ok" /><bpmn:endEvent id="failed" />',
          '<bpmn:boundaryEvent id="onErr" attachedToRef="task"><bpmn:errorEventDefinition errorRef="e1" /></bpmn:boundaryEvent>',
          flow('f1', 'start', 'task'),
          flow('f2', 'task', 'ok'),
          flow('f3', 'onErr', 'failed'),
        ].join('\n'),
        '<bpmn:error id="e1" errorCode="REJECTED" />',
      ),
    );
    const pi = await d.start('err_boundary');
    const [job] = await d.jobs('err-task');
    await h.rt.throwJobError(job!.jobKey, { errorCode: 'REJECTED', errorMessage: 'no', variables: { reason: 'x' } });
    expect(await d.elements(pi)).toEqual(
      expect.arrayContaining(['task:TERMINATED', 'onErr:COMPLETED', 'failed:COMPLETED']),
    );
    expect(await d.state(pi)).toBe('COMPLETED');
    expect(await d.vars(pi)).toMatchObject({ reason: 'x' });
  });

  it('should interrupt a user task with a message boundary', async () => {
    await d.deploy(
      'ut_msg.bpmn',
      bpmn(
        'ut_msg',
        [
          '<bpmn:startEvent id="start" />',
          '<bpmn:userTask id="ut"><bpmn:extensionElements><zeebe:userTask /></bpmn:extensionElements></bpmn:userTask>',
          '<bpmn:endEvent id="ok" /><bpmn:endEvent id="withdrawn" />',
          '<bpmn:boundaryEvent id="withdraw" attachedToRef="ut"><bpmn:messageEventDefinition messageRef="mw" /></bpmn:boundaryEvent>',
          flow('f1', 'start', 'ut'),
          flow('f2', 'ut', 'ok'),
          flow('f3', 'withdraw', 'withdrawn'),
        ].join('\n'),
        msg('mw', 'withdraw'),
      ),
    );
    const pi = await d.start('ut_msg', { key: 'w-1' });
    await h.rt.publishMessage({ name: 'withdraw', correlationKey: 'w-1' });
    expect(await d.state(pi)).toBe('COMPLETED');
    const [ut] = await d.userTasks(pi);
    expect(ut?.state).toBe('CANCELED');
  });

  it('should catch an escalation thrown inside a sub-process without interrupting it', async () => {
    await d.deploy(
      'esc.bpmn',
      bpmn(
        'esc',
        [
          '<bpmn:startEvent id="start" />',
          '<bpmn:subProcess id="sub">',
          '<bpmn:startEvent id="s_start" />',
          '<bpmn:intermediateThrowEvent id="raise"><bpmn:escalationEventDefinition escalationRef="esc1" /></bpmn:intermediateThrowEvent>',
          serviceTask('s_task', 'esc-task'),
          '<bpmn:endEvent id="s_end" />',
          flow('s1', 's_start', 'raise'),
          flow('s2', 'raise', 's_task'),
          flow('s3', 's_task', 's_end'),
          '</bpmn:subProcess>',
          '<bpmn:boundaryEvent id="onEsc" attachedToRef="sub" cancelActivity="false"><bpmn:escalationEventDefinition escalationRef="esc1" /></bpmn:boundaryEvent>',
          serviceTask('notify', 'esc-notify'),
          '<bpmn:endEvent id="end" /><bpmn:endEvent id="n_end" />',
          flow('f1', 'start', 'sub'),
          flow('f2', 'sub', 'end'),
          flow('f3', 'onEsc', 'notify'),
          flow('f4', 'notify', 'n_end'),
        ].join('\n'),
        '<bpmn:escalation id="esc1" escalationCode="LATE" />',
      ),
    );
    const pi = await d.start('esc');
    const [n] = await d.jobs('esc-notify');
    const [t] = await d.jobs('esc-task');
    expect(n && t).toBeTruthy();
    await h.rt.completeJob(n!.jobKey, {});
    expect(await d.state(pi)).toBe('ACTIVE');
    await h.rt.completeJob(t!.jobKey, {});
    expect(await d.state(pi)).toBe('COMPLETED');
  });
});

describe('runtime: event-based gateway and event sub-processes', () => {
  it('should follow whichever event of an event-based gateway comes first', async () => {
    await d.deploy(
      'ebg.bpmn',
      bpmn(
        'ebg',
        [
          '<bpmn:startEvent id="start" />',
          '<bpmn:eventBasedGateway id="gw" />',
          '<bpmn:intermediateCatchEvent id="answer"><bpmn:messageEventDefinition messageRef="ma" /></bpmn:intermediateCatchEvent>',
          '<bpmn:intermediateCatchEvent id="timeout"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P1D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>',
          '<bpmn:endEvent id="answered" /><bpmn:endEvent id="expired" />',
          flow('f1', 'start', 'gw'),
          flow('f2', 'gw', 'answer'),
          flow('f3', 'gw', 'timeout'),
          flow('f4', 'answer', 'answered'),
          flow('f5', 'timeout', 'expired'),
        ].join('\n'),
        msg('ma', 'answer'),
      ),
    );
    const a = await d.start('ebg', { key: 'e-1' });
    const b = await d.start('ebg', { key: 'e-2' });
    await h.rt.publishMessage({ name: 'answer', correlationKey: 'e-1', variables: { answer: 42 } });
    expect(await d.elements(a)).toContain('answered:COMPLETED');
    expect(await d.vars(a)).toMatchObject({ answer: 42 });
    await h.rt.pinClock(h.clock.now() + 86_400_001);
    expect(await d.elements(b)).toContain('expired:COMPLETED');
    expect(await d.elements(b)).not.toContain('answered:COMPLETED');
  });

  it('should interrupt the process with a message event sub-process and catch errors in an error event sub-process', async () => {
    await d.deploy(
      'esp.bpmn',
      bpmn(
        'esp',
        [
          '<bpmn:startEvent id="start" />',
          serviceTask('work', 'esp-work'),
          '<bpmn:endEvent id="end" />',
          flow('f1', 'start', 'work'),
          flow('f2', 'work', 'end'),
          '<bpmn:subProcess id="cancelSub" triggeredByEvent="true"><bpmn:startEvent id="cs"><bpmn:messageEventDefinition messageRef="mc" /></bpmn:startEvent><bpmn:endEvent id="ce" />' +
            flow('c1', 'cs', 'ce') +
            '</bpmn:subProcess>',
          '<bpmn:subProcess id="errSub" triggeredByEvent="true"><bpmn:startEvent id="es"><bpmn:errorEventDefinition /></bpmn:startEvent>' +
            serviceTask('handle', 'esp-handle') +
            '<bpmn:endEvent id="ee" />' +
            flow('e1', 'es', 'handle') +
            flow('e2', 'handle', 'ee') +
            '</bpmn:subProcess>',
        ].join('\n'),
        msg('mc', 'cancel'),
      ),
    );
    const a = await d.start('esp', { key: 'x-1' });
    await h.rt.publishMessage({ name: 'cancel', correlationKey: 'x-1' });
    expect(await d.state(a)).toBe('COMPLETED');
    expect(await d.elements(a)).toEqual(
      expect.arrayContaining(['work:TERMINATED', 'cancelSub:COMPLETED', 'ce:COMPLETED']),
    );

    const b = await d.start('esp', { key: 'x-2' });
    const [w] = (await d.jobs('esp-work')).filter((j) => j.processInstanceKey === b);
    await h.rt.throwJobError(w!.jobKey, { errorCode: 'ANY' });
    const [hj] = await d.jobs('esp-handle');
    await h.rt.completeJob(hj!.jobKey, {});
    expect(await d.state(b)).toBe('COMPLETED');
  });

  it('should keep the variables of two running non-interrupting event sub-process instances apart through input mappings (Zeebe: the event sub-process maps its inputs on activation)', async () => {
    await d.deploy(
      'esp_local.bpmn',
      bpmn(
        'esp_local',
        [
          '<bpmn:startEvent id="start" />',
          serviceTask('main', 'espl-main'),
          '<bpmn:endEvent id="end" />',
          flow('f1', 'start', 'main'),
          flow('f2', 'main', 'end'),
          '<bpmn:subProcess id="req" triggeredByEvent="true"><bpmn:extensionElements><zeebe:ioMapping><zeebe:input source="=null" target="requestId" /><zeebe:input source="=null" target="verdict" /></zeebe:ioMapping></bpmn:extensionElements>' +
            '<bpmn:startEvent id="rq" isInterrupting="false"><bpmn:messageEventDefinition messageRef="mr" /></bpmn:startEvent>' +
            serviceTask('decide', 'espl-decide') +
            serviceTask('record', 'espl-record') +
            '<bpmn:endEvent id="rqe" />' +
            flow('q1', 'rq', 'decide') +
            flow('q2', 'decide', 'record') +
            flow('q3', 'record', 'rqe') +
            '</bpmn:subProcess>',
        ].join('\n'),
        msg('mr', 'requested'),
      ),
    );
    const pi = await d.start('esp_local', { key: 'l-1' });
    await h.rt.publishMessage({ name: 'requested', correlationKey: 'l-1', variables: { requestId: 1, note: 'a' } });
    await h.rt.publishMessage({ name: 'requested', correlationKey: 'l-1', variables: { requestId: 2, note: 'b' } });
    const decides = await d.jobs('espl-decide');
    expect(decides).toHaveLength(2);
    // each job sees its own instance's id; a name without a local variable (note) still reaches the root
    expect(decides.map((j) => j.variables.requestId).sort()).toEqual([1, 2]);
    expect(await d.vars(pi)).not.toHaveProperty('requestId');
    expect(await d.vars(pi)).toHaveProperty('note');
    // results land in the nearest scope that has them: the first decided instance keeps its verdict
    const first = decides.find((j) => j.variables.requestId === 1)!;
    const second = decides.find((j) => j.variables.requestId === 2)!;
    await h.rt.completeJob(second.jobKey, { variables: { verdict: 'no' } });
    await h.rt.completeJob(first.jobKey, { variables: { verdict: 'yes' } });
    const records = await d.jobs('espl-record');
    expect(records.map((j) => [j.variables.requestId, j.variables.verdict]).sort()).toEqual([
      [1, 'yes'],
      [2, 'no'],
    ]);
    expect(await d.vars(pi)).not.toHaveProperty('verdict');
    for (const r of records) await h.rt.completeJob(r.jobKey, {});
    const [m] = await d.jobs('espl-main');
    await h.rt.completeJob(m!.jobKey, {});
    expect(await d.state(pi)).toBe('COMPLETED');
    expect((await d.elements(pi)).filter((e) => e === 'req:COMPLETED')).toHaveLength(2);
  });

  it('should run a non-interrupting timer event sub-process on every cycle while the process waits', async () => {
    await d.deploy(
      'esp_timer.bpmn',
      bpmn(
        'esp_timer',
        [
          '<bpmn:startEvent id="start" />',
          serviceTask('main', 'espt-main'),
          '<bpmn:endEvent id="end" />',
          flow('f1', 'start', 'main'),
          flow('f2', 'main', 'end'),
          '<bpmn:subProcess id="remind" triggeredByEvent="true"><bpmn:startEvent id="rs" isInterrupting="false"><bpmn:timerEventDefinition><bpmn:timeCycle xsi:type="bpmn:tFormalExpression">R2/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>' +
            serviceTask('nudge', 'espt-nudge') +
            '<bpmn:endEvent id="re" />' +
            flow('r1', 'rs', 'nudge') +
            flow('r2', 'nudge', 're') +
            '</bpmn:subProcess>',
        ].join('\n'),
      ),
    );
    const pi = await d.start('esp_timer');
    await h.rt.pinClock(h.clock.now() + 3600_000);
    await h.rt.pinClock(h.clock.now() + 3600_000);
    await h.rt.pinClock(h.clock.now() + 3600_000);
    const nudges = await d.jobs('espt-nudge');
    expect(nudges).toHaveLength(2);
    for (const n of nudges) await h.rt.completeJob(n.jobKey, {});
    const [m] = await d.jobs('espt-main');
    await h.rt.completeJob(m!.jobKey, {});
    expect(await d.state(pi)).toBe('COMPLETED');
    expect((await d.elements(pi)).filter((e) => e === 'remind:COMPLETED')).toHaveLength(2);
  });
});
