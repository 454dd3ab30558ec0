/**
 * The API side of the process's "at any time" events: a department's change request (R20), its
 * delay request (R22.3) and a supervising body's rectification order (R26/R27) reach the project's
 * process as the messages `change-requested`, `acceptance-delay-requested` and
 * `rectification-ordered` (processes/README.md, message table; correlation key = projectId).
 *
 * Row and message cannot diverge — chosen over an outbox because the caller is there to be told:
 * 1. the model decides whether the message can apply: all three event sub-processes live in
 *    `SubProcess_Construction`, so the project's instance must have it ACTIVE, else 409 (a message
 *    that cannot correlate would otherwise wait in the buffer and start the sub-process later, in a
 *    context the requester did not see);
 * 2. the domain row is inserted and the message published INSIDE the row's transaction, with the
 *    row's id as `messageId`; if the engine is unreachable or refuses, the transaction rolls back:
 *    nothing is written, the answer is 503 problem+json (`retryable: true`) and the client files
 *    the same request again — nothing half-done is left behind;
 * 3. the message lives `MESSAGE_TTL_MS` in the engine's buffer with that id, so a publish repeated
 *    for the same row within it is refused by the engine (ALREADY_EXISTS, taken as done) and a
 *    message correlates at most once per process instance anyway; a repeated POST while the first
 *    request is pending is 409 with the pending row's id (`pendingId`), not a second request.
 * The rare case left: the publish succeeded and the commit then failed (database gone between
 * two statements) — the process then runs a request the domain has no row for; the message
 * carries the request's data, so the process's own records (change-file, acceptance-date-update,
 * rectification-register) still write the row when they run.
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { ChangeCase, ChangeRequest, DelayRequest } from '../domain/entities';
import { OrganisationEntity, ProjectEntity } from '../domain/entities';
import { HttpError } from '../http/problem';
import type { EngineClient } from '../engine-client';

/** Long enough to refuse a duplicate publish of the same row, short enough not to pile up. */
export const MESSAGE_TTL_MS = 10 * 60_000;

/** The element whose activity makes the three messages applicable (project-lifecycle.bpmn). */
export const CONSTRUCTION_SCOPE = 'SubProcess_Construction';

const NOW = { consistency: { waitUpToMs: 0 } } as const;

/** R20's three cases in the change-request form's terms (`changeCase` of Task_ChangeRequestForm). */
const FORM_CASE: Record<ChangeCase, 'case-1' | 'case-2' | 'case-3'> = {
  deployment: 'case-1',
  optimisation: 'case-2',
  'business-need': 'case-3',
};

function engineDown(err: unknown): HttpError {
  const detail = err instanceof Error ? err.message : String(err);
  return new HttpError(503, '流程引擎暂不可用，申请未保存，请稍后重试', {
    retryable: true,
    cause: detail.slice(0, 300),
  });
}

/**
 * 409 unless the project's process is in construction (where the three event sub-processes can
 * start); 503 when the engine cannot be asked. Returns the project's process instance key.
 */
export async function assertInConstruction(engine: EngineClient, ds: DataSource, projectId: number, what: string) {
  const project = await ds.transaction((m) => m.getRepository(ProjectEntity).findOneBy({ id: projectId }));
  const key = project?.processInstanceKey;
  if (!key) throw new HttpError(409, `项目尚未进入审批流程，不能提交${what}`);
  let active: number;
  try {
    const page = (await engine.searchElementInstances(
      {
        filter: { processInstanceKey: key, elementId: CONSTRUCTION_SCOPE, state: 'ACTIVE' },
        page: { limit: 1 },
      } as never,
      NOW,
    )) as unknown as { items: unknown[] };
    active = page.items.length;
  } catch (err) {
    throw engineDown(err);
  }
  if (!active) throw new HttpError(409, `项目不在实施（建设）阶段，不能提交${what}`, { processInstanceKey: key });
  return key;
}

async function publish(
  engine: EngineClient,
  name: string,
  projectId: number,
  messageId: string,
  variables: Record<string, unknown>,
) {
  try {
    await engine.publishMessage({
      name,
      correlationKey: String(projectId),
      messageId,
      timeToLive: MESSAGE_TTL_MS,
      variables,
    } as never);
  } catch (err) {
    // the same row's message is already in the buffer: it was published, nothing to do
    if ((err as { status?: number }).status === 409) return;
    throw engineDown(err);
  }
}

/** R20: `change-requested`, with the request prefilled for Task_ChangeRequestForm. */
export function publishChangeRequested(engine: EngineClient, projectId: number) {
  return async (_m: EntityManager, row: ChangeRequest) =>
    publish(engine, 'change-requested', projectId, `change-request:${row.id}`, {
      changeRequestId: row.id,
      changeCase: FORM_CASE[row.changeCase],
      changeNewContent: row.description,
      changeTotalInvestment: Number(row.newAmount),
    });
}

/** R22.3: `acceptance-delay-requested`, with the dates for Task_DelayRequestForm. */
export function publishDelayRequested(engine: EngineClient, projectId: number) {
  return async (_m: EntityManager, row: DelayRequest) =>
    publish(engine, 'acceptance-delay-requested', projectId, `delay-request:${row.id}`, {
      delayRequestId: row.id,
      contractedAcceptanceDate: row.contractedDate,
      requestedAcceptanceDate: row.requestedDate,
      delayReason: row.reason,
    });
}

/**
 * R26/R27: `rectification-ordered` with the variables the model documents (rectificationIssues,
 * rectificationDeadline, orderedBy = the issuing body's code, orderRule) and the order's id, which
 * egov.rectification-register adopts instead of registering a second order.
 */
export function publishRectificationOrdered(
  engine: EngineClient,
  projectId: number,
  issuerOrgId: number,
  input: { issue: string; deadline: string; orderRule?: 'R26' | 'R27' },
) {
  return async (m: EntityManager, orderId: number) => {
    const org = await m.getRepository(OrganisationEntity).findOneByOrFail({ id: issuerOrgId });
    await publish(engine, 'rectification-ordered', projectId, `rectification-order:${orderId}`, {
      rectificationOrderId: orderId,
      rectificationIssues: input.issue,
      rectificationDeadline: input.deadline,
      orderedBy: org.code,
      orderRule: input.orderRule ?? 'R26',
    });
  };
}
