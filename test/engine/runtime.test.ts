import { bpmn, chain, drivers, flow, res, serviceTask, startHarness, type Harness } from './fixtures/runtime-harness';

let h: Harness;
const d = drivers(() => h);

beforeAll(async () => {
  h = await startHarness('rt_core');
});
afterAll(async () => {
  await h.close();
});

describe('runtime: deployment', () => {
  const xml = bpmn(
    'dep_v',
    [
      '<bpmn:startEvent id="start" />',
      serviceTask('task', 'dep'),
      '<bpmn:endEvent id="end" />',
      chain(['start', 'task', 'end']),
    ].join('\n'),
  );

  it('should return the same version for an identical resource and a new one when it changed', async () => {
    const a = await h.rt.deployResources([res('v.bpmn', xml)]);
    const b = await h.rt.deployResources([res('v.bpmn', xml)]);
    expect(b.deployments[0]?.processDefinition?.processDefinitionKey).toBe(
      a.deployments[0]?.processDefinition?.processDefinitionKey,
    );
    const c = await h.rt.deployResources([res('v.bpmn', xml.replace('name="task"', 'name="changed"'))]);
    expect(c.deployments[0]?.processDefinition?.processDefinitionVersion).toBe(2);
    const latest = await h.rt.searchProcessDefinitions({
      filter: { processDefinitionId: 'dep_v', isLatestVersion: true },
    });
    expect(latest.items?.map((p) => p.version)).toEqual([2]);
    expect(latest.page.totalItems).toBe(1);
    const xmlBack = await h.rt.getProcessDefinitionXml(c.deployments[0]!.processDefinition!.processDefinitionKey);
    expect(xmlBack).toContain('name="changed"');
  });

  it('should reject DOCTYPE, broken XML, unsupported elements, missing job types and bad FEEL, naming each element', async () => {
    const bad = [
      res('doctype.bpmn', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]><x>&e;</x>'),
      res('broken.bpmn', '<bpmn:definitions'),
      res(
        'many.bpmn',
        bpmn(
          'bad_many',
          [
            '<bpmn:startEvent id="start" />',
            '<bpmn:complexGateway id="cg" />',
            '<bpmn:serviceTask id="noType" />',
            '<bpmn:exclusiveGateway id="xor" />',
            '<bpmn:endEvent id="e1" /><bpmn:endEvent id="e2" />',
            '<bpmn:intermediateCatchEvent id="sig"><bpmn:signalEventDefinition /></bpmn:intermediateCatchEvent>',
            flow('f1', 'start', 'noType'),
            flow('f2', 'noType', 'xor'),
            flow('f3', 'xor', 'e1', '= x >'),
            flow('f4', 'xor', 'e2'),
            flow('f5', 'start', 'cg'),
            flow('f6', 'start', 'sig'),
          ].join('\n'),
        ),
      ),
    ];
    for (const r of bad) {
      await expect(h.rt.deployResources([r])).rejects.toMatchObject({ status: 400 });
    }
    const err = await h.rt.deployResources([bad[2]!]).catch((e: Error) => e);
    const msg = (err as Error).message;
    for (const id of ['cg', 'noType', 'f3', 'xor', 'sig']) expect(msg).toContain(id);
  });

  it('should reject message catches without correlation key, call activities without processId and timers that do not parse', async () => {
    const xml2 = bpmn(
      'bad_events',
      [
        '<bpmn:startEvent id="start" />',
        '<bpmn:intermediateCatchEvent id="noKey"><bpmn:messageEventDefinition messageRef="m" /></bpmn:intermediateCatchEvent>',
        '<bpmn:callActivity id="noProc" />',
        '<bpmn:intermediateCatchEvent id="badTimer"><bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">soon</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>',
        '<bpmn:userTask id="ut"><bpmn:extensionElements><zeebe:userTask /><zeebe:priorityDefinition priority="500" /></bpmn:extensionElements></bpmn:userTask>',
        '<bpmn:endEvent id="end" />',
        chain(['start', 'noKey', 'noProc', 'badTimer', 'ut', 'end']),
      ].join('\n'),
      '<bpmn:message id="m" name="m" />',
    );
    const err = (await h.rt.deployResources([res('events.bpmn', xml2)]).catch((e: Error) => e)) as Error & {
      status: number;
    };
    expect(err.status).toBe(400);
    for (const id of ['noKey', 'noProc', 'badTimer', 'ut']) expect(err.message).toContain(`Element: ${id}`);
    expect(err.message).toContain('correlationKey');
    expect(err.message).toContain('processId');
  });

  it('should reject conditions and default flows outside exclusive and inclusive gateways', async () => {
    const xml3 = bpmn(
      'bad_cond',
      [
        '<bpmn:startEvent id="start" />',
        serviceTask('t', 'c'),
        '<bpmn:endEvent id="a" /><bpmn:endEvent id="b" />',
        flow('f1', 'start', 't'),
        flow('fa', 't', 'a', '= x'),
        flow('fb', 't', 'b'),
      ].join('\n'),
    );
    const err = (await h.rt.deployResources([res('cond.bpmn', xml3)]).catch((e: Error) => e)) as Error;
    expect(err.message).toContain('Element: fa');
  });

  it('should reject resources that are neither BPMN nor forms, and forms without an id', async () => {
    await expect(h.rt.deployResources([res('x.dmn', '<definitions />')])).rejects.toMatchObject({ status: 400 });
    await expect(h.rt.deployResources([res('x.form', '{"components":[]}')])).rejects.toMatchObject({ status: 400 });
    await expect(h.rt.deployResources([res('x.form', 'not json')])).rejects.toMatchObject({ status: 400 });
  });

  it('should reject two resources declaring the same process id', async () => {
    await expect(h.rt.deployResources([res('a.bpmn', xml), res('b.bpmn', xml)])).rejects.toMatchObject({ status: 400 });
  });

  it('should deploy a form and link the latest version to a user task', async () => {
    const form = (label: string) =>
      JSON.stringify({ id: 'approve_form', type: 'default', components: [{ type: 'textfield', key: 'x', label }] });
    const f1 = await h.rt.deployResources([res('approve.form', form('a'))]);
    expect(f1.deployments[0]?.form).toMatchObject({ formId: 'approve_form', version: 1 });
    const f2 = await h.rt.deployResources([res('approve.form', form('b'))]);
    expect(f2.deployments[0]?.form?.version).toBe(2);
    const p = bpmn(
      'with_form',
      [
        '<bpmn:startEvent id="start" />',
        '<bpmn:userTask id="ut" name="审批"><bpmn:extensionElements><zeebe:userTask /><zeebe:formDefinition formId="approve_form" /></bpmn:extensionElements></bpmn:userTask>',
        '<bpmn:endEvent id="end" />',
        chain(['start', 'ut', 'end']),
      ].join('\n'),
    );
    await d.deploy('with_form.bpmn', p);
    const pi = await d.start('with_form');
    const [ut] = await d.userTasks(pi);
    expect(ut?.formKey).toBe(f2.deployments[0]?.form?.formKey);
    const form2 = await h.rt.getUserTaskForm(ut!.userTaskKey);
    expect(form2.version).toBe(2);
    expect(JSON.stringify(form2.schema)).toContain('"b"');
  });
});

