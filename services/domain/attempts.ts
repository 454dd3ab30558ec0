/**
 * The history of attempts: every R22.2 final-acceptance review (`acceptance_attempt`) and every
 * R12 network-security inspection / R13 cryptography review round (`compliance_check.round_no`),
 * failed ones included — the current state stays where it was (`acceptance`, one row per stage;
 * the latest check of each kind).
 *
 * A row written by a job carries the job's process position (process instance + element
 * instance key, as `ctx.once` keys its effect): the same position never writes a second row, even
 * outside `ctx.once`; a loop that comes back to the task is a new element instance, so a new
 * attempt.
 */
import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { chinaDate } from '../calendar';
import {
  ACCEPTANCE_ITEMS,
  AcceptanceAttemptEntity,
  ComplianceCheckEntity,
  OrganisationEntity,
  UserEntity,
  type AcceptanceAttempt,
  type AcceptanceItem,
  type AcceptanceStage,
  type CheckKind,
  type ComplianceCheck,
} from './entities';
import { taskDecider } from './task-completions';

/** Where in a process a row was recorded (null when recorded through the API). */
export interface ProcessPosition {
  processInstanceKey: string;
  elementInstanceKey: string;
}

/** The process user (`plans.ts` PROCESS_USER), repeated here to keep this module free of cycles. */
const PROCESS_USER = 0;

export const ACCEPTANCE_ITEM_NAMES: Record<AcceptanceItem, string> = {
  productSecurity: '软硬件产品安全可靠',
  cryptography: '密码应用',
  securityReview: '安全审查',
  energyEfficiency: '能源利用效率（PUE）',
};

export const CHECK_ORG: Record<CheckKind, string> = {
  'security-inspection': 'cyberspace-office',
  'crypto-review': 'crypto-bureau',
};

/** The next round number of a kind of check for a project (1 for the first). */
export async function nextCheckRound(m: EntityManager, projectId: number, kind: CheckKind): Promise<number> {
  return (await m.getRepository(ComplianceCheckEntity).countBy({ projectId, kind })) + 1;
}

/**
 * R12 / R13: one inspection or review round as the inspecting body decided it in its form,
 * failed rounds with their findings (what the department must rectify).
 */
export async function recordCheckRound(
  m: EntityManager,
  projectId: number,
  kind: CheckKind,
  input: {
    passed: boolean;
    findings: string | null;
    checkedOn: string;
    position: ProcessPosition | null;
    /** the inspecting user who completed the task (`task_completion`), else the process (0) */
    recordedBy?: number | null;
  },
  now: Date,
): Promise<ComplianceCheck> {
  const repo = m.getRepository(ComplianceCheckEntity);
  if (input.position) {
    const done = await repo.findOneBy({ kind, ...input.position });
    if (done) return done;
  }
  const org = await m.getRepository(OrganisationEntity).findOneBy({ code: CHECK_ORG[kind] });
  if (!org) throw new Error(`审查单位不存在：${CHECK_ORG[kind]}`);
  const res = await repo.insert({
    projectId,
    kind,
    passed: input.passed,
    findings: input.findings,
    checkedOn: input.checkedOn,
    orgId: org.id,
    recordedBy: input.recordedBy ?? PROCESS_USER,
    recordedAt: now.toISOString(),
    round: await nextCheckRound(m, projectId, kind),
    processInstanceKey: input.position?.processInstanceKey ?? null,
    elementInstanceKey: input.position?.elementInstanceKey ?? null,
  });
  return repo.findOneByOrFail({ id: Number(res.identifiers[0]!.id) });
}

/** The user task in which each check's result is decided (processes/project-lifecycle.bpmn). */
export const CHECK_TASK: Record<CheckKind, string> = {
  'security-inspection': 'Task_SecurityInspection',
  'crypto-review': 'Task_CryptoReview',
};
/** The user task in which the expert panel decides the final acceptance. */
export const FINAL_ACCEPTANCE_TASK = 'Task_FinalAcceptanceReview';

/**
 * Who decided, and on which day: the user who last completed the deciding user task of the process
 * instance through the tasklist (`task_completion`). A completion older than the previous attempt
 * (`after`, when that attempt was recorded) belongs to an earlier round; without a completion of
 * this round (a task completed outside the tasklist) nobody is named and the day is the recording day.
 */
export async function deciderOf(
  m: EntityManager,
  processInstanceKey: string,
  elementId: string,
  today: string,
  after: string | null,
): Promise<{ userId: number | null; on: string }> {
  const d = await taskDecider(m, processInstanceKey, elementId);
  if (!d || (after && d.completedAt < after)) return { userId: null, on: today };
  return { userId: d.userId, on: chinaDate(new Date(d.completedAt)) };
}

