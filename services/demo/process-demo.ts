/**
 * Demo process instances for `npm start`: every submitted sample project of the domain seed gets
 * its real `project-lifecycle` instance, started exactly as the submit endpoint starts it; the
 * running job workers then carry each instance to its first wait (a user task in some group's
 * list, a message or a timer), so the live view shows tokens and the tasklists have work.
 * Idempotent: a project that has an instance is skipped. Runs in the background after start.
 */
import { Not, In } from 'typeorm';
import type { ApiServices } from '../api/services';
import { ProjectEntity, type ProjectStage } from '../domain/entities';
import type { Logger } from '../logger';
import { startProjectProcess } from '../processes/project-start';

/** Stages before submission have no process yet. */
const NOT_STARTED: readonly ProjectStage[] = ['draft'];

export interface ProcessDemoResult {
  started: number;
  skipped: number;
  failed: number;
}

export async function runProcessDemo(
  services: ApiServices,
  opts: { logger?: Logger; signal?: AbortSignal } = {},
): Promise<ProcessDemoResult> {
  const result: ProcessDemoResult = { started: 0, skipped: 0, failed: 0 };
  if (!services.engine) return result;
  const projects = await services.dataSource
    .getRepository(ProjectEntity)
    .find({ where: { stage: Not(In([...NOT_STARTED])) }, order: { id: 'ASC' } });
  for (const p of projects) {
    if (opts.signal?.aborted) break;
    try {
      const { started, processInstanceKey } = await startProjectProcess(services.dataSource, services.engine, p.id);
      if (started) result.started++;
      else result.skipped++;
      opts.logger?.info({ project: p.code, processInstanceKey, started }, 'demo instance');
    } catch (err) {
      result.failed++;
      opts.logger?.warn({ project: p.code, err }, 'demo instance not started');
    }
  }
  opts.logger?.info(result, 'demo instances ready');
  return result;
}
