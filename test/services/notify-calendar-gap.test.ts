/**
 * Reminders for a year whose holiday notice is not out yet (2027 at the time of writing): the
 * runner must not crash, must say clearly what waits for which year (log and `state()`), and must
 * plan the reminder on its first pass after config/holidays/<year>.json arrives — no restart.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { WorkingDayCalendar, refreshCalendar } from '../../services/calendar';
import { openDatabase } from '../../services/db/data-source';
import { domainDeadlines } from '../../services/notify/domain-deadlines';
import { listOutbox } from '../../services/notify/outbox';
import { ReminderRunner } from '../../services/notify/reminders';
import { SqlRecipientDirectory } from '../../services/notify/sql-directory';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { NOTIFY_TEST_MIGRATIONS } from './notify-support';

const migrations = NOTIFY_TEST_MIGRATIONS;

/** A test fixture, labelled as such: New Year's Day only, not the real 2027 arrangement. */
const FIXTURE_2027 = {
  year: 2027,
  holidays: ['2027-01-01'],
  workdays: [],
  source: 'test fixture (New Year’s Day only; the 2027 notice is not transcribed)',
};

describe('reminders for a year the working-day calendar does not cover yet', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'holidays-'));
    db = await createTestDatabase('calgap');
    ds = await openDatabase({ url: db.url, migrations });
    const ts = '2026-09-01T00:00:00.000Z';
    await ds.query("INSERT INTO organisation (code, name, type) VALUES ('JYJ', '区教育局', 'department')");
    await ds.query("INSERT INTO organisation (code, name, type) VALUES ('data-bureau', '区数据资源管理局', 'bureau')");
    await ds.query("INSERT INTO organisation (code, name, type) VALUES ('experts', '区政务信息化专家库', 'expert')");
    const user = (username: string, email: string, orgId: number, roles: string) =>
      ds.query(
        'INSERT INTO app_user (username, display_name, email, org_id, roles, password_hash, password_changed_at, failed_logins, disabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)',
        [username, username, email, orgId, roles, 'x', ts, false, ts],
      );
    await user('wang', 'wang@jyj.yeji.gov.cn', 1, 'staff');
    await user('zhao', 'zhao@sjj.yeji.gov.cn', 2, 'staff');
    await user('expert.sun', 'sun@expert.yeji.gov.cn', 3, 'expert');
    const project = (code: string, name: string, stage: string, year: number) =>
      ds.query(
        `INSERT INTO project (code, name, category, kind, org_id, responsible_person, start_month, end_month, fund_fiscal, fund_loan, fund_self, fund_other, total_investment, key_project, department_budget, stage, plan_year, current_version, created_by, created_at, updated_at)
         VALUES (?, ?, 'application-system', 'new', 1, '王老师', ?, ?, 100, 0, 0, 0, 100, ?, ?, ?, ?, 1, 1, ?, ?)`,
        [code, name, `${year}-03`, `${year}-12`, false, false, stage, year, ts, ts],
      );
    await project('YJ-2027-001', '数字档案馆', 'draft', 2027); // 1: R6 due 30 Sep 2026 (covered)
    await project('YJ-2028-002', '城市大脑二期', 'draft', 2028); // 2: R6 due 30 Sep 2027 (not covered)
    await project('YJ-2028-003', '智慧养老平台', 'joint-review', 2028); // 3: R7 window ends 31 Dec 2027
    await ds.query(
      "INSERT INTO review_round (project_id, round_no, status, application_version, opened_by, opened_at) VALUES (3, 1, 'open', 1, 2, '2026-09-01T02:00:00.000Z')",
    );
    await ds.query('INSERT INTO review_assignment (round_id, expert_id) VALUES (1, 3)');
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('should warn and wait instead of crashing, then plan the reminders once the year’s file arrives', async () => {
    const calendar = new WorkingDayCalendar();
    expect(calendar.coveredYears().at(-1)).toBe(2026);
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s)) });
    const directory = new SqlRecipientDirectory(ds);
    let now = Date.parse('2026-09-30T01:00:00Z');
    const runner = new ReminderRunner({
      dataSource: ds,
      calendar,
      deadlines: domainDeadlines(ds, directory, calendar, { logger }),
      escalateTo: () => directory.candidateGroup('data-bureau'),
      baseUrl: 'http://egov.test',
      logger,
      now: () => now,
      refreshCalendar: () => refreshCalendar(calendar, { overrideDir: dir, logger }),
    });

    // 2026: the covered R6 deadline is reminded; the 2027 ones wait, named, with the year
    expect(await runner.runOnce()).toEqual({ planned: 1, enqueued: 1, errors: 2 });
    const state = runner.state();
    expect(state.missingYears).toEqual([2027]);
    expect(state.calendarGaps).toEqual([
      { obligationId: 'R6:2:2028', date: '2027-09-30', year: 2027 },
      { obligationId: 'R7:round-1', date: '2027-12-31', year: 2027 },
    ]);
    const warning = lines.find((l) => l.level === 40)!;
    expect(warning.msg).toBe(
      'reminders wait for the working-day calendar: add config/holidays/2027.json (State Council holiday notice)',
    );
    expect(warning.obligations).toEqual(['R6:2:2028', 'R7:round-1']);
    expect(lines.filter((l) => Number(l.level) >= 50)).toEqual([]);

    // 24 September 2027, still no 2027 file: even "today" cannot be placed — no mail, no crash
    now = Date.parse('2027-09-24T01:00:00Z');
    lines.length = 0;
    expect(await runner.runOnce()).toEqual({ planned: 0, enqueued: 0, errors: 1 });
    expect(runner.state()).toMatchObject({
      missingYears: [2027],
      calendarGaps: [{ obligationId: 'today', date: '2027-09-24', year: 2027 }],
    });
    expect(lines.some((l) => l.level === 40 && String(l.msg).includes('config/holidays/2027.json'))).toBe(true);
    expect((await listOutbox(ds.manager)).totalItems).toBe(1);

    // the 2027 file arrives (an operator transcribes the notice): the next pass plans R6
    fs.writeFileSync(path.join(dir, '2027.json'), JSON.stringify(FIXTURE_2027));
    lines.length = 0;
    expect(await runner.runOnce()).toMatchObject({ enqueued: 1, errors: 0 });
    expect(runner.state()).toMatchObject({ missingYears: [], calendarGaps: [] });
    expect(lines.find((l) => l.msg === 'working-day calendar updated from config/holidays')).toMatchObject({
      addedYears: [2027],
    });
    const reminder = (await listOutbox(ds.manager, { projectId: '2' })).items;
    expect(reminder.map((r) => [r.recipientAddress, r.subject])).toEqual([
      [
        'wang@jyj.yeji.gov.cn',
        '【到期提醒】城市大脑二期：下一年度项目申报（10月前报区数据资源管理局），2027-09-30 截止（还剩 4 个工作日）',
      ],
    ]);
    // and R7 is planned on the calendar from now on (its first stage is in December)
    now = Date.parse('2027-12-27T01:00:00Z');
    await runner.runOnce();
    expect((await listOutbox(ds.manager, { projectId: '3' })).items.map((r) => r.recipientAddress)).toEqual([
      'sun@expert.yeji.gov.cn',
    ]);
  });

  it('should keep its data when an override file is invalid, and say so', () => {
    const bad = fs.mkdtempSync(path.join(os.tmpdir(), 'holidays-bad-'));
    try {
      fs.writeFileSync(path.join(bad, '2028.json'), JSON.stringify({ ...FIXTURE_2027, year: 2028 }));
      const calendar = new WorkingDayCalendar();
      const lines: Record<string, unknown>[] = [];
      const logger = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s)) });
      expect(refreshCalendar(calendar, { overrideDir: bad, logger })).toEqual([]);
      expect(calendar.coveredYears().at(-1)).toBe(2026);
      expect(lines[0]).toMatchObject({
        level: 50,
        msg: 'holiday override file invalid: the working-day calendar keeps its data',
      });
    } finally {
      fs.rmSync(bad, { recursive: true, force: true });
    }
  });
});
