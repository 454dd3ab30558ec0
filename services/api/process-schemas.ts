/** Schemas of the process, task and operations endpoints (strict: unknown keys are rejected). */
import { z } from 'zod';
import { PROJECT_STAGES } from '../domain/entities';
import { MAIL_PURPOSES, MAIL_STATUSES, OUTBOX_SORT_FIELDS } from '../notify/outbox';
import { sortParam } from './schemas';

/**
 * Engine keys: Zeebe encodes the partition id (≥ 1) in the bits above 51, so every key is at
 * least 2^51; anything else cannot name a task, definition or incident.
 */
export const engineKey = z
  .string()
  .refine((s) => /^\d{16,19}$/.test(s) && BigInt(s) >= 2n ** 51n && BigInt(s) < 2n ** 63n, '无效的标识');

export const elementIdParam = z.string().regex(/^[A-Za-z_][\w.-]{0,199}$/, '无效的元素标识');

const pageFields = {
  page: z.coerce.number().int().min(1).max(100000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
};

const boolParam = z.enum(['true', 'false']).transform((v) => v === 'true');

export const taskListQuery = z.strictObject({
  scope: z
    .enum(['mine', 'group', 'all'])
    .default('all')
    .describe('mine = assigned to me; group = unassigned in my groups'),
  stage: z.enum(PROJECT_STAGES).optional().describe("the joined project's stage"),
  orgCode: z
    .string()
    .regex(/^[A-Za-z][A-Za-z-]{1,39}$/, '单位代码格式不正确')
    .optional()
    .describe("the joined project's lead organisation"),
  overdue: boolParam.optional(),
  dueBefore: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
  q: z.string().trim().min(1).max(100).optional().describe('search in task name, project name and code'),
  sort: z.enum(['creationDate', 'dueDate', 'priority', 'name']).default('creationDate'),
  order: z.enum(['asc', 'desc']).default('asc'),
  ...pageFields,
});

export const transferBody = z.strictObject({
  username: z.string().trim().min(1).max(60),
  comment: z.string().trim().max(500).optional(),
});

export const completeBody = z.strictObject({
  variables: z.record(z.string().max(100), z.unknown()).default({}),
});

export const returnBody = z.strictObject({
  comment: z.string().trim().min(1, '请填写退回理由').max(2000),
});

export const commentBody = z.strictObject({
  text: z.string().trim().min(1, '意见不能为空').max(2000),
});

export const deployBody = z.strictObject({
  resources: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(200),
        content: z.string().min(1).max(2_000_000),
      }),
    )
    .min(1)
    .max(50),
});

export const retryBody = z.strictObject({
  retries: z.number().int().min(1).max(10).default(3),
});

export const urgeBody = z.strictObject({
  message: z.string().trim().max(500).optional(),
});

/** an instant, or a calendar day (China time: from its start / to its end) */
const instantOrDay = z.iso.datetime({ offset: true }).or(z.iso.date());

export const outboxQuery = z
  .strictObject({
    status: z.enum(MAIL_STATUSES).optional(),
    purpose: z.enum(MAIL_PURPOSES).optional().describe('notice kind: gateway, reminder, escalation, urge'),
    recipient: z.string().trim().min(1).max(100).optional().describe("part of the recipient's address or name"),
    q: z.string().trim().min(1).max(100).optional().describe('part of the subject'),
    projectId: z.coerce.number().int().positive().optional(),
    createdFrom: instantOrDay.optional().describe('created at or after (a day: from 00:00 China time)'),
    createdTo: instantOrDay.optional().describe('created at or before (a day: until 24:00 China time)'),
    sort: sortParam(OUTBOX_SORT_FIELDS).optional().describe('default createdAt:desc'),
    ...pageFields,
  })
  .refine((q) => !q.createdFrom || !q.createdTo || outboxFrom(q.createdFrom) <= outboxTo(q.createdTo), {
    message: '开始时间不能晚于结束时间',
    path: ['createdTo'],
  });

/** Bounds of the outbox's created range as stored (UTC ISO); a day is a China calendar day. */
export function outboxFrom(v: string): string {
  return new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00+08:00` : v).toISOString();
}
export function outboxTo(v: string): string {
  return new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T23:59:59.999+08:00` : v).toISOString();
}

/** claim / unclaim: no fields */
export const emptyOrNothing = z.strictObject({});
