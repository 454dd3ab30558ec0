import { spawn } from 'node:child_process';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { openDatabase } from '../../services/db/data-source';
import { MailDispatcher, backoffMs } from '../../services/notify/dispatcher';
import { MailOutbox1764300000000 } from '../../services/notify/migrations/1764300000000-MailOutbox';
import {
  InvalidMailError,
  dedupeKey,
  enqueueMail,
  listOutbox,
  mailDomain,
  requeueMail,
  type OutgoingMail,
} from '../../services/notify/outbox';
import { recipientFromUser } from '../../services/notify/recipients';
import { createSmtpTransport } from '../../services/notify/transport';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { freePort, recipient, startSmtpServer, type TestSmtpServer } from './notify-support';

const FROM = '叶集区数据资源管理局 <noreply@yeji.gov.cn>';
const migrations = [MailOutbox1764300000000];

function mail(n: number, over: Partial<OutgoingMail> = {}): OutgoingMail {
  return {
    dedupeKey: dedupeKey('test', n),
    recipient: recipient(`u${n}`, `用户${n}`, `user${n}@dept.yeji.gov.cn`),
    subject: `测试邮件 ${n}`,
    text: `正文 ${n}`,
    html: `<p>正文 ${n}</p>`,
    purpose: 'gateway',
    projectId: String(100 + (n % 3)),
    ...over,
  };
}

function transportFor(port: number) {
  return createSmtpTransport({
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: port,
    SMTP_SECURE: false,
    SMTP_USER: undefined,
    SMTP_PASSWORD: undefined,
  })!;
}

async function statusOf(ds: DataSource, key: string): Promise<{ status: string; attempts: number; next: string }> {
  const [row] = (await ds.query('SELECT status, attempts, next_attempt_at FROM mail_outbox WHERE dedupe_key = ?', [
    key,
  ])) as { status: string; attempts: number; next_attempt_at: string }[];
  return { status: row!.status, attempts: Number(row!.attempts), next: row!.next_attempt_at };
}

