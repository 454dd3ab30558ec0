/**
 * Malformed and hostile input against the real engine: bad XML, DOCTYPE/entity payloads, unknown
 * elements, invalid FEEL, missing job types, oversize bodies, bad keys, wrong JSON types. Every
 * answer is a 4xx problem+json (never 5xx) and nothing that existed before is lost or changed.
 */
import {
  deployFixtures,
  fixtureFile,
  instanceState,
  NOW,
  rejection,
  startTestEngine,
  trail,
  type TestEngine,
} from '../support/engine';

let t: TestEngine;
let waitingInstance: string;
let definitionsBefore: number;

beforeAll(async () => {
  t = await startTestEngine('sdkhostile');
  await deployFixtures(t.client, 'sdk-restart-user.bpmn', 'sdk-restart-job.bpmn');
  waitingInstance = (await t.sdk.createProcessInstance({ processDefinitionId: 'sdk-restart-user' })).processInstanceKey;
  definitionsBefore = (await t.sdk.searchProcessDefinitions({}, NOW)).page.totalItems;
});
afterAll(async () => {
  await t?.stop();
});

const deploy = (...names: string[]) => rejection(deployFixtures(t.client, ...names));

async function raw(method: string, path: string, body?: string | FormData, type = 'application/json') {
  const res = await fetch(`${t.engine.restAddress}/v2${path}`, {
    method,
    body,
    headers: body === undefined || body instanceof FormData ? {} : { 'content-type': type },
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text };
}

describe('hostile deployments', () => {
  it('should reject malformed XML with 400', async () => {
    expect(await deploy('sdk-hostile-bad-xml.bpmn')).toEqual(expect.objectContaining({ status: 400 }));
  });

  it('should reject DOCTYPE and entity payloads with 400 without expanding them', async () => {
    const r = await deploy('sdk-hostile-doctype.bpmn');
    expect(r).toEqual(expect.objectContaining({ status: 400, title: 'INVALID_ARGUMENT' }));
    expect(r.detail).not.toContain('root:');
    expect(r.detail).not.toContain('lollol');
  });

  it('should reject elements it cannot execute, naming them', async () => {
    const r = await deploy('sdk-hostile-unknown-element.bpmn');
    expect(r.status).toBe(400);
    expect(r.detail).toContain('Complex');
  });

  it('should reject invalid FEEL, naming the element', async () => {
    const r = await deploy('sdk-hostile-bad-feel.bpmn');
    expect(r.status).toBe(400);
    expect(r.detail).toContain('F2');
  });

  it('should reject a service task without a job type, naming it', async () => {
    const r = await deploy('sdk-hostile-no-job-type.bpmn');
    expect(r.status).toBe(400);
    expect(r.detail).toContain('NoType');
  });

  it('should reject the whole deployment when one resource is bad', async () => {
    const r = await deploy('sdk-basic-flow.bpmn', 'sdk-hostile-unknown-element.bpmn');
    expect(r.status).toBe(400);
    const defs = await t.sdk.searchProcessDefinitions({ filter: { processDefinitionId: 'sdk-basic-flow' } }, NOW);
    expect(defs.items).toEqual([]);
  });

  it('should reject oversize resources with 413 and non-BPMN garbage with 400', async () => {
    const huge = new FormData();
    huge.append('resources', new File([`<a>${'x'.repeat(5 * 1024 * 1024)}</a>`], 'huge.bpmn'));
    const r = await raw('POST', '/deployments', huge);
    expect(r.status).toBe(413);
    expect(r.type).toMatch(/problem\+json/);
    const junk = new FormData();
    junk.append('resources', new File([Buffer.from([0, 1, 2, 255, 254])], 'junk.bpmn'));
    expect((await raw('POST', '/deployments', junk)).status).toBe(400);
    const wrongKind = new FormData();
    wrongKind.append('resources', new File(['hello'], 'notes.txt'));
    expect((await raw('POST', '/deployments', wrongKind)).status).toBe(400);
    const badForm = new FormData();
    badForm.append('resources', fixtureFile('sdk-review-form.form'));
    badForm.append('resources', new File(['{"id": 5'], 'broken.form'));
    expect((await raw('POST', '/deployments', badForm)).status).toBe(400);
  });
});

describe('hostile requests', () => {
  it('should answer every malformed request with a 4xx problem, never 5xx', async () => {
    const cases: [string, string, string | undefined, string?][] = [
      ['GET', '/process-instances/abc', undefined],
      ['GET', '/process-instances/1%27%20OR%201=1', undefined],
      ['GET', `/process-instances/${'9'.repeat(400)}`, undefined],
      ['POST', '/jobs/--1/completion', '{}'],
      ['POST', '/process-instances', '{"processDefinitionId": '],
      ['POST', '/process-instances', '{"processDefinitionId": "sdk-restart-user", "variables": "x"}'],
      ['POST', '/process-instances', '{"processDefinitionId": "sdk-restart-user", "evil": true}'],
      ['POST', '/process-instances', '[]'],
      ['POST', '/process-instances', 'null'],
      ['POST', '/process-instances', '{"processDefinitionKey": "12x"}'],
      ['POST', '/process-instances', '{"processDefinitionId": "sdk-restart-user"}', 'text/xml'],
      ['POST', '/process-instances/search', '{"filter": {"processInstanceKey": {"$in": "x"}}}'],
      ['POST', '/process-instances/search', '{"sort": [{"field": "1; DROP TABLE zb_jobs", "order": "ASC"}]}'],
      ['POST', '/process-instances/search', '{"page": {"limit": "all"}}'],
      ['POST', '/user-tasks/search', '{"filter": {"state": {"$like": 5}}}'],
      ['POST', '/jobs/activation', '{"type": "sdk-restart-work", "timeout": -5, "maxJobsToActivate": 1e9}'],
      ['POST', '/jobs/activation', '{"type": "", "timeout": 1000, "maxJobsToActivate": 1}'],
      ['POST', '/messages/publication', '{"name": 123}'],
      ['POST', '/messages/publication', `{"name": "m", "correlationKey": "${'k'.repeat(100)}", "timeToLive": "soon"}`],
      ['PUT', '/clock', '{"timestamp": -1}'],
      ['PATCH', '/user-tasks/1/update', '"just a string"'],
      ['DELETE', '/process-instances/1', undefined],
      ['GET', '/../../etc/passwd', undefined],
      ['POST', '/variables/search', `{"filter": ${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`],
    ];
    for (const [method, path, body, type] of cases) {
      const r = await raw(method, path, body, type);
      expect({
        method,
        path,
        status: r.status >= 400 && r.status < 500,
        problem: /problem\+json/.test(r.type),
      }).toEqual({
        method,
        path,
        status: true,
        problem: true,
      });
    }
    const big = await raw(
      'POST',
      '/process-instances',
      JSON.stringify({ processDefinitionId: 'sdk-restart-user', variables: { blob: 'x'.repeat(6 * 1024 * 1024) } }),
    );
    expect(big.status).toBe(413);
  });

  it('should reject a start with an unknown key or an undeployed process with 4xx through the SDK', async () => {
    expect((await rejection(t.sdk.createProcessInstance({ processDefinitionKey: '1' }))).status).toBe(404);
    expect((await rejection(t.sdk.resolveIncident({ incidentKey: '42' }))).status).toBe(404);
    expect((await rejection(t.sdk.getVariable({ variableKey: '42' }, NOW))).status).toBe(404);
  });

  it('should have lost and changed nothing', async () => {
    expect(await instanceState(t.client, waitingInstance)).toBe('ACTIVE');
    expect(await trail(t.client, waitingInstance)).toContain('Decide:ACTIVE');
    expect((await t.sdk.searchProcessDefinitions({}, NOW)).page.totalItems).toBe(definitionsBefore);
    const [task] = (await t.sdk.searchUserTasks({ filter: { processInstanceKey: waitingInstance } }, NOW)).items;
    await t.sdk.completeUserTask({ userTaskKey: task!.userTaskKey });
    await new Promise((r) => setTimeout(r, 100));
    expect(await instanceState(t.client, waitingInstance)).toBe('COMPLETED');
    const topo = await t.sdk.getTopology();
    expect(topo.brokers).toHaveLength(1);
  });
});
