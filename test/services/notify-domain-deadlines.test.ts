import type { DataSource } from 'typeorm';
import { WorkingDayCalendar } from '../../services/calendar';
import { openDatabase } from '../../services/db/data-source';
import { Identity1764100000000 } from '../../services/domain/migrations/1764100000000-Identity';
import { Projects1764100001000 } from '../../services/domain/migrations/1764100001000-Projects';
import { Oversight1764100002000 } from '../../services/domain/migrations/1764100002000-Oversight';
import { domainDeadlines } from '../../services/notify/domain-deadlines';
import { MailOutbox1764300000000 } from '../../services/notify/migrations/1764300000000-MailOutbox';
import { listOutbox } from '../../services/notify/outbox';
import { ReminderRunner } from '../../services/notify/reminders';
import { SqlRecipientDirectory } from '../../services/notify/sql-directory';
import { createTestDatabase, type TestDatabase } from '../support/db';

/** The committed domain migrations (not the in-progress ones), plus the outbox. */
const migrations = [Identity1764100000000, Projects1764100001000, Oversight1764100002000, MailOutbox1764300000000];

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
    await ds.query(
      `INSERT INTO project (code, name, category, kind, org_id, responsible_person, start_month, end_month, fund_fiscal, fund_loan, fund_self, fund_other, total_investment, key_project, department_budget, stage, plan_year, current_version, created_by, created_at, updated_at)
       VALUES ('YJ-2026-001', '智慧教育平台', 'application-system', 'new', ?, '王老师', '2026-03', '2026-12', 100, 0, 0, 0, 100, ?, ?, 'implementation', 2026, 1, 1, ?, ?)`,
      [await org('JYJ'), false, false, ts, ts],
    );
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

  it('should read open orders only, with the deadline moved off the holiday', async () => {
    const deadlines = await domainDeadlines(ds, new SqlRecipientDirectory(ds), calendar)('2026-09-30');
    expect(deadlines).toHaveLength(1);
    expect(deadlines[0]).toMatchObject({
      rule: 'R26',
      projectName: '智慧教育平台',
      departmentName: '区教育局',
      dueDate: '2026-10-08',
      done: false,
    });
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
    expect(await runner.runOnce()).toMatchObject({ enqueued: 1 });
    now = Date.parse('2026-10-09T01:00:00Z');
    expect(await runner.runOnce()).toMatchObject({ enqueued: 1 });
    const { items } = await listOutbox(ds.manager, {}, [{ field: 'id', order: 'asc' }]);
    expect(items.map((i) => [i.purpose, i.recipientAddress])).toEqual([
      ['reminder', 'wang@jyj.yeji.gov.cn'],
      ['escalation', 'zhao@sjj.yeji.gov.cn'],
    ]);
    expect(items[0]!.subject).toBe('【到期提醒】智慧教育平台：限期整改，2026-10-08 截止（还剩 1 个工作日）');
    expect(items[1]!.bodyText).toContain('建设单位：区教育局');
  });
});
