/**
 * The shape most workers share: resolve the project, apply a side effect to the domain in one
 * transaction, record it in the audit trail, and return the outputs — all at most once per
 * process position (`ctx.once`), so a redelivered job gets the stored outputs back.
 */
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import type { Project } from '../services/domain/entities';
import type { WorkerDeps } from './deps';
import { complete, defineWorker, type JobInfo, type WorkerDefinition } from './framework';
import { loadProject, onceAudited, recordEvent, todayIn } from './support';

export interface EffectContext<V> {
  m: EntityManager;
  project: Project;
  v: V;
  job: JobInfo;
  now: Date;
  today: string;
}

export function projectEffectWorker<I extends z.ZodType<{ projectId: string }>, O extends z.ZodType>(
  deps: WorkerDeps,
  def: {
    type: string;
    description: string;
    input: I;
    output: O;
    apply(ctx: EffectContext<z.output<I>>): Promise<z.input<O>>;
    /** what goes into the audit trail besides the outputs (default: the input variables) */
    detail?(v: z.output<I>): Record<string, unknown>;
  },
): WorkerDefinition<I, O> {
  return defineWorker({
    type: def.type,
    description: def.description,
    input: def.input,
    output: def.output,
    async handle(ctx) {
      const out = await onceAudited(ctx, deps.dataSource, async (m) => {
        const project = await loadProject(m, ctx.variables.projectId);
        const now = deps.clock();
        const result = await def.apply({ m, project, v: ctx.variables, job: ctx.job, now, today: todayIn(deps.clock) });
        const input = def.detail ? def.detail(ctx.variables) : (ctx.variables as Record<string, unknown>);
        await recordEvent(deps.dataSource, m, ctx.job, `project:${project.id}`, {
          input,
          output: result as unknown,
        });
        return result;
      });
      return complete(out);
    },
  });
}
