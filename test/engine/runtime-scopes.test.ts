import { bpmn, chain, drivers, flow, serviceTask, startHarness, type Harness } from './fixtures/runtime-harness';

let h: Harness;
const d = drivers(() => h);

beforeAll(async () => {
  h = await startHarness('rt_scopes');
});
afterAll(async () => {
  await h.close();
});

describe('runtime: user tasks', () => {
  beforeAll(async () => {
    await d.deploy(
      'ut.bpmn',
      bpmn(
        'ut',
        [
          '<bpmn:startEvent id="start" />',
          '<bpmn:userTask id="review" name="初审"><bpmn:extensionElements><zeebe:userTask />' +
            '<zeebe:assignmentDefinition assignee="= owner" candidateGroups="reviewers, leaders" candidateUsers="= [&quot;li&quot;, &quot;wang&quot;]" />' +
            '<zeebe:taskSchedule dueDate="= due" followUpDate="2026-03-05T08:00:00+08:00" />' +
            '<zeebe:priorityDefinition priority="= 70" />' +
            '<zeebe:taskHeaders><zeebe:header key="rule" value="R7" /></zeebe:taskHeaders>' +
            '</bpmn:extensionElements></bpmn:userTask>',
          '<bpmn:endEvent id="end" />',
          chain(['start', 'review', 'end']),
        ].join('\n'),
      ),
    );
  });

  it('should create a user task with assignment, schedule, priority and headers', async () => {
    const pi = await d.start('ut', { owner: 'zhang', due: '2026-03-10T18:00:00+08:00' });
    const [t] = await d.userTasks(pi);
    expect(t).toMatchObject({
      name: '初审',
      state: 'CREATED',
      assignee: 'zhang',
      candidateGroups: ['reviewers', 'leaders'],
      candidateUsers: ['li', 'wang'],
      dueDate: '2026-03-10T10:00:00.000Z',
      followUpDate: '2026-03-05T00:00:00.000Z',
      priority: 70,
      customHeaders: { rule: 'R7' },
      elementId: 'review',
      processDefinitionId: 'ut',
    });
    const byGroup = await h.rt.searchUserTasks({
      filter: { candidateGroup: 'leaders', state: 'CREATED', processInstanceKey: pi },
    });
    expect(byGroup.items).toHaveLength(1);
    const none = await h.rt.searchUserTasks({ filter: { candidateGroup: 'leader', processInstanceKey: pi } });
    expect(none.items).toHaveLength(0);
  });

  it('should assign with allowOverride, unassign, update and complete with variables', async () => {
    const pi = await d.start('ut', { owner: 'zhang', due: '2026-03-10T18:00:00Z' });
    const [t] = await d.userTasks(pi);
    const key = t!.userTaskKey;
    await expect(h.rt.assignUserTask(key, { assignee: 'li', allowOverride: false })).rejects.toMatchObject({
      status: 409,
    });
    await h.rt.assignUserTask(key, { assignee: 'li' });
    expect((await h.rt.getUserTask(key)).assignee).toBe('li');
    await h.rt.unassignUserTask(key);
    expect((await h.rt.getUserTask(key)).assignee).toBeUndefined();
    await h.rt.assignUserTask(key, { assignee: 'wang', allowOverride: false });
    await h.rt.updateUserTask(key, {
      changeset: { priority: 10, candidateGroups: ['x'], dueDate: '2026-04-01T00:00:00Z' },
    });
    expect(await h.rt.getUserTask(key)).toMatchObject({
      priority: 10,
      candidateGroups: ['x'],
      dueDate: '2026-04-01T00:00:00.000Z',
    });
    await expect(h.rt.updateUserTask(key, { changeset: { priority: 101 } })).rejects.toMatchObject({ status: 400 });
    const vars = await h.rt.searchUserTaskVariables(key, {});
    expect(vars.items.map((v) => v.name).sort()).toEqual(['due', 'owner']);
    await h.rt.completeUserTask(key, { variables: { approved: true } });
    expect(await d.state(pi)).toBe('COMPLETED');
    expect(await d.vars(pi)).toMatchObject({ approved: true });
    const done = await h.rt.getUserTask(key);
    expect(done.state).toBe('COMPLETED');
    expect(done.completionDate).toBeDefined();
    await expect(h.rt.completeUserTask(key, {})).rejects.toMatchObject({ status: 404 });
    const sorted = await h.rt.searchUserTasks({
      filter: { processDefinitionId: 'ut' },
      sort: [{ field: 'priority', order: 'ASC' }],
    });
    expect(sorted.items[0]?.priority).toBe(10);
  });
});

