/** egov.project-resume — R26: the data bureau resumes a suspended project at the stage it was suspended in. */
import { z } from 'zod';
import type { ProjectStage } from '../services/domain/entities';
import type { WorkerDeps } from './deps';
import { projectEffectWorker } from './recording';
import { earlierEffects, projectIdSchema, setStage } from './support';

export const resumeInput = z.object({ projectId: projectIdSchema });

export function createProjectResumeWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.project-resume',
    description: 'R26: resumes construction (stage before the suspension, else 项目实施)',
    input: resumeInput,
    output: z.object({ projectStatus: z.literal('in-construction') }),
    async apply({ m, project, job, now }) {
      const suspensions = await earlierEffects<{ previousStage?: ProjectStage }>(
        m,
        'egov.project-suspend',
        job.processInstanceKey,
      );
      const previous = suspensions[suspensions.length - 1]?.output.previousStage;
      const stage: ProjectStage = previous && previous !== 'suspended' ? previous : 'implementation';
      if (project.stage === 'suspended') await setStage(m, project.id, stage, now);
      return { projectStatus: 'in-construction' as const };
    },
  });
}
