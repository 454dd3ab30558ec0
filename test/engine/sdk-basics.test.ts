/**
 * Deployments, definitions, instances, cluster and clock — through the official SDK only, with
 * response validation at 'fanatical', so every answer also matches the Camunda 8.8 contract.
 */
import {
  deployFixtures,
  eventually,
  fixtureFile,
  instanceState,
  NOW,
  rejection,
  startTestEngine,
  trail,
  type TestEngine,
} from '../support/engine';

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine('sdkbasics');
});
afterAll(async () => {
  await t?.stop();
});

describe('cluster', () => {
  it('should report one healthy broker leading partition 1 on 8.8', async () => {
    const topo = await t.sdk.getTopology();
    expect(topo).toEqual(expect.objectContaining({ clusterSize: 1, partitionsCount: 1, replicationFactor: 1 }));
    expect(topo.gatewayVersion).toMatch(/^8\.8\./);
    expect(topo.brokers).toHaveLength(1);
    expect(topo.brokers[0]!.partitions).toEqual([
      expect.objectContaining({ partitionId: 1, role: 'leader', health: 'healthy' }),
    ]);
  });

  it('should answer the status probe', async () => {
    await t.sdk.getStatus();
    const res = await fetch(`${t.engine.restAddress}/v2/status`);
    expect(res.status).toBe(204);
  });
});

describe('deployments and definitions', () => {
  it('should deploy a process and a form, and version a changed process per process id', async () => {
    const first = await deployFixtures(
      t.client,
      'sdk-basic-flow.bpmn',
      'sdk-start-form.bpmn',
      'sdk-start-form.form',
      'sdk-review-form.form',
    );
    expect(first.deploymentKey).toMatch(/^\d+$/);
    expect(first.tenantId).toBe('<default>');
    const basic = first.processes.find((p) => p.processDefinitionId === 'sdk-basic-flow')!;
    expect(basic).toEqual(
      expect.objectContaining({
        processDefinitionVersion: 1,
        resourceName: 'sdk-basic-flow.bpmn',
        tenantId: '<default>',
      }),
    );
    expect(first.forms.map((f) => f.formId).sort()).toEqual(['sdk-review-form', 'sdk-start-form']);

    // the same resource again is not a new version (Zeebe deduplicates unchanged resources)
    const again = await deployFixtures(t.client, 'sdk-basic-flow.bpmn');
    expect(again.processes[0]).toEqual(
      expect.objectContaining({ processDefinitionVersion: 1, processDefinitionKey: basic.processDefinitionKey }),
    );

    // a changed resource is version 2 under the same process id
    const xml = (await fixtureFile('sdk-basic-flow.bpmn').text()).replace('name="准备"', 'name="准备材料"');
    const v2 = await t.client.createDeployment({ resources: [new File([xml], 'sdk-basic-flow.bpmn')] } as never);
    expect(v2.processes[0]).toEqual(
      expect.objectContaining({ processDefinitionId: 'sdk-basic-flow', processDefinitionVersion: 2 }),
    );
    expect(v2.processes[0]!.processDefinitionKey).not.toBe(basic.processDefinitionKey);

    const search = await t.sdk.searchProcessDefinitions(
      { filter: { processDefinitionId: 'sdk-basic-flow' }, sort: [{ field: 'version', order: 'DESC' }] },
      NOW,
    );
    expect(search.items.map((d) => d.version)).toEqual([2, 1]);
    expect(search.page.totalItems).toBe(2);

    const def = await t.sdk.getProcessDefinition({ processDefinitionKey: basic.processDefinitionKey }, NOW);
    expect(def).toEqual(
      expect.objectContaining({ processDefinitionId: 'sdk-basic-flow', name: '基础流程', version: 1 }),
    );

    const xmlBack = await t.sdk.getProcessDefinitionXml({ processDefinitionKey: basic.processDefinitionKey }, NOW);
    expect(String(xmlBack)).toContain('id="sdk-basic-flow"');
  });

  it('should serve the linked start form of a process definition', async () => {
    const [d] = (await t.sdk.searchProcessDefinitions({ filter: { processDefinitionId: 'sdk-start-form' } }, NOW))
      .items;
    expect(d!.hasStartForm).toBe(true);
    const form = await t.sdk.getStartProcessForm({ processDefinitionKey: d!.processDefinitionKey! }, NOW);
    expect(form).toEqual(expect.objectContaining({ formId: 'sdk-start-form', version: 1 }));
    expect(JSON.stringify(form)).toContain('项目名称');
  });

  it('should answer unknown keys with 404 NOT_FOUND', async () => {
    expect(await rejection(t.sdk.getProcessDefinition({ processDefinitionKey: '2251799813685999' }, NOW))).toEqual(
      expect.objectContaining({ status: 404, title: 'NOT_FOUND' }),
    );
    expect(await rejection(t.sdk.getProcessInstance({ processInstanceKey: '2251799813685999' }, NOW))).toEqual(
      expect.objectContaining({ status: 404, title: 'NOT_FOUND' }),
    );
  });
});

