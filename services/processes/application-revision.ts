/**
 * 退回修改 (R6/R7) — ONE path for the department's revised 附件1, whichever screen it comes from:
 * the application screen's resubmission (`applications.resubmit`, the domain form) or the tasklist's
 * completion of `Task_ReviseApplication` (`tasks.complete`, the process form `application-form`).
 * Both end here and give the same record:
 *
 * 1. the engine says whether a revision is possible: the project's instance must wait at
 *    `Task_ReviseApplication` (else 409; engine unreachable → 503, nothing written);
 * 2. the submission is validated — the domain form by its schema, the process form by the task's
 *    form and then as a domain form (400 either way, nothing written);
 * 3. `ProjectService.resubmit` (the only writer of versions after the first) writes version n+1
 *    with its diff and moves the project from `returned` back to `submitted` — committed BEFORE the
 *    engine hears of it, so the materials check the completion triggers reads the new version;
 * 4. the task is completed through `TaskService.complete` as the calling user (claimed for them
 *    when nobody holds it) with the form variables of the new version: the process checks the
 *    materials again (Gateway_MaterialsMerge → Task_MaterialsCheck → Gateway_MaterialsOk).
 *
 * When the completion fails, the engine is asked for the task: still open → the revision is taken
 * back (`undoRevision`: version, fields, stage as before) and the answer is 409 (not active) or 503
 * (engine unreachable); completed → the revision stands. When the engine cannot even say, the
 * version is kept (the stage goes back to `returned` so the department can retry) and a retry
 * rewrites the same version: the version records the task it answers, so no retry makes n+2.
 */
import { applicationFormSchema, totalInvestment, type ApplicationForm } from '../domain/application-form';
import { OrganisationEntity, STAGE_NAMES } from '../domain/entities';
import type { ProjectService, RevisionWrite, Visibility } from '../domain/project-service';
import { isEngineNotFound, type EngineClient } from '../engine-client';
import { validateSubmission, type FormSchema } from '../forms/validate';
import { HttpError, notFound } from '../http/problem';
import type { TaskActor, TaskService, TaskView } from '../tasks/task-service';
import type { DataSource } from 'typeorm';
import { ProjectJoin } from './project-join';
import { LIFECYCLE_PROCESS_ID } from './project-start';

/** The user task of project-lifecycle that waits for the revised application. */
export const REVISE_ELEMENT = 'Task_ReviseApplication';

const NOW = { consistency: { waitUpToMs: 0 } } as const;

export interface RevisionDeps {
  dataSource: DataSource;
  projects: ProjectService;
  engine: EngineClient | null;
  tasks: TaskService | null;
  projectJoin: ProjectJoin | null;
}

export interface RevisionActor extends TaskActor {
  id: number;
}

/** What the department sent: the domain 附件1 (application screen) or the process form (tasklist). */
export type RevisionInput =
  | { kind: 'application'; form: ApplicationForm }
  | { kind: 'task'; taskKey: string; variables: Record<string, unknown> };

function engineDown(err: unknown): HttpError {
  const detail = err instanceof Error ? err.message : String(err);
  return new HttpError(503, '流程引擎暂不可用，申报表未重新提交，请稍后重试', {
    retryable: true,
    cause: detail.slice(0, 300),
  });
}

const num = (s: string) => Number(s);

/**
 * The process form's (`application-form`) variables of a domain 附件1 — what the department would
 * have typed into the tasklist form. The materials check reads these over the stored version.
 * The R6 documents are the project's attachments (not named here); `classifiedSystem` and the
 * seal date are not on the domain form and keep their process values.
 */
export function processVariablesOf(form: ApplicationForm, org: { name: string }): Record<string, unknown> {
  const fundSource =
    num(form.investment.fiscal) > 0 ? 'fiscal' : num(form.investment.selfRaised) > 0 ? 'self-raised' : 'transfer';
  const vars: Record<string, unknown> = {
    departmentName: org.name,
    projectName: form.projectName,
    summary: form.summary,
    constructionStart: form.constructionPeriod.start,
    constructionEnd: form.constructionPeriod.end,
    projectCategory: form.category,
    constructionType: form.kind,
    fundSource,
    listedInDepartmentBudget: form.departmentBudget,
    crossDepartment: form.participantOrgCodes.length > 0,
    urgentAdHoc: form.urgent,
    totalInvestment: num(totalInvestment(form)),
    fundFiscal: num(form.investment.fiscal),
    fundBankLoan: num(form.investment.loan),
    fundSelfRaised: num(form.investment.selfRaised),
    fundOther: num(form.investment.other),
    responsiblePerson: form.responsiblePerson,
    contactPerson: form.contactPerson,
    contactPhone: form.contactPhone,
    contactEmail: form.email,
    sharingAnalysisIncluded: form.sharingAnalysis.trim().length > 0,
    r24Compliance: [...form.r24Compliance],
    supervisorSealed: form.supervisorSealed,
  };
  if (form.serialNo) vars.serialNo = form.serialNo;
  if (form.remarks) vars.remarks = form.remarks;
  if (form.supervisorOpinion) vars.supervisorOpinion = form.supervisorOpinion;
  if (form.securityStatement) vars.productSecurityStatement = form.securityStatement;
  return vars;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v : undefined);
