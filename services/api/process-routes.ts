/**
 * The process side of /api: definitions, deployment, the live view, a project's path, the
 * tasklist (join of the engine's user tasks with our projects), 退回, comments, 催办, incidents and
 * the mail outbox. Every engine call goes through the SDK (services/processes, services/tasks);
 * the department scope is applied on the joined project: a department never sees another
 * department's task, token or path (404, as for projects).
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '../auth/auth-service';
import type { Visibility } from '../domain/project-service';
import type { EngineClient } from '../engine-client';
import type { FormSchema } from '../forms/validate';
import { HttpError, notFound } from '../http/problem';
import { enqueueUrge, listOutbox } from '../notify';
import { mailDomain } from '../notify/outbox';
import { uniqueRecipients, type Recipient } from '../notify/recipients';
import { SqlRecipientDirectory } from '../notify/sql-directory';
import type { ProcessService, TimelineEntry } from '../processes/process-service';
import { ProjectJoin, type ProjectRef } from '../processes/project-join';
import { startProjectProcess } from '../processes/project-start';
import { completeRevisionTask } from '../processes/application-revision';
import { returnRules, returnValue, type ReturnRule } from '../processes/return-rules';
import { giveBack, type TaskService, type TaskView } from '../tasks/task-service';
import * as ps from './process-schemas';
import type { ApiServices } from './services';
import { route, type Access, type AnyRoute } from './types';

// ------------------------------------------------------------------ who

const PROJECT_READERS: Access = {
  roles: ['staff', 'manager', 'process-owner', 'admin', 'auditor'],
  orgTypes: ['department', 'bureau'],
};
/** the modeler and the live view: managers, process owners, admins; the audit bureau reads */
const PROCESS_VIEWERS: Access = {
  roles: ['manager', 'process-owner', 'admin', 'auditor'],
  orgTypes: ['department', 'bureau'],
};
const PROCESS_OWNER: Access = { roles: ['process-owner'], orgTypes: ['bureau'] };
/** everyone with a tasklist (the list itself is filtered by candidate group) */
const TASK_READERS: Access = { roles: ['staff', 'manager', 'expert', 'process-owner', 'admin', 'auditor'] };
const TASK_WORKERS: Access = { roles: ['staff', 'manager', 'expert'] };
/** claim and complete: also the audit bureau's auditors, for their R28 audit task only (TaskService) */
const TASK_WORKERS_AND_AUDITORS: Access = { roles: ['staff', 'manager', 'expert', 'auditor'], auditorTaskWork: true };
/** 催办: managers and admins of a bureau */
const BUREAU_MANAGERS: Access = { roles: ['manager', 'admin'], orgTypes: ['bureau'] };
const ADMIN: Access = { roles: ['admin'], orgTypes: ['bureau'] };

// ------------------------------------------------------------------ helpers

interface Engine {
  engine: EngineClient;
  tasks: TaskService;
  processes: ProcessService;
  join: ProjectJoin;
}

function engineOf(services: ApiServices): Engine {
  if (!services.engine || !services.tasks || !services.processes || !services.projectJoin) {
    throw new HttpError(503, '流程引擎未连接，请稍后再试');
  }
  return { engine: services.engine, tasks: services.tasks, processes: services.processes, join: services.projectJoin };
}

const ruleCache = new WeakMap<EngineClient, Map<string, Promise<Map<string, ReturnRule>>>>();

/** Return rules of a deployed definition (immutable per key, so cached). */
function rulesOf(e: Engine, processDefinitionKey: string): Promise<Map<string, ReturnRule>> {
  let perEngine = ruleCache.get(e.engine);
  if (!perEngine) ruleCache.set(e.engine, (perEngine = new Map()));
  let rules = perEngine.get(processDefinitionKey);
  if (!rules) {
    rules = e.processes
      .xml(processDefinitionKey)
      .then(returnRules)
      .catch((err: unknown) => {
        perEngine.delete(processDefinitionKey);
        throw err;
      });
    perEngine.set(processDefinitionKey, rules);
  }
  return rules;
}

export interface TaskProject {
  id: number;
  code: string;
  name: string;
  orgCode: string;
  orgName: string;
  stage: string;
  stageName: string;
}

export type ApiTask = TaskView & { project: TaskProject | null; canReturn: boolean };

