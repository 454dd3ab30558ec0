/**
 * createApp builds the Express application without listening, so tests drive it over real HTTP
 * on an ephemeral port (or with supertest) and `main` decides where it listens.
 */
import express from 'express';
import helmet from 'helmet';
import type { Router } from 'express';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import type { EngineClient } from './engine-client';
import type { Logger } from './logger';
import { errorHandler, notFoundHandler, sendProblem } from './http/problem';

export interface AppDeps {
  config: Config;
  logger: Logger;
  dataSource: DataSource;
  engine: EngineClient;
  /** the domain API, mounted under /api */
  api?: Router;
  /** static web UI (built modeler-ui), mounted at / */
  ui?: Router;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          styleSrc: ["'self'", "'unsafe-inline'"],
          scriptSrc: ["'self'"],
          connectSrc: ["'self'"],
        },
      },
    }),
  );

  /** Liveness: the process is up and serving HTTP. */
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'UP' });
  });

  /** Readiness: the database answers and the engine's topology answers. */
  app.get('/readyz', async (_req, res) => {
    const checks = { database: 'DOWN', engine: 'DOWN' };
    try {
      await deps.dataSource.query('SELECT 1');
      checks.database = 'UP';
    } catch (err) {
      deps.logger.warn({ err }, 'readiness: database check failed');
    }
    try {
      const topology = await deps.engine.getTopology();
      if (Array.isArray(topology.brokers) && topology.brokers.length > 0) checks.engine = 'UP';
    } catch (err) {
      deps.logger.warn({ err }, 'readiness: engine check failed');
    }
    const up = checks.database === 'UP' && checks.engine === 'UP';
    if (up) res.json({ status: 'UP', checks });
    else sendProblem(res, 503, 'not ready', { checks });
  });

  if (deps.api) app.use('/api', deps.api);
  if (deps.ui) app.use(deps.ui);

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