/** A process form amount (number) as the domain's money string; the same amount keeps its previous spelling. */
const money = (v: unknown, previous: string): string =>
  typeof v === 'number' ? (v === Number(previous) ? previous : String(v)) : (str(v) ?? previous);

/**
 * The domain 附件1 of a completed process form: the form's fields over the previous version; what
 * the process form does not ask (plan year, key project, participants, the R9 analysis text, R14
 * "buys products") stays as it was. Validated afterwards by the domain schema.
 */
export function domainFormOf(values: Record<string, unknown>, previous: ApplicationForm): Record<string, unknown> {
  const bool = (v: unknown, fallback: boolean) => (typeof v === 'boolean' ? v : fallback);
  return {
    ...previous,
    serialNo: str(values.serialNo) ?? previous.serialNo,
    projectName: str(values.projectName) ?? previous.projectName,
    category: str(values.projectCategory) ?? previous.category,
    kind: str(values.constructionType) ?? previous.kind,
    summary: str(values.summary) ?? previous.summary,
    constructionPeriod: {
      start: str(values.constructionStart) ?? previous.constructionPeriod.start,
      end: str(values.constructionEnd) ?? previous.constructionPeriod.end,
    },
    investment: {
      fiscal: money(values.fundFiscal, previous.investment.fiscal),
      loan: money(values.fundBankLoan, previous.investment.loan),
      selfRaised: money(values.fundSelfRaised, previous.investment.selfRaised),
      other: money(values.fundOther, previous.investment.other),
    },
    responsiblePerson: str(values.responsiblePerson) ?? previous.responsiblePerson,
    contactPerson: str(values.contactPerson) ?? previous.contactPerson,
    contactPhone: str(values.contactPhone) ?? previous.contactPhone,
    email: str(values.contactEmail) ?? previous.email,
    remarks: str(values.remarks) ?? previous.remarks,
    supervisorOpinion: str(values.supervisorOpinion) ?? previous.supervisorOpinion,
    supervisorSealed: bool(values.supervisorSealed, previous.supervisorSealed),
    departmentBudget: bool(values.listedInDepartmentBudget, previous.departmentBudget),
    urgent: bool(values.urgentAdHoc, previous.urgent),
    securityStatement: str(values.productSecurityStatement) ?? previous.securityStatement,
    r24Compliance: Array.isArray(values.r24Compliance) ? values.r24Compliance : previous.r24Compliance,
  };
}

/** The open `Task_ReviseApplication` of an instance, or null; 503 when the engine cannot say. */
async function openRevisionTask(engine: EngineClient, processInstanceKey: string): Promise<string | null> {
  try {
    const page = (await engine.searchUserTasks(
      {
        filter: { processInstanceKey, elementId: REVISE_ELEMENT, state: 'CREATED' },
        page: { limit: 1 },
      } as never,
      NOW,
    )) as unknown as { items: { userTaskKey: unknown }[] };
    return page.items[0] ? String(page.items[0].userTaskKey) : null;
  } catch (err) {
    throw engineDown(err);
  }
}

/** The engine's state of a task after a failed completion: CREATED, COMPLETED, … or UNKNOWN. */
async function taskState(engine: EngineClient, key: string): Promise<string> {
  try {
    const raw = (await engine.getUserTask({ userTaskKey: key } as never, NOW)) as { state?: unknown };
    return String(raw.state ?? 'UNKNOWN');
  } catch (err) {
    return isEngineNotFound(err) ? 'NOT_FOUND' : 'UNKNOWN';
  }
}

/**
 * Resubmits a returned application (see the module comment). Scope: the route has checked the
 * caller's department against the project; the task's candidate group (the lead department)
 * decides who may revise: a participant department gets 403.
 */
