import type { DataSource } from 'typeorm';
import { CalendarRangeError, WorkingDayCalendar } from '../../services/calendar';
import { openDatabase } from '../../services/db/data-source';
import { MailOutbox1764300000000 } from '../../services/notify/migrations/1764300000000-MailOutbox';
import { listOutbox } from '../../services/notify/outbox';
import {
  ReminderRunner,
  applicationDeadline,
  enqueueUrge,
  finalAcceptanceApplicationDeadline,
  planReminders,
  quarterlyReportDeadline,
  rectificationDeadline,
  reviewWindowEnd,
  selfEvaluationDeadline,
  type Deadline,
} from '../../services/notify/reminders';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { recipient, smtpDispatcher, startSmtpServer } from './notify-support';

const calendar = new WorkingDayCalendar();
const BASE = 'http://egov.test';
const contact = recipient('u-jyj', '王老师', 'wang@jyj.yeji.gov.cn');
const bureau = [
  recipient('u-sj1', '数管局甲', 'a@sjj.yeji.gov.cn'),
  recipient('u-sj2', '数管局乙', 'b@sjj.yeji.gov.cn'),
];

function r15(over: Partial<Deadline> = {}): Deadline {
  return {
    rule: 'R15',
    obligationId: 'R15:P42:2026-Q4',
    projectId: 'P42',
    projectName: '智慧教育平台',
    departmentName: '区教育局',
    dueDate: quarterlyReportDeadline(calendar, '2026-10-01'),
    done: false,
    responsible: [contact],
    ...over,
  };
}

const plan = (deadlines: Deadline[], today: string) =>
  planReminders({ deadlines, today, calendar, escalateTo: bureau, baseUrl: BASE });

describe('statutory deadlines on the working-day calendar', () => {
  it('should compute each rule’s last day', () => {
    expect(quarterlyReportDeadline(calendar, '2026-10-01')).toBe('2026-10-13'); // R15, after 国庆
    expect(applicationDeadline(calendar, 2026)).toBe('2026-09-30'); // R6
    expect(reviewWindowEnd(calendar, 2026)).toBe('2026-12-31'); // R7
    expect(finalAcceptanceApplicationDeadline(calendar, '2026-09-01')).toBe('2026-10-08'); // R22.2
    expect(selfEvaluationDeadline(calendar, '2026-03-31')).toBe('2026-09-30'); // R23
    expect(rectificationDeadline(calendar, '2026-09-15', { days: 10 })).toBe('2026-09-28'); // R26, 中秋
    expect(rectificationDeadline(calendar, '2026-09-15', '2026-10-03')).toBe('2026-10-08');
  });
});

describe('planReminders (pure)', () => {
  it('should send nothing before the first reminder stage', () => {
    expect(plan([r15()], '2026-09-29').mails).toEqual([]);
  });

  it('R15: should remind 5 working days before — across the National Day holiday', () => {
    // 5 working days before 13 Oct: 12, 10 (调休 Saturday), 9, 8 Oct, 30 Sep
    const { mails } = plan([r15()], '2026-09-30');
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({
      purpose: 'reminder',
      projectId: 'P42',
      dedupeKey: 'dl|R15:P42:2026-Q4|2026-10-13|before-5|u-jyj|reminder',
    });
    expect(mails[0]!.recipient.email).toBe('wang@jyj.yeji.gov.cn');
    expect(mails[0]!.subject).toBe(
      '【到期提醒】智慧教育平台：季度建设进度报告（每季度首月前5个工作日内报送附件2），2026-10-13 截止（还剩 5 个工作日）',
    );
    expect(mails[0]!.text).toContain(`${BASE}/#/projects/P42`);
  });

  it('should stay silent on rest days and send the latest stage only after a gap', () => {
    expect(plan([r15()], '2026-10-05').mails).toEqual([]); // 国庆 holiday
    expect(plan([r15()], '2026-10-11').mails).toEqual([]); // Sunday
    // Monday 12 Oct is the 1-day stage, which the model sends (Timer_ReportReminder): not the runner
    expect(plan([r15()], '2026-10-12').mails).toEqual([]);
    const dueDay = plan([r15()], '2026-10-13').mails;
    expect(dueDay[0]!.dedupeKey).toContain('before-0');
    expect(dueDay[0]!.subject).toContain('今天到期');
  });

  it('should escalate to the data bureau after the deadline, counted in working days', () => {
    const first = plan([r15()], '2026-10-14').mails;
    expect(first.map((m) => [m.recipient.userId, m.purpose])).toEqual([
      ['u-sj1', 'escalation'],
      ['u-sj2', 'escalation'],
    ]);
    expect(first[0]!.dedupeKey).toBe('dl|R15:P42:2026-Q4|2026-10-13|after-1|u-sj1|escalation');
    expect(first[0]!.subject).toBe(
      '【逾期督办】智慧教育平台：季度建设进度报告（每季度首月前5个工作日内报送附件2） 已逾期 1 个工作日',
    );
    expect(first[0]!.text).toContain('建设单位：区教育局');
    expect(first[0]!.text).toContain('尚未办理：王老师');
    const r7 = plan(
      [
        r15({
          rule: 'R7',
          obligationId: 'R7:round-1',
          responsible: [recipient('e1', '孙专家', 'sun@expert.yeji.gov.cn')],
        }),
      ],
      '2026-10-14',
    ).mails[0]!;
    expect(r7.text).toContain('尚未办理：孙专家');
    expect(r7.text).toContain('请督促评审单位和专家尽快完成审查论证。');
    // 14, 15, 16, 19, 20 Oct: five working days overdue
    expect(plan([r15()], '2026-10-19').mails[0]!.dedupeKey).toContain('after-1');
    expect(plan([r15()], '2026-10-20').mails[0]!.dedupeKey).toContain('after-5');
  });

  it('should leave the notices the process models send to them (one owner per notice)', () => {
    // R15's first escalation stands in for the model's progress-report-overdue: marked, so the
    // runner sends it only to those who did not get the model's mail
    const escalation = plan([r15()], '2026-10-14').mails[0]!;
    expect(escalation.modelNotice).toEqual({
      template: 'progress-report-overdue',
      since: '2026-10-12T16:00:00.000Z', // 13 Oct 00:00 in China
    });
    // the later stage is the runner's own notice
    expect(plan([r15()], '2026-10-20').mails[0]!.modelNotice).toBeUndefined();
    // R26 has no timer notice in the models: the runner owns every stage
    const r26 = r15({ rule: 'R26', obligationId: 'R26:1' });
    expect(plan([r26], '2026-10-12').mails.map((m) => m.dedupeKey)).toEqual([
      'dl|R26:1|2026-10-13|before-1|u-jyj|reminder',
    ]);
    expect(plan([r26], '2026-10-14').mails[0]!.modelNotice).toBeUndefined();
  });

  it('should send nothing for a fulfilled obligation', () => {
    expect(plan([r15({ done: true })], '2026-10-14').mails).toEqual([]);
  });

  it('R22.2: should remind before the 1-month final-acceptance application deadline', () => {
    const d = r15({
      rule: 'R22.2',
      obligationId: 'R22.2:P7',
      projectId: 'P7',
      dueDate: finalAcceptanceApplicationDeadline(calendar, '2026-09-01'),
    });
    expect(d.dueDate).toBe('2026-10-08');
    expect(plan([d], '2026-09-30').mails[0]!.dedupeKey).toBe('dl|R22.2:P7|2026-10-08|before-1|u-jyj|reminder');
  });

  it('should report a deadline outside the calendar’s years and still plan the others', () => {
    const far = r15({ obligationId: 'R23:P9', rule: 'R23', dueDate: '2027-03-01' });
    const result = plan([far, r15()], '2026-09-30');
    expect(result.mails).toHaveLength(1);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]!.obligationId).toBe('R23:P9');
    expect(result.errors[0]!.error).toBeInstanceOf(CalendarRangeError);
  });
});

