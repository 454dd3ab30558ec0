import fs from 'node:fs';
import path from 'node:path';
import { ProcessService, type ProjectSummary } from '../../services/processes/process-service';
import { TaskService, type TaskActor } from '../../services/tasks/task-service';
import { HttpError } from '../../services/http/problem';
import { eventually, startTestEngine, type TestEngine } from '../support/engine';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');

const jyjStaff: TaskActor = {
  username: 'jyj.staff',
  displayName: '教育局经办',
  roles: ['staff'],
  groups: ['dept:JYJ'],
};
const jyjOther: TaskActor = {
  username: 'jyj.other',
  displayName: '教育局同事',
  roles: ['staff'],
  groups: ['dept:JYJ'],
};
const wjwStaff: TaskActor = {
  username: 'wjw.staff',
  displayName: '卫健委经办',
  roles: ['staff'],
  groups: ['dept:WJW'],
};

describe('tasklist and process views over the embedded engine (through the SDK)', () => {
  let t: TestEngine;
  let tasks: TaskService;
  let processes: ProcessService;
  const audit: { action: string; outcome?: string }[] = [];
  const sink = { record: async (e: { action: string; outcome?: string }) => void audit.push(e) };
  let definitionKey: string;

  beforeAll(async () => {
    t = await startTestEngine('tasks');
    tasks = new TaskService(t.client, sink);
    const lookup = async (keys: string[]) =>
      new Map<string, ProjectSummary>(
        keys.map((k, i) => [k, { id: i + 1, name: `项目${i + 1}`, orgCode: 'JYJ', orgName: '区教育局' }]),
      );
    processes = new ProcessService(t.client, sink, lookup);
    const deployed = await processes.deploy('owner', [
      { name: 'task-review.bpmn', content: fixture('task-review.bpmn') },
      { name: 'test-review-opinion.form', content: fixture('test-review-opinion.form') },
    ]);
    definitionKey = deployed.processes[0]!.processDefinitionKey;
  });
  afterAll(async () => {
    await t?.stop();
  });

  async function startInstance(): Promise<string> {
    const created = await t.sdk.createProcessInstance({
      processDefinitionId: 'task-review',
      variables: { departmentGroup: 'dept:JYJ' },
    });
    return String(created.processInstanceKey);
  }

  async function taskOf(instanceKey: string, actor = jyjStaff) {
    return eventually(async () => {
      const list = await tasks.list(actor);
      const found = list.find((x) => x.processInstanceKey === instanceKey);
      if (!found) throw new Error('task not yet visible');
      return found;
    });
  }

  it('should list the department task only to that department', async () => {
    const pi = await startInstance();
    const task = await taskOf(pi);
    expect(task).toMatchObject({ elementId: 'Task_Review', candidateGroups: ['dept:JYJ'], assignee: null });
    expect((await tasks.list(wjwStaff)).some((x) => x.processInstanceKey === pi)).toBe(false);
    await expect(tasks.get(wjwStaff, task.key)).rejects.toMatchObject({ status: 404 });
    await expect(tasks.claim(wjwStaff, task.key)).rejects.toMatchObject({ status: 404 });
  });

  it('should claim, refuse a second claimant, transfer within the group and unclaim', async () => {
    const pi = await startInstance();
    const task = await taskOf(pi);
    await tasks.claim(jyjStaff, task.key);
    await expect(tasks.claim(jyjOther, task.key)).rejects.toMatchObject({ status: 409 });
    expect((await tasks.list(jyjStaff, { scope: 'mine' })).map((x) => x.key)).toContain(task.key);
    await expect(
      tasks.transfer(jyjStaff, task.key, { username: 'wjw.staff', groups: ['dept:WJW'] }),
    ).rejects.toMatchObject({ status: 422 });
    await tasks.transfer(jyjStaff, task.key, { username: 'jyj.other', groups: ['dept:JYJ'] });
    expect((await tasks.get(jyjOther, task.key)).assignee).toBe('jyj.other');
    await expect(tasks.unclaim(jyjStaff, task.key)).rejects.toMatchObject({ status: 403 });
    await tasks.unclaim(jyjOther, task.key);
    expect((await tasks.get(jyjStaff, task.key)).assignee).toBeNull();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['task.claim', 'task.transfer', 'task.unclaim']));
  });

  it('should validate the submission against the task form before completing', async () => {
    const pi = await startInstance();
    const task = await taskOf(pi);
    await expect(tasks.complete(jyjStaff, task.key, { decision: 'fail' })).rejects.toMatchObject({ status: 409 });
    await tasks.claim(jyjStaff, task.key);
    const missingReason = await tasks.complete(jyjStaff, task.key, { decision: 'fail' }).catch((e: HttpError) => e);
    expect(missingReason).toBeInstanceOf(HttpError);
    expect((missingReason as HttpError).status).toBe(400);
    expect((missingReason as HttpError).extensions.errors).toEqual([
      { field: 'reason', message: expect.stringContaining('理由') },
    ]);
    await expect(tasks.complete(jyjStaff, task.key, { decision: 'pass', injected: 1 })).rejects.toMatchObject({
      status: 400,
    });
    await tasks.complete(jyjStaff, task.key, { decision: 'fail', reason: '材料不全' });
    const path = await eventually(async () => {
      const p = await processes.instancePath(pi);
      if (p.state !== 'COMPLETED') throw new Error('not completed yet');
      return p;
    });
    expect(path.timeline.map((e) => e.elementId)).toEqual(
      expect.arrayContaining(['Task_Review', 'Gateway_Decision', 'End_Fail']),
    );
    expect(path.sequenceFlows).toContain('Flow_Fail');
    expect(path.sequenceFlows).not.toContain('Flow_Pass');
  });

  it('should count waiting tokens per element with their ages and name the projects there', async () => {
    const pi = await startInstance();
    await taskOf(pi);
    const stats = await processes.statistics(definitionKey);
    const review = stats.find((s) => s.elementId === 'Task_Review')!;
    expect(review.active).toBeGreaterThanOrEqual(1);
    expect(review.oldestDays).not.toBeNull();
    const at = await processes.projectsAt(definitionKey, 'Task_Review');
    expect(at.map((a) => a.processInstanceKey)).toContain(pi);
    expect(at.find((a) => a.processInstanceKey === pi)!.project).toMatchObject({ orgCode: 'JYJ' });
    const current = await processes.instancePath(pi);
    expect(current.active).toEqual(['Task_Review']);
  });

  it('should list definitions with versions and serve the XML', async () => {
    const defs = await processes.listDefinitions();
    const def = defs.find((d) => d.processDefinitionId === 'task-review')!;
    expect(def.versions.length).toBeGreaterThanOrEqual(1);
    expect(await processes.xml(def.latestKey)).toContain('Task_Review');
  });

  it('should refuse to deploy a model that breaks the Camunda 8.8 rules, naming the element', async () => {
    const broken = fixture('task-review.bpmn').replace('=departmentGroup', '=departmentGroup +');
    const err = (await processes
      .deploy('owner', [{ name: 'task-review.bpmn', content: broken }])
      .catch((e: HttpError) => e)) as HttpError;
    expect(err.status).toBe(400);
    expect((err.extensions.problems as { elementId: string }[]).map((p) => p.elementId)).toContain('Task_Review');
    expect(audit.some((a) => a.action === 'process.deploy' && a.outcome === 'failure')).toBe(true);
  });

  it('should deploy a new version that the definitions list then shows as latest', async () => {
    const before = (await processes.listDefinitions()).find((d) => d.processDefinitionId === 'task-review')!;
    const renamed = fixture('task-review.bpmn').replace('name="审核意见"', 'name="部门审核意见"');
    const out = await processes.deploy('owner', [{ name: 'task-review.bpmn', content: renamed }]);
    expect(out.processes[0]!.version).toBe(before.latestVersion + 1);
    const after = (await processes.listDefinitions()).find((d) => d.processDefinitionId === 'task-review')!;
    expect(after.latestVersion).toBe(before.latestVersion + 1);
    expect(await processes.xml(after.latestKey)).toContain('部门审核意见');
  });
});

describe('engine rejections are mapped onto the elements they name', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine('deployreject');
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('should pass the engine refusal on with the element ids it names', async () => {
    // lint-clean but not executable here: a form the deployment does not contain is fine for lint,
    // a user task without a form id is not — the engine names the element in its rejection
    const processes = new ProcessService(t.client, { record: async () => undefined }, async () => new Map());
    const xml = fixture('task-review.bpmn').replace(
      '<zeebe:formDefinition formId="test-review-opinion" />',
      '<zeebe:formDefinition formId="" />',
    );
    const err = (await processes
      .deploy('owner', [{ name: 'task-review.bpmn', content: xml }])
      .catch((e: HttpError) => e)) as HttpError;
    expect(err.status).toBe(400);
    const problems = err.extensions.problems as { elementId: string | null; message: string }[];
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p.elementId === null || xml.includes(`id="${p.elementId}"`)).toBe(true);
  });
});