describe('mail outbox and dispatcher (real SMTP server)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    db = await createTestDatabase('outbox');
    ds = await openDatabase({ url: db.url, migrations });
    smtp = await startSmtpServer();
  });
  afterAll(async () => {
    await smtp?.close();
    await ds?.destroy();
    await db?.drop();
  });
  beforeEach(async () => {
    await ds.query('DELETE FROM mail_outbox');
    smtp.received.length = 0;
    smtp.refuse.clear();
  });

  it('should write the mail in the caller’s transaction: rolled back → no row, committed → one row', async () => {
    await expect(
      ds.transaction(async (m) => {
        expect(await enqueueMail(m, mail(1))).toBe(true);
        throw new Error('domain change failed');
      }),
    ).rejects.toThrow('domain change failed');
    expect((await listOutbox(ds.manager)).totalItems).toBe(0);

    await ds.transaction(async (m) => {
      expect(await enqueueMail(m, mail(1))).toBe(true);
      // the same (instance, element, recipient, purpose) again: ignored, the transaction goes on
      expect(await enqueueMail(m, mail(1, { subject: '重复' }))).toBe(false);
    });
    expect(await enqueueMail(ds.manager, mail(1))).toBe(false);
    const { items, totalItems } = await listOutbox(ds.manager);
    expect(totalItems).toBe(1);
    expect(items[0]).toMatchObject({ status: 'pending', subject: '测试邮件 1', attempts: 0, recipientUserId: 'u1' });
  });

  it('should send pending mail through SMTP with a Message-ID derived from the dedupe key', async () => {
    for (const n of [1, 2, 3]) await enqueueMail(ds.manager, mail(n), { domain: mailDomain(FROM) });
    const dispatcher = new MailDispatcher({ dataSource: ds, transport: transportFor(smtp.port), from: FROM });
    const stats = await dispatcher.runOnce();
    expect(stats).toMatchObject({ claimed: 3, sent: 3 });
    expect(smtp.received).toHaveLength(3);
    const first = smtp.received.find((r) => r.envelopeTo[0] === 'user1@dept.yeji.gov.cn')!;
    expect(first.envelopeFrom).toBe('noreply@yeji.gov.cn');
    expect(first.parsed.subject).toBe('测试邮件 1');
    expect(first.parsed.text?.trim()).toBe('正文 1');
    expect(first.parsed.html).toContain('<p>正文 1</p>');
    const to = Array.isArray(first.parsed.to) ? first.parsed.to[0] : first.parsed.to;
    expect(to?.value[0]).toEqual({ address: 'user1@dept.yeji.gov.cn', name: '用户1' });
    const { items } = await listOutbox(ds.manager, { recipientUserId: 'u1' });
    expect(items[0]!.status).toBe('sent');
    expect(items[0]!.sentAt).not.toBeNull();
    expect(first.parsed.messageId).toBe(items[0]!.messageId);
    expect(items[0]!.messageId).toMatch(/^<[0-9a-f]{32}\.outbox@yeji\.gov\.cn>$/);
    expect((await dispatcher.runOnce()).claimed).toBe(0);
  });

  it('should keep mail pending and readable when no SMTP server is configured', async () => {
    expect(
      createSmtpTransport({
        SMTP_HOST: undefined,
        SMTP_PORT: 25,
        SMTP_SECURE: false,
        SMTP_USER: undefined,
        SMTP_PASSWORD: undefined,
      }),
    ).toBeNull();
    for (let n = 1; n <= 7; n++) await enqueueMail(ds.manager, mail(n), { now: new Date(Date.UTC(2026, 10, n)) });
    const page = await listOutbox(
      ds.manager,
      { status: 'pending', projectId: '101' },
      [{ field: 'createdAt', order: 'asc' }],
      { from: 1, limit: 1 },
    );
    // projectId 101: n = 1, 4, 7; second by creation time is n = 4
    expect(page.totalItems).toBe(3);
    expect(page.items.map((i) => i.subject)).toEqual(['测试邮件 4']);
    expect((await listOutbox(ds.manager, { status: ['sent', 'dead'] })).totalItems).toBe(0);
    expect((await listOutbox(ds.manager, { createdFrom: '2026-11-06T00:00:00.000Z' })).totalItems).toBe(2);
  });

  it('should send at most once when the dispatcher dies between SMTP and recording the outcome', async () => {
    await enqueueMail(ds.manager, mail(1));
    const key = mail(1).dedupeKey;
    let now = Date.now() + 1_000;
    const crashing = new MailDispatcher({
      dataSource: ds,
      transport: transportFor(smtp.port),
      from: FROM,
      id: 'replica-a',
      leaseMs: 60_000,
      now: () => now,
      afterSend: () => {
        throw new Error('simulated crash after SMTP accepted the message');
      },
    });
    await expect(crashing.runOnce()).rejects.toThrow('simulated crash');
    expect(smtp.received).toHaveLength(1);
    expect((await statusOf(ds, key)).status).toBe('sending');

    const survivor = new MailDispatcher({
      dataSource: ds,
      transport: transportFor(smtp.port),
      from: FROM,
      id: 'replica-b',
      now: () => now,
    });
    // within the lease the row is neither re-claimed nor expired
    expect(await survivor.runOnce()).toMatchObject({ claimed: 0, expired: 0 });
    now += 61_000;
    expect(await survivor.runOnce()).toMatchObject({ claimed: 0, expired: 1 });
    expect(await survivor.runOnce()).toMatchObject({ claimed: 0, expired: 0 });
    expect(smtp.received).toHaveLength(1);
    const { items } = await listOutbox(ds.manager, { status: 'uncertain' });
    expect(items).toHaveLength(1);
    expect(items[0]!.lastError).toContain('Message-ID');
    // an administrator who found no such Message-ID in the mailbox re-queues it
    expect(await requeueMail(ds.manager, items[0]!.id, new Date(now))).toBe(true);
    expect(await requeueMail(ds.manager, items[0]!.id, new Date(now))).toBe(false);
    expect((await survivor.runOnce()).sent).toBe(1);
    expect(smtp.received).toHaveLength(2);
  });

  it('should send at most once when the dispatcher process is killed (SIGKILL) mid-send', async () => {
    await enqueueMail(ds.manager, mail(1));
    // `node --import tsx`, not the tsx CLI: the CLI runs the script in a grandchild that SIGKILL would miss
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'notify-crash-child.ts')], {
      env: { ...process.env, CRASH_DB_URL: db.url, CRASH_SMTP_PORT: String(smtp.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    // the message is on the server; the sender dies before the server's 250 reaches it
    smtp.beforeAccept = async () => {
      child.kill('SIGKILL');
      await exited;
    };
    try {
      expect(await exited).toBe('SIGKILL');
    } finally {
      smtp.beforeAccept = undefined;
    }
    expect(output).not.toContain('survived');
    expect(smtp.received).toHaveLength(1);
    expect((await statusOf(ds, mail(1).dedupeKey)).status).toBe('sending');

    const leaseMs = 5 * 60_000; // DISPATCHER_DEFAULTS.leaseMs, as the child used
    const survivor = new MailDispatcher({
      dataSource: ds,
      transport: transportFor(smtp.port),
      from: FROM,
      id: 'survivor',
      now: () => Date.now() + leaseMs + 1_000,
    });
    expect(await survivor.runOnce()).toMatchObject({ claimed: 0, expired: 1 });
    expect(await survivor.runOnce()).toMatchObject({ claimed: 0, expired: 0 });
    expect(smtp.received).toHaveLength(1);
    expect((await statusOf(ds, mail(1).dedupeKey)).status).toBe('uncertain');
  });

  it('should retry with exponential back-off while the SMTP server is down, then deliver', async () => {
    const port = await freePort();
    await enqueueMail(ds.manager, mail(1));
    const key = mail(1).dedupeKey;
    const t0 = Date.now() + 1_000;
    let now = t0;
    const dispatcher = new MailDispatcher({
      dataSource: ds,
      transport: transportFor(port),
      from: FROM,
      backoffBaseMs: 10_000,
      now: () => now,
    });
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, retried: 1 });
    expect(await statusOf(ds, key)).toEqual({
      status: 'pending',
      attempts: 1,
      next: new Date(t0 + 10_000).toISOString(),
    });
    now = t0 + 9_999;
    expect((await dispatcher.runOnce()).claimed).toBe(0); // still backing off
    now = t0 + 10_000;
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, retried: 1 });
    expect(await statusOf(ds, key)).toMatchObject({ attempts: 2, next: new Date(now + 20_000).toISOString() });
    expect((await listOutbox(ds.manager))?.items[0]?.lastError).toMatch(/ECONNECTION|ECONNREFUSED/);

    const server = await startSmtpServer(port);
    try {
      now += 20_000;
      expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, sent: 1 });
      expect(server.received).toHaveLength(1);
      expect(server.received[0]!.envelopeTo).toEqual(['user1@dept.yeji.gov.cn']);
      expect(await statusOf(ds, key)).toMatchObject({ status: 'sent', attempts: 3 });
    } finally {
      await server.close();
    }
    expect(backoffMs(20, 60_000, 3_600_000)).toBe(3_600_000);
  });

  it('should mark a permanent refusal (5xx) failed at once, and give up on 4xx after the maximum attempts', async () => {
    await enqueueMail(ds.manager, mail(1));
    await enqueueMail(ds.manager, mail(2));
    smtp.refuse.set('user1@dept.yeji.gov.cn', 550);
    smtp.refuse.set('user2@dept.yeji.gov.cn', 451);
    let now = Date.now() + 1_000;
    const dispatcher = new MailDispatcher({
      dataSource: ds,
      transport: transportFor(smtp.port),
      from: FROM,
      maxAttempts: 3,
      backoffBaseMs: 1_000,
      now: () => now,
    });
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 2, failed: 1, retried: 1 });
    expect(await statusOf(ds, mail(1).dedupeKey)).toMatchObject({ status: 'failed', attempts: 1 });
    now += 1_000;
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, retried: 1 });
    now += 2_000;
    expect(await dispatcher.runOnce()).toMatchObject({ claimed: 1, dead: 1 });
    expect(await statusOf(ds, mail(2).dedupeKey)).toMatchObject({ status: 'dead', attempts: 3 });
    const dead = (await listOutbox(ds.manager, { status: 'dead' })).items[0]!;
    expect(dead.lastError).toContain('451');
    expect(smtp.received).toHaveLength(0);
  });

  it('should make header and recipient injection impossible', async () => {
    expect(recipientFromUser({ id: 1, name: 'x', email: 'a@b.cn\r\nBcc: evil@x.cn' })).toBeNull();
    expect(recipientFromUser({ id: 1, name: 'x', email: 'a@b.cn, evil@x.cn' })).toBeNull();
    expect(recipientFromUser({ id: 1, name: 'x', email: '"Evil" <evil@x.cn>' })).toBeNull();
    expect(recipientFromUser({ id: 1, name: 'x', email: null })).toBeNull();
    const forged = { ...recipient('u9', '张三', 'zhang@dept.yeji.gov.cn'), email: 'x@y.cn\nBcc: evil@x.cn' };
    await expect(enqueueMail(ds.manager, mail(9, { recipient: forged }))).rejects.toThrow(InvalidMailError);

    const sneaky = recipient('u8', '李四\r\nBcc: evil@x.cn', 'li@dept.yeji.gov.cn');
    await enqueueMail(
      ds.manager,
      mail(8, { recipient: sneaky, subject: '审查结果\r\nBcc: evil@x.cn\r\n\r\n伪造正文' }),
    );
    await new MailDispatcher({ dataSource: ds, transport: transportFor(smtp.port), from: FROM }).runOnce();
    expect(smtp.received).toHaveLength(1);
    const got = smtp.received[0]!;
    expect(got.envelopeTo).toEqual(['li@dept.yeji.gov.cn']);
    expect(got.parsed.bcc).toBeUndefined();
    expect(got.parsed.headers.has('bcc')).toBe(false);
    expect(got.parsed.subject).toBe('审查结果 Bcc: evil@x.cn 伪造正文');
  });
});

