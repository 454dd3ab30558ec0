/**
 * The job-worker framework: one definition per job type with a typed contract (zod input and
 * output), and one error policy for all of them:
 * - a business outcome (a review failed, materials incomplete) is an output variable a gateway reads;
 * - a modelled exception is a BPMN error (`bpmnError(code, message)`) that the model catches;
 * - a transient fault (database busy, SMTP down) is a `TransientError`: the job fails with retries-1
 *   and a back-off, so Zeebe redelivers it;
 * - a contract violation (input that does not match the schema, output the handler got wrong) fails
 *   with no retries: an incident an operator sees and can resolve after fixing the data.
 *
 * Idempotency under at-least-once delivery: `ctx.once(fn)` runs the side effect in one database
 * transaction together with a row keyed by (job type, process instance key, element instance key)
 * — the process position, never the job key alone — and a redelivered job gets the stored output
 * back instead of running the effect twice. A loop that re-enters the element gets a new element
 * instance key, so it runs again, as it should.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';

export interface JobInfo {
  jobKey: string;
  type: string;
  processInstanceKey: string;
  processDefinitionId: string;
  elementId: string;
  elementInstanceKey: string;
  retries: number;
  customHeaders: Record<string, unknown>;
}

export interface JobContext<I> {
  job: JobInfo;
  variables: I;
  /** the stable idempotency key of this job's side effect */
  effectKey: string;
  /** runs the side effect at most once per (process instance, element instance, job type) */
  once<T>(effect: (manager: EntityManager) => Promise<T>): Promise<T>;
}

export type Outcome<O> =
  | { kind: 'complete'; variables: O }
  | { kind: 'bpmnError'; errorCode: string; errorMessage: string; variables?: Record<string, unknown> };

export const complete = <O>(variables: O): Outcome<O> => ({ kind: 'complete', variables });
export const bpmnError = (
  errorCode: string,
  errorMessage: string,
  variables?: Record<string, unknown>,
): Outcome<never> => ({
  kind: 'bpmnError',
  errorCode,
  errorMessage,
  variables,
});

/** A fault worth retrying: the job fails with one retry less, after `retryBackOffMs`. */
export class TransientError extends Error {
  constructor(
    message: string,
    readonly retryBackOffMs = 5_000,
  ) {
    super(message);
    this.name = 'TransientError';
  }
}

export interface WorkerDefinition<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  /** the job type in the BPMN (`zeebe:taskDefinition type`) */
  type: string;
  /** what it does and which rules it enforces (e.g. "R2.2 applicability") */
  description: string;
  input: I;
  output: O;
  /** how long a job stays locked to this worker */
  timeoutMs?: number;
  maxParallelJobs?: number;
  handle(ctx: JobContext<z.output<I>>): Promise<Outcome<z.input<O>>>;
}

export function defineWorker<I extends z.ZodType, O extends z.ZodType>(
  def: WorkerDefinition<I, O>,
): WorkerDefinition<I, O> {
  return def;
}

/** What the SDK adapter must do with the job. */
export type JobAction =
  | { action: 'complete'; variables: Record<string, unknown> }
  | { action: 'error'; errorCode: string; errorMessage: string; variables?: Record<string, unknown> }
  | { action: 'fail'; retries: number; errorMessage: string; retryBackOff: number };

/** The variable names a worker fetches: the keys of its input schema (fetch everything otherwise). */
export function fetchVariablesOf(def: WorkerDefinition): string[] | undefined {
  return def.input instanceof z.ZodObject ? Object.keys(def.input.shape) : undefined;
}

export function effectKeyOf(job: Pick<JobInfo, 'type' | 'processInstanceKey' | 'elementInstanceKey'>): string {
  return `${job.type}:${job.processInstanceKey}:${job.elementInstanceKey}`;
}

function describeZodError(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}

/**
 * Runs one job through a definition and decides the acknowledgement. Never throws: every path
 * ends in exactly one JobAction, so a job is never left unacknowledged.
 */
export async function runJob(
  def: WorkerDefinition,
  job: JobInfo,
  rawVariables: Record<string, unknown>,
  deps: { dataSource: DataSource; log?: { warn(o: unknown, m?: string): void; error(o: unknown, m?: string): void } },
): Promise<JobAction> {
  const parsed = def.input.safeParse(rawVariables);
  if (!parsed.success) {
    return {
      action: 'fail',
      retries: 0,
      retryBackOff: 0,
      errorMessage: `input contract violated for ${def.type}: ${describeZodError(parsed.error)}`,
    };
  }
  const effectKey = effectKeyOf(job);
  const ctx: JobContext<unknown> = {
    job,
    variables: parsed.data,
    effectKey,
    once: (effect) => once(deps.dataSource, job, effectKey, effect),
  };
  let outcome: Outcome<unknown>;
  try {
    outcome = await def.handle(ctx);
  } catch (err) {
    if (err instanceof TransientError) {
      deps.log?.warn({ err, jobKey: job.jobKey, type: job.type }, 'transient failure, job will be retried');
      return {
        action: 'fail',
        retries: Math.max(job.retries - 1, 0),
        retryBackOff: err.retryBackOffMs,
        errorMessage: err.message,
      };
    }
    deps.log?.error({ err, jobKey: job.jobKey, type: job.type }, 'worker failed');
    // an unexpected exception is retried like a transient fault; retries run out into an incident
    return {
      action: 'fail',
      retries: Math.max(job.retries - 1, 0),
      retryBackOff: 10_000,
      errorMessage: err instanceof Error ? err.message : String(err),
    };
  }
  if (outcome.kind === 'bpmnError') {
    return {
      action: 'error',
      errorCode: outcome.errorCode,
      errorMessage: outcome.errorMessage,
      variables: outcome.variables,
    };
  }
  const out = def.output.safeParse(outcome.variables);
  if (!out.success) {
    return {
      action: 'fail',
      retries: 0,
      retryBackOff: 0,
      errorMessage: `output contract violated for ${def.type}: ${describeZodError(out.error)}`,
    };
  }
  return { action: 'complete', variables: (out.data ?? {}) as Record<string, unknown> };
}

async function once<T>(
  ds: DataSource,
  job: JobInfo,
  effectKey: string,
  effect: (m: EntityManager) => Promise<T>,
): Promise<T> {
  const existing = (await ds.query('SELECT output FROM worker_effect WHERE effect_key = ?', [effectKey])) as {
    output: string;
  }[];
  if (existing[0]) return JSON.parse(existing[0].output) as T;
  try {
    return await ds.transaction(async (manager) => {
      const result = await effect(manager);
      // the primary key makes a concurrent duplicate delivery fail here and roll its effect back
      await manager.query(
        'INSERT INTO worker_effect (effect_key, job_type, process_instance_key, element_id, output, created_at) VALUES (?, ?, ?, ?, ?, ?)',
        [
          effectKey,
          job.type,
          job.processInstanceKey,
          job.elementId,
          JSON.stringify(result ?? null),
          new Date().toISOString(),
        ],
      );
      return result;
    });
  } catch (err) {
    // lost the race against a concurrent delivery of the same job: its stored outcome wins
    const winner = (await ds.query('SELECT output FROM worker_effect WHERE effect_key = ?', [effectKey])) as {
      output: string;
    }[];
    if (winner[0]) return JSON.parse(winner[0].output) as T;
    throw err;
  }
}
