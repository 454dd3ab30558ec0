/**
 * The gateway notifier's decision logic against fakes of the engine's query API (the embedded
 * engine is not runnable yet), with the real outbox on SQLite / MariaDB and a real SMTP server
 * for the rendered mail.
 */
import type { DataSource } from 'typeorm';
import { openDatabase } from '../../services/db/data-source';
import { parseProcessModel } from '../../services/notify/bpmn-model';
import {
  GatewayNotifier,
  decisionKind,
  type ElementInstanceView,
  type GatewayQueries,
  type GatewayType,
  type UserTaskView,
} from '../../services/notify/gateway-notifier';
import { MailOutbox1764300000000 } from '../../services/notify/migrations/1764300000000-MailOutbox';
import { listOutbox } from '../../services/notify/outbox';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { TestDirectory, smtpDispatcher, startSmtpServer, type TestSmtpServer } from './notify-support';

const BASE = 'http://egov.test';
const FROM = '叶集区数据资源管理局 <noreply@yeji.gov.cn>';

function processXml(extraKeyGateway: boolean): string {
  const approvalOut = extraKeyGateway ? 'Gateway_Key' : 'Gateway_Split';
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:process id="project-review" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:userTask id="Task_Apply" name="项目申报"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="=[departmentGroup]" /></bpmn:extensionElements></bpmn:userTask>
    <bpmn:exclusiveGateway id="Gateway_Merge" />
    <bpmn:exclusiveGateway id="Gateway_Review" name="联合审查是否通过？" />
    <bpmn:userTask id="Task_Approval" name="区发改委：重点项目单独立项"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="drc" /></bpmn:extensionElements></bpmn:userTask>
    <bpmn:userTask id="Task_Supplement" name="建设单位：补正材料"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="=[departmentGroup]" /></bpmn:extensionElements></bpmn:userTask>
    <bpmn:endEvent id="End_Rejected" name="审查未通过" />
    ${
      extraKeyGateway
        ? `<bpmn:exclusiveGateway id="Gateway_Key" name="重点项目？" />
    <bpmn:userTask id="Task_KeyApproval" name="重点项目审批"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="drc" /></bpmn:extensionElements></bpmn:userTask>`
        : ''
    }
    <bpmn:parallelGateway id="Gateway_Split" />
    <bpmn:userTask id="Task_Security" name="区委网信办：网络安全检查"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="cyberspace-office" /></bpmn:extensionElements></bpmn:userTask>
    <bpmn:userTask id="Task_Crypto" name="密码应用审查"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="crypto-bureau" /></bpmn:extensionElements></bpmn:userTask>
    <bpmn:parallelGateway id="Gateway_Join" />
    <bpmn:endEvent id="End" name="结束" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Task_Apply" />
    <bpmn:sequenceFlow id="F2" sourceRef="Task_Apply" targetRef="Gateway_Merge" />
    <bpmn:sequenceFlow id="F3" sourceRef="Gateway_Merge" targetRef="Gateway_Review" />
    <bpmn:sequenceFlow id="Flow_Pass" name="通过" sourceRef="Gateway_Review" targetRef="Task_Approval" />
    <bpmn:sequenceFlow id="Flow_Return" name="退回补正" sourceRef="Gateway_Review" targetRef="Task_Supplement" />
    <bpmn:sequenceFlow id="Flow_Reject" name="不通过" sourceRef="Gateway_Review" targetRef="End_Rejected" />
    <bpmn:sequenceFlow id="F4" sourceRef="Task_Supplement" targetRef="Gateway_Merge" />
    <bpmn:sequenceFlow id="F5" sourceRef="Task_Approval" targetRef="${approvalOut}" />
    ${
      extraKeyGateway
        ? `<bpmn:sequenceFlow id="Flow_Key_Yes" name="是" sourceRef="Gateway_Key" targetRef="Task_KeyApproval" />
    <bpmn:sequenceFlow id="Flow_Key_No" name="否" sourceRef="Gateway_Key" targetRef="Gateway_Split" />
    <bpmn:sequenceFlow id="F9" sourceRef="Task_KeyApproval" targetRef="Gateway_Split" />`
        : ''
    }
    <bpmn:sequenceFlow id="F6" sourceRef="Gateway_Split" targetRef="Task_Security" />
    <bpmn:sequenceFlow id="F7" sourceRef="Gateway_Split" targetRef="Task_Crypto" />
    <bpmn:sequenceFlow id="F8a" sourceRef="Task_Security" targetRef="Gateway_Join" />
    <bpmn:sequenceFlow id="F8b" sourceRef="Task_Crypto" targetRef="Gateway_Join" />
    <bpmn:sequenceFlow id="F10" sourceRef="Gateway_Join" targetRef="End" />
  </bpmn:process>
</bpmn:definitions>`;
}

/** A review whose 不通过 branch leads into the model's own notice task (egov.notify). */
const NOTICE_XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d3" targetNamespace="t">
  <bpmn:process id="project-review-notice" isExecutable="true">
    <bpmn:exclusiveGateway id="Gateway_Review" name="联合审查是否通过？" />
    <bpmn:userTask id="Task_Approval" name="区发改委：重点项目单独立项"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="drc" /></bpmn:extensionElements></bpmn:userTask>
    <bpmn:serviceTask id="Task_NotifyReviewFailed" name="通知审查未通过">
      <bpmn:extensionElements><zeebe:taskDefinition type="egov.notify" /><zeebe:taskHeaders><zeebe:header key="template" value="review-failed" /><zeebe:header key="recipients" value="department" /></zeebe:taskHeaders></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:endEvent id="End_Rejected" name="审查未通过" />
    <bpmn:sequenceFlow id="Flow_Pass" name="通过" sourceRef="Gateway_Review" targetRef="Task_Approval" />
    <bpmn:sequenceFlow id="Flow_Reject" name="不通过" sourceRef="Gateway_Review" targetRef="Task_NotifyReviewFailed" />
    <bpmn:sequenceFlow id="F1" sourceRef="Task_NotifyReviewFailed" targetRef="End_Rejected" />
  </bpmn:process>
</bpmn:definitions>`;

const TYPES: Record<string, string> = {
  Gateway_Merge: 'EXCLUSIVE_GATEWAY',
  Gateway_Review: 'EXCLUSIVE_GATEWAY',
  Gateway_Key: 'EXCLUSIVE_GATEWAY',
  Gateway_Split: 'PARALLEL_GATEWAY',
  Gateway_Join: 'PARALLEL_GATEWAY',
  End_Rejected: 'END_EVENT',
  End: 'END_EVENT',
};

/** An in-memory picture of what the engine's query API would report. */
class FakeEngine implements GatewayQueries {
  readonly elements: ElementInstanceView[] = [];
  readonly taken = new Map<string, Set<string>>();
  readonly tasks = new Map<string, UserTaskView[]>();
  readonly vars = new Map<string, Record<string, unknown>>();
  readonly xml = new Map<string, string>([
    ['9001', processXml(false)],
    ['9002', processXml(true)],
    ['9003', NOTICE_XML],
  ]);
  private seq = 1000;

  /** records an element instance; `end` omitted = still active */
  pass(pi: string, elementId: string, start: string, end?: string, pd = '9001'): ElementInstanceView {
    const e: ElementInstanceView = {
      elementInstanceKey: String(++this.seq),
      processInstanceKey: pi,
      processDefinitionKey: pd,
      elementId,
      type: TYPES[elementId] ?? (elementId.startsWith('Task') ? 'USER_TASK' : 'START_EVENT'),
      state: end ? 'COMPLETED' : 'ACTIVE',
      startDate: start,
      ...(end ? { endDate: end } : {}),
    };
    this.elements.push(e);
    return e;
  }
  take(pi: string, ...flows: string[]) {
    const set = this.taken.get(pi) ?? new Set<string>();
    flows.forEach((f) => set.add(f));
    this.taken.set(pi, set);
  }
  task(pi: string, instance: ElementInstanceView, candidateGroups: string[]) {
    this.tasks.set(pi, [
      ...(this.tasks.get(pi) ?? []),
      { elementInstanceKey: instance.elementInstanceKey, elementId: instance.elementId, candidateGroups },
    ]);
  }

  async completedGateways(type: GatewayType, since: string) {
    return this.elements.filter((e) => e.type === type && e.state === 'COMPLETED' && e.endDate! >= since);
  }
  async elementInstances(pi: string) {
    return this.elements.filter((e) => e.processInstanceKey === pi);
  }
  async takenSequenceFlows(pi: string) {
    return [...(this.taken.get(pi) ?? [])];
  }
  async processXml(pd: string) {
    return this.xml.get(pd)!;
  }
  async userTasks(pi: string) {
    return this.tasks.get(pi) ?? [];
  }
  async variables(pi: string, names: readonly string[]) {
    const all = this.vars.get(pi) ?? {};
    return Object.fromEntries(Object.entries(all).filter(([k]) => names.includes(k)));
  }
}

const directory = new TestDirectory([
  { id: 'u-jyj', name: '王老师', email: 'wang@jyj.yeji.gov.cn', groups: ['dept:JYJ'], contactOf: 'JYJ' },
  { id: 'u-drc1', name: '发改委甲', email: 'a@drc.yeji.gov.cn', groups: ['drc'] },
  { id: 'u-drc2', name: '发改委乙', email: 'b@drc.yeji.gov.cn', groups: ['drc'] },
  { id: 'u-drc3', name: '无邮箱', email: null, groups: ['drc'] },
  { id: 'u-cyber', name: '网信办', email: 'c@wxb.yeji.gov.cn', groups: ['cyberspace-office'] },
  { id: 'u-crypto', name: '机要局', email: 'd@jyb.yeji.gov.cn', groups: ['crypto-bureau'] },
]);

const at = (t0: number, s: number) => new Date(t0 + s * 1000).toISOString();

describe('gateway notifier', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let smtp: TestSmtpServer;
  let engine: FakeEngine;
  let notifier: GatewayNotifier;
  let now: number;
  const t0 = Date.parse('2026-11-25T02:00:00.000Z');

  beforeAll(async () => {
    db = await createTestDatabase('gateway');
    ds = await openDatabase({ url: db.url, migrations: [MailOutbox1764300000000] });
    smtp = await startSmtpServer();
  });
  afterAll(async () => {
    await smtp?.close();
    await ds?.destroy();
    await db?.drop();
  });
  beforeEach(async () => {
    await ds.query('DELETE FROM mail_outbox');
    await ds.query('DELETE FROM notify_cursor');
    smtp.received.length = 0;
    engine = new FakeEngine();
    now = t0;
    notifier = new GatewayNotifier({
      dataSource: ds,
      queries: engine,
      directory,
      baseUrl: BASE,
      from: FROM,
      now: () => now,
    });
  });

  async function mails() {
    return (await listOutbox(ds.manager, {}, [{ field: 'id', order: 'asc' }], { from: 0, limit: 100 })).items;
  }

  function startProject(pi: string, vars: Record<string, unknown> = {}) {
    engine.vars.set(pi, {
      projectId: `P${pi}`,
      projectName: '智慧教育平台',
      departmentCode: 'JYJ',
      departmentGroup: 'dept:JYJ',
      ...vars,
    });
  }

  it('should start at "now" on its first poll and not mail passages from before', async () => {
    startProject('1');
    engine.pass('1', 'Gateway_Review', at(t0, -100), at(t0, -99));
    engine.pass('1', 'End_Rejected', at(t0, -99), at(t0, -99));
    engine.take('1', 'Flow_Reject');
    expect(await notifier.runOnce()).toMatchObject({ gateways: 0, mails: 0 });
    now = t0 + 10_000;
    expect(await notifier.runOnce()).toMatchObject({ notified: 0, mails: 0 });
  });

  it('should mail a rejection with its reason to the applying department, rendered in Chinese', async () => {
    await notifier.runOnce();
    startProject('1', { projectName: '智慧教育<平台>', reason: '概算依据不足 & 未做资源共享分析' });
    engine.pass('1', 'Task_Apply', at(t0, 1), at(t0, 2));
    engine.pass('1', 'Gateway_Merge', at(t0, 2), at(t0, 2));
    engine.pass('1', 'Gateway_Review', at(t0, 2), at(t0, 3));
    engine.pass('1', 'End_Rejected', at(t0, 3), at(t0, 3));
    engine.take('1', 'F1', 'F2', 'F3', 'Flow_Reject');
    now = t0 + 5_000;
    // the merge gateway only leads into the review gateway: no mail of its own
    expect(await notifier.runOnce()).toMatchObject({ gateways: 2, notified: 1, mails: 1 });
    const [row] = await mails();
    expect(row).toMatchObject({ recipientUserId: 'u-jyj', purpose: 'gateway', projectId: 'P1' });
    expect(row!.dedupeKey).toMatch(/^gw\|1\|\d+\|u-jyj\|gateway$/);

    await smtpDispatcher(ds, smtp.port, { from: FROM }).runOnce();
    expect(smtp.received).toHaveLength(1);
    const got = smtp.received[0]!;
    expect(got.envelopeTo).toEqual(['wang@jyj.yeji.gov.cn']);
    expect(got.parsed.subject).toBe('【项目进展】智慧教育<平台>：联合审查是否通过？ — 不通过');
    expect(got.parsed.text).toContain('未通过原因：概算依据不足 & 未做资源共享分析');
    expect(got.parsed.text).toContain('下一步：审查未通过');
    expect(got.parsed.text).toContain(`${BASE}/#/projects/P1`);
    expect(got.parsed.html).toContain('智慧教育&lt;平台&gt;');
    expect(got.parsed.html).toContain('概算依据不足 &amp; 未做资源共享分析');
    expect(got.parsed.html).not.toContain('<平台>');

    // the overlap re-reads the same passage: the dedupe key makes it a no-op
    now += 5_000;
    expect(await notifier.runOnce()).toMatchObject({ notified: 1, mails: 0 });
    expect(await mails()).toHaveLength(1);
  });

  it('should tell each passage of a loop apart although the instance has taken every flow', async () => {
    await notifier.runOnce();
    startProject('2', { reason: '请补充可行性研究报告' });
    engine.pass('2', 'Gateway_Review', at(t0, 1), at(t0, 2));
    const supplement = engine.pass('2', 'Task_Supplement', at(t0, 2), at(t0, 3));
    engine.task('2', supplement, ['dept:JYJ']);
    engine.pass('2', 'Gateway_Merge', at(t0, 3), at(t0, 3));
    engine.pass('2', 'Gateway_Review', at(t0, 3), at(t0, 4));
    const approval = engine.pass('2', 'Task_Approval', at(t0, 4));
    engine.task('2', approval, ['drc']);
    engine.take('2', 'Flow_Return', 'F4', 'F3', 'Flow_Pass');
    now = t0 + 10_000;
    expect(await notifier.runOnce()).toMatchObject({ notified: 2, waiting: 0 });
    const rows = await mails();
    const returned = rows.filter((r) => r.subject.endsWith('退回补正'));
    const passed = rows.filter((r) => r.subject.endsWith('通过') && !r.subject.endsWith('不通过'));
    // 退回: the department (contact and task group are the same person, mailed once)
    expect(returned.map((r) => r.recipientUserId)).toEqual(['u-jyj']);
    expect(returned[0]!.bodyText).toContain('退回原因：请补充可行性研究报告');
    expect(returned[0]!.bodyText).toContain('下一步：建设单位：补正材料');
    // 通过: the department and the group with the next step (the member without address is left out)
    expect(passed.map((r) => r.recipientUserId).sort()).toEqual(['u-drc1', 'u-drc2', 'u-jyj']);
    expect(passed[0]!.bodyText).toContain('办理单位：区发展和改革委员会');
    expect(passed[0]!.bodyText).not.toContain('原因');
  });

  it('should wait for a next task that is not visible yet, holding the cursor, then mail it', async () => {
    await notifier.runOnce();
    startProject('3');
    engine.pass('3', 'Gateway_Review', at(t0, 1), at(t0, 2));
    const supplement = engine.pass('3', 'Task_Supplement', at(t0, 2));
    engine.take('3', 'Flow_Return');
    now = t0 + 120_000; // well past the overlap
    expect(await notifier.runOnce()).toMatchObject({ notified: 0, waiting: 1, mails: 0 });
    const [cursor] = (await ds.query("SELECT value FROM notify_cursor WHERE name = 'gateway-notifier'")) as {
      value: string;
    }[];
    expect(cursor!.value).toBe(at(t0, 2));
    engine.task('3', supplement, ['dept:JYJ']);
    now += 5_000;
    expect(await notifier.runOnce()).toMatchObject({ notified: 1, waiting: 0, mails: 1 });
  });

  it('should mail every group of a parallel split, and a join that leads on', async () => {
    await notifier.runOnce();
    startProject('4');
    engine.pass('4', 'Gateway_Split', at(t0, 1), at(t0, 1));
    const sec = engine.pass('4', 'Task_Security', at(t0, 1), at(t0, 5));
    const cry = engine.pass('4', 'Task_Crypto', at(t0, 1), at(t0, 6));
    engine.task('4', sec, ['cyberspace-office']);
    engine.task('4', cry, ['crypto-bureau']);
    engine.pass('4', 'Gateway_Join', at(t0, 5), at(t0, 6));
    engine.pass('4', 'End', at(t0, 6), at(t0, 6));
    engine.take('4', 'F6', 'F7', 'F8a', 'F8b', 'F10');
    now = t0 + 10_000;
    expect(await notifier.runOnce()).toMatchObject({ notified: 2 });
    const rows = await mails();
    const split = rows.filter((r) => r.bodyText.includes('网络安全检查'));
    expect(split.map((r) => r.recipientUserId).sort()).toEqual(['u-crypto', 'u-cyber', 'u-jyj']);
    expect(split[0]!.bodyText).toContain('下一步：区委网信办：网络安全检查、密码应用审查');
    expect(split[0]!.bodyText).toContain('办理单位：区委网信办、区委机要局（密码管理局）');
    expect(rows.filter((r) => r.bodyText.includes('下一步：结束')).map((r) => r.recipientUserId)).toEqual(['u-jyj']);
  });

  it('should mail at a gateway added to a copy of the process, with no code change', async () => {
    await notifier.runOnce();
    startProject('5');
    // instance of the copied definition (9002) whose model has an extra gateway "重点项目？"
    engine.pass('5', 'Gateway_Key', at(t0, 1), at(t0, 2), '9002');
    const key = engine.pass('5', 'Task_KeyApproval', at(t0, 2), undefined, '9002');
    engine.elements[engine.elements.length - 1]!.type = 'USER_TASK';
    engine.task('5', key, ['drc']);
    engine.take('5', 'Flow_Key_Yes');
    now = t0 + 10_000;
    expect(await notifier.runOnce()).toMatchObject({ notified: 1, mails: 3 });
    const rows = await mails();
    expect(rows[0]!.subject).toBe('【项目进展】智慧教育平台：重点项目？ — 是');
    expect(rows[0]!.bodyText).toContain('下一步：重点项目审批');
  });

  it('should leave a decision to the model’s own notice task (egov.notify) and mail the other branches', async () => {
    await notifier.runOnce();
    startProject('7', { reason: '概算依据不足' });
    engine.pass('7', 'Gateway_Review', at(t0, 1), at(t0, 2), '9003');
    engine.pass('7', 'Task_NotifyReviewFailed', at(t0, 2), undefined, '9003');
    engine.elements[engine.elements.length - 1]!.type = 'SERVICE_TASK';
    engine.take('7', 'Flow_Reject');
    now = t0 + 10_000;
    // the passage is resolved (not waiting) but the model's task sends the notice: no second mail
    expect(await notifier.runOnce()).toMatchObject({ notified: 1, waiting: 0, mails: 0 });

    startProject('8');
    engine.pass('8', 'Gateway_Review', at(t0, 11), at(t0, 12), '9003');
    const task = engine.pass('8', 'Task_Approval', at(t0, 12), undefined, '9003');
    engine.task('8', task, ['drc']);
    engine.take('8', 'Flow_Pass');
    now = t0 + 20_000;
    expect(await notifier.runOnce()).toMatchObject({ mails: 3 }); // the department and the two DRC users
    expect(parseProcessModel(NOTICE_XML).nodes.get('Task_NotifyReviewFailed')!.jobType).toBe('egov.notify');
  });

  it('should not mail for an instance that is not a project’s', async () => {
    await notifier.runOnce();
    engine.pass('6', 'Gateway_Review', at(t0, 1), at(t0, 2));
    engine.pass('6', 'End_Rejected', at(t0, 2), at(t0, 2));
    engine.take('6', 'Flow_Reject');
    now = t0 + 10_000;
    expect(await notifier.runOnce()).toMatchObject({ notified: 1, mails: 0 });
  });
});

