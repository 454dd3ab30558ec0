/**
 * Test support for the notify tests: a real SMTP server (smtp-server) on 127.0.0.1:<free port>
 * whose received messages are parsed with mailparser, and a test directory of user records.
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { recipientFromUser, type Recipient, type RecipientDirectory } from '../../services/notify/recipients';

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