export async function reviseApplication(
  deps: RevisionDeps,
  actor: RevisionActor,
  projectId: number,
  input: RevisionInput,
) {
  const project = await deps.projects.get(projectId);
  // a draft (no process yet) is edited as before
  if (!project.processInstanceKey && input.kind === 'application')
    return deps.projects.resubmit(projectId, actor.id, input.form);
  if (!deps.engine || !deps.tasks || !project.processInstanceKey)
    throw new HttpError(503, '流程引擎未连接，请稍后再试', { retryable: true });
  const { engine, tasks } = deps;
  const key = await openRevisionTask(engine, project.processInstanceKey);
  if (!key || (input.kind === 'task' && input.taskKey !== key)) {
    throw new HttpError(409, `项目未处于“退回修改”（当前阶段：${STAGE_NAMES[project.stage]}），申报表不能重新提交`, {
      stage: project.stage,
    });
  }
  let task: TaskView;
  try {
    task = await tasks.get(actor, key);
  } catch (err) {
    if (err instanceof HttpError && err.status === 404)
      throw new HttpError(403, '只有建设单位（牵头单位）可以修改并重新提交申报表');
    throw err;
  }
  if (task.assignee && task.assignee !== actor.username)
    throw new HttpError(409, `退回修改任务已由 ${task.assignee} 认领，请由其办理或先退回认领`);

  // the submission, validated before anything is written
  let form: ApplicationForm;
  let variables: Record<string, unknown>;
  if (input.kind === 'application') {
    form = applicationFormSchema.parse(input.form);
    const org = await deps.dataSource.getRepository(OrganisationEntity).findOneByOrFail({ id: project.orgId });
    variables = processVariablesOf(form, org);
  } else {
    const schema: FormSchema | null = await tasks.form(actor, key);
    if (!schema) throw new HttpError(409, '退回修改任务没有申报表表单');
    const checked = validateSubmission(schema, input.variables, await tasks.variables(actor, key));
    if (!checked.ok)
      throw new HttpError(400, checked.errors.map((e) => e.message).join('；'), { errors: checked.errors });
    variables = checked.values;
    const previous = await deps.projects.application(projectId, project.currentVersion);
    const parsed = applicationFormSchema.safeParse(domainFormOf(variables, previous.form));
    if (!parsed.success) {
      throw new HttpError(400, `申报表（附件1）不符合要求：${parsed.error.issues.map((i) => i.message).join('；')}`, {
        issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    }
    form = parsed.data;
  }

  if (!task.assignee) {
    try {
      await tasks.claim(actor, key);
    } catch (err) {
      if (err instanceof HttpError) throw err;
      throw engineDown(err);
    }
  }
  const written = await deps.projects.resubmit(projectId, actor.id, form, { taskKey: key });
  const revision = written.revision as RevisionWrite;
  try {
    // the domain form was validated by its schema; the tasklist's submission by the task's form (again)
    if (input.kind === 'application')
      await tasks.complete(actor, key, variables, { validatedBy: 'applicationFormSchema' });
    else await tasks.complete(actor, key, input.variables);
  } catch (err) {
    const state = await taskState(engine, key);
    if (state !== 'COMPLETED') {
      await deps.projects.undoRevision(projectId, revision, state === 'UNKNOWN');
      const status = (err as { status?: number }).status;
      if (state === 'UNKNOWN') throw engineDown(err);
      if (state !== 'CREATED' || (!(err instanceof HttpError) && (status === 404 || status === 409)))
        throw new HttpError(409, '退回修改任务已不在办理中，申报表未重新提交', { stage: project.stage });
      if (err instanceof HttpError) throw err;
      throw engineDown(err);
    }
  }
  return { project: await deps.projects.view(projectId), version: written.version, changes: written.changes };
}

/**
 * The tasklist's completion of a task: `Task_ReviseApplication` of project-lifecycle is the
 * revision above (returns true); any other task is not handled here (false).
 */
export async function completeRevisionTask(
  deps: RevisionDeps,
  actor: RevisionActor,
  visibility: Visibility,
  key: string,
  variables: Record<string, unknown>,
): Promise<boolean> {
  if (!deps.tasks || !deps.projectJoin) return false;
  const task = await deps.tasks.get(actor, key);
  if (task.elementId !== REVISE_ELEMENT || task.processDefinitionId !== LIFECYCLE_PROCESS_ID) return false;
  const ref = (await deps.projectJoin.byInstances([task.processInstanceKey])).get(task.processInstanceKey);
  if (!ref || !ProjectJoin.visible(ref, visibility)) throw notFound('任务不存在');
  await reviseApplication(deps, actor, ref.id, { kind: 'task', taskKey: key, variables });
  return true;
}