describe('decision kinds and the model reader', () => {
  const flow = (name: string, properties: Record<string, string> = {}) => ({ name, properties });

  it('should read the decision from the label, the gateway question, or an explicit property', () => {
    expect(decisionKind(flow('不通过'))).toBe('rejected');
    expect(decisionKind(flow('通过'))).toBe('approved');
    expect(decisionKind(flow('退回修改'))).toBe('returned');
    expect(decisionKind(flow('否'), '联合审查通过？')).toBe('rejected');
    expect(decisionKind(flow('否'), '材料齐全？')).toBe('returned');
    expect(decisionKind(flow('是'), '材料齐全？')).toBe('approved');
    expect(decisionKind(flow('否'), '跨部门项目？')).toBe('decided');
    expect(decisionKind(flow('收回', { 'notify-kind': 'rejected' }))).toBe('rejected');
  });

  it('should read outgoing flows, static candidate groups and properties from deployed XML', () => {
    const model = parseProcessModel(processXml(true));
    const review = model.nodes.get('Gateway_Review')!;
    expect(review.type).toBe('exclusiveGateway');
    expect(review.outgoing.map((f) => [f.id, f.name, f.targetRef])).toEqual([
      ['Flow_Pass', '通过', 'Task_Approval'],
      ['Flow_Return', '退回补正', 'Task_Supplement'],
      ['Flow_Reject', '不通过', 'End_Rejected'],
    ]);
    expect(model.nodes.get('Task_Approval')!.candidateGroups).toEqual(['drc']);
    expect(model.nodes.get('Task_Supplement')!.candidateGroups).toEqual([]); // FEEL: read from the task record
  });
});
