/**
 * egov.implementation-status-check — R19.3 in December of the plan year: was the project carried
 * out as planned? Yes when procurement is recorded compliant (construction under way), the stage
 * is past procurement, or money has been paid.
 */
import { z } from 'zod';
import { LedgerEntryEntity, PROJECT_STAGES } from '../services/domain/entities';
import type { WorkerDeps } from './deps';
import { complete, defineWorker } from './framework';
import { earlierEffects, loadProject, projectIdSchema } from './support';

export const implementationStatusInput = z.object({
  projectId: projectIdSchema,
  planYear: z.number().int().min(2000).max(2100).nullish(),
});

export function createImplementationStatusCheckWorker(deps: WorkerDeps) {
  return defineWorker({
    type: 'egov.implementation-status-check',
    description:
      'R19.3: carried out in its year = compliant procurement recorded, stage past procurement, or payments made',
    input: implementationStatusInput,
    output: z.object({ carriedOutAsPlanned: z.boolean(), implementationStatusReason: z.string() }),
    async handle(ctx) {
      const m = deps.dataSource.manager;
      const project = await loadProject(m, ctx.variables.projectId);
      const index = PROJECT_STAGES.indexOf(project.stage);
      const pastProcurement =
        index >= PROJECT_STAGES.indexOf('implementation') && index <= PROJECT_STAGES.indexOf('closed');
      const procurements = await earlierEffects<{ procurementCompliant?: boolean }>(
        m,
        'egov.procurement-record',
        ctx.job.processInstanceKey,
      );
      const procured = procurements.some((p) => p.output.procurementCompliant === true);
      const paid = await m.getRepository(LedgerEntryEntity).existsBy({ projectId: project.id, kind: 'payment' });
      const carried = pastProcurement || procured || paid;
      return complete({
        carriedOutAsPlanned: carried,
        implementationStatusReason: carried
          ? '项目已按计划组织实施'
          : `项目计划年度${ctx.variables.planYear ?? project.planYear}内尚未完成采购、开工建设（R19.3），须书面说明原因`,
      });
    },
  });
}
