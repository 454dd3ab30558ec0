/**
 * The app as the browser tests see it, in its own Node process (run by tsx): Vite is ESM-only and
 * cannot load inside Jest's CommonJS sandbox, and a separate process is closer to `npm start`.
 * Reads DATABASE_URL, UPLOAD_DIR, E2E_UI_MODE (vite | static), E2E_UI_DIST; prints one JSON line
 * `{"baseUrl": …, "api": bool, "demoPassword": …}` when listening; stops on SIGTERM.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Router } from 'express';
import type { DataSource } from 'typeorm';
import { loadConfig, type Config } from '../../config';
import { createApp } from '../../services/app';
import { openDatabase } from '../../services/db/data-source';
import { entities, migrations } from '../../services/db/schema';
import { createEngineClient } from '../../services/engine-client';
import { createLogger } from '../../services/logger';
import { createUiRouter, type UiMode } from '../../services/ui/router';

interface ApiModules {
  router: (deps: { config: Config; dataSource: DataSource }) => Router;
  seed?: (dataSource: DataSource, config: Config) => Promise<unknown>;
  demoPassword?: string;
}

/** The domain API and its demo seed are another engineer's modules: used when present. */
async function loadApi(): Promise<ApiModules | null> {
  const apiPath = '../../services/api/router';
  const seedPath = '../../services/demo/seed';
  const servicesPath = '../../services/api/services';
  let api: { createApiRouter: ApiModules['router'] };
  try {
    api = (await import(apiPath)) as typeof api;
  } catch (err) {
    console.error(`[e2e-server] domain API not available: ${(err as Error).message.split('\n')[0]}`);
    return null;
  }
  try {
    const demo = (await import(seedPath)) as {
      seedDemoData(services: unknown): Promise<unknown>;
      DEMO_PASSWORD: string;
    };
    const services = (await import(servicesPath)) as { createDomainServices(ds: DataSource, config: Config): unknown };
    return {
      router: api.createApiRouter,
      seed: (ds, config) => demo.seedDemoData(services.createDomainServices(ds, config)),
      demoPassword: demo.DEMO_PASSWORD,
    };
  } catch (err) {
    console.error(`[e2e-server] demo seed not available: ${(err as Error).message.split('\n')[0]}`);
    return { router: api.createApiRouter };
  }
}

async function main(): Promise<void> {
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const logger = createLogger(config);
  const dataSource = await openDatabase({ url: config.DATABASE_URL, entities, migrations });
  // the engine is not used by these screens yet; the client connects only when called
  const engine = createEngineClient({ restAddress: 'http://127.0.0.1:9', validation: 'none' });
  const api = await loadApi();
  await api?.seed?.(dataSource, config);
  const ui = await createUiRouter(config, {
    mode: (process.env.E2E_UI_MODE as UiMode | undefined) ?? 'vite',
    distDir: process.env.E2E_UI_DIST || undefined,
  });
  const app = createApp({ config, logger, dataSource, engine, ui, api: api?.router({ config, dataSource }) });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  process.stdout.write(
    `${JSON.stringify({ baseUrl: `http://127.0.0.1:${port}`, api: !!api, demoPassword: api?.demoPassword ?? null })}\n`,
  );

  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close();
    void ui
      .closeUi()
      .then(() => dataSource.destroy())
      .finally(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
