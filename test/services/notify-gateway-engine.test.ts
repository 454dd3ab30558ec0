/**
 * The gateway notifier against the embedded engine through the official SDK (the same calls a
 * real Camunda 8.8 cluster answers): a review gateway mails the department and the next group,
 * and a gateway added to a copy of the process mails with no code change.
 */
import type { DataSource } from 'typeorm';
import { openDatabase } from '../../services/db/data-source';
import { GatewayNotifier, gatewayQueriesFromEngine } from '../../services/notify/gateway-notifier';
import { MailOutbox1764300000000 } from '../../services/notify/migrations/1764300000000-MailOutbox';
import { listOutbox } from '../../services/notify/outbox';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { NOW, eventually, startTestEngine, type TestEngine } from '../support/engine';
import { TestDirectory, smtpDispatcher, startSmtpServer, type TestSmtpServer } from './notify-support';

const FROM = '叶集区数据资源管理局 <noreply@yeji.gov.cn>';

function reviewProcess(id: string, withKeyGateway: boolean): string {
  const afterApproval = withKeyGateway ? 'Gateway_Key' : 'End_Approved';
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d_${id}" targetNamespace="http://yeji.gov.cn/test">
  <bpmn:process id="${id}" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:userTask id="Task_Review" name="联合审查论证">
      <bpmn:extensionElements><zeebe:userTask /><zeebe:assignmentDefinition candidateGroups="data-bureau" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:exclusiveGateway id="Gateway_Review" name="联合审查是否通过？" default="Flow_Reject" />
    <bpmn:userTask id="Task_Approval" name="区发改委：项目立项审批">
      <bpmn:extensionElements><zeebe:userTask /><zeebe:assignmentDefinition candidateGroups="drc" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="End_Rejected" name="审查未通过，流程结束" />
    ${
      withKeyGateway
        ? `<bpmn:exclusiveGateway id="Gateway_Key" name="重点项目？" default="Flow_Key_No" />
    <bpmn:userTask id="Task_KeyApproval" name="区发改委：重点项目单独立项">
      <bpmn:extensionElements><zeebe:userTask /><zeebe:assignmentDefinition candidateGroups="drc" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="End_Key" />`
        : ''
    }
    <bpmn:endEvent id="End_Approved" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Task_Review" />
    <bpmn:sequenceFlow id="F2" sourceRef="Task_Review" targetRef="Gateway_Review" />
    <bpmn:sequenceFlow id="Flow_Pass" name="通过" sourceRef="Gateway_Review" targetRef="Task_Approval">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=approved = true</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_Reject" name="不通过" sourceRef="Gateway_Review" targetRef="End_Rejected" />
    <bpmn:sequenceFlow id="F3" sourceRef="Task_Approval" targetRef="${afterApproval}" />
    ${
      withKeyGateway
        ? `<bpmn:sequenceFlow id="Flow_Key_Yes" name="是" sourceRef="Gateway_Key" targetRef="Task_KeyApproval">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=keyProject = true</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_Key_No" name="否" sourceRef="Gateway_Key" targetRef="End_Approved" />
    <bpmn:sequenceFlow id="F4" sourceRef="Task_KeyApproval" targetRef="End_Key" />`
        : ''
    }
  </bpmn:process>
</bpmn:definitions>`;
}

const directory = new TestDirectory([
  { id: 'u-jyj', name: '王老师', email: 'wang@jyj.yeji.gov.cn', groups: ['dept:JYJ'], contactOf: 'JYJ' },
  { id: 'u-sjj', name: '赵工', email: 'zhao@sjj.yeji.gov.cn', groups: ['data-bureau'] },
  { id: 'u-drc', name: '李局长', email: 'li@drc.yeji.gov.cn', groups: ['drc'] },
]);

describe('gateway notifier on the embedded engine (SDK)', () => {
  let t: TestEngine;
  let db: TestDatabase;
  let ds: DataSource;
  let smtp: TestSmtpServer;
  let notifier: GatewayNotifier;

  beforeAll(async () => {
    t = await startTestEngine('notifyengine');
    db = await createTestDatabase('notifyengine2');
    ds = await openDatabase({ url: db.url, migrations: [MailOutbox1764300000000] });
    smtp = await startSmtpServer();
    await t.client.createDeployment({
      resources: [
        new File([reviewProcess('notify-review', false)], 'notify-review.bpmn'),
        new File([reviewProcess('notify-review-copy', true)], 'notify-review-copy.bpmn'),
      ],
    } as never);
    notifier = new GatewayNotifier({
      dataSource: ds,
      queries: gatewayQueriesFromEngine(t.client),
      directory,
      baseUrl: 'http://egov.test',
      from: FROM,
      overlapMs: 60_000,
    });
    await notifier.runOnce(); // first poll: the cursor starts now
  });
  afterAll(async () => {
    await smtp?.close();
    await ds?.destroy();
    await db?.drop();
    await t?.stop();
  });

  async function start(processDefinitionId: string, variables: Record<string, unknown>) {
    const res = await t.sdk.createProcessInstance({
      processDefinitionId,
      variables: { departmentCode: 'JYJ', departmentGroup: 'dept:JYJ', ...variables },
    });
    return res.processInstanceKey;
  }

  async function completeTask(pi: string, elementId: string, variables: Record<string, unknown>) {
    const task = await eventually(async () => {
      const res = await t.sdk.searchUserTasks({ filter: { processInstanceKey: pi, elementId, state: 'CREATED' } }, NOW);
      expect(res.items).toHaveLength(1);
      return res.items[0]!;
    });
    await t.sdk.completeUserTask({ userTaskKey: task.userTaskKey, variables });
  }

  async function mailsFor(projectId: string) {
    return (await listOutbox(ds.manager, { projectId }, [{ field: 'id', order: 'asc' }])).items;
  }

  it('should mail the department the rejection with its reason', async () => {
    const pi = await start('notify-review', { projectId: 'P1', projectName: '智慧教育平台' });
    await completeTask(pi, 'Task_Review', { approved: false, reason: '概算依据不足' });
    const rows = await eventually(async () => {
      await notifier.runOnce();
      const rows = await mailsFor('P1');
      expect(rows).toHaveLength(1);
      return rows;
    });
    expect(rows[0]).toMatchObject({ recipientUserId: 'u-jyj', purpose: 'gateway' });
    expect(rows[0]!.subject).toBe('【项目进展】智慧教育平台：联合审查是否通过？ — 不通过');
    expect(rows[0]!.bodyText).toContain('未通过原因：概算依据不足');
    expect(rows[0]!.bodyText).toContain('下一步：审查未通过，流程结束');
    expect(rows[0]!.dedupeKey).toContain(`gw|${pi}|`);
  });

  it('should mail the department and the group that has the next step on approval', async () => {
    const pi = await start('notify-review', { projectId: 'P2', projectName: '城市管理平台' });
    await completeTask(pi, 'Task_Review', { approved: true });
    const rows = await eventually(async () => {
      await notifier.runOnce();
      const rows = await mailsFor('P2');
      expect(rows).toHaveLength(2);
      return rows;
    });
    expect(rows.map((r) => r.recipientUserId).sort()).toEqual(['u-drc', 'u-jyj']);
    expect(rows[0]!.bodyText).toContain('下一步：区发改委：项目立项审批');
    expect(rows[0]!.bodyText).toContain('办理单位：区发展和改革委员会');
    expect(rows[0]!.bodyText).not.toContain('原因');
  });

  it('should mail at a gateway that only the copy of the process has, with no code change', async () => {
    const pi = await start('notify-review-copy', { projectId: 'P3', projectName: '应急指挥平台', keyProject: true });
    await completeTask(pi, 'Task_Review', { approved: true });
    await completeTask(pi, 'Task_Approval', {});
    const rows = await eventually(async () => {
      await notifier.runOnce();
      const rows = await mailsFor('P3');
      expect(rows.filter((r) => r.subject.includes('重点项目？'))).toHaveLength(2);
      return rows;
    });
    const key = rows.filter((r) => r.subject.includes('重点项目？'));
    expect(key[0]!.subject).toBe('【项目进展】应急指挥平台：重点项目？ — 是');
    expect(key[0]!.bodyText).toContain('下一步：区发改委：重点项目单独立项');

    // delivered through SMTP, parsed: recipients, subject, body
    await smtpDispatcher(ds, smtp.port, { from: FROM }).runOnce();
    const got = smtp.received.filter((r) => r.parsed.subject === '【项目进展】应急指挥平台：重点项目？ — 是');
    expect(got.map((g) => g.envelopeTo[0]).sort()).toEqual(['li@drc.yeji.gov.cn', 'wang@jyj.yeji.gov.cn']);
    expect(got[0]!.parsed.text).toContain('http://egov.test/#/projects/P3');

    // polling again finds nothing new
    const before = (await listOutbox(ds.manager)).totalItems;
    await notifier.runOnce();
    expect((await listOutbox(ds.manager)).totalItems).toBe(before);
  });
});
