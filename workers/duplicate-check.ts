/**
 * egov.duplicate-check — duplicate construction (R9, R10, R16; the Zhejiang IRS idea): the
 * application's name and description are compared with every other project and with the systems
 * in operation (character-bigram cosine, configurable threshold); for a cross-department project
 * the participants' sub-projects must not overlap each other (R10 无重复交叉).
 */
import type { EntityManager } from 'typeorm';
import { In, Not } from 'typeorm';
import { z } from 'zod';
import {
  ApplicationVersionEntity,
  OrganisationEntity,
  ProjectEntity,
  STAGE_NAMES,
  type Project,
} from '../services/domain/entities';
import { markReturned } from '../services/domain/returns';
import type { WorkerDeps } from './deps';
import { complete, defineWorker } from './framework';
import { projectSimilarity, type Comparable } from './similarity';
import { loadProject, projectIdSchema } from './support';

export const duplicateInput = z.object({
  projectId: projectIdSchema,
  crossDepartment: z.boolean().default(false),
  participants: z
    .array(
      z.looseObject({
        departmentCode: z.string().optional(),
        departmentName: z.string().optional(),
        subProjectName: z.string().optional(),
        subProjectContent: z.string().optional(),
      }),
    )
    .nullish(),
});

export const similarItem = z.object({
  kind: z.enum(['project', 'system', 'subproject']),
  projectId: z.string().nullable(),
  name: z.string(),
  score: z.number(),
});

export const duplicateOutput = z.object({
  duplicateFound: z.boolean(),
  duplicateDetails: z.array(z.string()),
  similarProjects: z.array(similarItem),
});

/** Stages whose projects are not (or no longer) construction: not compared. */
const IGNORED_STAGES = ['draft', 'not-governed', 'rejected', 'terminated'] as const;

async function summaries(m: EntityManager, projects: Project[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (projects.length === 0) return out;
  const rows = await m.getRepository(ApplicationVersionEntity).find({
    where: { projectId: In(projects.map((p) => p.id)) },
    select: { projectId: true, version: true, data: true },
  });
  const current = new Map(projects.map((p) => [p.id, p.currentVersion]));
  for (const r of rows) {
    if (current.get(r.projectId) !== r.version) continue;
    try {
      const d = JSON.parse(r.data) as { summary?: unknown };
      if (typeof d.summary === 'string') out.set(r.projectId, d.summary);
    } catch {
      // a malformed stored version compares by name only
    }
  }
  return out;
}

export function createDuplicateCheckWorker(deps: WorkerDeps) {
  return defineWorker({
    type: 'egov.duplicate-check',
    description:
      'R9/R10/R16 duplicate construction: bigram-cosine similarity of name and description against other projects and systems in operation (threshold configurable); R10 no overlap between participants’ sub-projects',
    input: duplicateInput,
    output: duplicateOutput,
    async handle(ctx) {
      const v = ctx.variables;
      const m = deps.dataSource.manager;
      const threshold = deps.config.duplicateThreshold;
      const project = await loadProject(m, v.projectId);
      const others = await m
        .getRepository(ProjectEntity)
        .find({ where: { id: Not(project.id), stage: Not(In([...IGNORED_STAGES])) } });
      const texts = await summaries(m, [project, ...others]);
      const self: Comparable = { name: project.name, description: texts.get(project.id) };
      // the departments' own names say nothing about what is built
      const orgNames = (await m.getRepository(OrganisationEntity).find({ select: { name: true } })).flatMap((o) => [
        o.name,
        o.name.replace(/^区/, ''),
      ]);
      const sim = (a: Comparable, b: Comparable) => projectSimilarity(a, b, orgNames);
      const similar: z.output<typeof similarItem>[] = [];
      for (const o of others) {
        const score = sim(self, { name: o.name, description: texts.get(o.id) });
        if (score >= threshold)
          similar.push({
            kind: 'project',
            projectId: String(o.id),
            name: `${o.name}（${o.code}，${STAGE_NAMES[o.stage]}）`,
            score,
          });
      }
      for (const s of deps.config.existingSystems) {
        const score = sim(self, { name: s.name, description: s.description || undefined });
        if (score >= threshold)
          similar.push({ kind: 'system', projectId: null, name: s.owner ? `${s.name}（${s.owner}）` : s.name, score });
      }
      if (v.crossDepartment && v.participants) {
        const parts = v.participants.map((p, i) => ({
          label: `${p.departmentName ?? p.departmentCode ?? `参建单位${i + 1}`}：${p.subProjectName ?? ''}`,
          text: { name: p.subProjectName ?? '', description: p.subProjectContent },
        }));
        for (let i = 0; i < parts.length; i++)
          for (let j = i + 1; j < parts.length; j++) {
            const score = sim(parts[i]!.text, parts[j]!.text);
            if (score >= threshold)
              similar.push({
                kind: 'subproject',
                projectId: null,
                name: `${parts[i]!.label} ↔ ${parts[j]!.label}`,
                score,
              });
          }
      }
      similar.sort((a, b) => b.score - a.score);
      const details = similar.map((s) => {
        const pct = `${Math.round(s.score * 100)}%`;
        if (s.kind === 'project') return `R9/R16 与已有项目相似（相似度 ${pct}）：${s.name}`;
        if (s.kind === 'system') return `R16 与已运行系统相似（相似度 ${pct}）：${s.name}`;
        return `R10 参建单位子项目内容重复交叉（相似度 ${pct}）：${s.name}`;
      });
      // a duplicate returns the application (Gateway_MaterialsOk): the department sees why (stage `returned`)
      if (details.length) await ctx.once((tx) => markReturned(tx, project.id, deps.clock(), details, 'add'));
      return complete({ duplicateFound: similar.length > 0, duplicateDetails: details, similarProjects: similar });
    },
  });
}
