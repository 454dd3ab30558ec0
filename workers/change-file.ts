/** egov.change-file — R20: the change the district government approved is filed with the data bureau. */
import { z } from 'zod';
import type { WorkerDeps } from './deps';
import { projectEffectWorker } from './recording';
import type { ChangeCase } from '../services/domain/entities';
import { fileApprovedChange } from '../services/domain/process-records';
import { taskDecider } from '../services/domain/task-completions';
import { amount, projectIdSchema, toMoney } from './support';

/** R20's three cases in the domain's terms (`change_request.change_case`). */
const DOMAIN_CASE: Record<'case-1' | 'case-2' | 'case-3', ChangeCase> = {
  'case-1': 'deployment',
  'case-2': 'optimisation',
  'case-3': 'business-need',
};

export const changeFileInput = z.object({
  projectId: projectIdSchema,
  changeCase: z.enum(['case-1', 'case-2', 'case-3']),
  changeNewContent: z.string().trim().min(1).max(5000),
  changeApprovalReason: z.string().trim().max(2000).nullish(),
  changeReason: z.string().trim().max(5000).nullish(),
  changeTotalInvestment: amount.nullish(),
  /** the request the API filed (the message's row id, local to this change's event sub-process) */
  changeRequestId: z.number().int().positive().nullish(),
});

export function createChangeFileWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.change-file',
    description: 'R20: files the approved change (case, new content, the government’s reason) with the data bureau',
    input: changeFileInput,
    output: z.object({ changeFiledAt: z.string() }),
    async apply({ m, project, v, now, job }) {
      // the approved change in the domain (change_request, approved); the request the department
      // filed through the API (changeRequestId) is the one decided, by the government user who
      // completed Task_ChangeApproval in the tasklist (task_completion)
      const decider = await taskDecider(m, job.processInstanceKey, 'Task_ChangeApproval', v.changeRequestId);
      await fileApprovedChange(
        m,
        project.id,
        {
          changeCase: DOMAIN_CASE[v.changeCase],
          description: v.changeReason ? `${v.changeNewContent}\n调整理由：${v.changeReason}` : v.changeNewContent,
          newAmount:
            v.changeTotalInvestment != null
              ? toMoney(v.changeTotalInvestment)
              : (project.approvedAmount ?? project.totalInvestment),
          note: v.changeApprovalReason?.trim() || null,
          requestId: v.changeRequestId ?? null,
          decidedBy: decider?.userId ?? null,
        },
        now,
      );
      return { changeFiledAt: now.toISOString() };
    },
  });
}
