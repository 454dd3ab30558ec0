/**
 * R7: the reviewing bodies' open review tasks, read from the embedded engine through the SDK's
 * user-task search (the same call a Camunda 8.8 cluster answers), become reminders to the members
 * of each task's candidate group; an expert's scoring task to the assigned expert.
 */
import type { DataSource } from 'typeorm';
import { WorkingDayCalendar } from '../../services/calendar';
import { openDatabase } from '../../services/db/data-source';
import { domainDeadlines, openReviewTasksFromEngine } from '../../services/notify/domain-deadlines';
import { SqlRecipientDirectory } from '../../services/notify/sql-directory';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { NOTIFY_TEST_MIGRATIONS } from './notify-support';
import { NOW, eventually, startTestEngine, type TestEngine } from '../support/engine';

const migrations = NOTIFY_TEST_MIGRATIONS;

const task = (id: string, assignment: string) => `<bpmn:userTask id="${id}">
      <bpmn:extensionElements><zeebe:userTask /><zeebe:assignmentDefinition ${assignment} /></bpmn:extensionElements>
    </bpmn:userTask>`;

const REVIEW = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d_r7" targetNamespace="http://yeji.gov.cn/test">
  <bpmn:process id="notify-r7-review" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:parallelGateway id="Split" />
    ${task('Task_ReviewFinance', 'candidateGroups="finance"')}
    ${task('Task_ReviewDataBureau', 'candidateGroups="data-bureau"')}
    ${task('Task_ExpertScoring', 'assignee="=expert" candidateGroups="experts"')}
    ${task('Task_Other', 'candidateGroups="finance"')}
    <bpmn:parallelGateway id="Join" />
    <bpmn:endEvent id="End" />
    <bpmn:sequenceFlow id="F0" sourceRef="Start" targetRef="Split" />
    <bpmn:sequenceFlow id="F1" sourceRef="Split" targetRef="Task_ReviewFinance" />
    <bpmn:sequenceFlow id="F2" sourceRef="Split" targetRef="Task_ReviewDataBureau" />
    <bpmn:sequenceFlow id="F3" sourceRef="Split" targetRef="Task_ExpertScoring" />
    <bpmn:sequenceFlow id="F4" sourceRef="Split" targetRef="Task_Other" />
    <bpmn:sequenceFlow id="F5" sourceRef="Task_ReviewFinance" targetRef="Join" />
    <bpmn:sequenceFlow id="F6" sourceRef="Task_ReviewDataBureau" targetRef="Join" />
    <bpmn:sequenceFlow id="F7" sourceRef="Task_ExpertScoring" targetRef="Join" />
    <bpmn:sequenceFlow id="F8" sourceRef="Task_Other" targetRef="Join" />
    <bpmn:sequenceFlow id="F9" sourceRef="Join" targetRef="End" />
  </bpmn:process>
</bpmn:definitions>`;

describe('R7 reminders for the reviewing bodies’ open review tasks (embedded engine, SDK)', () => {
  let t: TestEngine;
  let db: TestDatabase;
  let ds: DataSource;
  let pik: string;

  beforeAll(async () => {
    t = await startTestEngine('notifyr7');
    db = await createTestDatabase('notifyr7db');
    ds = await openDatabase({ url: db.url, migrations });
    const ts = '2026-09-01T00:00:00.000Z';
    for (const [code, name, type] of [
      ['JYJ', '区教育局', 'department'],
      ['finance', '区财政局', 'bureau'],
      ['data-bureau', '区数据资源管理局', 'bureau'],
      ['experts', '区政务信息化专家库', 'expert'],
    ])
      await ds.query('INSERT INTO organisation (code, name, type) VALUES (?, ?, ?)', [code, name, type]);
    const user = (username: string, orgId: number, roles: string) =>
      ds.query(
        'INSERT INTO app_user (username, display_name, email, org_id, roles, password_hash, password_changed_at, failed_logins, disabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)',
        [username, username, `${username}@yeji.gov.cn`, orgId, roles, 'x', ts, false, ts],
      );
    await user('wang', 1, 'staff');
    await user('cz.a', 2, 'staff');
    await user('cz.b', 2, 'manager');
    await user('sjj.a', 3, 'staff');
    await user('expert.sun', 4, 'expert');
    await user('expert.li', 4, 'expert');
    await t.client.createDeployment({ resources: [new File([REVIEW], 'notify-r7-review.bpmn')] } as never);
    const res = await t.sdk.createProcessInstance({
      processDefinitionId: 'notify-r7-review',
      variables: { expert: 'expert.sun' },
    });
    pik = String(res.processInstanceKey);
    await ds.query(
      `INSERT INTO project (code, name, category, kind, org_id, responsible_person, start_month, end_month, fund_fiscal, fund_loan, fund_self, fund_other, total_investment, key_project, department_budget, stage, plan_year, process_instance_key, current_version, created_by, created_at, updated_at)
       VALUES ('YJ-2027-001', '医共体平台', 'application-system', 'new', 1, '王老师', '2027-01', '2027-12', 100, 0, 0, 0, 100, ?, ?, 'joint-review', 2027, ?, 1, 1, ?, ?)`,
      [false, false, pik, ts, ts],
    );
    await eventually(async () => {
      const open = await t.sdk.searchUserTasks({ filter: { processInstanceKey: pik, state: 'CREATED' } }, NOW);
      expect(open.items).toHaveLength(4);
    });
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
    await t?.stop();
  });

  const read = () =>
    domainDeadlines(ds, new SqlRecipientDirectory(ds), new WorkingDayCalendar(), {
      openReviewTasks: openReviewTasksFromEngine(t.client),
    })('2026-12-25');

  it('should remind the members of each open review task’s group, and the assigned expert', async () => {
    const deadlines = await read();
    expect(deadlines.map((d) => [d.rule, d.obligationId, d.dueDate, d.responsible.map((r) => r.email).sort()])).toEqual(
      expect.arrayContaining([
        ['R7', `R7:${pik}:Task_ReviewFinance`, '2026-12-31', ['cz.a@yeji.gov.cn', 'cz.b@yeji.gov.cn']],
        ['R7', `R7:${pik}:Task_ReviewDataBureau`, '2026-12-31', ['sjj.a@yeji.gov.cn']],
        ['R7', `R7:${pik}:Task_ExpertScoring`, '2026-12-31', ['expert.sun@yeji.gov.cn']],
      ]),
    );
    // a user task that is not a review step is not an R7 obligation
    expect(deadlines.map((d) => d.obligationId)).not.toContain(`R7:${pik}:Task_Other`);
    expect(deadlines).toHaveLength(3);
  });

  it('should stop reminding a body once its review task is completed', async () => {
    const open = await t.sdk.searchUserTasks(
      { filter: { processInstanceKey: pik, elementId: 'Task_ReviewFinance', state: 'CREATED' } },
      NOW,
    );
    await t.sdk.completeUserTask({ userTaskKey: open.items[0]!.userTaskKey, variables: {} });
    await eventually(async () => {
      expect((await read()).map((d) => d.obligationId).sort()).toEqual(
        [`R7:${pik}:Task_ExpertScoring`, `R7:${pik}:Task_ReviewDataBureau`].sort(),
      );
    });
  });
});
