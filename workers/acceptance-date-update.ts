/** egov.acceptance-date-update — R22.3: an approved delay moves the contracted acceptance date. */
import { z } from 'zod';
import type { WorkerDeps } from './deps';
import { projectEffectWorker } from './recording';
import { dateLike, projectIdSchema } from './support';

export const acceptanceDateInput = z.object({ projectId: projectIdSchema, requestedAcceptanceDate: dateLike });

export function createAcceptanceDateUpdateWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.acceptance-date-update',
    description: 'R22.3: records the approved delay; contractedAcceptanceDate = requested date',
    input: acceptanceDateInput,
    output: z.object({ contractedAcceptanceDate: z.string() }),
    async apply({ v }) {
      // "in advance" (R22.3) is checked by the API before the request enters the process
      return { contractedAcceptanceDate: v.requestedAcceptanceDate };
    },
  });
}
