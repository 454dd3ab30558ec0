/**
 * Hosting a runtime: database (engine migrations, own bookkeeping table) → runtime → `/v2` HTTP
 * server, and the orderly reverse on close. engine/index.ts binds it to engine/runtime.
 */
import type { Logger } from 'pino';
import pino from 'pino';
import type { DataSource, MigrationInterface } from 'typeorm';
import { openDatabase } from '../../services/db/data-source';
import type { RuntimeApi } from '../runtime/api';
import { startEngineHttpServer, type EngineHttpServer } from './server';

export interface RuntimeModule {
  createRuntime(deps: { dataSource: DataSource; logger: Logger }): RuntimeApi | Promise<RuntimeApi>;
  engineMigrations: (new () => MigrationInterface)[];
}

export interface HostOptions {
  databaseUrl: string;
  host: string;
  port: number;
  logger?: Logger;
}

export interface HostedEngine {
  readonly restAddress: string;
  readonly runtime: RuntimeApi;
  readonly http: EngineHttpServer;
  close(): Promise<void>;
}

export async function hostEngine(mod: RuntimeModule, opts: HostOptions): Promise<HostedEngine> {
  const logger = opts.logger ?? pino({ level: 'silent' });
  const dataSource = await openDatabase({
    url: opts.databaseUrl,
    migrations: mod.engineMigrations,
    migrationsTableName: 'zb_migrations',
  });
  let runtime: RuntimeApi | undefined;
  let http: EngineHttpServer | undefined;
  try {
    runtime = await mod.createRuntime({ dataSource, logger });
    await runtime.start();
    http = await startEngineHttpServer({ runtime, logger, host: opts.host, port: opts.port });
  } catch (err) {
    await runtime?.stop().catch(() => undefined);
    await dataSource.destroy().catch(() => undefined);
    throw err;
  }
  const rt = runtime;
  const server = http;
  let closing: Promise<void> | undefined;
  logger.info({ restAddress: server.restAddress }, 'engine: serving /v2');
  return {
    restAddress: server.restAddress,
    runtime: rt,
    http: server,
    close() {
      closing ??= (async () => {
        // no new requests, long polls answered empty, requests in flight finish first
        await server.close();
        await rt.stop();
        if (dataSource.isInitialized) await dataSource.destroy();
        logger.info('engine: closed');
      })();
      return closing;
    },
  };
}
