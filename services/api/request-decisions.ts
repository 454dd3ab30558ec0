/**
 * One decision path for the process's "at any time" requests (issue 4): with an engine, the API's
 * decision routes — the district government on a change request (R20, `Task_ChangeApproval`), the
 * data bureau on a delay request (R22.3, `Task_DelayReview`), the department's rectification
 * report and the supervisor's verification (R26/R27, `Task_Rectify`, `Task_RectificationVerify`)
 * — do not write the row: they complete the project's ACTIVE user task for that request as the
 * caller, through the tasklist's own completion (`completeTaskAs`: candidate groups, R28 auditor
 * rule, claim, server-side form validation, audit, the decision on the timeline). The workers
 * downstream write the row exactly as after a tasklist completion (egov.change-file,
 * egov.acceptance-date-update, egov.notify for refusals and 整改合格, egov.project-suspend).
 *
 * - The task is the one of the request's event sub-process: the element's open task in the
 *   project's instance whose `changeRequestId` / `delayRequestId` / `rectificationOrderId`
 *   (`rectificationId`) — the message's variables, see request-messages.ts — is the row's id.
 * - No such task (the department has not filled the request form yet, the process has not
 *   reached the step, it was decided already) → 409; the engine cannot be asked → 503, nothing
 *   written; a caller outside the task's candidate groups → 403 (the route's own access rule has
 *   already admitted the caller's organisation type).
 * - The answer is the row: the route waits up to `DECISION_WAIT_MS` for the worker's write and
 *   answers 200 with the decided row; if the worker has not written it by then, 202 with the row
 *   as it stands (still pending) and `taskCompleted: true` — the decision is taken (the task is
 *   completed) and the row follows.
 * - The department's rectification report is recorded by `egov.rectification-report-record`
 *   (`Task_RectificationReportRecord`, after `Task_Rectify`) — the one writer, whether the report
 *   came through this route or the tasklist; the route waits for it like the decision routes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Principal } from '../auth/auth-service';
import { chinaDate } from '../calendar';
import { ChangeRequestEntity, DelayRequestEntity, ProjectEntity } from '../domain/entities';
import type { Visibility } from '../domain/project-service';
import type { EngineClient } from '../engine-client';
import { HttpError, notFound } from '../http/problem';
import type { TaskService } from '../tasks/task-service';
import { completeTaskAs } from './process-routes';
import type { ApiServices } from './services';

/** How long a decision route waits for the worker to write the decided row before answering 202. */
export const DECISION_WAIT_MS = 5_000;

const NOW = { consistency: { waitUpToMs: 0 } } as const;

type Vars = Record<string, unknown>;

interface RawTask {
  userTaskKey: string;
  elementId?: string;
  assignee?: string | null;
  candidateGroups?: string[];
}

/** What a decision route knows about its step in project-lifecycle.bpmn. */
interface Step {
  elementId: string;
  /** the variables that carry the row's id into the event sub-process (the message's, a worker's) */
  idVariables: string[];
  /** for the 409: which step, in Chinese and English */
  zh: string;
  en: string;
}

export const STEPS = {
  changeApproval: {
    elementId: 'Task_ChangeApproval',
    idVariables: ['changeRequestId'],
    zh: '区政府审批变更申请',
    en: 'the district government’s approval of the change request',
  },
  delayReview: {
    elementId: 'Task_DelayReview',
    idVariables: ['delayRequestId'],
    zh: '区数管局审核延期验收申请',
    en: 'the data bureau’s review of the delay request',
  },
  rectify: {
    elementId: 'Task_Rectify',
    idVariables: ['rectificationOrderId', 'rectificationId'],
    zh: '建设单位限期整改',
    en: 'the department’s rectification report',
  },
  rectificationVerify: {
    elementId: 'Task_RectificationVerify',
    idVariables: ['rectificationOrderId', 'rectificationId'],
    zh: '监督部门整改复核',
    en: 'the supervisor’s verification of the rectification',
  },
} satisfies Record<string, Step>;

function engineDown(err: unknown): HttpError {
  const detail = err instanceof Error ? err.message : String(err);
  return new HttpError(
    503,
    '流程引擎暂不可用，未作任何处理，请稍后重试 (process engine unavailable, nothing was done)',
    {
      retryable: true,
      cause: detail.slice(0, 300),
    },
  );
}

