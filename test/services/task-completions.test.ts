/**
 * Who completed a user task (`task_completion`): the tasklist writes the row before the engine is
 * told, so the job the completion triggers can name the deciding user (R5 key-project approver,
 * R8.1 plan approver of fund_allocation); a completion the engine refused leaves no row, one it
 * took keeps it, and a submission the form refuses writes nothing. Real engine, real database
 * (SQLite, or MariaDB with TEST_DATABASE_URL).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../../services/db/data-source';
import { entities, migrations } from '../../services/db/schema';
import { TaskCompletionEntity } from '../../services/domain/entities';
import { IdentityService } from '../../services/domain/identity-service';
import { recordTaskCompletion, requestIdOf, taskDecider } from '../../services/domain/task-completions';
import { ProcessService } from '../../services/processes/process-service';
import { TaskService, giveBack, type TaskActor } from '../../services/tasks/task-service';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { eventually, startTestEngine, type TestEngine } from '../support/engine';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');
const jyjStaff: TaskActor = { username: 'tc.jyj', displayName: '教育局经办', roles: ['staff'], groups: ['dept:JYJ'] };

describe('task_completion: the tasklist records who completed a task', () => {
  let t: TestEngine;
  let db: TestDatabase;
  let ds: DataSource;
  let tasks: TaskService;
  const sink = { record: async () => undefined };
  const at = new Date('2026-11-24T02:00:00Z');

  beforeAll(async () => {
    t = await startTestEngine('tcomp');
    db = await createTestDatabase('tcomp');
    ds = await openDatabase({ url: db.url, entities, migrations });
    const identity = new IdentityService(ds);
    await identity.ensureOrganisations();
    await identity.createUser({
      username: 'tc.jyj',
      displayName: '教育局经办',
      email: 'tc.jyj@yeji.gov.cn',
      orgCode: 'JYJ',
      roles: ['staff'],
      password: 'Yeji@2026tcomp',
    });
    tasks = new TaskService(t.client, sink, () => at, ds);
    await new ProcessService(t.client, sink, async () => new Map()).deploy('owner', [
      { name: 'task-review.bpmn', content: fixture('task-review.bpmn') },
      { name: 'test-review-opinion.form', content: fixture('test-review-opinion.form') },
    ]);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
    await t?.stop();
  });

  async function claimedTask() {
    const created = await t.sdk.createProcessInstance({
      processDefinitionId: 'task-review',
      variables: { departmentGroup: 'dept:JYJ' },
    });
    const pi = String(created.processInstanceKey);
    const task = await eventually(async () => {
      const found = (await tasks.list(jyjStaff)).find((x) => x.processInstanceKey === pi);
      if (!found) throw new Error('task not yet visible');
      return found;
    });
    await tasks.claim(jyjStaff, task.key);
    return task;
  }
  const rows = (userTaskKey: string) => ds.getRepository(TaskCompletionEntity).findBy({ userTaskKey });

  it('should record the completing user, organisation and time, and name them as the decider', async () => {
    const task = await claimedTask();
    // the form refuses this submission: nothing is recorded
    await expect(tasks.complete(jyjStaff, task.key, { decision: 'fail' })).rejects.toMatchObject({ status: 400 });
    expect(await rows(task.key)).toEqual([]);
    await tasks.complete(jyjStaff, task.key, { decision: 'pass' });
    const jyj = await new IdentityService(ds).organisationByCode('JYJ');
    expect(await rows(task.key)).toEqual([
      expect.objectContaining({
        elementId: 'Task_Review',
        processInstanceKey: task.processInstanceKey,
        processDefinitionId: 'task-review',
        username: 'tc.jyj',
        orgId: jyj.id,
        outcome: 'complete',
        completedAt: at.toISOString(),
      }),
    ]);
    expect(await taskDecider(ds.manager, task.processInstanceKey, 'Task_Review')).toMatchObject({
      username: 'tc.jyj',
      orgCode: 'JYJ',
      completedAt: at.toISOString(),
    });
    expect(await taskDecider(ds.manager, task.processInstanceKey, 'Task_Other')).toBeNull();
  });

  it('should remove the row when the engine refused the completion, and keep it when the engine took it', async () => {
    const task = await claimedTask();
    await expect(
      tasks.recordedCompletion(task, jyjStaff, 'complete', () => Promise.reject(new Error('engine unreachable'))),
    ).rejects.toThrow('engine unreachable');
    expect(await rows(task.key)).toEqual([]);
    // the engine completed the task but the answer was lost: the completion stands, so does the row
    await expect(
      tasks.recordedCompletion(task, jyjStaff, 'complete', async () => {
        await t.client.completeUserTask({ userTaskKey: task.key, variables: { decision: 'pass' } } as never);
        throw new Error('answer lost');
      }),
    ).rejects.toThrow('answer lost');
    expect(await rows(task.key)).toEqual([expect.objectContaining({ username: 'tc.jyj', outcome: 'complete' })]);
  });

  // Two rectification orders' Task_RectificationVerify in one instance, completed back to back:
  // each worker asks for the completion of ITS order (the request id the tasklist recorded from
  // the task's variables), not the element's latest.
  it('should name the decider of the request asked for, never another request’s; legacy rows without a request still count', async () => {
    const pi = '990000000000001';
    const verify = (userTaskKey: string, requestId: string | null) => ({
      userTaskKey,
      elementId: 'Task_RectificationVerify',
      processInstanceKey: pi,
      processDefinitionId: 'project-lifecycle',
      requestId,
    });
    const identity = new IdentityService(ds);
    await identity.createUser({
      username: 'tc.wxb',
      displayName: '网信办经办',
      email: 'tc.wxb@yeji.gov.cn',
      orgCode: 'cyberspace-office',
      roles: ['staff'],
      password: 'Yeji@2026tcomp',
    });
    await recordTaskCompletion(ds, verify('990000000000011', '7'), 'tc.wxb', 'complete', at);
    await recordTaskCompletion(ds, verify('990000000000012', '8'), 'tc.jyj', 'complete', at);
    expect(await taskDecider(ds.manager, pi, 'Task_RectificationVerify', '7')).toMatchObject({
      username: 'tc.wxb',
      orgCode: 'cyberspace-office',
    });
    expect(await taskDecider(ds.manager, pi, 'Task_RectificationVerify', 8)).toMatchObject({ username: 'tc.jyj' });
    // an order nobody completed in the tasklist: nobody, not the other order's verifier
    expect(await taskDecider(ds.manager, pi, 'Task_RectificationVerify', '9')).toBeNull();
    // without a request: the element's latest completion (tasks that occur once at a time)
    expect(await taskDecider(ds.manager, pi, 'Task_RectificationVerify')).toMatchObject({ username: 'tc.jyj' });
    // a row written before the request was recorded (NULL) still names its user
    await recordTaskCompletion(ds, verify('990000000000013', null), 'tc.wxb', 'complete', at);
    expect(await taskDecider(ds.manager, pi, 'Task_RectificationVerify', '9')).toMatchObject({ username: 'tc.wxb' });
    expect(await taskDecider(ds.manager, pi, 'Task_RectificationVerify', '8')).toMatchObject({ username: 'tc.jyj' });
    // the id the task's scope carries: the register worker's rectificationId, else the message's
    expect(requestIdOf('Task_RectificationVerify', { rectificationId: '7', rectificationOrderId: 7 })).toBe('7');
    expect(requestIdOf('Task_Rectify', { rectificationId: null, rectificationOrderId: 12 })).toBe('12');
    expect(requestIdOf('Task_ChangeApproval', { changeRequestId: 3 })).toBe('3');
    expect(requestIdOf('Task_Review', { changeRequestId: 3 })).toBeNull();
  });

  it('should record a 退回 as a return, which does not name a decider', async () => {
    const task = await claimedTask();
    await giveBack(tasks, t.client, sink, jyjStaff, task.key, {
      field: 'decision',
      value: 'fail',
      reasonField: 'reason',
      comment: '材料不全',
    });
    expect(await rows(task.key)).toEqual([expect.objectContaining({ outcome: 'return', username: 'tc.jyj' })]);
    expect(await taskDecider(ds.manager, task.processInstanceKey, 'Task_Review')).toBeNull();
  });
});
