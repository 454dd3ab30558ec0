/**
 * The tasklist: staff see, claim and complete their user tasks through our API only. Every read
 * and write is authorised here against the caller's candidate groups (role + department): a task
 * of `dept:JYJ` is invisible to 区卫健委 staff, an expert sees only the expert group's tasks. The
 * engine is reached only through the SDK, so this works the same on the embedded runtime and on a
 * real Zeebe cluster.
 */
import type { DataSource } from 'typeorm';
import {
  forgetTaskCompletion,
  recordTaskCompletion,
  REQUEST_ID_VARIABLES,
  requestIdOf,
} from '../domain/task-completions';
import { isEngineNotFound as isNotFound, type EngineClient } from '../engine-client';
import { HttpError, forbidden, notFound } from '../http/problem';
import { validateSubmission, type FieldError, type FormSchema } from '../forms/validate';
import { elementErrors } from './element-checks';

/** The part of the authenticated caller the tasklist needs. */
export interface TaskActor {
  username: string;
  displayName: string;
  roles: readonly string[];
  groups: readonly string[];
}

export interface TaskView {
  key: string;
  name: string;
  elementId: string;
  processInstanceKey: string;
  processDefinitionId: string;
  processDefinitionKey: string;
  state: string;
  assignee: string | null;
  candidateGroups: string[];
  creationDate: string | null;
  dueDate: string | null;
  followUpDate: string | null;
  priority: number;
  overdue: boolean;
  formKey: string | null;
}

export interface TaskListQuery {
  /** mine = assigned to me; group = unassigned in my groups; all = both */
  scope?: 'mine' | 'group' | 'all';
  processDefinitionId?: string;
  elementId?: string;
  overdue?: boolean;
  dueBefore?: string;
  sort?: 'creationDate' | 'dueDate' | 'priority' | 'name';
  order?: 'asc' | 'desc';
  limit?: number;
}

export interface AuditSink {
  record(entry: {
    actor: string;
    action: string;
    target?: string;
    outcome?: 'success' | 'failure' | 'denied';
    detail?: unknown;
  }): Promise<void>;
}

type RawTask = Awaited<ReturnType<EngineClient['getUserTask']>>;

/** The audit bureau's candidate group (R28: `Task_Audit` — 专项审计, audit report). */
export const AUDIT_GROUP = 'audit';

/**
 * A read-only auditor: the `auditor` role without a working role. Auditors read everything and
 * change nothing (R25) — except their own work: R28's audit task, assigned to the audit group.
 */
export function isReadOnlyAuditor(actor: Pick<TaskActor, 'roles'>): boolean {
  return (
    actor.roles.includes('auditor') && !actor.roles.some((r) => r === 'staff' || r === 'manager' || r === 'expert')
  );
}

const consistency = { consistency: { waitUpToMs: 0 } };

export class TaskService {
  constructor(
    private readonly engine: EngineClient,
    private readonly audit: AuditSink,
    private readonly now: () => Date = () => new Date(),
    /**
     * where who completed which task is recorded (`task_completion`): the workers read the
     * deciding user of R5/R8.1 decisions from there. Without it nothing is recorded. It is also
     * the domain database of the checks forms cannot express (element-checks.ts), skipped without it.
     */
    private readonly completions: DataSource | null = null,
  ) {}

