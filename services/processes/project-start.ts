/**
 * Starting a project's `project-lifecycle` instance when its application (附件1) is submitted, with
 * the start variables of processes/README.md, and storing the instance key on the project.
 * Idempotent: a project that already has an instance keeps it; concurrent starts are settled by a
 * conditional update (the loser cancels the instance it created).
 */
import { IsNull, type DataSource } from 'typeorm';
import type { ApplicationForm } from '../domain/application-form';
import { ApplicationVersionEntity, OrganisationEntity, ProjectEntity, type Project } from '../domain/entities';
import { candidateGroupOf } from '../domain/organisations';
import type { EngineClient } from '../engine-client';

export const LIFECYCLE_PROCESS_ID = 'project-lifecycle';

export interface LifecycleStartVariables {
  projectId: string;
  departmentGroup: string;
  departmentCode: string;
  projectName: string;
  planYear: number;
  totalInvestment: number;
  fundSource: 'fiscal' | 'self-raised' | 'transfer';
  projectCategory: string;
  listedInDepartmentBudget: boolean;
  crossDepartment: boolean;
  urgentAdHoc: boolean;
  classifiedSystem: boolean;
  constructionStart: string;
  constructionEnd: string;
}

/** The start variables from the project and its current application version. */
export function lifecycleVariables(
  project: Project,
  org: { code: string; type: 'bureau' | 'department' | 'expert' },
  form: ApplicationForm,
): LifecycleStartVariables {
  const n = (s: string) => Number(s);
  // the model's `fundSource` is the main source: fiscal money first, then the department's own
  const fundSource =
    n(form.investment.fiscal) > 0 ? 'fiscal' : n(form.investment.selfRaised) > 0 ? 'self-raised' : 'transfer';
  return {
    projectId: String(project.id),
    departmentGroup: candidateGroupOf(org),
    departmentCode: org.code,
    projectName: project.name,
    planYear: project.planYear,
    totalInvestment: n(project.totalInvestment),
    fundSource,
    projectCategory: project.category,
    listedInDepartmentBudget: project.departmentBudget,
    crossDepartment: form.participantOrgCodes.length > 0,
    urgentAdHoc: form.urgent,
    // 涉密 systems are not declared on 附件1; the security inspection form records it later
    classifiedSystem: false,
    constructionStart: form.constructionPeriod.start,
    constructionEnd: form.constructionPeriod.end,
  };
}

/**
 * Starts the instance unless the project has one; returns the instance key and whether it was
 * started now.
 */
export async function startProjectProcess(
  ds: DataSource,
  engine: EngineClient,
  projectId: number,
): Promise<{ processInstanceKey: string; started: boolean }> {
  const repo = ds.getRepository(ProjectEntity);
  const project = await repo.findOneByOrFail({ id: projectId });
  if (project.processInstanceKey) return { processInstanceKey: project.processInstanceKey, started: false };
  const org = await ds.getRepository(OrganisationEntity).findOneByOrFail({ id: project.orgId });
  const version = await ds
    .getRepository(ApplicationVersionEntity)
    .findOneByOrFail({ projectId, version: project.currentVersion });
  const form = JSON.parse(version.data) as ApplicationForm;
  const created = await engine.createProcessInstance({
    processDefinitionId: LIFECYCLE_PROCESS_ID,
    variables: lifecycleVariables(project, org, form),
  } as never);
  const key = String((created as { processInstanceKey: unknown }).processInstanceKey);
  const res = await repo.update({ id: projectId, processInstanceKey: IsNull() }, { processInstanceKey: key });
  if (res.affected === 0) {
    // another request started one first: keep theirs, withdraw ours
    await engine.cancelProcessInstance({ processInstanceKey: key } as never).catch(() => undefined);
    const winner = await repo.findOneByOrFail({ id: projectId });
    return { processInstanceKey: winner.processInstanceKey!, started: false };
  }
  return { processInstanceKey: key, started: true };
}