function projectOf(ref: ProjectRef | undefined): TaskProject | null {
  if (!ref) return null;
  const { id, code, name, orgCode, orgName, stage, stageName } = ref;
  return { id, code, name, orgCode, orgName, stage, stageName };
}

async function enrich(e: Engine, tasks: TaskView[], visibility: Visibility, username?: string): Promise<ApiTask[]> {
  const refs = await e.join.byInstances(tasks.map((t) => t.processInstanceKey));
  const out: ApiTask[] = [];
  for (const t of tasks) {
    const ref = refs.get(t.processInstanceKey);
    // tasks without a project (e.g. the annual plan) are bureau work; a department sees only its own;
    // a task the process assigned to the caller by name (R7: an expert's scoring) is always theirs
    const assigned = username !== undefined && t.assignee === username;
    if (!visibility.all && ref && !assigned && !ProjectJoin.visible(ref, visibility)) continue;
    let canReturn = false;
    if (t.processDefinitionKey) {
      canReturn = (await rulesOf(e, t.processDefinitionKey).catch(() => new Map())).has(t.elementId);
    }
    out.push({ ...t, project: projectOf(ref), canReturn });
  }
  return out;
}

/** One task the caller may see, with its project; 404 otherwise. */
async function visibleTask(e: Engine, principal: Principal, visibility: Visibility, key: string): Promise<ApiTask> {
  const t = await e.tasks.get(principal, ps.engineKey.parse(key));
  const [v] = await enrich(e, [t], visibility, principal.username);
  if (!v) throw notFound('任务不存在');
  return v;
}

interface CommentRow {
  id: number | string;
  project_id: number | string | null;
  process_instance_key: string;
  user_task_key: string;
  element_id: string;
  kind: string;
  author_username: string;
  author_name: string;
  text: string;
  created_at: string;
}

function commentView(r: CommentRow) {
  return { id: Number(r.id), author: r.author_name, at: r.created_at, text: r.text, kind: r.kind };
}

async function addComment(
  services: ApiServices,
  task: ApiTask,
  principal: Principal,
  kind: 'comment' | 'return' | 'transfer' | 'decision',
  text: string,
) {
  const at = services.now().toISOString();
  await services.dataSource.query(
    'INSERT INTO task_comment (project_id, process_instance_key, user_task_key, element_id, kind, author_username, author_name, text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [
      task.project?.id ?? null,
      task.processInstanceKey,
      task.key,
      task.elementId,
      kind,
      principal.username,
      principal.displayName,
      text,
      at,
    ],
  );
  const rows = (await services.dataSource.query(
    'SELECT * FROM task_comment WHERE user_task_key = ? AND author_username = ? ORDER BY id DESC LIMIT 1',
    [task.key, principal.username],
  )) as CommentRow[];
  return commentView(rows[0]!);
}

/**
 * The tasklist's completion (tasks.complete): the task as the caller may see it, completed with
 * the form's variables (TaskService.complete: candidate groups, claim, form validation, audit) and
 * the decision on the project's timeline. The API's decision routes complete their process task
 * through it too (request-decisions.ts), so both paths are one.
 */
export async function completeTaskAs(
  services: ApiServices,
  principal: Principal,
  visibility: Visibility,
  key: string,
  variables: Record<string, unknown>,
): Promise<ApiTask> {
  const e = engineOf(services);
  const t = await visibleTask(e, principal, visibility, key);
  await e.tasks.complete(principal, t.key, variables);
  const rule = t.processDefinitionKey ? (await rulesOf(e, t.processDefinitionKey)).get(t.elementId) : undefined;
  const decision = decisionOf(variables, rule);
  if (decision) await addComment(services, t, principal, 'decision', decision);
  return t;
}

/** A decision the form set, for the timeline: the gateway variable or the usual decision fields. */
function decisionOf(variables: Record<string, unknown>, rule: ReturnRule | undefined): string | null {
  const keys = [rule?.field, 'decision', ...Object.keys(variables).filter((k) => /(Decision|Result)$/.test(k))];
  for (const k of keys) if (k && typeof variables[k] === 'string') return variables[k];
  return null;
}

function optionsOf(schema: FormSchema | null, field: string): string[] {
  const found: string[] = [];
  const walk = (components: unknown) => {
    if (!Array.isArray(components)) return;
    for (const c of components as { key?: string; values?: { value: unknown }[]; components?: unknown }[]) {
      if (c.key === field && Array.isArray(c.values)) found.push(...c.values.map((v) => String(v.value)));
      walk(c.components);
    }
  };
  walk((schema as { components?: unknown } | null)?.components);
  return found;
}