describe('reminder runner and 催办 (real database, real SMTP)', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('remind');
    ds = await openDatabase({ url: db.url, migrations: [MailOutbox1764300000000] });
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('should enqueue a day’s reminders once however often it runs', async () => {
    const runner = new ReminderRunner({
      dataSource: ds,
      calendar,
      deadlines: async () => [r15()],
      escalateTo: async () => bureau,
      baseUrl: BASE,
      now: () => Date.parse('2026-10-14T01:00:00Z'), // 09:00 in China
    });
    expect(await runner.runOnce()).toEqual({ planned: 2, enqueued: 2, errors: 0 });
    expect(await runner.runOnce()).toEqual({ planned: 2, enqueued: 0, errors: 0 });
    expect((await listOutbox(ds.manager, { purpose: 'escalation' })).totalItems).toBe(2);
  });

  it('should send a manager’s urge at once', async () => {
    const smtp = await startSmtpServer();
    try {
      const dispatcher = smtpDispatcher(ds, smtp.port, { intervalMs: 60_000 });
      // the dispatcher is idle (its first pass found nothing) and would next look in a minute
      dispatcher.start();
      await new Promise((r) => setTimeout(r, 300));
      const n = await ds.transaction((m) =>
        enqueueUrge(
          m,
          {
            urgeId: 'audit-1234',
            projectId: 'P42',
            projectName: '智慧教育平台',
            matter: '区发改委：重点项目单独立项',
            managerName: '李局长',
            message: '请本周内办结 <务必>',
            recipients: [recipient('u-drc1', '发改委甲', 'a@drc.yeji.gov.cn'), contact],
          },
          { baseUrl: BASE, mailDomain: 'yeji.gov.cn' },
        ),
      );
      expect(n).toBe(2);
      dispatcher.wake();
      try {
        for (
          let i = 0;
          i < 100 && smtp.received.filter((r) => r.parsed.subject?.startsWith('【催办】')).length < 2;
          i++
        ) {
          await new Promise((r) => setTimeout(r, 50));
        }
      } finally {
        await dispatcher.stop();
      }
      const urges = smtp.received.filter((r) => r.parsed.subject?.startsWith('【催办】'));
      expect(urges.map((u) => u.envelopeTo[0]).sort()).toEqual(['a@drc.yeji.gov.cn', 'wang@jyj.yeji.gov.cn']);
      expect(urges[0]!.parsed.subject).toBe('【催办】智慧教育平台：区发改委：重点项目单独立项');
      expect(urges[0]!.parsed.text).toContain('催办人：李局长');
      expect(urges[0]!.parsed.html).toContain('请本周内办结 &lt;务必&gt;');
    } finally {
      await smtp.close();
    }
  });
});
