/**
 * The engine seam: the only way our code talks to a process engine is the official Camunda 8
 * SDK's Orchestration Cluster REST client (`/v2`). Whether the embedded runtime or a real Camunda
 * 8.8 cluster answers is a matter of the REST address alone.
 *
 * The client is created with `createCamundaClientLoose` from `@camunda8/orchestration-cluster-api`
 * — the very client `@camunda8/sdk`'s `Camunda8#getOrchestrationClusterApiClientLoose()` returns —
 * because the `Camunda8` wrapper translates only its own configuration keys and silently drops
 * the client's others (validation level, backpressure profile), which we must set per client.
 */
import { createCamundaClientLoose, type CamundaClientLoose } from '@camunda8/orchestration-cluster-api';

export type EngineClient = CamundaClientLoose;

export interface EngineClientOptions {
  /** e.g. http://127.0.0.1:8089 — the client appends /v2 */
  restAddress: string;
  authStrategy?: 'NONE' | 'OAUTH' | 'BASIC';
  /** none | warn | strict | fanatical; tests run fanatical so the runtime cannot drift from the contract */
  validation?: string;
  logLevel?: 'silent' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
  /**
   * The SDK gates every request by adaptive backpressure (16 permits to start with). Job workers
   * long-poll: 38 of them would queue behind one another and leave jobs waiting for minutes, so
   * the workers' client only observes backpressure ('LEGACY'); the API's client keeps the gate.
   */
  backpressure?: 'BALANCED' | 'CONSERVATIVE' | 'AGGRESSIVE' | 'LEGACY';
}

export function createEngineClient(opts: EngineClientOptions): EngineClient {
  const restAddress = opts.restAddress.replace(/\/+$/, '');
  const config: Record<string, string> = {
    CAMUNDA_REST_ADDRESS: restAddress.endsWith('/v2') ? restAddress : `${restAddress}/v2`,
    CAMUNDA_AUTH_STRATEGY: opts.authStrategy ?? 'NONE',
    CAMUNDA_SDK_VALIDATION: opts.validation ?? process.env.CAMUNDA_SDK_VALIDATION ?? 'warn',
    CAMUNDA_SDK_LOG_LEVEL: opts.logLevel ?? 'error',
    CAMUNDA_SDK_BACKPRESSURE_PROFILE: opts.backpressure ?? 'BALANCED',
  };
  return createCamundaClientLoose({ config: config as never, log: { level: opts.logLevel ?? 'error' } });
}

/** Whether an SDK call failed because the engine answered 404 (unknown key). */
export function isEngineNotFound(err: unknown): boolean {
  const e = err as { status?: number; statusCode?: number; response?: { status?: number }; message?: string };
  return (
    e?.status === 404 ||
    e?.statusCode === 404 ||
    e?.response?.status === 404 ||
    /\b404\b|NOT_FOUND/.test(String(e?.message ?? ''))
  );
}
