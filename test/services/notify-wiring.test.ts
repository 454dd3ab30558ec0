import pino from 'pino';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../config';
import { openDatabase } from '../../services/db/data-source';
import { createEngineClient } from '../../services/engine-client';
import { WorkingDayCalendar } from '../../services/calendar';
import { startNotifications } from '../../services/notify';
import { enqueueMail, listOutbox } from '../../services/notify/outbox';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { NOTIFY_TEST_MIGRATIONS, recipient, startSmtpServer, type TestSmtpServer } from './notify-support';

describe('startNotifications (what bootstrap starts)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    db = await createTestDatabase('wiring');
    ds = await openDatabase({
      url: db.url,
      migrations: NOTIFY_TEST_MIGRATIONS,
    });
    smtp = await startSmtpServer();
  });
  afterAll(async () => {
    await smtp?.close();
    await ds?.destroy();
    await db?.drop();
  });

  function start(env: Record<string, string>, calendar?: WorkingDayCalendar) {
    const config = loadConfig({
      DATABASE_URL: db.url,
      ENGINE: 'zeebe',
      CAMUNDA_REST_ADDRESS: 'http://127.0.0.1:9',
      GATEWAY_NOTIFY_INTERVAL_MS: '60000',
      ...env,
    });
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s)) });
    const engine = createEngineClient({ restAddress: config.CAMUNDA_REST_ADDRESS! });
    return { n: startNotifications({ config, dataSource: ds, engine, logger, calendar }), lines };
  }

  it('should report the calendar’s years and keep mail in the outbox without SMTP_HOST', async () => {
    const { n, lines } = start({});
    try {
      expect(n.dispatcher).toBeUndefined();
      const ready = lines.find((l) => l.msg === 'working-day calendar ready')!;
      expect(ready.coveredYears).toMatch(/^2004–20\d\d$/);
      expect(lines.some((l) => l.msg === 'SMTP_HOST not set: mail stays in the outbox (mail page)')).toBe(true);
      // the reminder runner's first pass read the (empty) domain tables without error
      for (let i = 0; i < 400 && n.status().reminders.lastRunAt === null; i++)
        await new Promise((r) => setTimeout(r, 50));
      expect(lines.filter((l) => Number(l.level) >= 50)).toEqual([]);
      const status = n.status();
      expect(status).toMatchObject({ smtp: false, reminders: { missingYears: [], calendarGaps: [] } });
      expect(status.calendar.coveredYears[0]).toBe(2004);
      expect(status.calendar.sources[2026]).toBe('chinese-days');
      expect(status.reminders.lastRunAt).not.toBeNull();
      await enqueueMail(ds.manager, {
        dedupeKey: 'wiring-1',
        recipient: recipient('u1', '王老师', 'wang@jyj.yeji.gov.cn'),
        subject: '测试',
        text: '正文',
        html: '<p>正文</p>',
        purpose: 'gateway',
      });
      await new Promise((r) => setTimeout(r, 300));
      expect((await listOutbox(ds.manager, { status: 'pending' })).totalItems).toBe(1);
    } finally {
      await n.stop();
    }
  });

  it('should send the outbox through the configured SMTP server', async () => {
    // the calendar the workers and the API use can be shared: the runner's refresh then reaches them
    const shared = new WorkingDayCalendar();
    const { n } = start(
      { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), MAIL_DISPATCH_INTERVAL_MS: '100' },
      shared,
    );
    try {
      expect(n.calendar).toBe(shared);
      expect(n.dispatcher).toBeDefined();
      for (let i = 0; i < 300 && smtp.received.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(smtp.received.map((r) => r.envelopeTo)).toEqual([['wang@jyj.yeji.gov.cn']]);
      // the row is marked after the server's 250: wait for the mark, do not race it
      const sent = async () => (await listOutbox(ds.manager, { status: 'sent' })).totalItems;
      for (let i = 0; i < 100 && (await sent()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await sent()).toBe(1);
    } finally {
      await n.stop();
    }
  });
});
