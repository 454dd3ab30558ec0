import { bpmn, chain, res, serviceTask, startHarness, type Harness } from './fixtures/runtime-harness';

describe('runtime: service tasks and jobs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness('rt_core');
  });
  afterAll(async () => {
    await h.close();
  });

  it('should run a process through one service task', async () => {
    const xml = bpmn(
      'one_task',
      [
        '<bpmn:startEvent id="start" />',
        serviceTask('task', 'work'),
        '<bpmn:endEvent id="end" />',
        chain(['start', 'task', 'end']),
      ].join('\n'),
    );
    const dep = await h.rt.deployResources([res('one.bpmn', xml)]);
    const pd = dep.deployments[0]?.processDefinition;
    expect(pd?.processDefinitionId).toBe('one_task');
    expect(pd?.processDefinitionVersion).toBe(1);
    const pi = await h.rt.createProcessInstance({ processDefinitionId: 'one_task', variables: { a: 1 } });
    const { jobs } = await h.rt.activateJobs({ type: 'work', worker: 'w', timeout: 10000, maxJobsToActivate: 5 });
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.variables).toEqual({ a: 1 });
    await h.rt.completeJob(jobs[0]!.jobKey, { variables: { b: 2 } });
    const got = await h.rt.getProcessInstance(pi.processInstanceKey);
    expect(got.state).toBe('COMPLETED');
    const vars = await h.rt.searchVariables({ filter: { processInstanceKey: pi.processInstanceKey } });
    expect(vars.items.map((v) => [v.name, v.value]).sort()).toEqual([
      ['a', '1'],
      ['b', '2'],
    ]);
    await expect(h.rt.completeJob(jobs[0]!.jobKey, {})).rejects.toMatchObject({ status: 404 });
  });
});
