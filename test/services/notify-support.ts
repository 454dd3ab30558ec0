/**
 * Test support for the notify tests: a real SMTP server (smtp-server) on 127.0.0.1:<free port>
 * whose received messages are parsed with mailparser, the dispatcher that sends the outbox to it,
 * the reminder runner over the domain tables, and a test directory of user records.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { DataSource } from 'typeorm';
import type { WorkingDayCalendar } from '../../services/calendar';
import { Identity1764100000000 } from '../../services/domain/migrations/1764100000000-Identity';
import { Projects1764100001000 } from '../../services/domain/migrations/1764100001000-Projects';
import { Oversight1764100002000 } from '../../services/domain/migrations/1764100002000-Oversight';
import { Lifecycle1764100003000 } from '../../services/domain/migrations/1764100003000-Lifecycle';
import { Delivery1764100004000 } from '../../services/domain/migrations/1764100004000-Delivery';
import { MailOutbox1764300000000 } from '../../services/notify/migrations/1764300000000-MailOutbox';
import { MailDispatcher } from '../../services/notify/dispatcher';
import { domainDeadlines } from '../../services/notify/domain-deadlines';
import { recipientFromUser, type Recipient, type RecipientDirectory } from '../../services/notify/recipients';
import { ReminderRunner } from '../../services/notify/reminders';
import { SqlRecipientDirectory } from '../../services/notify/sql-directory';
import { createSmtpTransport } from '../../services/notify/transport';

/**
 * The schema the notify tests that write their own rows run on: the domain migrations up to
 * delivery (users, projects, reviews, acceptances, reports — not the later ones) and the outbox.
 */
export const NOTIFY_TEST_MIGRATIONS = [
  Identity1764100000000,
  Projects1764100001000,
  Oversight1764100002000,
  Lifecycle1764100003000,
  Delivery1764100004000,
  MailOutbox1764300000000,
];

export interface ReceivedMail {
  envelopeFrom: string;
  envelopeTo: string[];
  parsed: ParsedMail;
}

export interface TestSmtpServer {
  port: number;
  received: ReceivedMail[];
  /** recipient address → SMTP reply code to refuse it with (e.g. 550, 451) */
  refuse: Map<string, number>;
  /** runs when a message has been received in full, before the server answers 250 */
  beforeAccept?: (mail: ReceivedMail) => Promise<void>;
  close(): Promise<void>;
}

export async function startSmtpServer(port = 0): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const refuse = new Map<string, number>();
  const pending: Promise<void>[] = [];
  const hooks: Pick<TestSmtpServer, 'beforeAccept'> = {};
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const code = refuse.get(address.address);
      if (code) {
        const err = Object.assign(new Error(`refused by test (${code})`), { responseCode: code });
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      const done = simpleParser(stream).then(async (parsed) => {
        const mail = {
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          envelopeTo: session.envelope.rcptTo.map((a) => a.address),
          parsed,
        };
        received.push(mail);
        await hooks.beforeAccept?.(mail);
      });
      pending.push(done);
      done.then(() => callback(), callback);
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = (server as unknown as { server: { address(): AddressInfo } }).server.address();
  return {
    port: address.port,
    received,
    refuse,
    set beforeAccept(hook: TestSmtpServer['beforeAccept']) {
      hooks.beforeAccept = hook;
    },
    get beforeAccept() {
      return hooks.beforeAccept;
    },
    async close() {
      await Promise.allSettled(pending);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port with nothing listening (bound, read, released). */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export function recipient(id: string, name: string, email: string): Recipient {
  const r = recipientFromUser({ id, name, email });
  if (!r) throw new Error(`bad test recipient ${email}`);
  return r;
}

/** Users with organisations, the way the domain's tables hold them. */
export interface TestUser {
  id: string;
  name: string;
  email: string | null;
  groups: string[];
  contactOf?: string;
}

export class TestDirectory implements RecipientDirectory {
  constructor(private readonly people: TestUser[]) {}
  private pick(f: (u: TestUser) => boolean): Recipient[] {
    return this.people
      .filter(f)
      .map((u) => recipientFromUser(u))
      .filter((r): r is Recipient => r !== null);
  }
  async users(ids: readonly string[]): Promise<Recipient[]> {
    return this.pick((u) => ids.includes(u.id));
  }
  async candidateGroup(group: string): Promise<Recipient[]> {
    return this.pick((u) => u.groups.includes(group));
  }
  async departmentContacts(code: string): Promise<Recipient[]> {
    return this.pick((u) => u.contactOf === code);
  }
}

/** The outbox dispatcher sending over plain SMTP to the test server on `port`. */
export function smtpDispatcher(
  ds: DataSource,
  port: number,
  opts: { from?: string; intervalMs?: number } = {},
): MailDispatcher {
  return new MailDispatcher({
    dataSource: ds,
    transport: createSmtpTransport({
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: port,
      SMTP_SECURE: false,
      SMTP_USER: undefined,
      SMTP_PASSWORD: undefined,
    })!,
    from: opts.from ?? 'noreply@yeji.gov.cn',
    intervalMs: opts.intervalMs ?? 50,
  });
}

/**
 * Sends the outbox to a fresh test SMTP server until it has received `expected` messages (10 s at
 * the most), then stops dispatcher and server; returns what the server received.
 */
export async function deliverOutbox(
  ds: DataSource,
  expected: number,
  opts: { from?: string } = {},
): Promise<ReceivedMail[]> {
  const smtp = await startSmtpServer();
  const dispatcher = smtpDispatcher(ds, smtp.port, opts);
  try {
    dispatcher.start();
    for (let i = 0; i < 200 && smtp.received.length < expected; i++) await new Promise((r) => setTimeout(r, 50));
  } finally {
    await dispatcher.stop();
    await smtp.close();
  }
  return smtp.received;
}

/**
 * The reminder runner as the product wires it: the domain tables' deadlines, recipients from the
 * users table, escalations to the data bureau.
 */
export function domainReminderRunner(
  ds: DataSource,
  calendar: WorkingDayCalendar,
  opts: { baseUrl: string; now: () => number },
): ReminderRunner {
  const directory = new SqlRecipientDirectory(ds);
  return new ReminderRunner({
    dataSource: ds,
    calendar,
    deadlines: domainDeadlines(ds, directory, calendar),
    escalateTo: () => directory.candidateGroup('data-bureau'),
    baseUrl: opts.baseUrl,
    now: opts.now,
  });
}