describe('runtime: jobs', () => {
  const xml = bpmn(
    'jobs',
    [
      '<bpmn:startEvent id="start" />',
      serviceTask('task', 'jw', '<zeebe:taskHeaders><zeebe:header key="k" value="v" /></zeebe:taskHeaders>'),
      '<bpmn:endEvent id="end" />',
      chain(['start', 'task', 'end']),
    ].join('\n'),
  );
  beforeAll(async () => {
    await d.deploy('jobs.bpmn', xml);
  });

  it('should complete a job, propagate variables and refuse a second completion with 404', async () => {
    const pi = await d.start('jobs', { a: 1 });
    const [job] = await d.jobs('jw');
    expect(job).toMatchObject({
      elementId: 'task',
      customHeaders: { k: 'v' },
      retries: 3,
      kind: 'BPMN_ELEMENT',
      listenerEventType: 'UNSPECIFIED',
      variables: { a: 1 },
    });
    await h.rt.completeJob(job!.jobKey, { variables: { b: 2 } });
    expect(await d.state(pi)).toBe('COMPLETED');
    expect(await d.vars(pi)).toEqual({ a: 1, b: 2 });
    await expect(h.rt.completeJob(job!.jobKey, {})).rejects.toMatchObject({ status: 404, title: 'NOT_FOUND' });
  });

  it('should hand an activated job out only once and again after its timeout', async () => {
    await d.start('jobs');
    const first = await h.rt.activateJobs({ type: 'jw', worker: 'a', timeout: 1000, maxJobsToActivate: 1 });
    expect(first.jobs).toHaveLength(1);
    expect((await d.jobs('jw')).length).toBe(0);
    h.clock.pin(h.clock.now() + 1001);
    await h.rt.pinClock(h.clock.now());
    const again = await d.jobs('jw');
    expect(again.map((j) => j.jobKey)).toEqual([first.jobs[0]!.jobKey]);
    await h.rt.completeJob(again[0]!.jobKey, {});
  });

  it('should retry after back-off and raise JOB_NO_RETRIES, resolvable only after retries were updated', async () => {
    const pi = await d.start('jobs');
    let [job] = await d.jobs('jw');
    await h.rt.failJob(job!.jobKey, { retries: 1, errorMessage: 'boom', retryBackOff: 5000 });
    expect(await d.jobs('jw')).toHaveLength(0);
    await expect(h.rt.completeJob(job!.jobKey, {})).rejects.toMatchObject({ status: 409, title: 'INVALID_STATE' });
    await h.rt.pinClock(h.clock.now() + 5000);
    [job] = await d.jobs('jw');
    expect(job?.retries).toBe(1);
    await h.rt.failJob(job!.jobKey, { retries: 0, errorMessage: 'still broken' });
    const [inc] = await d.incidents(pi);
    expect(inc).toMatchObject({
      errorType: 'JOB_NO_RETRIES',
      errorMessage: 'still broken',
      jobKey: job!.jobKey,
      elementId: 'task',
    });
    expect((await h.rt.getProcessInstance(pi)).hasIncident).toBe(true);
    await expect(h.rt.resolveIncident(inc!.incidentKey!)).rejects.toMatchObject({ status: 409 });
    await h.rt.updateJob(job!.jobKey, { changeset: { retries: 2 } });
    await h.rt.resolveIncident(inc!.incidentKey!);
    expect((await h.rt.getProcessInstance(pi)).hasIncident).toBe(false);
    [job] = await d.jobs('jw');
    expect(job?.retries).toBe(2);
    await h.rt.completeJob(job!.jobKey, {});
    expect(await d.state(pi)).toBe('COMPLETED');
    await expect(h.rt.resolveIncident(inc!.incidentKey!)).rejects.toMatchObject({ status: 404 });
  });

  it('should raise UNHANDLED_ERROR_EVENT when a job error is not caught', async () => {
    const pi = await d.start('jobs');
    const [job] = await d.jobs('jw');
    await h.rt.throwJobError(job!.jobKey, { errorCode: 'E1', errorMessage: 'nope' });
    const [inc] = await d.incidents(pi);
    expect(inc?.errorType).toBe('UNHANDLED_ERROR_EVENT');
    expect(inc?.errorMessage).toContain("'E1'");
  });

  it('should notify job listeners when jobs become activatable', async () => {
    const seen: string[] = [];
    const off = h.rt.onJobsAvailable((t) => seen.push(t));
    await d.start('jobs');
    off();
    expect(seen).toContain('jw');
    for (const j of await d.jobs('jw')) await h.rt.completeJob(j.jobKey, {});
  });

  it('should evaluate FEEL job types and retries', async () => {
    await d.deploy(
      'feeljob.bpmn',
      bpmn(
        'feeljob',
        [
          '<bpmn:startEvent id="start" />',
          serviceTask('task', '=&quot;dyn-&quot; + kind').replace('/>', ' retries="=2" />'),
          '<bpmn:endEvent id="end" />',
          chain(['start', 'task', 'end']),
        ].join('\n'),
      ),
    );
    const pi = await d.start('feeljob', { kind: 'x' });
    const [job] = await d.jobs('dyn-x');
    expect(job?.retries).toBe(2);
    await h.rt.completeJob(job!.jobKey, {});
    expect(await d.state(pi)).toBe('COMPLETED');
  });
});