function fieldKeys(schema: FormSchema | null): string[] {
  const keys: string[] = [];
  const walk = (components: unknown) => {
    if (!Array.isArray(components)) return;
    for (const c of components as { key?: string; components?: unknown }[]) {
      if (c.key) keys.push(c.key);
      walk(c.components);
    }
  };
  walk((schema as { components?: unknown } | null)?.components);
  return keys;
}

const REASON_FIELDS = ['reason', 'returnReason', 'opinion', 'comment', 'remarks'];

/**
 * projects.submit: the domain's checks (R2.2, R6, R8.2), then the project's `project-lifecycle`
 * instance (issue 4). A project submitted while the engine was unreachable has no instance yet:
 * submitting it again starts it (and only then; an instance is never started twice).
 */
export async function submitAndStart(services: ApiServices, projectId: number) {
  const project = await services.projects.get(projectId);
  let result;
  if (project.stage === 'submitted' && !project.processInstanceKey && services.engine) {
    result = { project: await services.projects.view(projectId), applicability: null };
  } else {
    result = await services.projects.submit(projectId);
  }
  if (!services.engine) return result;
  try {
    const { processInstanceKey } = await startProjectProcess(services.dataSource, services.engine, projectId);
    return { ...result, project: { ...result.project, processInstanceKey } };
  } catch (err) {
    throw new HttpError(503, `申报已提交，但流程启动失败，请稍后再次提交：${(err as Error).message}`);
  }
}

// ------------------------------------------------------------------ what