describe('process instances', () => {
  it('should run none events, plain and manual tasks to completion and report the path taken', async () => {
    const pi = await t.sdk.createProcessInstance({
      processDefinitionId: 'sdk-basic-flow',
      processDefinitionVersion: 1,
      variables: { a: 1 },
    });
    expect(pi.processDefinitionVersion).toBe(1);
    await eventually(async () => expect(await instanceState(t.client, pi.processInstanceKey)).toBe('COMPLETED'));
    const path = await trail(t.client, pi.processInstanceKey);
    expect(path).toEqual(
      expect.arrayContaining(['Start:COMPLETED', 'Prepare:COMPLETED', 'Sign:COMPLETED', 'End:COMPLETED']),
    );
    expect(path.filter((p) => !p.endsWith(':COMPLETED'))).toEqual([]);
    const flows = await t.sdk.getProcessInstanceSequenceFlows({ processInstanceKey: pi.processInstanceKey }, NOW);
    expect(flows.items.map((f) => f.sequenceFlowId).sort()).toEqual(['F1', 'F2', 'F3']);
    const stats = await t.sdk.getProcessInstanceStatistics({ processInstanceKey: pi.processInstanceKey }, NOW);
    expect(stats.items.find((s) => s.elementId === 'Sign')).toEqual(
      expect.objectContaining({ completed: 1, active: 0, canceled: 0, incidents: 0 }),
    );
  });

  it('should create by definition key (latest by id by default) and await completion with fetched variables', async () => {
    const res = await t.sdk.createProcessInstance({
      processDefinitionId: 'sdk-basic-flow',
      variables: { x: 1, y: 'two', z: [3] },
      awaitCompletion: true,
      fetchVariables: ['x', 'z'],
      requestTimeout: 20_000,
    });
    expect(res.processDefinitionVersion).toBe(2);
    expect(res.variables).toEqual({ x: 1, z: [3] });

    const byKey = await t.sdk.createProcessInstance({ processDefinitionKey: res.processDefinitionKey });
    expect(byKey.processDefinitionKey).toBe(res.processDefinitionKey);
  });

  it('should cancel an active instance, search by state and refuse a second cancellation', async () => {
    const pi = await t.sdk.createProcessInstance({ processDefinitionId: 'sdk-start-form' });
    await eventually(async () => expect(await trail(t.client, pi.processInstanceKey)).toContain('Review:ACTIVE'));
    const active = await t.sdk.searchProcessInstances(
      { filter: { processDefinitionId: 'sdk-start-form', state: 'ACTIVE' } },
      NOW,
    );
    expect(active.items.map((i) => i.processInstanceKey)).toContain(pi.processInstanceKey);
    await t.sdk.cancelProcessInstance({ processInstanceKey: pi.processInstanceKey });
    expect(await instanceState(t.client, pi.processInstanceKey)).toBe('TERMINATED');
    expect(await trail(t.client, pi.processInstanceKey)).toContain('Review:TERMINATED');
    expect(await rejection(t.sdk.cancelProcessInstance({ processInstanceKey: pi.processInstanceKey }))).toEqual(
      expect.objectContaining({ status: 404 }),
    );
    const sorted = await t.sdk.searchProcessInstances(
      {
        filter: { processDefinitionId: 'sdk-basic-flow' },
        sort: [{ field: 'startDate', order: 'DESC' }],
        page: { from: 0, limit: 2 },
      },
      NOW,
    );
    expect(sorted.items).toHaveLength(2);
    expect(sorted.page.totalItems).toBeGreaterThanOrEqual(3);
  });

  it('should reject an unknown process id with 404 and a missing version', async () => {
    expect(await rejection(t.sdk.createProcessInstance({ processDefinitionId: 'no-such-process' }))).toEqual(
      expect.objectContaining({ status: 404, title: 'NOT_FOUND' }),
    );
    expect(
      await rejection(
        t.sdk.createProcessInstance({ processDefinitionId: 'sdk-basic-flow', processDefinitionVersion: 9 }),
      ),
    ).toEqual(expect.objectContaining({ status: 404 }));
  });
});

describe('clock', () => {
  it('should pin and reset the engine clock', async () => {
    const pinned = Date.parse('2030-06-01T08:00:00Z');
    await t.sdk.pinClock({ timestamp: pinned });
    const pi = await t.sdk.createProcessInstance({ processDefinitionId: 'sdk-basic-flow' });
    const got = await eventually(() => t.sdk.getProcessInstance({ processInstanceKey: pi.processInstanceKey }, NOW));
    expect(Date.parse(got.startDate)).toBe(pinned);
    await t.sdk.resetClock();
    const later = await t.sdk.createProcessInstance({ processDefinitionId: 'sdk-basic-flow' });
    const got2 = await t.sdk.getProcessInstance({ processInstanceKey: later.processInstanceKey }, NOW);
    expect(Math.abs(Date.parse(got2.startDate) - Date.now())).toBeLessThan(60_000);
  });
});
