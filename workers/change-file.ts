/** egov.change-file — R20: the change the district government approved is filed with the data bureau. */
import { z } from 'zod';
import type { WorkerDeps } from './deps';
import { projectEffectWorker } from './recording';
import { projectIdSchema } from './support';

export const changeFileInput = z.object({
  projectId: projectIdSchema,
  changeCase: z.enum(['case-1', 'case-2', 'case-3']),
  changeNewContent: z.string().trim().min(1).max(5000),
  changeApprovalReason: z.string().trim().max(2000).nullish(),
});

export function createChangeFileWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.change-file',
    description: 'R20: files the approved change (case, new content, the government’s reason) with the data bureau',
    input: changeFileInput,
    output: z.object({ changeFiledAt: z.string() }),
    async apply({ now }) {
      return { changeFiledAt: now.toISOString() };
    },
  });
}