describe('runtime: job-worker user tasks', () => {
  it('should hand a user task without zeebe:userTask to job workers of type io.camunda.zeebe:userTask', async () => {
    await d.deploy(
      'jwut.bpmn',
      bpmn(
        'jwut',
        [
          '<bpmn:startEvent id="start" />',
          '<bpmn:userTask id="legacy"><bpmn:extensionElements><zeebe:assignmentDefinition assignee="demo" candidateGroups="a,b" /></bpmn:extensionElements></bpmn:userTask>',
          '<bpmn:endEvent id="end" />',
          chain(['start', 'legacy', 'end']),
        ].join('\n'),
      ),
    );
    const pi = await d.start('jwut');
    expect(await d.userTasks(pi)).toHaveLength(0);
    const [job] = await d.jobs('io.camunda.zeebe:userTask');
    expect(job?.customHeaders).toMatchObject({
      'io.camunda.zeebe:assignee': 'demo',
      'io.camunda.zeebe:candidateGroups': '["a","b"]',
    });
    await h.rt.completeJob(job!.jobKey, { variables: { ok: true } });
    expect(await d.state(pi)).toBe('COMPLETED');
  });
});

describe('runtime: sub-processes and call activities', () => {
  it('should run an embedded sub-process with local scope and terminate everything at a terminate end event', async () => {
    await d.deploy(
      'sub.bpmn',
      bpmn(
        'sub',
        [
          '<bpmn:startEvent id="start" />',
          '<bpmn:subProcess id="sp"><bpmn:extensionElements><zeebe:ioMapping><zeebe:input source="= 1" target="local" /></zeebe:ioMapping></bpmn:extensionElements>',
          '<bpmn:startEvent id="sp_start" /><bpmn:parallelGateway id="sp_fork" />',
          serviceTask('sp_a', 'sub-a'),
          serviceTask('sp_b', 'sub-b'),
          '<bpmn:endEvent id="sp_term"><bpmn:terminateEventDefinition /></bpmn:endEvent><bpmn:endEvent id="sp_end" />',
          flow('s1', 'sp_start', 'sp_fork'),
          flow('s2', 'sp_fork', 'sp_a'),
          flow('s3', 'sp_fork', 'sp_b'),
          flow('s4', 'sp_a', 'sp_term'),
          flow('s5', 'sp_b', 'sp_end'),
          '</bpmn:subProcess>',
          serviceTask('after', 'sub-after'),
          '<bpmn:endEvent id="end" />',
          chain(['start', 'sp', 'after', 'end']),
        ].join('\n'),
      ),
    );
    const pi = await d.start('sub');
    const [a] = await d.jobs('sub-a');
    expect(a?.variables).toMatchObject({ local: 1 });
    await h.rt.completeJob(a!.jobKey, { variables: { fromA: 'yes' } });
    const els = await d.elements(pi);
    expect(els).toEqual(expect.arrayContaining(['sp_b:TERMINATED', 'sp_term:COMPLETED', 'sp:COMPLETED']));
    const [after] = await d.jobs('sub-after');
    expect(after?.variables).toEqual({ fromA: 'yes' });
    await h.rt.completeJob(after!.jobKey, {});
    expect(await d.state(pi)).toBe('COMPLETED');
  });

  it('should call a child process, pass variables both ways and propagate an uncaught child error to the parent boundary', async () => {
    await d.deploy(
      'child.bpmn',
      bpmn(
        'child',
        [
          '<bpmn:startEvent id="start" />',
          serviceTask('c_task', 'child-task'),
          '<bpmn:endEvent id="end" />',
          chain(['start', 'c_task', 'end']),
        ].join('\n'),
      ),
    );
    await d.deploy(
      'parent.bpmn',
      bpmn(
        'parent',
        [
          '<bpmn:startEvent id="start" />',
          '<bpmn:callActivity id="call"><bpmn:extensionElements><zeebe:calledElement processId="= childId" propagateAllChildVariables="true" /></bpmn:extensionElements></bpmn:callActivity>',
          '<bpmn:boundaryEvent id="childFailed" attachedToRef="call"><bpmn:errorEventDefinition errorRef="ce" /></bpmn:boundaryEvent>',
          '<bpmn:endEvent id="end" /><bpmn:endEvent id="failed" />',
          flow('f1', 'start', 'call'),
          flow('f2', 'call', 'end'),
          flow('f3', 'childFailed', 'failed'),
        ].join('\n'),
        '<bpmn:error id="ce" errorCode="CHILD_FAILED" />',
      ),
    );
    const pi = await d.start('parent', { childId: 'child', input: 7 });
    const [job] = await d.jobs('child-task');
    expect(job?.variables).toMatchObject({ input: 7, childId: 'child' });
    const children = await h.rt.searchProcessInstances({ filter: { parentProcessInstanceKey: pi } });
    expect(children.items[0]).toMatchObject({ processDefinitionId: 'child', parentProcessInstanceKey: pi });
    await expect(h.rt.cancelProcessInstance(children.items[0]!.processInstanceKey)).rejects.toMatchObject({
      status: 409,
    });
    await h.rt.completeJob(job!.jobKey, { variables: { output: 'done' } });
    expect(await d.state(pi)).toBe('COMPLETED');
    expect(await d.vars(pi)).toMatchObject({ output: 'done' });

    const pi2 = await d.start('parent', { childId: 'child' });
    const [job2] = await d.jobs('child-task');
    await h.rt.throwJobError(job2!.jobKey, { errorCode: 'CHILD_FAILED' });
    expect(await d.elements(pi2)).toEqual(expect.arrayContaining(['call:TERMINATED', 'failed:COMPLETED']));
    const child2 = await h.rt.searchProcessInstances({ filter: { parentProcessInstanceKey: pi2 } });
    expect(child2.items[0]?.state).toBe('TERMINATED');

    const pi3 = await d.start('parent', { childId: 'missing' });
    expect((await d.incidents(pi3))[0]?.errorType).toBe('CALLED_ELEMENT_ERROR');
  });
});

