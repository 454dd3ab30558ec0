/**
 * The engine seam: the only way our code talks to a process engine is the official SDK's
 * Orchestration Cluster REST client (`/v2`). Whether the embedded runtime or a real Camunda 8.8
 * cluster answers is a matter of the REST address alone.
 */
import { Camunda8 } from '@camunda8/sdk';

export type EngineClient = ReturnType<Camunda8['getOrchestrationClusterApiClientLoose']>;

export interface EngineClientOptions {
  /** e.g. http://127.0.0.1:8089 — the SDK appends /v2 */
  restAddress: string;
  authStrategy?: 'NONE' | 'OAUTH' | 'BASIC' | 'COOKIE';
  /** none | warn | strict | fanatical; tests run fanatical so the runtime cannot drift from the contract */
  validation?: string;
  logLevel?: string;
}

export function createEngineClient(opts: EngineClientOptions): EngineClient {
  const config = {
    CAMUNDA_REST_ADDRESS: opts.restAddress,
    ZEEBE_REST_ADDRESS: opts.restAddress,
    CAMUNDA_AUTH_STRATEGY: opts.authStrategy ?? 'NONE',
    CAMUNDA_SDK_VALIDATION: opts.validation ?? 'warn',
    CAMUNDA_SDK_LOG_LEVEL: opts.logLevel ?? 'error',
    CAMUNDA_OAUTH_DISABLED: true,
  };
  const c8 = new Camunda8(config as ConstructorParameters<typeof Camunda8>[0]);
  return c8.getOrchestrationClusterApiClientLoose(
    config as Parameters<Camunda8['getOrchestrationClusterApiClientLoose']>[0],
  );
}
