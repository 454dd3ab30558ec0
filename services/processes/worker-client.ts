/**
 * The SDK client the job workers use. The SDK gates every request, job activation included, by
 * its adaptive backpressure (16 permits to start with); 38 workers long-polling 20 s each would
 * queue behind one another and leave jobs waiting for minutes. The workers' client therefore
 * only observes backpressure (`LEGACY`), and is separate from the API's client, whose requests
 * must never wait behind long polls. Same settings as services/engine-client.ts otherwise.
 */
import { Camunda8 } from '@camunda8/sdk';
import type { EngineClient, EngineClientOptions } from '../engine-client';

export function createWorkerEngineClient(opts: EngineClientOptions): EngineClient {
  const config = {
    CAMUNDA_REST_ADDRESS: opts.restAddress,
    ZEEBE_REST_ADDRESS: opts.restAddress,
    CAMUNDA_AUTH_STRATEGY: opts.authStrategy ?? 'NONE',
    CAMUNDA_SDK_VALIDATION: opts.validation ?? 'warn',
    CAMUNDA_SDK_LOG_LEVEL: opts.logLevel ?? 'error',
    CAMUNDA_OAUTH_DISABLED: true,
    CAMUNDA_SDK_BACKPRESSURE_PROFILE: 'LEGACY',
  };
  const c8 = new Camunda8(config as ConstructorParameters<typeof Camunda8>[0]);
  return c8.getOrchestrationClusterApiClientLoose(
    config as Parameters<Camunda8['getOrchestrationClusterApiClientLoose']>[0],
  );
}
