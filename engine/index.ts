/**
 * engine/ — the local, single-node runtime that executes Zeebe BPMN and serves the Camunda 8.8
 * REST API subset (`/v2`) the official SDK uses. Public entry point.
 */
import type { Logger } from 'pino';

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

export async function startEmbeddedEngine(_opts: EmbeddedEngineOptions): Promise<EmbeddedEngine> {
  throw new Error('engine: not implemented yet (issue 3)');
}
