import type { DataSource } from 'typeorm';
import { WorkingDayCalendar } from '../../services/calendar';
import { openDatabase } from '../../services/db/data-source';
import { domainDeadlines } from '../../services/notify/domain-deadlines';
import { listOutbox } from '../../services/notify/outbox';
import { SqlRecipientDirectory } from '../../services/notify/sql-directory';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { deliverOutbox, domainReminderRunner, NOTIFY_TEST_MIGRATIONS } from './notify-support';

describe('deadlines from the domain tables (R6, R7, R15, R22.2, R22.3, R23, R26)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const calendar = new WorkingDayCalendar();

  beforeAll(async () => {
    db = await createTestDatabase('deadlines');
    ds = await openDatabase({ url: db.url, migrations: NOTIFY_TEST_MIGRATIONS });
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
    await ds.query("INSERT INTO organisation (code, name, type) VALUES ('experts', '区政务信息化专家库', 'expert')");
    await user('wang', 'wang@jyj.yeji.gov.cn', await org('JYJ'), 'staff'); // user 1
    await user('zhao', 'zhao@sjj.yeji.gov.cn', await org('data-bureau'), 'staff'); // user 2
    await user('expert.li', 'li@expert.yeji.gov.cn', await org('experts'), 'expert'); // user 3: has scored
    await user('expert.sun', 'sun@expert.yeji.gov.cn', await org('experts'), 'expert'); // user 4: has not
    const project = async (code: string, name: string, start: string, end: string, stage: string, year = 2026) =>
      ds.query(
        `INSERT INTO project (code, name, category, kind, org_id, responsible_person, start_month, end_month, fund_fiscal, fund_loan, fund_self, fund_other, total_investment, key_project, department_budget, stage, plan_year, current_version, created_by, created_at, updated_at)
         VALUES (?, ?, 'application-system', 'new', ?, '王老师', ?, ?, 100, 0, 0, 0, 100, ?, ?, ?, ?, 1, 1, ?, ?)`,
        [code, name, await org('JYJ'), start, end, false, false, stage, year, ts, ts],
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

    await project('YJ-2027-004', '数字档案馆', '2027-03', '2027-12', 'draft', 2027); // 4: R6, apply by 30 Sep 2026
    await project('YJ-2026-005', '旧草稿', '2026-03', '2026-12', 'draft', 2026); // 5: its deadline was 2025: stale
    await project('YJ-2027-006', '医共体平台', '2027-01', '2027-12', 'joint-review', 2027); // 6: R7 review in 2026
    await ds.query(
      "INSERT INTO review_round (project_id, round_no, status, application_version, opened_by, opened_at) VALUES (6, 1, 'open', 1, 2, '2026-10-12T02:00:00.000Z')",
    );
    await ds.query('INSERT INTO review_assignment (round_id, expert_id) VALUES (1, 3), (1, 4)');
    await ds.query(
      "INSERT INTO expert_score (round_id, expert_id, planning, sharing, feasibility, budget, cryptography, opinion, submitted_at) VALUES (1, 3, 80, 80, 80, 80, 80, '同意', '2026-10-20T02:00:00.000Z')",
    );
    // R22.3: project 1's contract said 15 September; an approved delay moved it to 9 October
    const contract = (projectId: number, due: string) =>
      ds.query(
        "INSERT INTO contract (project_id, supplier, amount, signed_on, acceptance_due, recorded_by, recorded_at) VALUES (?, '某科技公司', 90, '2026-04-01', ?, 1, ?)",
        [projectId, due, ts],
      );
    await contract(1, '2026-09-15');
    await contract(2, '2026-08-31'); // accepted (preliminary passed): nothing owed
    const delay = (requested: string, status: string) =>
      ds.query(
        "INSERT INTO delay_request (project_id, contracted_date, requested_date, reason, status, requested_by, requested_at) VALUES (1, '2026-09-15', ?, '设备到货延迟', ?, 1, ?)",
        [requested, status, ts],
      );
    await delay('2026-10-09', 'approved');
    await delay('2026-12-31', 'rejected');
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('should read the open obligations with deadlines on the working-day calendar', async () => {
    const deadlines = await domainDeadlines(ds, new SqlRecipientDirectory(ds), calendar)('2026-09-30');
    expect(deadlines.map((d) => [d.rule, d.obligationId, d.projectName, d.dueDate])).toEqual([
      ['R6', 'R6:4:2027', '数字档案馆', '2026-09-30'], // the stale 2026 draft is left out
      ['R7', 'R7:round-1', '医共体平台', '2026-12-31'],
      ['R22.3', 'R22.3:1', '智慧教育平台', '2026-10-09'], // moved by the approved delay, not the rejected one
      ['R26', 'R26:1', '智慧教育平台', '2026-10-08'], // 3 Oct is in the National Day holiday; the closed order is left out
      ['R15', 'R15:1:2026-Q3', '智慧教育平台', '2026-10-13'], // Q2 filed; Q3 due in October's first 5 working days
      ['R22.2', 'R22.2:2', '校园安防系统', '2026-10-08'],
      ['R23', 'R23:3', '在线办事大厅', '2026-09-30'],
    ]);
    expect(deadlines[0]!.departmentName).toBe('区教育局');
    expect(deadlines[0]!.responsible.map((r) => r.email)).toEqual(['wang@jyj.yeji.gov.cn']);
    // R7: only the expert who has not scored
    expect(deadlines[1]!.responsible.map((r) => r.email)).toEqual(['sun@expert.yeji.gov.cn']);
  });

  it('should remind the department before and escalate to the data bureau after', async () => {
    let now = Date.parse('2026-09-30T01:00:00Z');
    const runner = domainReminderRunner(ds, calendar, { baseUrl: 'http://egov.test', now: () => now });
    expect(await runner.runOnce()).toMatchObject({ enqueued: 6, errors: 0 });
    expect(await runner.runOnce()).toMatchObject({ enqueued: 0 });
    const reminders = (await listOutbox(ds.manager, { purpose: 'reminder' }, [{ field: 'id', order: 'asc' }])).items;
    expect(reminders.map((i) => i.subject)).toEqual([
      '【到期提醒】数字档案馆：下一年度项目申报（10月前报区数据资源管理局），2026-09-30 截止（今天到期）',
      '【到期提醒】智慧教育平台：合同约定验收日期（不能按期验收须提前申请延期），2026-10-09 截止（还剩 2 个工作日）',
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
      [
        'zhao@sjj.yeji.gov.cn',
        '【逾期督办】数字档案馆：下一年度项目申报（10月前报区数据资源管理局） 已逾期 2 个工作日',
      ],
      ['zhao@sjj.yeji.gov.cn', '【逾期督办】智慧教育平台：限期整改 已逾期 1 个工作日'],
      ['zhao@sjj.yeji.gov.cn', '【逾期督办】校园安防系统：初步验收后1个月内申请竣工验收 已逾期 1 个工作日'],
      ['zhao@sjj.yeji.gov.cn', '【逾期督办】在线办事大厅：验收上线后6个月内报送绩效自评报告 已逾期 2 个工作日'],
    ]);
    expect(escalations[0]!.bodyText).toContain('建设单位：区教育局');
  });

  it('should deliver every rule’s reminder and escalation through a real SMTP server', async () => {
    const runner = domainReminderRunner(ds, calendar, {
      baseUrl: 'http://egov.test',
      now: () => Date.parse('2026-12-25T01:00:00Z'), // R7: 4 working days before the window ends
    });
    await runner.runOnce();
    const total = (await listOutbox(ds.manager)).totalItems;
    const received = await deliverOutbox(ds, total, { from: '叶集区数据资源管理局 <noreply@yeji.gov.cn>' });
    expect(received).toHaveLength(total);
    expect((await listOutbox(ds.manager, { status: 'sent' })).totalItems).toBe(total);
    const find = (prefix: string, title: string) => {
      const hits = received.filter((r) => r.parsed.subject?.startsWith(prefix) && r.parsed.subject.includes(title));
      expect(hits.length).toBeGreaterThan(0);
      return hits;
    };
    const cases: [string, string, string, string][] = [
      // rule title in the subject, prefix, recipient, project link
      ['下一年度项目申报', '【到期提醒】', 'wang@jyj.yeji.gov.cn', '/#/projects/4'],
      ['下一年度项目申报', '【逾期督办】', 'zhao@sjj.yeji.gov.cn', '/#/projects/4'],
      ['10月至12月集中审查论证', '【到期提醒】', 'sun@expert.yeji.gov.cn', '/#/projects/6'],
      ['季度建设进度报告', '【到期提醒】', 'wang@jyj.yeji.gov.cn', '/#/projects/1'],
      ['季度建设进度报告', '【逾期督办】', 'zhao@sjj.yeji.gov.cn', '/#/projects/1'],
      ['初步验收后1个月内申请竣工验收', '【到期提醒】', 'wang@jyj.yeji.gov.cn', '/#/projects/2'],
      ['初步验收后1个月内申请竣工验收', '【逾期督办】', 'zhao@sjj.yeji.gov.cn', '/#/projects/2'],
      ['合同约定验收日期', '【到期提醒】', 'wang@jyj.yeji.gov.cn', '/#/projects/1'],
      ['合同约定验收日期', '【逾期督办】', 'zhao@sjj.yeji.gov.cn', '/#/projects/1'],
      ['验收上线后6个月内报送绩效自评报告', '【到期提醒】', 'wang@jyj.yeji.gov.cn', '/#/projects/3'],
      ['验收上线后6个月内报送绩效自评报告', '【逾期督办】', 'zhao@sjj.yeji.gov.cn', '/#/projects/3'],
      ['限期整改', '【到期提醒】', 'wang@jyj.yeji.gov.cn', '/#/projects/1'],
      ['限期整改', '【逾期督办】', 'zhao@sjj.yeji.gov.cn', '/#/projects/1'],
    ];
    for (const [title, prefix, to, link] of cases) {
      for (const mail of find(prefix, title)) {
        expect([title, mail.envelopeTo]).toEqual([title, [to]]);
        expect(mail.parsed.to).toMatchObject({ value: [expect.objectContaining({ address: to })] });
        expect(mail.parsed.text).toContain(`http://egov.test${link}`);
        expect(mail.parsed.text).toMatch(/截止日期：\d{4}-\d{2}-\d{2}/);
        expect(mail.parsed.html).toContain('<table');
      }
    }
    // an escalation names who has not acted; R7's asks the bureau to press the reviewers
    const late = find('【逾期督办】', '限期整改')[0]!;
    expect(late.parsed.text).toContain('尚未办理：wang');
    expect(late.parsed.text).toContain('请督促建设单位尽快办理。');
    // R7 went only to the expert who has not scored, and never to the one who has
    expect(received.some((r) => r.envelopeTo.includes('li@expert.yeji.gov.cn'))).toBe(false);
    // the R15 reminder the runner sent is its 5-day one (the model sends the 1-day one)
    expect(find('【到期提醒】', '季度建设进度报告')[0]!.parsed.subject).toContain('还剩 5 个工作日');
  });
});
