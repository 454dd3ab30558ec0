/**
 * egov.application-window-close — R6: when applications close (30 September), the submitted
 * projects of the plan year whose materials passed wait for the joint review; their ids go to the
 * per-project `joint-review-opened` messages (R7).
 */
import { z } from 'zod';
import { ProjectEntity } from '../services/domain/entities';
import type { WorkerDeps } from './deps';
import { complete, defineWorker } from './framework';

export const windowCloseInput = z.object({ planYear: z.number().int().min(2000).max(2100) });

export function createApplicationWindowCloseWorker(deps: WorkerDeps) {
  return defineWorker({
    type: 'egov.application-window-close',
    description: 'R6: submitted projects of the plan year → appliedProjectIds for the R7 review',
    input: windowCloseInput,
    output: z.object({ appliedProjectIds: z.array(z.string()) }),
    async handle({ variables: v }) {
      const rows = await deps.dataSource.getRepository(ProjectEntity).find({
        where: { planYear: v.planYear, stage: 'submitted' },
        order: { id: 'ASC' },
      });
      // a project without a running instance only buffers the message until its TTL ends
      const ids = rows.map((p) => String(p.id));
      return complete({ appliedProjectIds: ids });
    },
  });
}
