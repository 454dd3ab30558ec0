/**
 * Camunda user tasks through the SDK: creation with assignee, candidates, schedule, priority and
 * form; search (filters, sort, paging), get, form, variables; assignment with allowOverride,
 * unassignment, update (8.8 and legacy changeset) and completion with variables.
 */
import {
  activateOne,
  deployFixtures,
  eventually,
  instanceState,
  NOW,
  rejection,
  rootVariables,
  startTestEngine,
  type TestEngine,
} from '../support/engine';

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine('sdkusertasks');
  await deployFixtures(t.client, 'sdk-user-task.bpmn', 'sdk-review-form.form');
});
afterAll(async () => {
  await t?.stop();
});

const start = async (variables: Record<string, unknown>) =>
  (await t.sdk.createProcessInstance({ processDefinitionId: 'sdk-user-task', variables })).processInstanceKey;
const taskAt = (processInstanceKey: string, elementId: string) =>
  eventually(async () => {
    const [task] = (await t.sdk.searchUserTasks({ filter: { processInstanceKey, elementId, state: 'CREATED' } }, NOW))
      .items;
    expect(task).toBeDefined();
    return task!;
  });

describe('user task creation', () => {
  it('should create the task with assignee, candidates, schedule, priority and linked form', async () => {
    const pi = await start({ initiator: 'zhangsan', due: '2030-03-01T09:00:00+08:00', amount: 120, approvers: ['g1'] });
    const task = await taskAt(pi, 'Review');
    expect(task).toEqual(
      expect.objectContaining({
        name: '审核申请',
        state: 'CREATED',
        assignee: 'zhangsan',
        candidateGroups: ['reviewers', 'leads'],
        candidateUsers: ['alice'],
        priority: 80,
        processDefinitionId: 'sdk-user-task',
        processInstanceKey: pi,
      }),
    );
    expect(Date.parse(task.dueDate!)).toBe(Date.parse('2030-03-01T01:00:00Z'));
    expect(Date.parse(task.followUpDate!)).toBe(Date.parse('2030-01-01T00:00:00Z'));
    expect(task.formKey).toMatch(/^\d+$/);

    const got = await t.sdk.getUserTask({ userTaskKey: task.userTaskKey }, NOW);
    expect(got.userTaskKey).toBe(task.userTaskKey);
    const form = await t.sdk.getUserTaskForm({ userTaskKey: task.userTaskKey }, NOW);
    expect(form).toEqual(expect.objectContaining({ formId: 'sdk-review-form', formKey: task.formKey }));
    expect(JSON.stringify(form)).toContain('审核意见');

    const vars = await t.sdk.searchUserTaskVariables({ userTaskKey: task.userTaskKey }, NOW);
    const byName = Object.fromEntries(vars.items.map((v) => [v.name, JSON.parse(v.value) as unknown]));
    expect(byName).toEqual(expect.objectContaining({ taskAmount: 120, initiator: 'zhangsan', amount: 120 }));
  });
});

describe('user task search', () => {
  it('should filter by assignee, candidate group and user, sort by priority and page', async () => {
    const a = await start({ initiator: 'lisi', due: '2030-02-01T00:00:00Z', amount: 1, approvers: [] });
    const b = await start({ initiator: 'wangwu', due: '2030-01-15T00:00:00Z', amount: 2, approvers: [] });
    const ta = await taskAt(a, 'Review');
    const tb = await taskAt(b, 'Review');
    await t.sdk.updateUserTask({ userTaskKey: tb.userTaskKey, changeset: { priority: 95 } });

    const lisi = await t.sdk.searchUserTasks({ filter: { assignee: 'lisi' } }, NOW);
    expect(lisi.items.map((x) => x.userTaskKey)).toEqual([ta.userTaskKey]);
    const group = await t.sdk.searchUserTasks({ filter: { candidateGroup: 'leads', state: 'CREATED' } }, NOW);
    expect(group.items.map((x) => x.userTaskKey)).toEqual(expect.arrayContaining([ta.userTaskKey, tb.userTaskKey]));
    const user = await t.sdk.searchUserTasks({ filter: { candidateUser: 'alice' } }, NOW);
    expect(user.page.totalItems).toBeGreaterThanOrEqual(2);
    const nobody = await t.sdk.searchUserTasks({ filter: { candidateGroup: 'no-such-group' } }, NOW);
    expect(nobody.items).toEqual([]);
    expect(nobody.page.totalItems).toBe(0);

    const byPriority = await t.sdk.searchUserTasks(
      { filter: { state: 'CREATED' }, sort: [{ field: 'priority', order: 'DESC' }], page: { from: 0, limit: 1 } },
      NOW,
    );
    expect(byPriority.items).toHaveLength(1);
    expect(byPriority.items[0]!.userTaskKey).toBe(tb.userTaskKey);
    expect(byPriority.page.totalItems).toBeGreaterThanOrEqual(2);
    const byDue = await t.sdk.searchUserTasks(
      { filter: { elementId: 'Review', state: 'CREATED' }, sort: [{ field: 'dueDate', order: 'ASC' }] },
      NOW,
    );
    const dues = byDue.items.map((x) => Date.parse(x.dueDate!));
    expect(dues).toEqual([...dues].sort((x, y) => x - y));
  });
});

