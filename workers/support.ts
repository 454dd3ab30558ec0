/**
 * Shared pieces of the job workers: resolving the project a job is about, recording a worker's
 * business event, the date and money conversions between process variables and the domain.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { AuditLog } from '../services/audit/audit-log';
import { chinaDate, isIsoDate, type IsoDate } from '../services/calendar';
import { ProjectEntity, type Project, type ProjectStage } from '../services/domain/entities';
import { fromCents, toCents, type Money } from '../services/domain/money';
import { moveStage } from '../services/domain/stage-history';
import type { JobContext, JobInfo } from './framework';

/** Who acts in the audit trail when a worker records something. */
export const WORKER_ACTOR = 'system:workers';

/**
 * `projectId` in process variables is the domain project's id as a decimal string (the API starts
 * the instance with it); a project code (`YJ2026-0001`) is accepted too.
 */
export const projectIdSchema = z.string().trim().min(1).max(40);

export class ProjectNotFoundError extends Error {
  constructor(readonly projectId: string) {
    super(`项目不存在：${projectId}`);
    this.name = 'ProjectNotFoundError';
  }
}

export async function findProject(m: EntityManager, projectId: string): Promise<Project | null> {
  const repo = m.getRepository(ProjectEntity);
  if (/^\d+$/.test(projectId)) return repo.findOneBy({ id: Number(projectId) });
  return repo.findOneBy({ code: projectId });
}

/** The project or an error: a job about a project that does not exist is an incident, not a branch. */
export async function loadProject(m: EntityManager, projectId: string): Promise<Project> {
  const p = await findProject(m, projectId);
  if (!p) throw new ProjectNotFoundError(projectId);
  return p;
}

export async function setStage(m: EntityManager, projectId: number, stage: ProjectStage, now: Date): Promise<void> {
  // the stage, its entry time and its history move together (services/domain/stage-history.ts)
  await moveStage(m, projectId, stage, now);
}

const audits = new WeakMap<DataSource, AuditLog>();

/** One audit log per data source, so the SM3 chain's appends stay serialised across workers. */
function auditLogOf(ds: DataSource): AuditLog {
  let log = audits.get(ds);
  if (!log) audits.set(ds, (log = new AuditLog(ds)));
  return log;
}

type PendingEvent = { target: string; detail: Record<string, unknown>; action: string };
const pendingByManager = new WeakMap<EntityManager, PendingEvent[]>();

/**
 * Records a worker's business event (R25: true, traceable information) in the SM3-chained audit
 * log: action `process.<job type>`, target `project:<id>`. Inside `onceAudited` the row is written
 * right after the effect's transaction commits: each chain link reads the last committed hash, so
 * rows appended inside concurrent MySQL transactions would fork the chain.
 */
export async function recordEvent(
  ds: DataSource,
  m: EntityManager,
  job: Pick<JobInfo, 'type' | 'processInstanceKey' | 'elementId'>,
  target: string,
  detail: Record<string, unknown>,
): Promise<void> {
  const event: PendingEvent = {
    action: `process.${job.type.replace(/^egov\./, '')}`,
    target,
    detail: { ...detail, processInstanceKey: job.processInstanceKey, elementId: job.elementId },
  };
  const pending = pendingByManager.get(m);
  if (pending) pending.push(event);
  else await auditLogOf(ds).record({ actor: WORKER_ACTOR, ...event }, m);
}

/**
 * `ctx.once` with the audit events of the effect written after its commit — only when the effect
 * ran (a redelivered job records nothing). A crash between the commit and the audit write loses
 * the audit row, not the effect: its outputs stay in worker_effect.
 */
export async function onceAudited<T>(
  ctx: Pick<JobContext<unknown>, 'once'>,
  ds: DataSource,
  effect: (m: EntityManager) => Promise<T>,
): Promise<T> {
  const pending: PendingEvent[] = [];
  const out = await ctx.once(async (m) => {
    pending.length = 0; // a retried transaction starts over
    pendingByManager.set(m, pending);
    try {
      return await effect(m);
    } finally {
      pendingByManager.delete(m);
    }
  });
  for (const e of pending) await auditLogOf(ds).record({ actor: WORKER_ACTOR, ...e });
  return out;
}

/** Stored outputs of earlier side effects of a job type for one process instance, oldest first. */
export async function earlierEffects<T>(
  m: EntityManager,
  jobType: string,
  processInstanceKey: string,
): Promise<{ output: T; createdAt: string }[]> {
  const rows = (await m.query(
    'SELECT output, created_at FROM worker_effect WHERE job_type = ? AND process_instance_key = ? ORDER BY created_at, effect_key',
    [jobType, processInstanceKey],
  )) as { output: string; created_at: string }[];
  return rows.map((r) => ({ output: JSON.parse(r.output) as T, createdAt: String(r.created_at) }));
}

// ------------------------------------------------------------------ dates

/** Today in China (deadlines are days in China, whatever the server's zone). */
export const todayIn = (clock: () => Date): IsoDate => chinaDate(clock());

/** An ISO 8601 date-time at a wall-clock time in China, e.g. `2026-10-13T23:59:59+08:00`. */
export function chinaDateTime(date: IsoDate, time: `${number}:${number}:${number}`): string {
  return `${date}T${time}+08:00`;
}

/**
 * A form's date field: `YYYY-MM-DD`, or a date-time (form-js datetime) taken as the day in China.
 * Output is always `YYYY-MM-DD`.
 */
export const dateLike = z
  .string()
  .trim()
  .refine((s) => isIsoDate(s) || (/^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(Date.parse(s))), {
    message: 'expected YYYY-MM-DD or an ISO 8601 date-time',
  })
  .transform((s) => (isIsoDate(s) ? s : chinaDate(new Date(s))));

// ------------------------------------------------------------------ money (万元)

/** A process variable amount (number, 万元) as exact money; fractions of a cent round up so "above" stays above. */
export function toMoney(n: number): Money {
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`not an amount: ${n}`);
  const cents = Math.ceil(Number((n * 100).toFixed(6)));
  return fromCents(BigInt(cents));
}

export const moneyToNumber = (m: Money): number => Number(toCents(m)) / 100;

/** A non-negative amount in 万元 as a process variable. */
export const amount = z.number().finite().nonnegative();
