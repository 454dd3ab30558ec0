/**
 * Child process for the crash test (notify-outbox.test.ts): runs one dispatcher pass; the test
 * kills it with SIGKILL while its message is on the SMTP server, before the outcome is recorded.
 */
import { openDatabase } from '../../services/db/data-source';
import { MailDispatcher } from '../../services/notify/dispatcher';
import { MailOutbox1764300000000 } from '../../services/notify/migrations/1764300000000-MailOutbox';
import { createSmtpTransport } from '../../services/notify/transport';

async function main(): Promise<void> {
  const ds = await openDatabase({ url: process.env.CRASH_DB_URL!, migrations: [MailOutbox1764300000000] });
  const transport = createSmtpTransport({
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: Number(process.env.CRASH_SMTP_PORT),
    SMTP_SECURE: false,
    SMTP_USER: undefined,
    SMTP_PASSWORD: undefined,
  })!;
  const dispatcher = new MailDispatcher({ dataSource: ds, transport, from: 'noreply@yeji.gov.cn', id: 'doomed' });
  await dispatcher.runOnce();
  process.stdout.write('survived\n'); // the test kills the process before this line
  await ds.destroy();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
