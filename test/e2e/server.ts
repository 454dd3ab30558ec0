/**
 * The whole system as `npm start` builds it (services/bootstrap.ts: database, demo data, embedded
 * engine, API, UI in Vite dev mode), in its own Node process run by tsx — Vite is ESM-only and
 * cannot load inside Jest's CommonJS sandbox. Reads the usual environment (DATABASE_URL, …);
 * prints `E2E_READY {"baseUrl": …, "demoPassword": …}` when listening; stops on SIGTERM.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../config';
import { bootstrap } from '../../services/bootstrap';
import { DEMO_PASSWORD } from '../../services/demo/seed';
import { createLogger } from '../../services/logger';

async function main(): Promise<void> {
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    DEMO_DATA: 'true',
    // one engine per test server: any free loopback port
    ENGINE: 'embedded',
    ENGINE_PORT: '0',
  });
  const system = await bootstrap(config, createLogger(config));
  await system.demoReady;
  const server = http.createServer(system.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  process.stdout.write(
    `E2E_READY ${JSON.stringify({ baseUrl: `http://127.0.0.1:${port}`, demoPassword: DEMO_PASSWORD })}\n`,
  );

  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close();
    void system.close().finally(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