describe('several dispatchers against one database', () => {
  let db: TestDatabase;
  let dsA: DataSource;
  let dsB: DataSource;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    db = await createTestDatabase('outbox2');
    dsA = await openDatabase({ url: db.url, migrations });
    dsB = await openDatabase({ url: db.url, migrations });
    smtp = await startSmtpServer();
  });
  afterAll(async () => {
    await smtp?.close();
    await dsA?.destroy();
    await dsB?.destroy();
    await db?.drop();
  });

  it('should never send a row twice (claims with SKIP LOCKED on MySQL, an atomic UPDATE on SQLite)', async () => {
    const total = 150;
    await dsA.transaction(async (m) => {
      for (let n = 0; n < total; n++) await enqueueMail(m, mail(n));
    });
    const make = (ds: DataSource, id: string) =>
      new MailDispatcher({ dataSource: ds, transport: transportFor(smtp.port), from: FROM, id, batchSize: 7 });
    const replicas = [make(dsA, 'a1'), make(dsA, 'a2'), make(dsB, 'b1'), make(dsB, 'b2')];
    const sentBy: number[] = [];
    await Promise.all(
      replicas.map(async (d, i) => {
        sentBy[i] = 0;
        for (;;) {
          const s = await d.runOnce();
          sentBy[i]! += s.sent;
          if (s.claimed === 0 && (await listOutbox(dsA.manager, { status: 'pending' })).totalItems === 0) break;
        }
      }),
    );
    expect(sentBy.reduce((a, b) => a + b, 0)).toBe(total);
    expect(smtp.received).toHaveLength(total);
    const ids = smtp.received.map((r) => r.parsed.messageId);
    expect(new Set(ids).size).toBe(total);
    expect((await listOutbox(dsA.manager, { status: 'sent' })).totalItems).toBe(total);
    // the work was shared
    expect(sentBy.filter((n) => n > 0).length).toBeGreaterThan(1);
  });
});