describe('runtime: gateways and variables', () => {
  it('should take the matching exclusive flow, the default otherwise, and raise CONDITION_ERROR when nothing matches', async () => {
    const body = [
      '<bpmn:startEvent id="start" />',
      '<bpmn:exclusiveGateway id="xor" default="fDef" />',
      '<bpmn:endEvent id="big" /><bpmn:endEvent id="small" />',
      flow('f1', 'start', 'xor'),
      flow('fBig', 'xor', 'big', '= x > 10'),
      flow('fDef', 'xor', 'small'),
    ].join('\n');
    await d.deploy('xor.bpmn', bpmn('xor_p', body));
    const a = await d.start('xor_p', { x: 11 });
    expect(await d.elements(a)).toContain('big:COMPLETED');
    const b = await d.start('xor_p', { x: 1 });
    expect(await d.elements(b)).toContain('small:COMPLETED');
    const flows = await h.rt.getProcessInstanceSequenceFlows(b);
    expect(flows.items?.map((f) => f.sequenceFlowId).sort()).toEqual(['f1', 'fDef']);

    await d.deploy(
      'xor2.bpmn',
      bpmn(
        'xor2_p',
        body
          .replace(' default="fDef"', '')
          .replace(flow('fDef', 'xor', 'small'), flow('fDef', 'xor', 'small', '= x < 0')),
      ),
    );
    const c = await d.start('xor2_p', { x: 1 });
    const [inc] = await d.incidents(c);
    expect(inc?.errorType).toBe('CONDITION_ERROR');
    const e = await d.start('xor2_p', {});
    expect((await d.incidents(e))[0]?.errorType).toBe('CONDITION_ERROR');
  });

  it('should join parallel branches once every incoming flow arrived', async () => {
    await d.deploy(
      'par.bpmn',
      bpmn(
        'par',
        [
          '<bpmn:startEvent id="start" />',
          '<bpmn:parallelGateway id="fork" /><bpmn:parallelGateway id="join" />',
          serviceTask('a', 'par-a'),
          serviceTask('b', 'par-b'),
          serviceTask('after', 'par-after'),
          '<bpmn:endEvent id="end" />',
          flow('f0', 'start', 'fork'),
          flow('fa', 'fork', 'a'),
          flow('fb', 'fork', 'b'),
          flow('fa2', 'a', 'join'),
          flow('fb2', 'b', 'join'),
          flow('fj', 'join', 'after'),
          flow('fe', 'after', 'end'),
        ].join('\n'),
      ),
    );
    const pi = await d.start('par');
    const [a] = await d.jobs('par-a');
    await h.rt.completeJob(a!.jobKey, { variables: { fromA: true } });
    expect(await d.jobs('par-after')).toHaveLength(0);
    const [b] = await d.jobs('par-b');
    await h.rt.completeJob(b!.jobKey, { variables: { fromB: true } });
    const [after] = await d.jobs('par-after');
    expect(after?.variables).toEqual({ fromA: true, fromB: true });
    await h.rt.completeJob(after!.jobKey, {});
    expect(await d.state(pi)).toBe('COMPLETED');
    const stats = await h.rt.getProcessInstanceElementStatistics(pi);
    expect(stats.items?.find((s) => s.elementId === 'join')).toMatchObject({ completed: 1, active: 0 });
  });

  it('should fork an inclusive gateway by conditions and join only the taken branches', async () => {
    await d.deploy(
      'incl.bpmn',
      bpmn(
        'incl',
        [
          '<bpmn:startEvent id="start" />',
          '<bpmn:inclusiveGateway id="fork" /><bpmn:inclusiveGateway id="join" />',
          serviceTask('a', 'inc-a'),
          serviceTask('b', 'inc-b'),
          serviceTask('c', 'inc-c'),
          '<bpmn:endEvent id="end" />',
          flow('f0', 'start', 'fork'),
          flow('fa', 'fork', 'a', '= a'),
          flow('fb', 'fork', 'b', '= b'),
          flow('fc', 'fork', 'c', '= c'),
          flow('fa2', 'a', 'join'),
          flow('fb2', 'b', 'join'),
          flow('fc2', 'c', 'join'),
          flow('fe', 'join', 'end'),
        ].join('\n'),
      ),
    );
    const pi = await d.start('incl', { a: true, b: false, c: true });
    expect(await d.jobs('inc-b')).toHaveLength(0);
    const [a] = await d.jobs('inc-a');
    await h.rt.completeJob(a!.jobKey, {});
    expect(await d.state(pi)).toBe('ACTIVE');
    const [c] = await d.jobs('inc-c');
    await h.rt.completeJob(c!.jobKey, {});
    expect(await d.state(pi)).toBe('COMPLETED');
  });

  it('should let an inclusive join fire when a taken branch ends elsewhere', async () => {
    await d.deploy(
      'incl2.bpmn',
      bpmn(
        'incl2',
        [
          '<bpmn:startEvent id="start" />',
          '<bpmn:inclusiveGateway id="fork" /><bpmn:inclusiveGateway id="join" />',
          serviceTask('a', 'inc2-a'),
          serviceTask('b', 'inc2-b'),
          '<bpmn:exclusiveGateway id="xb" default="toJoin" />',
          serviceTask('after', 'inc2-after'),
          '<bpmn:endEvent id="end" /><bpmn:endEvent id="bEnd" />',
          flow('f0', 'start', 'fork'),
          flow('fa', 'fork', 'a', '= true'),
          flow('fb', 'fork', 'b', '= true'),
          flow('fa2', 'a', 'join'),
          flow('fb2', 'b', 'xb'),
          flow('toEnd', 'xb', 'bEnd', '= skip'),
          flow('toJoin', 'xb', 'join'),
          flow('fj', 'join', 'after'),
          flow('fe', 'after', 'end'),
        ].join('\n'),
      ),
    );
    const pi = await d.start('incl2', { skip: true });
    const [a] = await d.jobs('inc2-a');
    await h.rt.completeJob(a!.jobKey, {});
    expect(await d.jobs('inc2-after')).toHaveLength(0);
    const [b] = await d.jobs('inc2-b');
    await h.rt.completeJob(b!.jobKey, {});
    const [after] = await d.jobs('inc2-after');
    expect(after).toBeDefined();
    await h.rt.completeJob(after!.jobKey, {});
    expect(await d.state(pi)).toBe('COMPLETED');
  });

  it('should apply input mappings locally and output mappings to the parent scope', async () => {
    await d.deploy(
      'io.bpmn',
      bpmn(
        'io',
        [
          '<bpmn:startEvent id="start" />',
          serviceTask(
            'task',
            'io',
            '<zeebe:ioMapping><zeebe:input source="= order.amount * 2" target="doubled" /><zeebe:output source="= result + 1" target="final" /><zeebe:output source="= doubled" target="nested.d" /></zeebe:ioMapping>',
          ),
          '<bpmn:endEvent id="end" />',
          chain(['start', 'task', 'end']),
        ].join('\n'),
      ),
    );
    const pi = await d.start('io', { order: { amount: 21 } });
    const [job] = await d.jobs('io');
    expect(job?.variables).toMatchObject({ doubled: 42, order: { amount: 21 } });
    await h.rt.completeJob(job!.jobKey, { variables: { result: 9, ignored: 'x' } });
    expect(await d.vars(pi)).toEqual({ order: { amount: 21 }, final: 10, nested: { d: 42 } });
  });

  it('should raise IO_MAPPING_ERROR on a failing mapping and retry it after resolution', async () => {
    await d.deploy(
      'iofail.bpmn',
      bpmn(
        'iofail',
        [
          '<bpmn:startEvent id="start" />',
          serviceTask(
            'task',
            'iofail',
            '<zeebe:ioMapping><zeebe:input source="= assert(x, x != null)" target="y" /></zeebe:ioMapping>',
          ),
          '<bpmn:endEvent id="end" />',
          chain(['start', 'task', 'end']),
        ].join('\n'),
      ),
    );
    const pi = await d.start('iofail', {});
    const [inc] = await d.incidents(pi);
    expect(inc?.errorType).toBe('IO_MAPPING_ERROR');
    await h.rt.resolveIncident(inc!.incidentKey!);
    const again = await d.incidents(pi);
    expect(again).toHaveLength(1);
    expect(again[0]?.incidentKey).not.toBe(inc!.incidentKey);
  });

  it('should run a FEEL script task with a result variable', async () => {
    await d.deploy(
      'script.bpmn',
      bpmn(
        'script',
        [
          '<bpmn:startEvent id="start" />',
          '<bpmn:scriptTask id="s"><bpmn:extensionElements><zeebe:script expression="= sum(items)" resultVariable="total" /></bpmn:extensionElements></bpmn:scriptTask>',
          '<bpmn:endEvent id="end" />',
          chain(['start', 's', 'end']),
        ].join('\n'),
      ),
    );
    const pi = await d.start('script', { items: [1, 2, 3] });
    expect(await d.vars(pi)).toMatchObject({ total: 6 });
    expect(await d.state(pi)).toBe('COMPLETED');
  });
});

