/**
 * The reminder runner's state for operators over real HTTP on the real database (SQLite, or
 * MariaDB with TEST_DATABASE_URL): GET /api/operations/notifications reports the last pass and the
 * years reminders wait for; POST /api/operations/notifications/run runs a pass now (after a
 * holiday file was added) and answers the new state; admins only; 409 without a runner.
 */
import { WorkingDayCalendar } from '../../services/calendar';
import { DEMO_PASSWORD, seedDemoData } from '../../services/demo/seed';
import type { Notifications } from '../../services/notify';
import { domainDeadlines } from '../../services/notify/domain-deadlines';
import { ReminderRunner } from '../../services/notify/reminders';
import { SqlRecipientDirectory } from '../../services/notify/sql-directory';
import { startTestApi, type TestApi } from './support/api';

interface Status {
  running: boolean;
  smtp: boolean;
  calendar: { coveredYears: number[] };
  reminders: {
    lastRunAt: string | null;
    lastResult: { planned: number; enqueued: number; errors: number } | null;
    calendarGaps: { obligationId: string; date: string; year: number }[];
    missingYears: number[];
  } | null;
}

describe('operations: the reminder runner’s state and a pass on demand', () => {
  let api: TestApi;
  let bare: TestApi;
  // filled in once the database exists (the services hold this object)
  const notifications = {} as Pick<Notifications, 'status' | 'reminders'>;

  beforeAll(async () => {
    api = await startTestApi({ services: { notifications } });
    bare = await startTestApi();
    const calendar = new WorkingDayCalendar();
    expect(calendar.coveredYears()).not.toContain(2027);
    const directory = new SqlRecipientDirectory(api.ds);
    const runner = new ReminderRunner({
      dataSource: api.ds,
      calendar,
      deadlines: domainDeadlines(api.ds, directory, calendar, {}),
      escalateTo: () => directory.candidateGroup('data-bureau'),
      baseUrl: 'http://egov.test',
      now: () => Date.parse('2026-09-30T01:00:00Z'),
    });
    Object.assign(notifications, {
      reminders: runner,
      status: () => ({
        smtp: false,
        calendar: { coveredYears: calendar.coveredYears(), sources: calendar.sources() },
        reminders: runner.state(),
      }),
    });
    await seedDemoData(api.services);
    await seedDemoData(bare.services);
    // a draft for plan year 2028: its R6 application is due 30 Sep 2027, a year no holiday notice covers
    const [org] = (await api.ds.query("SELECT id FROM organisation WHERE code = 'JYJ'")) as { id: number }[];
    const ts = '2026-09-01T00:00:00.000Z';
    await api.ds.query(
      `INSERT INTO project (code, name, category, kind, org_id, responsible_person, start_month, end_month, fund_fiscal, fund_loan, fund_self, fund_other, total_investment, key_project, department_budget, stage, plan_year, current_version, created_by, created_at, updated_at)
       VALUES ('YJ-2028-901', '城市大脑二期', 'application-system', 'new', ?, '王老师', '2028-03', '2028-12', 100, 0, 0, 0, 100, ?, ?, 'draft', 2028, 1, 1, ?, ?)`,
      [org!.id, false, false, ts, ts],
    );
  });
  afterAll(async () => {
    await api?.close();
    await bare?.close();
  });

  it('should report no pass yet, then run one on demand and show the year reminders wait for', async () => {
    const admin = api.client();
    await admin.login('admin', DEMO_PASSWORD);
    const before = await admin.get<Status>('/api/operations/notifications');
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ running: true, reminders: { lastRunAt: null, missingYears: [] } });

    const run = await admin.post<Status>('/api/operations/notifications/run', {});
    expect(run.status).toBe(200);
    expect(run.body.running).toBe(true);
    expect(run.body.reminders!.lastRunAt).toBe('2026-09-30T01:00:00.000Z');
    expect(run.body.reminders!.missingYears).toEqual([2027]);
    const [project] = (await api.ds.query("SELECT id FROM project WHERE code = 'YJ-2028-901'")) as { id: number }[];
    expect(run.body.reminders!.calendarGaps).toContainEqual({
      obligationId: `R6:${project!.id}:2028`,
      date: '2027-09-30',
      year: 2027,
    });
    expect(run.body.reminders!.lastResult!.errors).toBe(run.body.reminders!.calendarGaps.length);
    // the GET answers the same state afterwards, and the pass is audited as a write
    const after = await admin.get<Status>('/api/operations/notifications');
    expect(after.body).toEqual(run.body);
    const audit = (await api.ds.query(
      "SELECT actor FROM audit_log WHERE action = 'notifications.run' AND outcome = 'success'",
    )) as { actor: string }[];
    expect(audit.map((a) => a.actor)).toEqual(['admin']);
  });

  it('should refuse non-admins (403) and bodies with fields (400), and say 409 where no runner runs', async () => {
    const manager = api.client();
    await manager.login('sgj.manager', DEMO_PASSWORD);
    expect((await manager.post('/api/operations/notifications/run', {})).status).toBe(403);
    const admin = api.client();
    await admin.login('admin', DEMO_PASSWORD);
    const bad = await admin.post('/api/operations/notifications/run', { year: 2027 });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/problem\+json/);
    const replica = bare.client();
    await replica.login('admin', DEMO_PASSWORD);
    const none = await replica.post<{ detail: string }>('/api/operations/notifications/run', {});
    expect(none.status).toBe(409);
    expect(none.body.detail).toContain('未运行提醒服务');
    expect((await replica.get<Status>('/api/operations/notifications')).body).toMatchObject({
      running: false,
      reminders: null,
    });
  });
});