  /**
   * Runs `completion` (the engine call) with the completing user on record: the row is written
   * first, so the job the completion triggers finds it, and removed when the engine refused (the
   * task is still open). A failure after which the engine did complete the task keeps the row.
   * A task of a request's event sub-process (`REQUEST_ID_VARIABLES`) is recorded with the
   * request's id, read from the task's variables now, so the workers find the decider of their
   * own request (`taskDecider`), not of another order's task completed a moment later.
   */
  async recordedCompletion(
    t: Pick<TaskView, 'key' | 'elementId' | 'processInstanceKey' | 'processDefinitionId'>,
    actor: Pick<TaskActor, 'username'>,
    outcome: 'complete' | 'return',
    completion: () => Promise<unknown>,
  ): Promise<void> {
    const ds = this.completions;
    if (!ds) {
      await completion();
      return;
    }
    const task = {
      userTaskKey: t.key,
      elementId: t.elementId,
      processInstanceKey: t.processInstanceKey,
      processDefinitionId: t.processDefinitionId,
      requestId: REQUEST_ID_VARIABLES[t.elementId] ? requestIdOf(t.elementId, await this.scopeVariables(t.key)) : null,
    };
    await recordTaskCompletion(ds, task, actor.username, outcome, this.now());
    try {
      await completion();
    } catch (err) {
      const state = await this.engine
        .getUserTask({ userTaskKey: t.key } as never, consistency)
        .then((raw) => String(raw.state ?? ''))
        .catch(() => 'UNKNOWN');
      if (state !== 'COMPLETED') await forgetTaskCompletion(ds, t.key);
      throw err;
    }
  }

  private view(t: RawTask): TaskView {
    const due = t.dueDate ?? null;
    return {
      key: String(t.userTaskKey),
      name: String(t.name ?? t.elementId ?? ''),
      elementId: String(t.elementId ?? ''),
      processInstanceKey: String(t.processInstanceKey ?? ''),
      processDefinitionId: String(t.processDefinitionId ?? ''),
      processDefinitionKey: String(t.processDefinitionKey ?? ''),
      state: String(t.state ?? ''),
      assignee: t.assignee ?? null,
      candidateGroups: t.candidateGroups ?? [],
      creationDate: t.creationDate ?? null,
      dueDate: due,
      followUpDate: t.followUpDate ?? null,
      priority: t.priority ?? 50,
      overdue: due !== null && t.state === 'CREATED' && Date.parse(due) < this.now().getTime(),
      formKey: t.formKey ? String(t.formKey) : null,
    };
  }

  /** R28: a read-only auditor may act on the audit group's tasks only (403 elsewhere). */
  private assertMayAct(actor: TaskActor, t: Pick<TaskView, 'candidateGroups'>): void {
    if (isReadOnlyAuditor(actor) && !t.candidateGroups.includes(AUDIT_GROUP))
      throw forbidden('审计角色只能办理审计局的审计任务（R28），其他任务只读');
  }

  /** May the actor see this task at all? Assignee, or a member of one of its candidate groups. */
  canSee(actor: TaskActor, t: Pick<TaskView, 'assignee' | 'candidateGroups'>): boolean {
    return t.assignee === actor.username || t.candidateGroups.some((g) => actor.groups.includes(g));
  }

  async list(actor: TaskActor, q: TaskListQuery = {}): Promise<TaskView[]> {
    const scope = q.scope ?? 'all';
    const base: Record<string, unknown> = { state: 'CREATED' };
    if (q.processDefinitionId) base.processDefinitionId = q.processDefinitionId;
    if (q.elementId) base.elementId = q.elementId;
    if (q.dueBefore) base.dueDate = { $lt: q.dueBefore };
    const limit = Math.min(q.limit ?? 200, 1000);
    const searches: Promise<{ items: RawTask[] }>[] = [];
    if (scope !== 'group') {
      searches.push(
        this.engine.searchUserTasks(
          { filter: { ...base, assignee: actor.username }, page: { limit } } as never,
          consistency,
        ) as never,
      );
    }
    if (scope !== 'mine' && actor.groups.length > 0) {
      const filter = { ...base, candidateGroup: { $in: [...actor.groups] } };
      if (scope === 'group') Object.assign(filter, { assignee: { $exists: false } });
      searches.push(this.engine.searchUserTasks({ filter, page: { limit } } as never, consistency) as never);
    }
    const seen = new Map<string, TaskView>();
    for (const result of await Promise.all(searches)) {
      for (const raw of result.items) {
        const v = this.view(raw);
        if (this.canSee(actor, v)) seen.set(v.key, v);
      }
    }
    let tasks = [...seen.values()];
    if (q.overdue !== undefined) tasks = tasks.filter((t) => t.overdue === q.overdue);
    const field = q.sort ?? 'creationDate';
    const dir = q.order === 'desc' ? -1 : 1;
    tasks.sort((a, b) => {
      const x = a[field] ?? '';
      const y = b[field] ?? '';
      return (x < y ? -1 : x > y ? 1 : 0) * dir || a.key.localeCompare(b.key);
    });
    return tasks;
  }