describe('runtime: queries', () => {
  it('should search with filters, sorting and both paging styles', async () => {
    await d.deploy(
      'q.bpmn',
      bpmn(
        'q',
        [
          '<bpmn:startEvent id="start" />',
          serviceTask('task', 'q'),
          '<bpmn:endEvent id="end" />',
          chain(['start', 'task', 'end']),
        ].join('\n'),
      ),
    );
    const keys: string[] = [];
    for (let i = 0; i < 5; i++) keys.push(await d.start('q', { i }));
    const page1 = await h.rt.searchProcessInstances({
      filter: { processDefinitionId: 'q' },
      sort: [{ field: 'processInstanceKey', order: 'DESC' }],
      page: { from: 0, limit: 2 },
    });
    expect(page1.page.totalItems).toBe(5);
    expect(page1.items.map((p) => p.processInstanceKey)).toEqual([keys[4], keys[3]]);
    const page2 = await h.rt.searchProcessInstances({
      filter: { processDefinitionId: 'q' },
      sort: [{ field: 'processInstanceKey', order: 'DESC' }],
      page: { after: page1.page.endCursor!, limit: 2 },
    });
    expect(page2.items.map((p) => p.processInstanceKey)).toEqual([keys[2], keys[1]]);
    const byVar = await h.rt.searchProcessInstances({
      filter: { processDefinitionId: 'q', variables: [{ name: 'i', value: '3' }] },
    });
    expect(byVar.items.map((p) => p.processInstanceKey)).toEqual([keys[3]]);
    const inSet = await h.rt.searchProcessInstances({ filter: { processInstanceKey: { $in: [keys[0]!, keys[1]!] } } });
    expect(inSet.page.totalItems).toBe(2);
    const like = await h.rt.searchProcessDefinitions({ filter: { processDefinitionId: { $like: 'q*' } } });
    expect(like.items?.some((p) => p.processDefinitionId === 'q')).toBe(true);
    await expect(h.rt.searchProcessInstances({ filter: { nope: 1 } } as never)).rejects.toMatchObject({ status: 400 });
    await expect(h.rt.getProcessInstance('123')).rejects.toMatchObject({ status: 404 });
    const stats = await h.rt.getProcessDefinitionElementStatistics(
      (await h.rt.getProcessInstance(keys[0]!)).processDefinitionKey,
      {},
    );
    expect(stats.items.find((s) => s.elementId === 'task')?.active).toBe(5);
    const cancelled = keys[0]!;
    await h.rt.cancelProcessInstance(cancelled);
    expect(await d.state(cancelled)).toBe('TERMINATED');
    expect(await d.elements(cancelled)).toContain('task:TERMINATED');
    await expect(h.rt.cancelProcessInstance(cancelled)).rejects.toMatchObject({ status: 404 });
  });
});