/** The project's process instance key, or null when the project is not run by a process. */
export async function processInstanceOf(services: ApiServices, projectId: number): Promise<string | null> {
  const p = await services.dataSource.transaction((m) => m.getRepository(ProjectEntity).findOneBy({ id: projectId }));
  if (!p) throw notFound('项目不存在');
  return p.processInstanceKey ? String(p.processInstanceKey) : null;
}

function sameId(value: unknown, id: number): boolean {
  return value !== undefined && value !== null && String(value) === String(id);
}

async function taskVariables(engine: EngineClient, key: string, names: string[]): Promise<Vars> {
  const r = (await engine.searchUserTaskVariables({ userTaskKey: key, page: { limit: 1000 } } as never, NOW)) as {
    items: { name: string; value: string }[];
  };
  const out: Vars = {};
  for (const v of r.items) {
    if (!names.includes(v.name)) continue;
    try {
      out[v.name] = JSON.parse(v.value);
    } catch {
      out[v.name] = v.value;
    }
  }
  return out;
}

/**
 * The open task of `step` in the instance that belongs to request `id`: 409 if there is none (or
 * several that cannot be told apart), 503 if the engine cannot be asked.
 */
async function findTask(engine: EngineClient, processInstanceKey: string, step: Step, id: number): Promise<RawTask> {
  let candidates: RawTask[];
  try {
    const page = (await engine.searchUserTasks(
      { filter: { processInstanceKey, elementId: step.elementId, state: 'CREATED' }, page: { limit: 50 } } as never,
      NOW,
    )) as unknown as { items: RawTask[] };
    candidates = [];
    for (const t of page.items) {
      const vars = await taskVariables(engine, String(t.userTaskKey), step.idVariables);
      // the id the message brought wins over a worker's copy of it
      const carried = step.idVariables.map((n) => vars[n]).find((v) => v !== undefined && v !== null);
      if (sameId(carried, id)) candidates.push(t);
    }
  } catch (err) {
    throw engineDown(err);
  }
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0)
    throw new HttpError(
      409,
      `流程中没有待办的“${step.zh}”任务：流程尚未到达此环节或已办结 ` +
        `(no active ${step.elementId} for this request: the process has not reached ${step.en} yet, or it was already decided)`,
      { processInstanceKey, elementId: step.elementId },
    );
  throw new HttpError(
    409,
    `流程中有多个“${step.zh}”任务对应此申请，请在待办任务中办理 ` +
      `(several active ${step.elementId} tasks match this request; complete it in the tasklist)`,
    { processInstanceKey, elementId: step.elementId, userTaskKeys: candidates.map((c) => String(c.userTaskKey)) },
  );
}

/**
 * Finds the request's task and completes it as the caller with `variables`, through the
 * tasklist's path. 403 if the caller is not in the task's candidate groups.
 */
export async function completeRequestTask(
  services: ApiServices,
  principal: Principal,
  visibility: Visibility,
  processInstanceKey: string,
  step: Step,
  id: number,
  variables: Vars,
): Promise<void> {
  const engine = services.engine!;
  const tasks: TaskService = services.tasks!;
  const raw = await findTask(engine, processInstanceKey, step, id);
  const key = String(raw.userTaskKey);
  const view = { assignee: raw.assignee ?? null, candidateGroups: raw.candidateGroups ?? [] };
  if (!tasks.canSee(principal, view))
    throw new HttpError(
      403,
      `此任务由 ${view.candidateGroups.join('、') || view.assignee} 办理，您不在其候选组内 ` +
        `(only members of ${view.candidateGroups.join(', ') || view.assignee} may complete ${step.elementId})`,
    );
  try {
    if (view.assignee !== principal.username) await tasks.claim(principal, key);
    await completeTaskAs(services, principal, visibility, key, variables);
  } catch (err) {
    if (err instanceof HttpError) throw err;
    throw engineDown(err);
  }
}

/**
 * Waits (at most `DECISION_WAIT_MS`) until `read` returns a row `done` accepts; returns the last
 * row read and whether it was accepted.
 */
export async function awaitRow<T>(
  read: () => Promise<T>,
  done: (row: T) => boolean,
  waitMs = DECISION_WAIT_MS,
): Promise<{ row: T; written: boolean }> {
  const until = Date.now() + waitMs;
  for (;;) {
    const row = await read();
    if (done(row)) return { row, written: true };
    if (Date.now() >= until) return { row, written: false };
    await sleep(100);
  }
}

/** review-opinion (Task_ChangeApproval, Task_DelayReview, Task_RectificationVerify) from a route's yes/no and note. */
export function opinionVariables(approved: boolean, note: string | undefined): Vars {
  return { decision: approved ? 'pass' : 'fail', ...(note ? { reason: note } : {}) };
}