export const processRoutes: AnyRoute[] = [
  // ---- definitions, modeler, live view
  route({
    id: 'processes.definitions',
    method: 'get',
    path: '/process-definitions',
    summary: '流程定义及其版本',
    tag: 'processes',
    access: PROCESS_VIEWERS,
    scope: 'bureau-wide',
    handler: async ({ services }) => engineOf(services).processes.listDefinitions(),
  }),
  route({
    id: 'processes.xml',
    method: 'get',
    path: '/process-definitions/:key/xml',
    summary: '流程定义的 BPMN XML（流程图本身不涉密：办理任务的人员在表单旁看到项目所处位置）',
    tag: 'processes',
    access: TASK_READERS,
    scope: 'bureau-wide',
    produces: 'application/xml',
    handler: async ({ params, services, res }) => {
      const xml = await engineOf(services).processes.xml(ps.engineKey.parse(params.key));
      res.status(200).type('application/xml').send(xml);
      return undefined;
    },
  }),
  route({
    id: 'processes.deploy',
    method: 'post',
    path: '/deployments',
    summary: '部署新版本（Camunda 8.8 规则校验不通过则拒绝，返回 problems）',
    tag: 'processes',
    access: PROCESS_OWNER,
    scope: 'bureau-wide',
    body: ps.deployBody,
    successStatus: 201,
    handler: async ({ principal, body, services }) =>
      engineOf(services).processes.deploy(principal.username, body.resources),
  }),
  route({
    id: 'processes.statistics',
    method: 'get',
    path: '/process-definitions/:key/statistics',
    summary: '各元素的在办数量、事件数与停留时长（实时视图，每 2 秒轮询）',
    tag: 'processes',
    access: PROCESS_VIEWERS,
    scope: 'bureau-wide',
    handler: async ({ params, services }) => engineOf(services).processes.statistics(ps.engineKey.parse(params.key)),
  }),
  route({
    id: 'processes.projectsAt',
    method: 'get',
    path: '/process-definitions/:key/elements/:elementId/projects',
    summary: '停留在某元素的项目（按可见范围过滤；容器列出其中的项目及所在最内层环节）',
    tag: 'processes',
    access: PROCESS_VIEWERS,
    scope: 'own-department',
    handler: async ({ params, visibility, services }) => {
      const e = engineOf(services);
      const at = await e.processes.projectsAt(
        ps.engineKey.parse(params.key),
        ps.elementIdParam.parse(params.elementId),
      );
      const refs = await e.join.byInstances(at.map((a) => a.processInstanceKey));
      const visible = visibility.all
        ? at
        : at.filter((a) => ProjectJoin.visible(refs.get(a.processInstanceKey), visibility));
      // the next statutory date of each project (R22.2 final acceptance, R23 self-evaluation) and
      // whether one of them has passed
      const deadlines = new Map<number, { nextDeadline: string | null; overdue: boolean }>();
      for (const a of visible) {
        if (!a.project || deadlines.has(a.project.id)) continue;
        const st = await services.lifecycle.statutoryStatus(a.project.id);
        const dates = [st.finalAcceptanceDue, st.selfEvaluationDue].filter((d): d is string => d !== null).sort();
        deadlines.set(a.project.id, {
          nextDeadline: dates[0] ?? null,
          overdue: st.finalAcceptanceOverdue || st.selfEvaluationOverdue,
        });
      }
      return visible.map((a) =>
        a.project
          ? {
              ...a,
              project: { ...a.project, ...(deadlines.get(a.project.id) ?? { nextDeadline: null, overdue: false }) },
            }
          : a,
      );
    },
  }),

  // ---- a project's position and path
  route({
    id: 'projects.path',
    method: 'get',
    path: '/projects/:id/path',
    summary: '项目流程实例的当前位置、已走路径与时间线（谁、何时、决定、意见）',
    tag: 'projects',
    access: PROJECT_READERS,
    scope: 'own-department',
    resource: 'project',
    handler: async ({ resource, services }) => {
      const project = await services.projects.get(resource!.id);
      if (!project.processInstanceKey) throw notFound('项目尚未启动流程');
      const e = engineOf(services);
      const path = await e.processes.instancePath(project.processInstanceKey);
      const tasks = (await e.engine.searchUserTasks(
        { filter: { processInstanceKey: project.processInstanceKey }, page: { limit: 1000 } } as never,
        { consistency: { waitUpToMs: 0 } },
      )) as unknown as { items: { userTaskKey: string; elementInstanceKey: string; assignee?: string }[] };
      const byElementInstance = new Map(tasks.items.map((t) => [String(t.elementInstanceKey), t]));
      const comments = (await services.dataSource.query('SELECT * FROM task_comment WHERE project_id = ? ORDER BY id', [
        project.id,
      ])) as CommentRow[];
      const users = new Map((await services.identity.listUsers()).map((u) => [u.username, u.displayName]));
      const timeline: (TimelineEntry & { actor: string | null; decision: string | null; comment: string | null })[] =
        path.timeline.map((entry) => {
          const task = byElementInstance.get(entry.elementInstanceKey);
          if (!task) return { ...entry, actor: null, decision: null, comment: null };
          const mine = comments.filter((c) => c.user_task_key === String(task.userTaskKey));
          const last = (kinds: string[]) => [...mine].reverse().find((c) => kinds.includes(c.kind))?.text ?? null;
          const done = entry.state === 'COMPLETED';
          return {
            ...entry,
            actor: done && task.assignee ? (users.get(task.assignee) ?? task.assignee) : null,
            decision: last(['decision']) ?? (mine.some((c) => c.kind === 'return') ? 'return' : null),
            comment: last(['return', 'comment']),
          };
        });
      return { ...path, timeline };
    },
  }),
  route({
    id: 'projects.urge',
    method: 'post',
    path: '/projects/:id/urge',
    summary: '催办：邮件提醒当前办理人（候选组成员，无待办时为建设单位联系人）',
    tag: 'projects',
    access: BUREAU_MANAGERS,
    scope: 'bureau-wide',
    resource: 'project',
    body: ps.urgeBody,
    handler: async ({ resource, principal, body, services }) => {
      const project = await services.projects.view(resource!.id);
      const directory = new SqlRecipientDirectory(services.dataSource);
      let matter = `${project.stageName}阶段`;
      let dueDate: string | null = null;
      const recipients: Recipient[] = [];
      const e = services.engine ? engineOf(services) : null;
      if (e && project.processInstanceKey) {
        // the open user tasks of the project's instance and of the instances it called
        const open = (await e.engine.searchUserTasks({ filter: { state: 'CREATED' }, page: { limit: 1000 } } as never, {
          consistency: { waitUpToMs: 0 },
        })) as unknown as {
          items: {
            processInstanceKey: string;
            name?: string;
            elementId: string;
            candidateGroups?: string[];
            assignee?: string;
            dueDate?: string;
          }[];
        };
        const refs = await e.join.byInstances(open.items.map((t) => String(t.processInstanceKey)));
        const mine = open.items.filter((t) => refs.get(String(t.processInstanceKey))?.id === project.id);
        if (mine.length) {
          matter = mine.map((t) => t.name ?? t.elementId).join('、');
          dueDate = mine.map((t) => t.dueDate?.slice(0, 10)).find(Boolean) ?? null;
        }
        for (const t of mine) {
          if (t.assignee) recipients.push(...(await directory.users([t.assignee])));
          else for (const g of t.candidateGroups ?? []) recipients.push(...(await directory.candidateGroup(g)));
        }
      }
      if (recipients.length === 0) recipients.push(...(await directory.departmentContacts(project.orgCode)));
      const sent = await services.dataSource.transaction((m) =>
        enqueueUrge(
          m,
          {
            urgeId: randomUUID(),
            projectId: String(project.id),
            projectName: project.name,
            matter,
            managerName: principal.displayName,
            message: body.message ?? null,
            dueDate,
            recipients: uniqueRecipients(recipients),
          },
          {
            baseUrl: services.config.PUBLIC_BASE_URL,
            mailDomain: mailDomain(services.config.MAIL_FROM),
            now: services.now(),
          },
        ),
      );
      return { sent };
    },
  }),

  // ---- tasklist
  route({
    id: 'tasks.list',
    method: 'get',
    path: '/tasks',
    summary: '我的任务与我所在组的任务（筛选、排序、分页）',
    tag: 'tasks',
    access: TASK_READERS,
    scope: 'own-department',
    query: ps.taskListQuery,
    handler: async ({ query, principal, visibility, services }) => {
      const e = engineOf(services);
      const raw = await e.tasks.list(principal, {
        scope: query.scope,
        overdue: query.overdue,
        dueBefore: query.dueBefore,
        sort: query.sort,
        order: query.order,
        limit: 1000,
      });
      let items = await enrich(e, raw, visibility, principal.username);
      if (query.stage) items = items.filter((t) => t.project?.stage === query.stage);
      if (query.orgCode) items = items.filter((t) => t.project?.orgCode === query.orgCode);
      if (query.q) {
        const q = query.q.toLowerCase();
        items = items.filter((t) =>
          [t.name, t.project?.name, t.project?.code].some((s) => s?.toLowerCase().includes(q)),
        );
      }
      const from = (query.page - 1) * query.pageSize;
      return {
        items: items.slice(from, from + query.pageSize),
        total: items.length,
        page: query.page,
        pageSize: query.pageSize,
      };
    },
  }),
  route({
    id: 'tasks.get',
    method: 'get',
    path: '/tasks/:key',
    summary: '任务详情',
    tag: 'tasks',
    access: TASK_READERS,
    scope: 'own-department',
    handler: async ({ params, principal, visibility, services }) =>
      visibleTask(engineOf(services), principal, visibility, params.key!),
  }),
  route({
    id: 'tasks.form',
    method: 'get',
    path: '/tasks/:key/form',
    summary: '任务表单（form-js）与预填数据',
    tag: 'tasks',
    access: TASK_READERS,
    scope: 'own-department',
    handler: async ({ params, principal, visibility, services }) => {
      const e = engineOf(services);
      const t = await visibleTask(e, principal, visibility, params.key!);
      const [schema, data] = await Promise.all([e.tasks.form(principal, t.key), e.tasks.variables(principal, t.key)]);
      return { schema, data };
    },
  }),
  route({
    id: 'tasks.claim',
    method: 'post',
    path: '/tasks/:key/claim',
    summary: '认领任务',
    tag: 'tasks',
    access: TASK_WORKERS_AND_AUDITORS,
    scope: 'own-department',
    body: ps.emptyOrNothing,
    handler: async ({ params, principal, visibility, services }) => {
      const e = engineOf(services);
      const t = await visibleTask(e, principal, visibility, params.key!);
      return { ...t, ...(await e.tasks.claim(principal, t.key)) };
    },
  }),
  route({
    id: 'tasks.unclaim',
    method: 'post',
    path: '/tasks/:key/unclaim',
    summary: '取消认领',
    tag: 'tasks',
    access: TASK_WORKERS,
    scope: 'own-department',
    body: ps.emptyOrNothing,
    handler: async ({ params, principal, visibility, services }) => {
      const e = engineOf(services);
      const t = await visibleTask(e, principal, visibility, params.key!);
      return { ...t, ...(await e.tasks.unclaim(principal, t.key)) };
    },
  }),
  route({
    id: 'tasks.candidates',
    method: 'get',
    path: '/tasks/:key/candidates',
    summary: '可转办的人员（任务候选组内的在用账号）',
    tag: 'tasks',
    access: TASK_READERS,
    scope: 'own-department',
    handler: async ({ params, principal, visibility, services }) => {
      const t = await visibleTask(engineOf(services), principal, visibility, params.key!);
      return (await services.identity.listUsers())
        .filter((u) => !u.disabled && u.groups.some((g) => t.candidateGroups.includes(g)))
        .map((u) => ({ username: u.username, displayName: u.displayName, orgName: u.orgName }));
    },
  }),
  route({
    id: 'tasks.transfer',
    method: 'post',
    path: '/tasks/:key/transfer',
    summary: '转办给候选组内的同事',
    tag: 'tasks',
    access: TASK_WORKERS,
    scope: 'own-department',
    body: ps.transferBody,
    handler: async ({ params, principal, visibility, body, services }) => {
      const e = engineOf(services);
      const t = await visibleTask(e, principal, visibility, params.key!);
      const target = (await services.identity.listUsers()).find((u) => u.username === body.username && !u.disabled);
      if (!target) throw new HttpError(422, `用户 ${body.username} 不存在或已停用`);
      const moved = await e.tasks.transfer(principal, t.key, { username: target.username, groups: target.groups });
      if (body.comment) await addComment(services, t, principal, 'transfer', body.comment);
      return { ...t, ...moved };
    },
  }),
  route({
    id: 'tasks.complete',
    method: 'post',
    path: '/tasks/:key/complete',
    summary: '办理完成（按任务表单在服务端校验，错误见 errors）',
    tag: 'tasks',
    access: TASK_WORKERS_AND_AUDITORS,
    scope: 'own-department',
    body: ps.completeBody,
    successStatus: 204,
    handler: async ({ params, principal, visibility, body, services }) => {
      // 退回修改 writes the new 附件1 version as the application screen's resubmission does
      if (await completeRevisionTask(services, principal, visibility, ps.engineKey.parse(params.key), body.variables))
        return null;
      await completeTaskAs(services, principal, visibility, params.key!, body.variables);
      return null;
    },
  }),
  route({
    id: 'tasks.return',
    method: 'post',
    path: '/tasks/:key/return',
    summary: '退回（按模型的退回分支办结任务，并记录理由）',
    tag: 'tasks',
    access: TASK_WORKERS,
    scope: 'own-department',
    body: ps.returnBody,
    successStatus: 204,
    handler: async ({ params, principal, visibility, body, services }) => {
      const e = engineOf(services);
      const t = await visibleTask(e, principal, visibility, params.key!);
      const rule = t.processDefinitionKey ? (await rulesOf(e, t.processDefinitionKey)).get(t.elementId) : undefined;
      if (!rule) throw new HttpError(409, '此环节在流程模型中没有退回分支');
      const schema = await e.tasks.form(principal, t.key);
      const keys = fieldKeys(schema);
      await giveBack(e.tasks, e.engine, services.audit, principal, t.key, {
        field: rule.field,
        value: returnValue(rule, optionsOf(schema, rule.field)),
        reasonField: REASON_FIELDS.find((f) => keys.includes(f)) ?? null,
        comment: body.comment,
      });
      await addComment(services, t, principal, 'return', body.comment);
      return null;
    },
  }),
  route({
    id: 'tasks.comments',
    method: 'get',
    path: '/tasks/:key/comments',
    summary: '任务的办理意见',
    tag: 'tasks',
    access: TASK_READERS,
    scope: 'own-department',
    handler: async ({ params, principal, visibility, services }) => {
      const t = await visibleTask(engineOf(services), principal, visibility, params.key!);
      const rows = (await services.dataSource.query(
        "SELECT * FROM task_comment WHERE user_task_key = ? AND kind <> 'decision' ORDER BY id",
        [t.key],
      )) as CommentRow[];
      return rows.map(commentView);
    },
  }),
  route({
    id: 'tasks.addComment',
    method: 'post',
    path: '/tasks/:key/comments',
    summary: '添加办理意见（记入项目时间线）',
    tag: 'tasks',
    access: TASK_WORKERS,
    scope: 'own-department',
    body: ps.commentBody,
    successStatus: 201,
    handler: async ({ params, principal, visibility, body, services }) => {
      const t = await visibleTask(engineOf(services), principal, visibility, params.key!);
      return addComment(services, t, principal, 'comment', body.text);
    },
  }),

  // ---- operations
  route({
    id: 'incidents.list',
    method: 'get',
    path: '/incidents',
    summary: '未解决的流程事件（含所属项目）',
    tag: 'operations',
    access: ADMIN,
    scope: 'bureau-wide',
    handler: async ({ services }) => {
      const e = engineOf(services);
      const incidents = await e.processes.incidents();
      const refs = await e.join.byInstances(incidents.map((i) => i.processInstanceKey));
      return incidents.map((i) => {
        const ref = refs.get(i.processInstanceKey);
        return { ...i, project: ref ? { id: ref.id, name: ref.name } : null };
      });
    },
  }),
  route({
    id: 'incidents.retry',
    method: 'post',
    path: '/incidents/:key/retry',
    summary: '重试：恢复作业重试次数并解决事件',
    tag: 'operations',
    access: ADMIN,
    scope: 'bureau-wide',
    body: ps.retryBody,
    successStatus: 204,
    handler: async ({ params, principal, body, services }) => {
      await engineOf(services).processes.retryIncident(
        principal.username,
        ps.engineKey.parse(params.key),
        body.retries,
      );
      return null;
    },
  }),
  route({
    id: 'notifications.status',
    method: 'get',
    path: '/operations/notifications',
    summary: '通知服务状态：SMTP 是否配置、工作日历覆盖的年度、等待节假日文件的提醒',
    tag: 'operations',
    access: ADMIN,
    scope: 'bureau-wide',
    handler: async ({ services }) => {
      const n = services.notifications?.status();
      if (n) return { running: true, ...n };
      // the API runs without the runner (e.g. a replica that only serves requests): what it knows itself
      const cal = services.calendar;
      return {
        running: false,
        smtp: Boolean(services.config.SMTP_HOST),
        calendar: { coveredYears: cal.coveredYears(), sources: cal.sources() },
        reminders: null,
      };
    },
  }),
  route({
    id: 'notifications.run',
    method: 'post',
    path: '/operations/notifications/run',
    summary: '立即执行一轮到期提醒检查（例如添加节假日文件后），返回更新后的通知服务状态',
    tag: 'operations',
    access: ADMIN,
    scope: 'bureau-wide',
    body: ps.emptyOrNothing,
    handler: async ({ services }) => {
      const n = services.notifications;
      if (!n) throw new HttpError(409, '本进程未运行提醒服务（只处理请求的副本）：请在运行提醒服务的实例上执行');
      // a pass is idempotent (dedupe keys): one beside the hourly loop sends each mail once
      await n.reminders.runOnce();
      return { running: true, ...n.status() };
    },
  }),
  route({
    id: 'mail.outbox',
    method: 'get',
    path: '/mail/outbox',
    summary: '邮件发件箱（按状态、类型、收件人、主题、项目、创建时间筛选；排序；分页）',
    tag: 'operations',
    access: ADMIN,
    scope: 'bureau-wide',
    query: ps.outboxQuery,
    handler: async ({ query, services }) => {
      const sort = query.sort ?? { field: 'createdAt', dir: 'desc' };
      const { items, totalItems } = await listOutbox(
        services.dataSource.manager,
        {
          status: query.status,
          purpose: query.purpose,
          recipient: query.recipient,
          q: query.q,
          projectId: query.projectId === undefined ? undefined : String(query.projectId),
          createdFrom: query.createdFrom && ps.outboxFrom(query.createdFrom),
          createdTo: query.createdTo && ps.outboxTo(query.createdTo),
        },
        [{ field: sort.field, order: sort.dir }],
        { from: (query.page - 1) * query.pageSize, limit: query.pageSize },
      );
      return {
        items: items.map((r) => ({
          id: String(r.id),
          to: [r.recipientName ? `${r.recipientName} <${r.recipientAddress}>` : r.recipientAddress],
          subject: r.subject,
          status: r.status,
          attempts: r.attempts,
          createdAt: r.createdAt,
          sentAt: r.sentAt,
          lastError: r.lastError,
          purpose: r.purpose,
          projectId: r.projectId,
        })),
        total: totalItems,
        page: query.page,
        pageSize: query.pageSize,
      };
    },
  }),
];
