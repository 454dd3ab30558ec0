/**
 * engine/ — the local, single-node runtime that executes Zeebe BPMN and serves the Camunda 8.8
 * REST API subset (`/v2`) the official SDK uses. Public entry point.
 */
import type { Logger } from 'pino';
import { hostEngine } from './http/embedded';
import { createRuntime, engineMigrations } from './runtime';

export interface EmbeddedEngineOptions {
  /** sqlite:<file> or mysql://… — where the engine keeps its state (tables zb_*) */
  databaseUrl: string;
  /** bind address; loopback by default — the engine API is never exposed to browsers */
  host: string;
  /** 0 = any free port */
  port: number;
  logger?: Logger;
}

export interface EmbeddedEngine {
  /** e.g. http://127.0.0.1:8089 (the SDK appends /v2) */
  readonly restAddress: string;
  /** stop accepting requests, finish in-flight commands, close the database */
  close(): Promise<void>;
}

/**
 * Opens the engine database (migrations in `zb_migrations`), starts the runtime (timers, job
 * timeouts, recovery of what was waiting), then serves `/v2` on host:port.
 */
export async function startEmbeddedEngine(opts: EmbeddedEngineOptions): Promise<EmbeddedEngine> {
  const hosted = await hostEngine(
    { createRuntime: (deps) => createRuntime(deps), engineMigrations },
    { databaseUrl: opts.databaseUrl, host: opts.host || '127.0.0.1', port: opts.port, logger: opts.logger },
  );
  return { restAddress: hosted.restAddress, close: () => hosted.close() };
}
