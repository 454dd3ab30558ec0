/**
 * egov.subproject-register — R10: a participant unit's sub-project application must match the
 * framework plan: the unit is a participant, the budget stays within its framework share, and
 * the content does not overlap another unit's registered sub-project (无重复交叉).
 */
import { z } from 'zod';
import { OrganisationEntity, ProjectParticipantEntity } from '../services/domain/entities';
import type { WorkerDeps } from './deps';
import { projectEffectWorker } from './recording';
import { projectSimilarity } from './similarity';
import { amount, projectIdSchema } from './support';

export const subProjectInput = z.object({
  projectId: projectIdSchema,
  participant: z.looseObject({
    departmentCode: z.string().min(1),
    departmentName: z.string().nullish(),
    subProjectName: z.string().nullish(),
    subProjectContent: z.string().nullish(),
    subProjectBudget: amount.nullish(),
  }),
  subProjectName: z.string().trim().min(1).max(200),
  subProjectContent: z.string().trim().min(1).max(5000),
  subProjectBudget: amount,
});

export const subProjectOutput = z.object({ subProjectAccepted: z.boolean(), subProjectDefects: z.array(z.string()) });

interface Registered {
  subProjectAccepted: boolean;
  projectId?: string;
  departmentCode?: string;
  subProjectName?: string;
  subProjectContent?: string;
}

export function createSubprojectRegisterWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.subproject-register',
    description: 'R10: sub-project matches the framework plan (participant, budget share, no overlap with other units)',
    input: subProjectInput,
    output: subProjectOutput,
    async apply({ m, project, v }) {
      const defects: string[] = [];
      const code = v.participant.departmentCode;
      const org = await m.getRepository(OrganisationEntity).findOneBy({ code });
      const isParticipant =
        !!org &&
        (org.id === project.orgId ||
          (await m.getRepository(ProjectParticipantEntity).existsBy({ projectId: project.id, orgId: org.id })));
      if (!isParticipant) defects.push(`R10 ${v.participant.departmentName ?? code} 不是本项目的参建单位`);
      const share = v.participant.subProjectBudget;
      if (share !== null && share !== undefined && v.subProjectBudget > share)
        defects.push(`R10 子项目预算 ${v.subProjectBudget} 万元超过框架方案确定的 ${share} 万元`);
      // other units' accepted sub-projects of the same project (stored outputs of this worker)
      const rows = (await m.query("SELECT output FROM worker_effect WHERE job_type = 'egov.subproject-register'")) as {
        output: string;
      }[];
      const others = rows
        .map((r) => JSON.parse(r.output) as Registered)
        .filter((o) => o.subProjectAccepted && o.projectId === String(project.id) && o.departmentCode !== code);
      for (const o of others) {
        const score = projectSimilarity(
          { name: v.subProjectName, description: v.subProjectContent },
          { name: o.subProjectName ?? '', description: o.subProjectContent },
        );
        if (score >= deps.config.duplicateThreshold)
          defects.push(
            `R10 与${o.departmentCode}的子项目“${o.subProjectName}”内容重复交叉（相似度 ${Math.round(score * 100)}%）`,
          );
      }
      const accepted = defects.length === 0;
      return {
        subProjectAccepted: accepted,
        subProjectDefects: defects,
        // kept with the stored outputs for the overlap check of the next units
        projectId: String(project.id),
        departmentCode: code,
        subProjectName: v.subProjectName,
        subProjectContent: v.subProjectContent,
      } as z.input<typeof subProjectOutput>;
    },
  });
}
