/**
 * Builds the whole system from a configuration: used by `main` and by integration tests, so the
 * tests run exactly what production runs.
 */
import type express from 'express';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { startEmbeddedEngine, type EmbeddedEngine } from '../engine';
import { createApp } from './app';
import { createApiRouter } from './api/router';
import { createDomainServices } from './api/services';
import { seedDemoData } from './demo/seed';
import { DemoProgress, demoStatus, type DemoStatus } from './demo/demo-state';
import { createUiRouter } from './ui/router';
import { engineDatabaseUrl, openDatabase } from './db/data-source';
import { entities, migrations } from './db/schema';
import { createEngineClient, type EngineClient } from './engine-client';
import { startNotifications, type Notifications } from './notify';
import type { Logger } from './logger';
import { createCalendar } from './calendar';
import { mailDomain } from './notify/outbox';
import { runProcessDemo } from './demo/process-demo';
import { deployProcessResources } from './processes/deploy';
import { createWorkerConfig, createWorkers } from '../workers';
import { startWorkers } from '../workers/runner';

export interface System {
  app: express.Express;
  config: Config;
  dataSource: DataSource;
  engine: EngineClient;
  /** present in embedded mode */
  embeddedEngine?: EmbeddedEngine;
  /** outbox dispatcher, gateway notifier, calendar, recipient directory */
  notifications: Notifications;
  /**
   * settles when the demo data (if any) is written, with its steps done (`demo_state`), or null
   * when this start wrote no demo (complete already, not wanted, not an empty database, failed —
   * logged); never rejects
   */
  demoReady: Promise<DemoStatus | null>;
  close(): Promise<void>;
}

export async function bootstrap(config: Config, logger: Logger): Promise<System> {
  const dataSource = await openDatabase({ url: config.DATABASE_URL, entities, migrations });
  logger.info({ migrations: migrations.length }, 'database ready');
  const freshDatabase = (await dataSource.query('SELECT COUNT(*) AS n FROM app_user'))[0].n == 0;
  // the demo is begun on an empty database only, and resumed by every start until it is complete
  // (services/demo/demo-state.ts): a first start killed while writing it leaves a non-empty one
  if (config.DEMO_DATA && freshDatabase) await (await DemoProgress.load(dataSource)).mark('started');
  const demoStatusAtStart = config.DEMO_DATA ? await demoStatus(dataSource) : null;

  let embeddedEngine: EmbeddedEngine | undefined;
  let restAddress: string;
  if (config.ENGINE === 'embedded') {
    embeddedEngine = await startEmbeddedEngine({
      databaseUrl: engineDatabaseUrl(config.DATABASE_URL, config.ENGINE_DATABASE_URL),
      host: config.ENGINE_HOST,
      port: config.ENGINE_PORT,
      logger: logger.child({ component: 'engine' }),
    });
    restAddress = embeddedEngine.restAddress;
    logger.info({ restAddress }, 'embedded engine ready');
  } else {
    restAddress = config.CAMUNDA_REST_ADDRESS!;
  }
  const engine = createEngineClient({
    restAddress,
    authStrategy: config.CAMUNDA_AUTH_STRATEGY,
    validation: config.CAMUNDA_SDK_VALIDATION,
  });

  // one working-day calendar for the API, the workers and the reminder runner: the runner re-reads
  // config/holidays before each pass, so a year's file added while running reaches all three
  const calendar = createCalendar({ overrideFile: config.HOLIDAY_OVERRIDE_FILE, logger });
  const notifications = startNotifications({ config, dataSource, engine, logger, calendar });
  const services = createDomainServices(dataSource, config, { engine, calendar, notifications });
  await services.identity.ensureOrganisations();
  logger.info(await deployProcessResources(engine), 'process models deployed');
  // a client of their own, without backpressure gating (see services/engine-client.ts)
  const workerClient = createEngineClient({
    restAddress,
    authStrategy: config.CAMUNDA_AUTH_STRATEGY,
    validation: config.CAMUNDA_SDK_VALIDATION,
    backpressure: 'LEGACY',
  });
  const workers = startWorkers({
    client: workerClient,
    definitions: createWorkers({
      dataSource,
      calendar,
      clock: services.now,
      config: createWorkerConfig(),
      mail: { baseUrl: config.PUBLIC_BASE_URL, domain: mailDomain(config.MAIL_FROM) },
      engine,
    }),
    dataSource,
    logger: logger.child({ component: 'workers' }),
  });
  logger.info({ workers: workers.types.length }, 'job workers started');

  const app = createApp({
    config,
    logger,
    dataSource,
    engine,
    api: createApiRouter({ config, dataSource, logger: logger.child({ component: 'api' }), services }),
    ui: await createUiRouter(config),
  });

  // Demo data (users with PBKDF2-SM3 hashes, sample projects, their process instances) is written
  // after start-up, in the background with progress in the log: the service is ready meanwhile.
  const demoLog = logger.child({ component: 'demo' });
  const demoReady: Promise<DemoStatus | null> =
    demoStatusAtStart?.begun && !demoStatusAtStart.complete
      ? (async () => {
          const progress = await DemoProgress.load(dataSource, demoLog);
          const resumed = progress.count > 1;
          if (resumed) demoLog.info({ done: demoStatusAtStart.steps }, `demo: resuming after ${progress.count} steps`);
          if (!progress.has('seed')) {
            demoLog.info('seeding demo data');
            demoLog.info(await seedDemoData(services, progress), 'demo data seeded');
          }
          const placed = await runProcessDemo(services, { logger: demoLog, progress });
          if (placed.failed === 0 && placed.unplaced === 0) {
            await progress.mark('complete');
            demoLog.info({ resumed, steps: progress.count }, 'demo complete');
          } else {
            demoLog.warn(placed, 'demo incomplete: the next start continues it');
          }
          demoLog.info('demo process instances started');
          return demoStatus(dataSource);
        })().catch((err: unknown) => {
          demoLog.error({ err }, 'demo data failed');
          return null;
        })
      : Promise.resolve(null);

  return {
    app,
    config,
    dataSource,
    engine,
    embeddedEngine,
    notifications,
    demoReady,
    async close() {
      await demoReady;
      await workers.close();
      await notifications.stop();
      await embeddedEngine?.close();
      if (dataSource.isInitialized) await dataSource.destroy();
    },
  };
}
