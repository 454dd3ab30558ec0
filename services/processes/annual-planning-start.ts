/**
 * Starting the plan year's `annual-planning` instance from the API (R6 application window → R7
 * review window → R8.1 plan → one message per project at `Gateway_PlanDecision`). Without it the
 * projects waiting for the annual plan wait forever.
 *
 * One instance per plan year:
 * 1. the engine is asked first whether an instance of `annual-planning` with that `planYear` exists
 *    (ACTIVE or COMPLETED — one started by other means, e.g. an operator through the engine) → 409;
 * 2. the row `annual_planning_process` (unique year) is inserted and the instance created INSIDE
 *    the row's transaction: a concurrent second start fails on the unique year (→ 409) before it
 *    reaches the engine; an unreachable engine rolls the row back (→ 503, nothing written, retry).
 * Left: the instance is created and the commit then fails — the instance is cancelled again.
 */
import type { DataSource } from 'typeorm';
import { AnnualPlanningProcessEntity } from '../domain/entities';
import type { EngineClient } from '../engine-client';
import { HttpError } from '../http/problem';

export const ANNUAL_PLANNING_PROCESS_ID = 'annual-planning';

const NOW = { consistency: { waitUpToMs: 0 } } as const;

export interface AnnualPlanningState {
  year: number;
  processInstanceKey: string;
  /** the engine's state (ACTIVE, COMPLETED, TERMINATED), or UNKNOWN when it cannot be asked */
  state: string;
  startedBy: number | null;
  startedAt: string | null;
}

function engineDown(err: unknown): HttpError {
  const detail = err instanceof Error ? err.message : String(err);
  return new HttpError(503, '流程引擎暂不可用，年度计划编制流程未启动，请稍后重试', {
    retryable: true,
    cause: detail.slice(0, 300),
  });
}

/** A plan year: four digits, not before the service clock's year (Beijing time). */
export function planYearOf(raw: string, now: Date): number {
  if (!/^\d{4}$/.test(raw)) throw new HttpError(400, `计划年度须为四位数字：${raw.slice(0, 20)}`);
  const year = Number(raw);
  const current = new Date(now.getTime() + 8 * 3600_000).getUTCFullYear();
  if (year < current) throw new HttpError(400, `计划年度 ${year} 已过去（当前为 ${current} 年）`);
  if (year > current + 5) throw new HttpError(400, `计划年度 ${year} 过远（至多 ${current + 5} 年）`);
  return year;
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; errno?: number; message?: string; driverError?: { code?: string } };
  const code = e.code ?? e.driverError?.code;
  return (
    code === 'ER_DUP_ENTRY' ||
    code === 'SQLITE_CONSTRAINT' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    e.errno === 1062 ||
    /UNIQUE constraint failed|Duplicate entry/i.test(e.message ?? '')
  );
}

/** Instances of `annual-planning` for the year in the engine that are not cancelled. */
async function engineInstancesOf(engine: EngineClient, year: number) {
  const page = (await engine.searchProcessInstances(
    {
      filter: {
        processDefinitionId: ANNUAL_PLANNING_PROCESS_ID,
        variables: [{ name: 'planYear', value: JSON.stringify(year) }],
      },
      page: { limit: 10 },
    } as never,
    NOW,
  )) as unknown as { items: { processInstanceKey: string; state: string }[] };
  return page.items.filter((i) => i.state !== 'TERMINATED');
}

export async function startAnnualPlanning(
  ds: DataSource,
  engine: EngineClient,
  year: number,
  userId: number,
  now: Date,
): Promise<AnnualPlanningState> {
  const recorded = await ds.transaction((m) => m.getRepository(AnnualPlanningProcessEntity).findOneBy({ year }));
  if (recorded?.processInstanceKey) {
    throw new HttpError(409, `${year} 年度计划编制流程已启动`, { processInstanceKey: recorded.processInstanceKey });
  }
  let existing;
  try {
    existing = await engineInstancesOf(engine, year);
  } catch (err) {
    throw engineDown(err);
  }
  if (existing.length > 0) {
    throw new HttpError(409, `${year} 年度计划编制流程已存在于流程引擎中`, {
      processInstanceKey: String(existing[0]!.processInstanceKey),
    });
  }
  let created: string | null = null;
  const startedAt = now.toISOString();
  try {
    await ds.transaction(async (m) => {
      const repo = m.getRepository(AnnualPlanningProcessEntity);
      await repo.insert({ year, processInstanceKey: null, startedBy: userId, startedAt });
      try {
        const res = await engine.createProcessInstance({
          processDefinitionId: ANNUAL_PLANNING_PROCESS_ID,
          variables: { planYear: year },
        } as never);
        created = String((res as { processInstanceKey: unknown }).processInstanceKey);
      } catch (err) {
        throw engineDown(err);
      }
      await repo.update({ year }, { processInstanceKey: created });
    });
  } catch (err) {
    if (err instanceof HttpError) throw err;
    if (created) {
      await engine.cancelProcessInstance({ processInstanceKey: created } as never).catch(() => undefined);
    }
    if (isUniqueViolation(err)) {
      const winner = await ds.transaction((m) => m.getRepository(AnnualPlanningProcessEntity).findOneBy({ year }));
      throw new HttpError(409, `${year} 年度计划编制流程已启动`, {
        processInstanceKey: winner?.processInstanceKey ?? null,
      });
    }
    throw err;
  }
  return { year, processInstanceKey: created!, state: 'ACTIVE', startedBy: userId, startedAt };
}

/**
 * The year's instance: the recorded row, else one the engine knows of; null when none. The state
 * comes from the engine (UNKNOWN when it cannot be asked — a read does not fail for it).
 */
export async function annualPlanningOf(
  ds: DataSource,
  engine: EngineClient | null,
  year: number,
): Promise<AnnualPlanningState | null> {
  const row = await ds.transaction((m) => m.getRepository(AnnualPlanningProcessEntity).findOneBy({ year }));
  if (row?.processInstanceKey) {
    let state = 'UNKNOWN';
    if (engine) {
      try {
        const pi = (await engine.getProcessInstance({ processInstanceKey: row.processInstanceKey } as never, NOW)) as {
          state: string;
        };
        state = pi.state;
      } catch {
        state = 'UNKNOWN';
      }
    }
    return {
      year,
      processInstanceKey: row.processInstanceKey,
      state,
      startedBy: row.startedBy,
      startedAt: row.startedAt,
    };
  }
  if (!engine) return null;
  try {
    const found = (await engineInstancesOf(engine, year))[0];
    if (!found) return null;
    return {
      year,
      processInstanceKey: String(found.processInstanceKey),
      state: found.state,
      startedBy: null,
      startedAt: null,
    };
  } catch {
    return null;
  }
}
