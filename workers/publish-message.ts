/**
 * egov.publish-message — the annual-planning process tells each project's process (correlation
 * key = projectId): R7 joint-review-opened (alive until the review window ends), R8.1
 * annual-plan-included / annual-plan-not-included (alive until the end of the plan year). The
 * message id is stable per (message, project, plan year), so a redelivered job cannot publish twice.
 */
import { z } from 'zod';
import type { WorkerDeps } from './deps';
import { complete, defineWorker, TransientError } from './framework';

export const MESSAGE_NAMES = ['joint-review-opened', 'annual-plan-included', 'annual-plan-not-included'] as const;

export const publishInput = z.object({
  projectId: z.string().min(1),
  planYear: z.number().int().min(2000).max(2100),
  reviewWindowEnd: z.string().nullish(),
});

/** Time to live: until the review window ends (R7) or the end of the plan year (R8.1), at least a minute. */
export function messageTtlMs(
  name: string,
  planYear: number,
  reviewWindowEnd: string | null | undefined,
  now: Date,
): number {
  const until =
    name === 'joint-review-opened'
      ? Date.parse(reviewWindowEnd ?? `${planYear - 1}-12-31T23:59:59+08:00`)
      : Date.parse(`${planYear}-12-31T23:59:59+08:00`);
  return Math.max(until - now.getTime(), 60_000);
}

function isDuplicate(err: unknown): boolean {
  const e = err as { status?: number; statusCode?: number; response?: { status?: number }; message?: string };
  const status = e.status ?? e.statusCode ?? e.response?.status;
  return status === 409 || /already (been )?published|ALREADY_EXISTS/i.test(e.message ?? '');
}

export function createPublishMessageWorker(deps: WorkerDeps) {
  return defineWorker({
    type: 'egov.publish-message',
    description:
      'R7/R8.1: publishes the header `messageName` to the project’s process (correlation key projectId), TTL to the window / plan-year end',
    input: publishInput,
    output: z.object({}),
    async handle(ctx) {
      const name = ctx.job.customHeaders.messageName;
      if (typeof name !== 'string' || !(MESSAGE_NAMES as readonly string[]).includes(name))
        throw new Error(`未知的消息名称：${String(name)}`);
      if (!deps.engine) throw new TransientError('流程引擎未连接，稍后重试');
      const v = ctx.variables;
      try {
        await deps.engine.publishMessage({
          name,
          correlationKey: v.projectId,
          timeToLive: messageTtlMs(name, v.planYear, v.reviewWindowEnd, deps.clock()),
          messageId: `${name}:${v.projectId}:${v.planYear}`,
          variables: {},
        });
      } catch (err) {
        if (!isDuplicate(err))
          throw new TransientError(`消息发布失败：${err instanceof Error ? err.message : String(err)}`);
      }
      return complete({});
    },
  });
}
