import type { DataSource } from 'typeorm';
import { WorkingDayCalendar } from '../../services/calendar';
import { openDatabase } from '../../services/db/data-source';
import { Identity1764100000000 } from '../../services/domain/migrations/1764100000000-Identity';
import { Projects1764100001000 } from '../../services/domain/migrations/1764100001000-Projects';
import { Oversight1764100002000 } from '../../services/domain/migrations/1764100002000-Oversight';
import { Lifecycle1764100003000 } from '../../services/domain/migrations/1764100003000-Lifecycle';
import { domainDeadlines } from '../../services/notify/domain-deadlines';
import { MailOutbox1764300000000 } from '../../services/notify/migrations/1764300000000-MailOutbox';
import { listOutbox } from '../../services/notify/outbox';
import { ReminderRunner } from '../../services/notify/reminders';
import { SqlRecipientDirectory } from '../../services/notify/sql-directory';
import { createTestDatabase, type TestDatabase } from '../support/db';

/** The committed domain migrations (not the in-progress ones), plus the outbox. */
const migrations = [
  Identity1764100000000,
  Projects1764100001000,
  Oversight1764100002000,
  Lifecycle1764100003000,
  MailOutbox1764300000000,
];

describe('R26 rectification deadlines from the domain tables', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const calendar = new WorkingDayCalendar();

  beforeAll(async () => {
    db = await createTestDatabase('deadlines');
    ds = await openDatabase({ url: db.url, migrations });
    const ts = '2026-09-01T00:00:00.000Z';
    await ds.query("INSERT INTO organisation (code, name, type) VALUES ('JYJ', '区教育局', 'department')");
    await ds.query("INSERT INTO organisation (code, name, type) VALUES ('data-bureau', '区数据资源管理局', 'bureau')");
    const org = async (code: string) =>
      Number(((await ds.query('SELECT id FROM organisation WHERE code = ?', [code])) as { id: number }[])[0]!.id);
    const user = (username: string, email: string, code: number, roles: string) =>
      ds.query(
        'INSERT INTO app_user (username, display_name, email, org_id, roles, password_hash, password_changed_at, failed_logins, disabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)',
        [username, username, email, code, roles, 'x', ts, false, ts],
      );
    await user('wang', 'wang@jyj.yeji.gov.cn', await org('JYJ'), 'staff');
    await user('zhao', 'zhao@sjj.yeji.gov.cn', await org('data-bureau'), 'staff');
    const project = async (code: string, name: string, start: string, end: string, stage: string) =>
      ds.query(
        `INSERT INTO project (code, name, category, kind, org_id, responsible_person, start_month, end_month, fund_fiscal, fund_loan, fund_self, fund_other, total_investment, key_project, department_budget, stage, plan_year, current_version, created_by, created_at, updated_at)
         VALUES (?, ?, 'application-system', 'new', ?, '王老师', ?, ?, 100, 0, 0, 0, 100, ?, ?, ?, 2026, 1, 1, ?, ?)`,
        [code, name, await org('JYJ'), start, end, false, false, stage, ts, ts],
      );
    await project('YJ-2026-001', '智慧教育平台', '2026-03', '2026-12', 'implementation'); // R15 applies (> 6 months)
    await project('YJ-2026-002', '校园安防系统', '2026-04', '2026-08', 'final-acceptance'); // 5 months: no R15
    await project('YJ-2025-003', '在线办事大厅', '2025-01', '2025-12', 'self-evaluation');
    const report = (projectId: number, quarter: string) =>
      ds.query(
        "INSERT INTO progress_report (project_id, quarter, data, submitted_on, due_on, late, submitted_by) VALUES (?, ?, '{}', '2026-07-03', '2026-07-07', ?, 1)",
        [projectId, quarter, false],
      );
    await report(1, '2026-Q1');
    await report(1, '2026-Q2');
    const acceptance = (projectId: number, stage: string, acceptedOn: string) =>
      ds.query(
        "INSERT INTO acceptance (project_id, stage, applied_on, late, accepted_on, result, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, 'passed', 1, ?)",
        [projectId, stage, acceptedOn, false, acceptedOn, ts],
      );
    await acceptance(2, 'preliminary', '2026-09-01'); // R22.2: apply for final acceptance by 8 Oct
    await acceptance(3, 'preliminary', '2025-12-01');
    await acceptance(3, 'final', '2026-03-31'); // R23: self-evaluation by 30 Sep
    const order = (deadline: string, status: string) =>
      ds.query(
        "INSERT INTO rectification_order (project_id, issued_by_org_id, issue, deadline, status, issued_by, issued_at) VALUES (1, 2, '等保测评未完成', ?, ?, 2, ?)",
        [deadline, status, ts],
      );
    await order('2026-10-03', 'open'); // falls in the National Day holiday → 8 October (art. 203)
    await order('2026-10-03', 'closed');
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('should read the open obligations: R26, R15, R22.2, R23, with deadlines on the working-day calendar', async () => {
    const deadlines = await domainDeadlines(ds, new SqlRecipientDirectory(ds), calendar)('2026-09-30');
    expect(deadlines.map((d) => [d.rule, d.obligationId, d.projectName, d.dueDate])).toEqual([
      ['R26', 'R26:1', '智慧教育平台', '2026-10-08'], // 3 Oct is in the National Day holiday; the closed order is left out
      ['R15', 'R15:1:2026-Q3', '智慧教育平台', '2026-10-13'], // Q2 filed; Q3 due in October's first 5 working days
      ['R22.2', 'R22.2:2', '校园安防系统', '2026-10-08'],
      ['R23', 'R23:3', '在线办事大厅', '2026-09-30'],
    ]);
    expect(deadlines[0]!.departmentName).toBe('区教育局');
    expect(deadlines[0]!.responsible.map((r) => r.email)).toEqual(['wang@jyj.yeji.gov.cn']);
  });

  it('should remind the department before and escalate to the data bureau after', async () => {
    const directory = new SqlRecipientDirectory(ds);
    let now = Date.parse('2026-09-30T01:00:00Z');
    const runner = new ReminderRunner({
      dataSource: ds,
      calendar,
      deadlines: domainDeadlines(ds, directory, calendar),
      escalateTo: () => directory.candidateGroup('data-bureau'),
      baseUrl: 'http://egov.test',
      now: () => now,
    });
    expect(await runner.runOnce()).toMatchObject({ enqueued: 4 });
    expect(await runner.runOnce()).toMatchObject({ enqueued: 0 });
    const reminders = (await listOutbox(ds.manager, { purpose: 'reminder' }, [{ field: 'id', order: 'asc' }])).items;
    expect(reminders.map((i) => i.subject)).toEqual([
      '【到期提醒】智慧教育平台：限期整改，2026-10-08 截止（还剩 1 个工作日）',
      '【到期提醒】智慧教育平台：季度建设进度报告（每季度首月前5个工作日内报送附件2），2026-10-13 截止（还剩 5 个工作日）',
      '【到期提醒】校园安防系统：初步验收后1个月内申请竣工验收，2026-10-08 截止（还剩 1 个工作日）',
      '【到期提醒】在线办事大厅：验收上线后6个月内报送绩效自评报告，2026-09-30 截止（今天到期）',
    ]);
    expect(new Set(reminders.map((i) => i.recipientAddress))).toEqual(new Set(['wang@jyj.yeji.gov.cn']));
    // 9 Oct: R26 and R22.2 one working day overdue, R23 two (after 30 Sep only 8 and 9 Oct are working days)
    now = Date.parse('2026-10-09T01:00:00Z');
    await runner.runOnce();
    const escalations = (await listOutbox(ds.manager, { purpose: 'escalation' }, [{ field: 'id', order: 'asc' }]))
      .items;
    expect(escalations.map((i) => [i.recipientAddress, i.subject])).toEqual([
      ['zhao@sjj.yeji.gov.cn', '【逾期督办】智慧教育平台：限期整改 已逾期 1 个工作日'],
      ['zhao@sjj.yeji.gov.cn', '【逾期督办】校园安防系统：初步验收后1个月内申请竣工验收 已逾期 1 个工作日'],
      ['zhao@sjj.yeji.gov.cn', '【逾期督办】在线办事大厅：验收上线后6个月内报送绩效自评报告 已逾期 2 个工作日'],
    ]);
    expect(escalations[0]!.bodyText).toContain('建设单位：区教育局');
  });
});
