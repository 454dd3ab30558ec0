/**
 * GET /api/mail/outbox over real HTTP on the real database (SQLite, or MariaDB with
 * TEST_DATABASE_URL): filters (status, notice kind, recipient, subject, project, created range),
 * allow-listed sort fields, paging with the total of the whole filtered set, and 400 problem+json
 * for anything else — injection strings included, which are data, never SQL.
 */
import { DEMO_PASSWORD, seedDemoData } from '../../services/demo/seed';
import { enqueueMail, type MailPurpose } from '../../services/notify/outbox';
import type { Recipient } from '../../services/notify/recipients';
import type { Client} from './support/api';
import { startTestApi, type TestApi } from './support/api';

interface Mail {
  id: string;
  to: string[];
  subject: string;
  status: string;
  attempts: number;
  createdAt: string;
  purpose: string;
  projectId: string | null;
}
interface Page {
  items: Mail[];
  total: number;
  page: number;
  pageSize: number;
}

describe('mail outbox API: filter, sort, page', () => {
  let api: TestApi;
  let admin: Client;

  /** 12 mails over three days (China time), four kinds, three recipients, two projects */
  const rows: {
    to: string;
    name: string;
    purpose: MailPurpose;
    projectId: string | null;
    at: string;
    subject: string;
  }[] = [];
  const recipients = [
    { userId: '11', name: '张三', email: 'zhang.san@yeji.gov.cn' },
    { userId: '12', name: '李四', email: 'li.si@yeji.gov.cn' },
    { userId: '13', name: '王五_100%', email: 'wang.wu@yeji.gov.cn' },
  ] as Recipient[];
  const purposes: MailPurpose[] = ['gateway', 'reminder', 'escalation', 'urge'];

  beforeAll(async () => {
    api = await startTestApi();
    await seedDemoData(api.services);
    admin = api.client();
    await admin.login('admin', DEMO_PASSWORD);
    for (let i = 0; i < 12; i++) {
      const r = recipients[i % 3]!;
      // 2026-11-01 08:00+08 … spread over three China days, 6 hours apart
      const at = new Date(Date.parse('2026-11-01T00:00:00Z') + i * 6 * 3_600_000).toISOString();
      const purpose = purposes[i % 4]!;
      const projectId = i % 2 === 0 ? '7' : i % 3 === 0 ? '8' : null;
      const subject = `【第${i}号】${purpose === 'urge' ? '催办' : '提醒'}：项目进展`;
      await api.ds.transaction((m) =>
        enqueueMail(
          m,
          { dedupeKey: `test|${i}`, recipient: r, subject, text: 't', html: '<p>t</p>', purpose, projectId },
          { now: new Date(at) },
        ),
      );
      rows.push({ to: r.email, name: r.name, purpose, projectId, at, subject });
    }
    // two mails sent, one failed (statuses written as the dispatcher does)
    await api.ds.query(
      "UPDATE mail_outbox SET status = 'sent', sent_at = created_at WHERE dedupe_key IN ('test|1', 'test|4')",
    );
    await api.ds.query("UPDATE mail_outbox SET status = 'failed', attempts = 3 WHERE dedupe_key = 'test|2'");
  });
  afterAll(async () => {
    await api?.close();
  });

  async function list(query: string): Promise<Page> {
    const res = await admin.get<Page>(`/api/mail/outbox${query}`);
    expect({ query, status: res.status }).toEqual({ query, status: 200 });
    return res.body;
  }
  const subjects = (p: Page) => p.items.map((m) => m.subject);
  const expected = (pick: (r: (typeof rows)[number], i: number) => boolean) =>
    rows
      .map((r, i) => ({ ...r, i }))
      .filter((r) => pick(r, r.i))
      .sort((a, b) => b.at.localeCompare(a.at))
      .map((r) => r.subject);

  it('should list newest first by default with the total of all pages', async () => {
    const first = await list('?pageSize=5');
    expect(first).toMatchObject({ total: 12, page: 1, pageSize: 5 });
    expect(subjects(first)).toEqual(expected(() => true).slice(0, 5));
    const third = await list('?pageSize=5&page=3');
    expect(subjects(third)).toEqual(expected(() => true).slice(10));
    expect(third.total).toBe(12);
  });

  it('should filter by status, notice kind, recipient, subject and project', async () => {
    const sent = await list('?status=sent');
    expect(subjects(sent)).toEqual(expected((_, i) => i === 1 || i === 4));
    const urge = await list('?purpose=urge');
    expect(subjects(urge)).toEqual(expected((r) => r.purpose === 'urge'));
    expect(urge.total).toBe(3);
    // by address part or by name, case-insensitive
    expect(subjects(await list('?recipient=LI.SI'))).toEqual(expected((r) => r.to === 'li.si@yeji.gov.cn'));
    expect(subjects(await list(`?recipient=${encodeURIComponent('张三')}`))).toEqual(
      expected((r) => r.name === '张三'),
    );
    // % and _ are literal characters, not wildcards
    expect((await list(`?recipient=${encodeURIComponent('_100%')}`)).total).toBe(4);
    expect((await list(`?recipient=${encodeURIComponent('%')}`)).total).toBe(4);
    expect((await list(`?recipient=${encodeURIComponent('_')}`)).total).toBe(4);
    expect(subjects(await list(`?q=${encodeURIComponent('催办')}`))).toEqual(
      expected((r) => r.subject.includes('催办')),
    );
    expect(subjects(await list('?projectId=8'))).toEqual(expected((r) => r.projectId === '8'));
    // combined
    const combo = await list(`?projectId=7&purpose=reminder&recipient=zhang`);
    expect(subjects(combo)).toEqual(
      expected((r) => r.projectId === '7' && r.purpose === 'reminder' && r.to.startsWith('zhang')),
    );
  });

  it('should filter a created range by instant or by China calendar day', async () => {
    // 2026-11-01 (China) = 2026-10-31T16:00Z … 2026-11-01T16:00Z: mails 0, 1, 2 (00:00, 06:00, 12:00 UTC)
    const day = await list('?createdFrom=2026-11-01&createdTo=2026-11-01');
    expect(subjects(day)).toEqual(expected((_, i) => i <= 2));
    const range = await list(
      `?createdFrom=${encodeURIComponent('2026-11-02T00:00:00Z')}&createdTo=${encodeURIComponent('2026-11-02T12:00:00+00:00')}`,
    );
    expect(subjects(range)).toEqual(expected((_, i) => i >= 4 && i <= 6));
  });

  it('should sort by the allow-listed fields, ties broken by newest id', async () => {
    const oldest = await list('?sort=createdAt:asc&pageSize=3');
    expect(subjects(oldest)).toEqual(
      expected(() => true)
        .reverse()
        .slice(0, 3),
    );
    const byRecipient = await list('?sort=recipient:asc&pageSize=100');
    expect(byRecipient.items.map((m) => m.to[0]!.replace(/^.*</, '').replace('>', ''))).toEqual(
      rows.map((r) => r.to).sort(),
    );
    const byStatus = await list('?sort=status:desc&pageSize=100');
    expect(byStatus.items.map((m) => m.status)).toEqual([...byStatus.items.map((m) => m.status)].sort().reverse());
    expect(byStatus.items[0]!.status).toBe('sent');
    const byAttempts = await list('?sort=attempts:desc&pageSize=1');
    expect(byAttempts.items[0]).toMatchObject({ status: 'failed', attempts: 3 });
  });

  it('should answer 400 problem+json to unknown sort fields, bad filters and injection strings', async () => {
    const bad = [
      '?sort=subject:asc',
      '?sort=createdAt:sideways',
      `?sort=${encodeURIComponent('created_at; DROP TABLE mail_outbox')}`,
      `?sort=${encodeURIComponent('createdAt:asc, (SELECT 1)')}`,
      '?status=lost',
      '?purpose=spam',
      `?status=${encodeURIComponent("sent' OR '1'='1")}`,
      '?projectId=abc',
      `?projectId=${encodeURIComponent('1 OR 1=1')}`,
      '?createdFrom=yesterday',
      '?createdFrom=2026-11-03&createdTo=2026-11-01',
      '?pageSize=1000',
      '?page=0',
      '?recipient=',
      `?recipient=${'x'.repeat(101)}`,
      '?unknown=1',
    ];
    for (const q of bad) {
      const res = await admin.get<{ status: number; detail?: string }>(`/api/mail/outbox${q}`);
      expect({ q, status: res.status, type: res.headers.get('content-type') }).toEqual({
        q,
        status: 400,
        type: expect.stringMatching(/application\/problem\+json/),
      });
    }
    // an injection string in a free-text filter is data: it matches nothing and the table is intact
    const injected = await list(`?recipient=${encodeURIComponent("' OR '1'='1")}&q=${encodeURIComponent("%' --")}`);
    expect(injected.total).toBe(0);
    expect((await list('')).total).toBe(12);
  });

  it('should refuse everyone but administrators', async () => {
    const manager = api.client();
    await manager.login('sgj.manager', DEMO_PASSWORD);
    expect((await manager.get('/api/mail/outbox?sort=createdAt:asc')).status).toBe(403);
    expect((await api.client().get('/api/mail/outbox')).status).toBe(401);
  });
});
