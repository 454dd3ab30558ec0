/**
 * egov.rectification-register — R26/R27: a supervising body's rectification order is registered
 * with its deadline (a date, or working days from today on the calendar); R27 orders also cut the
 * department's next-year budget.
 */
import { z } from 'zod';
import { OrganisationEntity, RectificationOrderEntity } from '../services/domain/entities';
import { issueRectificationOrder } from '../services/domain/rectification';
import type { WorkerDeps } from './deps';
import { projectEffectWorker } from './recording';
import { dateLike, projectIdSchema } from './support';

/** R26: the bodies that may order rectification. */
export const SUPERVISING_BODIES = [
  'data-bureau',
  'drc',
  'finance',
  'audit',
  'trading-center',
  'crypto-bureau',
  'cyberspace-office',
] as const;

export const rectificationInput = z
  .object({
    projectId: projectIdSchema,
    rectificationIssues: z.string().trim().min(1).max(5000),
    orderedBy: z.enum(SUPERVISING_BODIES),
    orderRule: z.enum(['R26', 'R27']).default('R26'),
    rectificationDays: z.number().int().min(1).max(365).nullish(),
    rectificationDeadline: dateLike.nullish(),
    /** the order the API wrote before publishing (services/api/request-messages.ts) */
    rectificationOrderId: z.number().int().positive().nullish(),
  })
  .refine((v) => v.rectificationDays || v.rectificationDeadline, {
    message: 'rectificationDays or rectificationDeadline is required',
  });

export const rectificationOutput = z.object({
  rectificationId: z.string(),
  rectificationDeadline: z.string(),
  /**
   * R27: this order cuts the department's next-year budget. The model keeps the project's
   * `budgetCutNextYear` from it (output mapping: true once any order was R27 — a later R26 order
   * does not undo it); the worker does not write `budgetCutNextYear` itself, which would shadow
   * the project's value there.
   */
  r27Order: z.boolean(),
});

export function createRectificationRegisterWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.rectification-register',
    description: 'R26: registers the rectification order and its deadline (working days); R27: next-year budget cut',
    input: rectificationInput,
    output: rectificationOutput,
    async apply({ m, project, v, now, today }) {
      const issuer = await m.getRepository(OrganisationEntity).findOneBy({ code: v.orderedBy });
      if (!issuer) throw new Error(`监督部门不存在：${v.orderedBy}`);
      const deadline = v.rectificationDeadline
        ? deps.calendar.deadlineOn(v.rectificationDeadline)
        : deps.calendar.addWorkingDays(today, v.rectificationDays!);
      // an order issued through the API is already a row: adopt it (deadline on the working-day
      // calendar, R27 marked) instead of registering it twice
      const orders = m.getRepository(RectificationOrderEntity);
      const filed = v.rectificationOrderId
        ? await orders.findOneBy({ id: v.rectificationOrderId, projectId: project.id })
        : null;
      if (filed) {
        const issue =
          v.orderRule === 'R27' && !filed.issue.startsWith('【R27】') ? `【R27】${filed.issue}` : filed.issue;
        await orders.update({ id: filed.id }, { deadline, issue });
        return {
          rectificationId: String(filed.id),
          rectificationDeadline: deadline,
          r27Order: v.orderRule === 'R27',
        };
      }
      // the domain's R26 rule (deadline after today), in this job's transaction; user 0 = ordered
      // through the process, the ordering user is in the audit log of the API call
      const id = await issueRectificationOrder(
        m,
        {
          projectId: project.id,
          issuerOrgId: issuer.id,
          userId: 0,
          issue: v.orderRule === 'R27' ? `【R27】${v.rectificationIssues}` : v.rectificationIssues,
          deadline,
        },
        now,
      );
      return {
        rectificationId: String(id),
        rectificationDeadline: deadline,
        r27Order: v.orderRule === 'R27',
      };
    },
  });
}