/** When the project's latest attempt of the stage was recorded (`deciderOf`'s `after`). */
export async function lastAttemptAt(m: EntityManager, projectId: number, stage: AcceptanceStage) {
  const last = (
    await m.getRepository(AcceptanceAttemptEntity).find({ where: { projectId, stage }, order: { id: 'DESC' }, take: 1 })
  )[0];
  return last?.recordedAt ?? null;
}

/** When the project's latest check of the kind was recorded (`deciderOf`'s `after`). */
export async function lastCheckAt(m: EntityManager, projectId: number, kind: CheckKind) {
  const last = (
    await m.getRepository(ComplianceCheckEntity).find({ where: { projectId, kind }, order: { id: 'DESC' }, take: 1 })
  )[0];
  return last?.recordedAt ?? null;
}

/** The R14 items a panel marked 不合格 (`fail`), in the form's order. */
export function failedAcceptanceItems(items: Partial<Record<AcceptanceItem, string | null | undefined>>) {
  return ACCEPTANCE_ITEMS.filter((k) => items[k] === 'fail');
}

/** R22.2: one final-acceptance review (attempt n of the project's stage). */
export async function recordAcceptanceAttempt(
  m: EntityManager,
  projectId: number,
  input: {
    stage: AcceptanceStage;
    passed: boolean;
    opinion: string | null;
    failedItems: readonly AcceptanceItem[];
    panel: string | null;
    decidedOn: string;
    decidedBy: number | null;
    position: ProcessPosition | null;
  },
  now: Date,
): Promise<AcceptanceAttempt> {
  const repo = m.getRepository(AcceptanceAttemptEntity);
  if (input.position) {
    const done = await repo.findOneBy({ ...input.position });
    if (done) return done;
  }
  const last = (await repo.find({ where: { projectId, stage: input.stage }, order: { attempt: 'DESC' }, take: 1 }))[0];
  const res = await repo.insert({
    projectId,
    stage: input.stage,
    attempt: (last?.attempt ?? 0) + 1,
    result: input.passed ? 'passed' : 'failed',
    opinion: input.opinion,
    failedItems: input.failedItems.length ? JSON.stringify(input.failedItems) : null,
    panel: input.panel,
    decidedOn: input.decidedOn,
    decidedBy: input.decidedBy,
    processInstanceKey: input.position?.processInstanceKey ?? null,
    elementInstanceKey: input.position?.elementInstanceKey ?? null,
    recordedBy: input.decidedBy ?? PROCESS_USER,
    recordedAt: now.toISOString(),
  });
  return repo.findOneByOrFail({ id: Number(res.identifiers[0]!.id) });
}

function parseItems(json: string | null): AcceptanceItem[] {
  if (!json) return [];
  try {
    const v = JSON.parse(json) as unknown;
    return Array.isArray(v)
      ? v.filter((k): k is AcceptanceItem => (ACCEPTANCE_ITEMS as readonly unknown[]).includes(k))
      : [];
  } catch {
    return [];
  }
}

/** The attempts of a project in order, for GET /projects/:id/acceptances/attempts. */
export async function acceptanceAttemptsView(m: EntityManager, projectId: number) {
  const rows = await m
    .getRepository(AcceptanceAttemptEntity)
    .find({ where: { projectId }, order: { stage: 'ASC', attempt: 'ASC' } });
  const userIds = [...new Set(rows.map((r) => r.decidedBy).filter((id): id is number => id != null))];
  const users = new Map(
    (userIds.length ? await m.getRepository(UserEntity).findBy({ id: In(userIds) }) : []).map((u) => [u.id, u]),
  );
  return rows.map((r) => {
    const user = r.decidedBy != null ? users.get(r.decidedBy) : undefined;
    return {
      id: r.id,
      stage: r.stage,
      attempt: r.attempt,
      result: r.result,
      resultName: r.result === 'passed' ? '合格' : '不合格',
      opinion: r.opinion,
      failedItems: parseItems(r.failedItems).map((code) => ({ code, name: ACCEPTANCE_ITEM_NAMES[code] })),
      panel: r.panel,
      decidedOn: r.decidedOn,
      decidedBy: user ? { id: user.id, username: user.username, displayName: user.displayName } : null,
      processInstanceKey: r.processInstanceKey,
      recordedAt: r.recordedAt,
    };
  });
}
