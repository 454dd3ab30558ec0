/**
 * egov.rectification-report-record — R26: the department's rectification report (form
 * `rectification-report` of `Task_Rectify`) is recorded on its order: `responded`, the measures as
 * the response, the day it was reported. The only writer of the report — the API's
 * `POST /rectifications/:id/response` completes `Task_Rectify` and waits for this row, as a
 * tasklist completion does. The order is the one of this event sub-process instance
 * (`rectificationId` from egov.rectification-register, local to the instance, so two orders open
 * at once are not mixed up). Who reported is the department user who completed `Task_Rectify`
 * (task_completion), the order's `respondedBy`; the evidence and what remains go to the audit trail.
 */
import { z } from 'zod';
import { RectificationOrderEntity } from '../services/domain/entities';
import { taskDecider } from '../services/domain/task-completions';
import type { WorkerDeps } from './deps';
import { projectEffectWorker } from './recording';
import { projectIdSchema } from './support';

export const rectificationReportInput = z.object({
  projectId: projectIdSchema,
  rectificationId: z.string().regex(/^\d+$/, 'rectificationId must be an order id'),
  rectificationMeasures: z.string().trim().min(1).max(5000),
  rectificationCompletedDate: z.string().nullish(),
  docRectificationEvidence: z.string().max(5000).nullish(),
  rectificationRemaining: z.string().max(5000).nullish(),
});

export const rectificationReportOutput = z.object({
  /** when the report was recorded (ISO), or null if the order no longer took one (closed / terminated) */
  rectificationReportedAt: z.string().nullable(),
});

export function createRectificationReportRecordWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.rectification-report-record',
    description: 'R26: records the department’s rectification report on its order (responded, awaiting verification)',
    input: rectificationReportInput,
    output: rectificationReportOutput,
    detail: (v) => ({ ...v }),
    async apply({ m, project, v, now, job }) {
      const orders = m.getRepository(RectificationOrderEntity);
      const order = await orders.findOneBy({ id: Number(v.rectificationId), projectId: project.id });
      if (!order) throw new Error(`整改通知不存在：${v.rectificationId}（项目 ${project.id}）`);
      // an order that is closed or terminated already takes no report (nothing to overwrite)
      if (order.status === 'closed' || (order.status as string) === 'terminated')
        return { rectificationReportedAt: null };
      const reportedAt = now.toISOString();
      const reporter = await taskDecider(m, job.processInstanceKey, 'Task_Rectify', v.rectificationId);
      await orders.update(
        { id: order.id },
        {
          status: 'responded',
          response: v.rectificationMeasures,
          respondedAt: reportedAt,
          respondedBy: reporter?.userId ?? null,
        },
      );
      return { rectificationReportedAt: reportedAt };
    },
  });
}