describe('user task commands', () => {
  it('should assign (refusing to override when asked), unassign, update and complete with variables', async () => {
    const pi = await start({ initiator: 'zhaoliu', due: '2030-01-01T00:00:00Z', amount: 5, approvers: ['finance'] });
    const task = await taskAt(pi, 'Review');
    const key = task.userTaskKey;

    expect(
      await rejection(t.sdk.assignUserTask({ userTaskKey: key, assignee: 'other', allowOverride: false })),
    ).toEqual(expect.objectContaining({ status: 409, title: 'INVALID_STATE' }));
    await t.sdk.assignUserTask({ userTaskKey: key, assignee: 'other' });
    expect((await t.sdk.getUserTask({ userTaskKey: key }, NOW)).assignee).toBe('other');
    await t.sdk.unassignUserTask({ userTaskKey: key });
    expect((await t.sdk.getUserTask({ userTaskKey: key }, NOW)).assignee).toBeUndefined();
    await t.sdk.assignUserTask({ userTaskKey: key, assignee: 'zhaoliu', allowOverride: false });

    await t.sdk.updateUserTask({
      userTaskKey: key,
      changeset: { dueDate: '2030-05-01T00:00:00Z', candidateGroups: ['auditors'], priority: 10 },
    });
    let got = await t.sdk.getUserTask({ userTaskKey: key }, NOW);
    expect(Date.parse(got.dueDate!)).toBe(Date.parse('2030-05-01T00:00:00Z'));
    expect(got.candidateGroups).toEqual(['auditors']);
    expect(got.priority).toBe(10);

    // the legacy client sends the bare changeset to PATCH /user-tasks/{key}/update
    const legacy = await fetch(`${t.engine.restAddress}/v2/user-tasks/${key}/update`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ priority: 60, candidateUsers: ['bob'] }),
    });
    expect(legacy.status).toBe(204);
    got = await t.sdk.getUserTask({ userTaskKey: key }, NOW);
    expect(got).toEqual(expect.objectContaining({ priority: 60, candidateUsers: ['bob'] }));

    await t.sdk.completeUserTask({ userTaskKey: key, variables: { approved: true, comment: '同意立项' } });
    await eventually(async () => expect((await t.sdk.getUserTask({ userTaskKey: key }, NOW)).state).toBe('COMPLETED'));
    expect((await t.sdk.getUserTask({ userTaskKey: key }, NOW)).completionDate).toBeTruthy();
    // a completed task no longer exists in the engine's runtime state: 404, as Zeebe answers
    expect(await rejection(t.sdk.completeUserTask({ userTaskKey: key }))).toEqual(
      expect.objectContaining({ status: 404, title: 'NOT_FOUND' }),
    );

    const approve = await taskAt(pi, 'Approve');
    expect(approve.candidateGroups).toEqual(['finance']);
    expect(approve.assignee).toBeUndefined();
    await t.sdk.completeUserTask({ userTaskKey: approve.userTaskKey });
    const archive = await activateOne(t.client, 'sdk-archive');
    expect(archive.variables).toEqual(expect.objectContaining({ approved: true, comment: '同意立项' }));
    await t.sdk.completeJob({ jobKey: archive.jobKey });
    await eventually(async () => expect(await instanceState(t.client, pi)).toBe('COMPLETED'));
    expect(await rootVariables(t.client, pi)).toEqual(expect.objectContaining({ approved: true, comment: '同意立项' }));
    expect(await rejection(t.sdk.assignUserTask({ userTaskKey: key, assignee: 'late' }))).toEqual(
      expect.objectContaining({ status: 404 }),
    );
  });

  it('should answer 404 for unknown user tasks', async () => {
    expect(await rejection(t.sdk.getUserTask({ userTaskKey: '2251799813688888' }, NOW))).toEqual(
      expect.objectContaining({ status: 404, title: 'NOT_FOUND' }),
    );
    expect(await rejection(t.sdk.completeUserTask({ userTaskKey: '2251799813688888' }))).toEqual(
      expect.objectContaining({ status: 404 }),
    );
  });
});