describe('runtime: multi-instance', () => {
  const mi = (id: string, sequential: boolean, extra = '') =>
    bpmn(
      id,
      [
        '<bpmn:startEvent id="start" />',
        `<bpmn:serviceTask id="each"><bpmn:extensionElements><zeebe:taskDefinition type="${id}-each" /></bpmn:extensionElements><bpmn:multiInstanceLoopCharacteristics isSequential="${sequential}"><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="= items" inputElement="item" outputCollection="results" outputElement="= item * 10" /></bpmn:extensionElements>${extra}</bpmn:multiInstanceLoopCharacteristics></bpmn:serviceTask>`,
        '<bpmn:endEvent id="end" />',
        chain(['start', 'each', 'end']),
      ].join('\n'),
    );

  it('should run parallel instances with loopCounter and collect outputs in order', async () => {
    await d.deploy('mip.bpmn', mi('mip', false));
    const pi = await d.start('mip', { items: [1, 2, 3] });
    const jobs = await d.jobs('mip-each');
    expect(jobs.map((j) => [j.variables.item, j.variables.loopCounter])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    for (const j of [...jobs].reverse()) await h.rt.completeJob(j.jobKey, {});
    expect(await d.state(pi)).toBe('COMPLETED');
    expect(await d.vars(pi)).toMatchObject({ results: [10, 20, 30] });
    const types = await h.rt.searchElementInstances({
      filter: { processInstanceKey: pi, type: 'MULTI_INSTANCE_BODY' },
    });
    expect(types.items).toHaveLength(1);
  });

  it('should run sequential instances one after another and stop at the completion condition', async () => {
    await d.deploy(
      'mis.bpmn',
      mi(
        'mis',
        true,
        '<bpmn:completionCondition xsi:type="bpmn:tFormalExpression">= numberOfCompletedInstances &gt;= 2</bpmn:completionCondition>',
      ),
    );
    const pi = await d.start('mis', { items: [1, 2, 3] });
    let jobs = await d.jobs('mis-each');
    expect(jobs).toHaveLength(1);
    await h.rt.completeJob(jobs[0]!.jobKey, {});
    jobs = await d.jobs('mis-each');
    expect(jobs.map((j) => j.variables.item)).toEqual([2]);
    await h.rt.completeJob(jobs[0]!.jobKey, {});
    expect(await d.state(pi)).toBe('COMPLETED');
    expect(await d.vars(pi)).toMatchObject({ results: [10, 20, null] });
  });

  it('should complete at once for an empty collection and raise EXTRACT_VALUE_ERROR for a non-list', async () => {
    const a = await d.start('mip', { items: [] });
    expect(await d.state(a)).toBe('COMPLETED');
    const b = await d.start('mip', { items: 'x' });
    expect((await d.incidents(b))[0]?.errorType).toBe('EXTRACT_VALUE_ERROR');
  });
});

describe('runtime: execution listeners', () => {
  it('should block the element on start and end listener jobs', async () => {
    await d.deploy(
      'el.bpmn',
      bpmn(
        'el',
        [
          '<bpmn:startEvent id="start" />',
          serviceTask(
            'task',
            'el-task',
            '<zeebe:executionListeners><zeebe:executionListener eventType="start" type="el-start" /><zeebe:executionListener eventType="end" type="el-end" retries="1" /></zeebe:executionListeners>',
          ),
          '<bpmn:endEvent id="end" />',
          chain(['start', 'task', 'end']),
        ].join('\n'),
      ),
    );
    const pi = await d.start('el');
    expect(await d.jobs('el-task')).toHaveLength(0);
    const [s] = await d.jobs('el-start');
    expect(s).toMatchObject({ kind: 'EXECUTION_LISTENER', listenerEventType: 'START' });
    await h.rt.completeJob(s!.jobKey, { variables: { checked: true } });
    const [t] = await d.jobs('el-task');
    expect(t?.variables).toMatchObject({ checked: true });
    await h.rt.completeJob(t!.jobKey, {});
    expect(await d.state(pi)).toBe('ACTIVE');
    const [e] = await d.jobs('el-end');
    expect(e).toMatchObject({ listenerEventType: 'END', retries: 1 });
    await h.rt.failJob(e!.jobKey, { retries: 0, errorMessage: 'x' });
    expect((await d.incidents(pi))[0]?.errorType).toBe('EXECUTION_LISTENER_NO_RETRIES');
    await h.rt.updateJob(e!.jobKey, { changeset: { retries: 1 } });
    await h.rt.resolveIncident((await d.incidents(pi))[0]!.incidentKey!);
    const [e2] = await d.jobs('el-end');
    await h.rt.completeJob(e2!.jobKey, {});
    expect(await d.state(pi)).toBe('COMPLETED');
  });
});

describe('runtime: process execution listeners', () => {
  it('should run the process start listener before the start event and the end listener last', async () => {
    const xml = bpmn(
      'pel',
      ['<bpmn:startEvent id="start" />', '<bpmn:endEvent id="end" />', chain(['start', 'end'])].join('\n'),
    ).replace(
      '<bpmn:process id="pel" isExecutable="true">',
      '<bpmn:process id="pel" isExecutable="true"><bpmn:extensionElements><zeebe:executionListeners><zeebe:executionListener eventType="start" type="pel-start" /><zeebe:executionListener eventType="end" type="pel-end" /></zeebe:executionListeners></bpmn:extensionElements>',
    );
    await d.deploy('pel.bpmn', xml);
    const pi = await d.start('pel');
    expect(await d.elements(pi)).toEqual([]);
    const [s] = await d.jobs('pel-start');
    expect(s).toMatchObject({ elementId: 'pel', kind: 'EXECUTION_LISTENER', listenerEventType: 'START' });
    await h.rt.completeJob(s!.jobKey, {});
    expect(await d.elements(pi)).toEqual(['start:COMPLETED', 'end:COMPLETED']);
    expect(await d.state(pi)).toBe('ACTIVE');
    const [e] = await d.jobs('pel-end');
    await h.rt.completeJob(e!.jobKey, {});
    expect(await d.state(pi)).toBe('COMPLETED');
  });
});

describe('runtime: durability', () => {
  it('should keep waiting jobs, user tasks and keys across a restart', async () => {
    await d.deploy(
      'dur.bpmn',
      bpmn(
        'dur',
        [
          '<bpmn:startEvent id="start" />',
          serviceTask('task', 'dur'),
          '<bpmn:userTask id="ut"><bpmn:extensionElements><zeebe:userTask /></bpmn:extensionElements></bpmn:userTask>',
          '<bpmn:endEvent id="end" />',
          chain(['start', 'task', 'ut', 'end']),
        ].join('\n'),
      ),
    );
    const pi = await d.start('dur', { n: 1 });
    await h.restart();
    const [job] = await d.jobs('dur');
    expect(job?.processInstanceKey).toBe(pi);
    await h.rt.completeJob(job!.jobKey, {});
    await h.restart();
    const [t] = await d.userTasks(pi);
    await h.rt.completeUserTask(t!.userTaskKey, {});
    expect(await d.state(pi)).toBe('COMPLETED');
    const next = await d.start('dur');
    expect(BigInt(next)).toBeGreaterThan(BigInt(pi));
  });
});