  /** A task the actor may see; 404 for one they may not (its existence is not disclosed). */
  async get(actor: TaskActor, key: string): Promise<TaskView> {
    let raw: RawTask;
    try {
      raw = await this.engine.getUserTask({ userTaskKey: key } as never, consistency);
    } catch (err) {
      if (isNotFound(err)) throw notFound('任务不存在');
      throw err;
    }
    const v = this.view(raw);
    if (!this.canSee(actor, v)) throw notFound('任务不存在');
    return v;
  }

  async claim(actor: TaskActor, key: string): Promise<TaskView> {
    const t = await this.get(actor, key);
    this.assertMayAct(actor, t);
    if (!t.candidateGroups.some((g) => actor.groups.includes(g))) throw forbidden('只有候选组成员可以认领此任务');
    if (t.assignee && t.assignee !== actor.username) throw new HttpError(409, `任务已由 ${t.assignee} 认领`);
    await this.engine.assignUserTask({ userTaskKey: key, assignee: actor.username, allowOverride: false } as never);
    await this.audit.record({ actor: actor.username, action: 'task.claim', target: `user-task:${key}` });
    return { ...t, assignee: actor.username };
  }

  async unclaim(actor: TaskActor, key: string): Promise<TaskView> {
    const t = await this.get(actor, key);
    this.assertMayAct(actor, t);
    const manager = actor.roles.includes('manager');
    if (t.assignee !== actor.username && !manager) throw forbidden('只能退回自己认领的任务');
    await this.engine.unassignUserTask({ userTaskKey: key } as never);
    await this.audit.record({ actor: actor.username, action: 'task.unclaim', target: `user-task:${key}` });
    return { ...t, assignee: null };
  }

  /**
   * 转办: hand the task to a colleague who belongs to one of its candidate groups. The target's
   * groups come from our user records (`targetGroups`), never from the request.
   */
  async transfer(
    actor: TaskActor,
    key: string,
    target: { username: string; groups: readonly string[] },
  ): Promise<TaskView> {
    const t = await this.get(actor, key);
    this.assertMayAct(actor, t);
    if (t.assignee !== actor.username && !actor.roles.includes('manager')) throw forbidden('只能转办自己认领的任务');
    if (!t.candidateGroups.some((g) => target.groups.includes(g)))
      throw new HttpError(422, `${target.username} 不在此任务的候选组内`);
    await this.engine.assignUserTask({ userTaskKey: key, assignee: target.username, allowOverride: true } as never);
    await this.audit.record({
      actor: actor.username,
      action: 'task.transfer',
      target: `user-task:${key}`,
      detail: { to: target.username },
    });
    return { ...t, assignee: target.username };
  }

