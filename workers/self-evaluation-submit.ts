/** egov.self-evaluation-submit — R23: the performance self-evaluation is filed with the data bureau and finance. */
import { z } from 'zod';
import type { WorkerDeps } from './deps';
import { projectEffectWorker } from './recording';
import { CalendarRangeError, periodEndCalendar } from '../services/calendar';
import { AcceptanceEntity } from '../services/domain/entities';
import { dayOf, recordSelfEvaluation } from '../services/domain/process-records';
import { projectIdSchema, setStage } from './support';

export const selfEvaluationInput = z.object({
  projectId: projectIdSchema,
  operationEffect: z.string().trim().min(1).max(5000),
  problemsMet: z.string().trim().max(5000).nullish(),
  docSelfEvaluationReport: z.string().trim().min(1).max(500),
  selfEvaluationDueDate: z.string().nullish(),
});

export function createSelfEvaluationSubmitWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.self-evaluation-submit',
    description:
      'R23: files the self-evaluation (运行效果, problems met) with data-bureau and finance; notes whether it was on time',
    input: selfEvaluationInput,
    output: z.object({ selfEvaluationOnTime: z.boolean() }),
    async apply({ m, project, v, now, today }) {
      await setStage(m, project.id, 'self-evaluation', now);
      const onTime = !v.selfEvaluationDueDate || now.getTime() <= Date.parse(v.selfEvaluationDueDate);
      // R23: due 6 months after the final acceptance (the process's due date when it computed one)
      let dueOn = dayOf(v.selfEvaluationDueDate);
      if (!dueOn) {
        const final = await m.getRepository(AcceptanceEntity).findOneBy({ projectId: project.id, stage: 'final' });
        const anchor = final?.acceptedOn ?? today;
        try {
          dueOn = deps.calendar.periodEnd(anchor, { months: 6 });
        } catch (err) {
          if (!(err instanceof CalendarRangeError)) throw err;
          dueOn = periodEndCalendar(anchor, { months: 6 });
        }
      }
      await recordSelfEvaluation(m, project.id, {
        effect: v.operationEffect,
        problems: v.problemsMet?.trim() ?? '',
        submittedOn: today,
        dueOn,
      });
      return { selfEvaluationOnTime: onTime, filedWith: ['data-bureau', 'finance'] } as {
        selfEvaluationOnTime: boolean;
      };
    },
  });
}
