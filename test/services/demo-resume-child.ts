/**
 * Child process for demo-resume.test.ts: `npm start`'s bootstrap (embedded engine, workers, the
 * demo written in the background) on the test's database, logging JSON lines to stdout. The test
 * kills it with SIGKILL part-way through the demo; it never stops by itself.
 */
import pino from 'pino';
import { loadConfig } from '../../config';
import { bootstrap } from '../../services/bootstrap';

async function main(): Promise<void> {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATABASE_URL: process.env.DEMO_DB_URL!,
    ENGINE: 'embedded',
    ENGINE_PORT: '0',
    UPLOAD_DIR: process.env.DEMO_UPLOAD_DIR!,
    DEMO_DATA: 'true',
  });
  const system = await bootstrap(config, pino({ level: 'info' }, pino.destination({ fd: 1, sync: true })));
  await system.demoReady;
  process.stdout.write(`${JSON.stringify({ msg: 'child: demo ready' })}\n`);
  // stay up like a server until the test kills it
  setInterval(() => undefined, 60_000);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
