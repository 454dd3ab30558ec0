/**
 * Binds worker definitions to the engine through the SDK's REST job workers (long polling
 * `POST /v2/jobs/activation`), the same against the embedded runtime and a real Zeebe cluster.
 */
import type { DataSource } from 'typeorm';
import type { EngineClient } from '../services/engine-client';
import type { Logger } from '../services/logger';
import { fetchVariablesOf, runJob, type JobInfo, type WorkerDefinition } from './framework';

export interface RunningWorkers {
  readonly types: string[];
  /** stop polling, let in-flight jobs finish (up to waitMs) */
  close(waitMs?: number): Promise<void>;
}

type SdkJob = Parameters<Parameters<EngineClient['createJobWorker']>[0]['jobHandler']>[0];

export function startWorkers(opts: {
  client: EngineClient;
  definitions: WorkerDefinition[];
  dataSource: DataSource;
  logger: Logger;
  workerName?: string;
}): RunningWorkers {
  const seen = new Set<string>();
  const workers = opts.definitions.map((def) => {
    if (seen.has(def.type)) throw new Error(`two workers for job type ${def.type}`);
    seen.add(def.type);
    const log = opts.logger.child({ worker: def.type });
    return opts.client.createJobWorker({
      jobType: def.type,
      workerName: opts.workerName ?? 'egov-workers',
      maxParallelJobs: def.maxParallelJobs ?? 8,
      jobTimeoutMs: def.timeoutMs ?? 60_000,
      pollTimeoutMs: 20_000,
      fetchVariables: fetchVariablesOf(def) as never,
      jobHandler: async (job: SdkJob) => {
        const info: JobInfo = {
          jobKey: String(job.jobKey),
          type: job.type,
          processInstanceKey: String(job.processInstanceKey),
          processDefinitionId: String(job.processDefinitionId),
          elementId: String(job.elementId),
          elementInstanceKey: String(job.elementInstanceKey),
          retries: job.retries,
          customHeaders: (job.customHeaders ?? {}) as Record<string, unknown>,
        };
        const action = await runJob(def, info, (job.variables ?? {}) as Record<string, unknown>, {
          dataSource: opts.dataSource,
          log,
        });
        switch (action.action) {
          case 'complete':
            return job.complete(action.variables);
          case 'error':
            return job.error({
              errorCode: action.errorCode,
              errorMessage: action.errorMessage,
              variables: action.variables,
            });
          case 'fail':
            return job.fail({
              retries: action.retries,
              errorMessage: action.errorMessage,
              retryBackOff: action.retryBackOff,
            });
        }
      },
    });
  });
  return {
    types: [...seen],
    async close(waitMs = 10_000) {
      await Promise.all(workers.map((w) => w.stopGracefully({ waitUpToMs: waitMs }).catch(() => w.stop())));
    },
  };
}