/** rectification-report (Task_Rectify) from the respond route's body. */
export function rectificationReportVariables(
  body: { response: string; completedDate?: string; evidence?: string; remaining?: string },
  today: Date,
): Vars {
  return {
    rectificationMeasures: body.response,
    rectificationCompletedDate: body.completedDate ?? chinaDate(today),
    ...(body.evidence ? { docRectificationEvidence: body.evidence } : {}),
    ...(body.remaining ? { rectificationRemaining: body.remaining } : {}),
  };
}

// ------------------------------------------------------------------ the four routes' engine path

/** The columns of change_request / delay_request the decision routes read. */
type DecidedRow = { id: number; projectId: number; status: string } & Record<string, unknown>;

type Answer = { status: 200 | 202; body: Record<string, unknown> };

function answer<T extends object>(r: { row: T; written: boolean }): Answer {
  const row = { ...r.row } as Record<string, unknown>;
  return r.written ? { status: 200, body: row } : { status: 202, body: { ...row, taskCompleted: true } };
}

/** R20 / R22.3: the decision on a change or delay request through its process task. */
export async function decideRequestThroughProcess(
  services: ApiServices,
  principal: Principal,
  visibility: Visibility,
  processInstanceKey: string,
  kind: 'change' | 'delay',
  projectId: number,
  requestId: number,
  input: { approved: boolean; note?: string },
): Promise<Answer> {
  const entity = kind === 'change' ? ChangeRequestEntity : DelayRequestEntity;
  const what = kind === 'change' ? '变更申请' : '延期申请';
  const read = async () => {
    const row = await services.dataSource.transaction((m) =>
      m.getRepository<DecidedRow>(entity as never).findOneBy({ id: requestId, projectId }),
    );
    if (!row) throw notFound(`${what}不存在`);
    return row;
  };
  const before = await read();
  if (before.status !== 'submitted')
    throw new HttpError(409, `该${what}已审批 (this request was already decided: ${before.status})`);
  await completeRequestTask(
    services,
    principal,
    visibility,
    processInstanceKey,
    kind === 'change' ? STEPS.changeApproval : STEPS.delayReview,
    requestId,
    opinionVariables(input.approved, input.note),
  );
  return answer(await awaitRow(read, (r) => r.status !== 'submitted'));
}

/** R26: the department's rectification report through `Task_Rectify`; egov.rectification-report-record records it. */
export async function respondThroughProcess(
  services: ApiServices,
  principal: Principal,
  visibility: Visibility,
  processInstanceKey: string,
  orderId: number,
  body: { response: string; completedDate?: string; evidence?: string; remaining?: string },
) {
  const order = await services.rectifications.get(orderId);
  if (order.status !== 'open')
    throw new HttpError(409, '该整改通知当前不接受回复 (this order does not take a report now)');
  await completeRequestTask(
    services,
    principal,
    visibility,
    processInstanceKey,
    STEPS.rectify,
    orderId,
    rectificationReportVariables(body, services.now()),
  );
  // egov.rectification-report-record writes the report on the order (responded)
  return answer(
    await awaitRow(
      () => services.rectifications.view(orderId),
      (view) => view.status !== 'open',
    ),
  );
}

/** R26: the supervisor's verification through `Task_RectificationVerify` (合格 → closed, 不合格 → suspension). */
export async function reviewThroughProcess(
  services: ApiServices,
  principal: Principal,
  visibility: Visibility,
  processInstanceKey: string,
  orderId: number,
  input: { accepted: boolean; note?: string },
): Promise<Answer> {
  const order = await services.rectifications.get(orderId);
  if (order.status === 'closed' || (order.status as string) === 'terminated')
    throw new HttpError(409, `该整改通知已办结 (this order is ${order.status})`);
  await completeRequestTask(
    services,
    principal,
    visibility,
    processInstanceKey,
    STEPS.rectificationVerify,
    orderId,
    opinionVariables(input.accepted, input.note),
  );
  // 合格: egov.notify closes the order; 不合格: egov.project-suspend reopens it and suspends the project
  const read = async () => {
    const view = await services.rectifications.view(orderId);
    const stage = (await services.projects.get(view.projectId)).stage;
    return { view, stage };
  };
  const r = await awaitRow(read, ({ view, stage }) =>
    input.accepted ? view.status === 'closed' : view.status === 'open' && stage === 'suspended',
  );
  return answer({ row: r.row.view, written: r.written });
}