  async form(actor: TaskActor, key: string): Promise<FormSchema | null> {
    const t = await this.get(actor, key);
    if (!t.formKey) return null;
    try {
      const form = await this.engine.getUserTaskForm({ userTaskKey: key } as never, consistency);
      // the 8.8 API returns the form content as an object; older gateways sent a JSON string
      const schema = (form as unknown as { schema: unknown }).schema;
      return (typeof schema === 'string' ? JSON.parse(schema) : schema) as FormSchema;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async variables(actor: TaskActor, key: string): Promise<Record<string, unknown>> {
    await this.get(actor, key);
    return this.scopeVariables(key);
  }

  /** The variables the task sees (its scopes', innermost first), without an access check. */
  private async scopeVariables(key: string): Promise<Record<string, unknown>> {
    const result = (await this.engine.searchUserTaskVariables(
      { userTaskKey: key, page: { limit: 1000 } } as never,
      consistency,
    )) as {
      items: { name: string; value: string }[];
    };
    const vars: Record<string, unknown> = {};
    for (const v of result.items) {
      try {
        vars[v.name] = JSON.parse(v.value);
      } catch {
        vars[v.name] = v.value;
      }
    }
    return vars;
  }

  /**
   * Completes a claimed task with the form's variables, validated here against the task's form
   * (the browser's validation is a convenience, not a control). `validatedBy`: a domain service
   * completes the task with variables it validated against its own schema (the 附件1 resubmission,
   * services/processes/application-revision.ts); the form's check is then not applied, everything
   * else (candidate groups, claim, audit) is.
   */
  async complete(
    actor: TaskActor,
    key: string,
    submitted: unknown,
    opts: { validatedBy?: string } = {},
  ): Promise<void> {
    const t = await this.get(actor, key);
    this.assertMayAct(actor, t);
    if (t.assignee !== actor.username) throw new HttpError(409, '请先认领任务再办理');
    const form = opts.validatedBy ? null : await this.form(actor, key);
    let variables: Record<string, unknown> = {};
    if (opts.validatedBy) {
      variables = { ...(submitted as Record<string, unknown>) };
    } else if (form) {
      const context = await this.variables(actor, key);
      const result = validateSubmission(form, submitted, context);
      if (!result.ok) {
        await this.audit.record({
          actor: actor.username,
          action: 'task.complete',
          target: `user-task:${key}`,
          outcome: 'failure',
          detail: { errors: result.errors },
        });
        throw new HttpError(400, describe(result.errors), { errors: result.errors });
      }
      variables = result.values;
      // what the form cannot check: names of users (element-checks.ts), from the domain database
      const errors = this.completions ? await elementErrors(this.completions, t.elementId, variables) : [];
      if (errors.length) {
        await this.audit.record({
          actor: actor.username,
          action: 'task.complete',
          target: `user-task:${key}`,
          outcome: 'failure',
          detail: { errors },
        });
        throw new HttpError(400, describe(errors), { errors });
      }
    } else if (submitted && typeof submitted === 'object' && Object.keys(submitted).length > 0) {
      throw new HttpError(400, '此任务没有表单，不接受提交变量');
    }
    await this.recordedCompletion(t, actor, 'complete', () =>
      this.engine.completeUserTask({ userTaskKey: key, variables } as never),
    );
    await this.audit.record({
      actor: actor.username,
      action: 'task.complete',
      target: `user-task:${key}`,
      detail: { elementId: t.elementId, variables: Object.keys(variables) },
    });
  }
}

export interface ReturnDecision {
  /** the variable the form field sets (the gateway reads it directly or through an output mapping) */
  field: string;
  value: string;
  /** the form field that takes the reason, when the form has one */
  reasonField: string | null;
  comment: string;
}

/** 退回 keeps the assignment rule of completion; the form's other fields do not apply to it. */
export async function giveBack(
  service: TaskService,
  engine: EngineClient,
  audit: AuditSink,
  actor: TaskActor,
  key: string,
  decision: ReturnDecision,
): Promise<void> {
  const t = await service.get(actor, key);
  if (isReadOnlyAuditor(actor) && !t.candidateGroups.includes(AUDIT_GROUP))
    throw forbidden('审计角色只能办理审计局的审计任务（R28），其他任务只读');
  if (t.assignee !== actor.username) throw new HttpError(409, '请先认领任务再退回');
  const variables: Record<string, unknown> = { [decision.field]: decision.value };
  if (decision.reasonField) variables[decision.reasonField] = decision.comment;
  await service.recordedCompletion(t, actor, 'return', () =>
    engine.completeUserTask({ userTaskKey: key, variables } as never),
  );
  await audit.record({
    actor: actor.username,
    action: 'task.return',
    target: `user-task:${key}`,
    detail: { elementId: t.elementId, [decision.field]: decision.value },
  });
}

function describe(errors: FieldError[]): string {
  return errors.map((e) => e.message).join('；');
}
