/**
 * Reminders before and escalations after the regulation's deadlines (issue 6): R6 application,
 * R7 review window, R15 quarterly reports, R22.2 final-acceptance application, R22.3 contracted
 * acceptance date, R23 self-evaluation, R26 rectification. All counting is in working days on
 * the Chinese calendar.
 *
 * `planReminders` is pure (deadlines + today → mails with dedupe keys); `ReminderRunner` feeds it
 * from the domain periodically and enqueues the result. A day's plan can be run any number of
 * times, by any number of replicas: each (obligation, stage, recipient) has one dedupe key.
 * A manager's urge (催办) is `enqueueUrge`: mail at once, outside the schedule.
 */
import type { DataSource, EntityManager } from 'typeorm';
import { CalendarRangeError, chinaDate, type IsoDate, type Period, type WorkingDayCalendar } from '../calendar';
import type { Logger } from '../logger';
import { dedupeKey, enqueueMail, type OutgoingMail } from './outbox';
import { uniqueRecipients, type Recipient } from './recipients';
import { escalationMail, reminderMail, urgeMail, type DeadlineRule } from './templates';

// ---------------------------------------------------------------- the deadlines themselves

/** R6: next year's projects are applied for "before October", i.e. by 30 September of `year`. */
export function applicationDeadline(calendar: WorkingDayCalendar, year: number): IsoDate {
  return calendar.deadlineOn(`${year}-09-30`);
}

/** R7: the concentrated review runs October–December of `year`. */
export function reviewWindowEnd(calendar: WorkingDayCalendar, year: number): IsoDate {
  return calendar.deadlineOn(`${year}-12-31`);
}

/** R15: the last of the first 5 working days of the quarter that contains `date`. */
export function quarterlyReportDeadline(calendar: WorkingDayCalendar, date: IsoDate): IsoDate {
  return calendar.quarterReportWindow(date).end;
}

/** R22.2: within 1 month after passing preliminary acceptance. */
export function finalAcceptanceApplicationDeadline(calendar: WorkingDayCalendar, preliminaryAcceptedOn: IsoDate) {
  return calendar.periodEnd(preliminaryAcceptedOn, { months: 1 });
}

/** R23: within 6 months after acceptance and going live. */
export function selfEvaluationDeadline(calendar: WorkingDayCalendar, acceptedOn: IsoDate): IsoDate {
  return calendar.periodEnd(acceptedOn, { months: 6 });
}

/** R26: the rectification deadline the supervisor set — a date, or a period from the order. */
export function rectificationDeadline(calendar: WorkingDayCalendar, orderedOn: IsoDate, limit: IsoDate | Period) {
  return typeof limit === 'string' ? calendar.deadlineOn(limit) : calendar.periodEnd(orderedOn, limit);
}

/** R22.3: the contracted acceptance date (a delay must be applied for before it). */
export function contractedAcceptanceDeadline(calendar: WorkingDayCalendar, contractedOn: IsoDate): IsoDate {
  return calendar.deadlineOn(contractedOn);
}

// ---------------------------------------------------------------- planning

export interface Deadline {
  rule: DeadlineRule;
  /** stable id of the obligation, e.g. "R15:P42:2026-Q4" */
  obligationId: string;
  projectId: string;
  projectName: string;
  departmentName?: string;
  /** the last day (inclusive: 以内/届满) */
  dueDate: IsoDate;
  /** fulfilled (report filed, application made, delay requested …): nothing more is sent */
  done: boolean;
  /** the people who must act, from user records */
  responsible: Recipient[];
}

export interface ReminderPolicy {
  /** remind this many working days before the last day (0 = on the day) */
  remindBefore: number[];
  /** escalate to the data bureau this many working days after it */
  escalateAfter: number[];
}

export const DEFAULT_POLICY: ReminderPolicy = { remindBefore: [5, 1, 0], escalateAfter: [1, 5] };

// ---------------------------------------------------------------- who sends which notice

/**
 * One owner per notice (docs/STATUS.md item 7). The process models time some deadline notices
 * themselves: a boundary timer fires and an `egov.notify` job (workers/notify.ts) mails with the
 * `template` header below. Those notices belong to the model — a process owner may move or
 * re-word them in the modeler — and the runner does not send them a second time:
 *
 * | rule  | stage          | model element → template                                             |
 * | ----- | -------------- | -------------------------------------------------------------------- |
 * | R15   | 1 day before   | `Timer_ReportReminder` (4th day of the window, 09:00) → progress-report-reminder |
 * | R15   | first overdue  | `Timer_ReportOverdue` (end of the 5th day) → progress-report-overdue  |
 * | R22.2 | first overdue  | `Timer_FinalApplicationOverdue` → final-application-overdue           |
 * | R23   | first overdue  | `Timer_SelfEvaluationOverdue` → self-evaluation-overdue               |
 *
 * - A model-owned reminder stage is never planned here: the model sends it the same day at
 *   09:00, and a runner pass at 00:xx would otherwise always come first.
 * - A model-owned first escalation is a fallback: the model's timer fires at the end of the last
 *   day, the runner's first escalation stage is only reached on the next working day, so by then
 *   the model's mail is in the outbox. The runner looks for it per recipient (same project, the
 *   template in the worker's dedupe key `notify|<instance>|<element>|<template>|<user>`, written
 *   since the last day began) and sends its own only to those who did not get it — a project
 *   whose process is elsewhere (or an older model version without the timer) is still escalated.
 *   Residual risk, accepted: if the engine delivers the timer's job only after the runner's
 *   next-day pass (engine down over night), the model's late mail is a second one.
 * - Everything else — the earlier and later stages of these rules, and R6, R7, R22.3, R26,
 *   which the models do not time — belongs to the runner. Later stages are new notices (e.g. "5
 *   working days overdue"), not repeats.
 */
export const MODEL_NOTICES: Partial<
  Record<DeadlineRule, { before?: Record<number, string>; after?: Record<number, string> }>
> = {
  R15: { before: { 1: 'progress-report-reminder' }, after: { 1: 'progress-report-overdue' } },
  'R22.2': { after: { 1: 'final-application-overdue' } },
  R23: { after: { 1: 'self-evaluation-overdue' } },
};

/** A planned mail that stands in for a model's notice: sent only to recipients who lack it. */
export interface ModelNotice {
  /** the `template` header of the model's egov.notify task */
  template: string;
  /** the model's mail counts when written at or after this instant (ISO) */
  since: string;
}

export type PlannedMail = OutgoingMail & { modelNotice?: ModelNotice };

export interface PlanInput {
  deadlines: readonly Deadline[];
  today: IsoDate;
  calendar: WorkingDayCalendar;
  /** data-bureau users who receive escalations */
  escalateTo: readonly Recipient[];
  baseUrl: string;
  policy?: ReminderPolicy;
}

export interface PlanResult {
  mails: PlannedMail[];
  /** deadlines that could not be planned (e.g. a year the calendar does not cover) */
  errors: { obligationId: string; error: Error }[];
}

/**
 * The mails due today. Only on working days (mail on a rest day would wait anyway); only the
 * latest stage reached, so a runner that was down for days sends one reminder, not a burst.
 */
export function planReminders(input: PlanInput): PlanResult {
  const { calendar, today } = input;
  const policy = input.policy ?? DEFAULT_POLICY;
  const result: PlanResult = { mails: [], errors: [] };
  try {
    if (!calendar.isWorkingDay(today)) return result;
  } catch (error) {
    // today itself is in a year the calendar lacks: nothing can be placed (every obligation waits)
    result.errors.push({ obligationId: 'today', error: error as Error });
    return result;
  }
  for (const d of input.deadlines) {
    if (d.done) continue;
    try {
      // a last day in a year the calendar lacks is an error for this obligation, never a guess
      calendar.isWorkingDay(d.dueDate);
      const owned = MODEL_NOTICES[d.rule];
      const data = {
        baseUrl: input.baseUrl,
        projectId: d.projectId,
        projectName: d.projectName,
        rule: d.rule,
        dueDate: d.dueDate,
        departmentName: d.departmentName,
      };
      if (today <= d.dueDate) {
        const stage = [...policy.remindBefore]
          .sort((a, b) => a - b)
          .find((n) => calendar.addWorkingDays(d.dueDate, -n) <= today);
        if (stage === undefined || owned?.before?.[stage]) continue;
        const left = calendar.workingDaysBetween(today, d.dueDate);
        const rendered = reminderMail({ ...data, workingDays: left });
        for (const r of uniqueRecipients(d.responsible)) {
          result.mails.push({
            dedupeKey: dedupeKey('dl', d.obligationId, d.dueDate, `before-${stage}`, r.userId, 'reminder'),
            recipient: r,
            ...rendered,
            purpose: 'reminder',
            projectId: d.projectId,
          });
        }
      } else {
        const overdue = calendar.workingDaysBetween(d.dueDate, today);
        const stage = [...policy.escalateAfter].sort((a, b) => b - a).find((n) => overdue >= n);
        if (stage === undefined) continue;
        const pending = uniqueRecipients(d.responsible).map((r) => r.name);
        const rendered = escalationMail({ ...data, workingDays: overdue, pending });
        const template = owned?.after?.[stage];
        const modelNotice = template ? { template, since: chinaDayStart(d.dueDate) } : undefined;
        for (const r of uniqueRecipients(input.escalateTo)) {
          result.mails.push({
            dedupeKey: dedupeKey('dl', d.obligationId, d.dueDate, `after-${stage}`, r.userId, 'escalation'),
            recipient: r,
            ...rendered,
            purpose: 'escalation',
            projectId: d.projectId,
            ...(modelNotice ? { modelNotice } : {}),
          });
        }
      }
    } catch (error) {
      result.errors.push({ obligationId: d.obligationId, error: error as Error });
    }
  }
  return result;
}

/** The instant a day begins in China (UTC+8, no DST), as an ISO timestamp. */
function chinaDayStart(date: IsoDate): string {
  return new Date(`${date}T00:00:00+08:00`).toISOString();
}

/** Has the model's egov.notify job already mailed this recipient about this project? */
async function modelNoticeSent(m: EntityManager, mail: PlannedMail, notice: ModelNotice): Promise<boolean> {
  const rows = (await m.query(
    `SELECT id FROM mail_outbox
      WHERE project_id = ? AND recipient_user_id = ? AND dedupe_key LIKE ? AND created_at >= ?
      ORDER BY id LIMIT 1`,
    [mail.projectId ?? '', mail.recipient.userId, `notify|%|${notice.template}|%`, notice.since],
  )) as unknown[];
  return rows.length > 0;
}

// ---------------------------------------------------------------- the periodic runner

/** What the last pass could not plan because the working-day calendar lacks a year. */
export interface CalendarGap {
  obligationId: string;
  /** the date the calendar could not place */
  date: IsoDate;
  year: number;
}

/** The runner's state for operators (log, status page): last pass and what waits for the calendar. */
export interface ReminderRunnerState {
  lastRunAt: string | null;
  lastResult: { planned: number; enqueued: number; errors: number } | null;
  /** obligations waiting for a year's holiday notice (config/holidays/<year>.json) */
  calendarGaps: CalendarGap[];
  /** the years those obligations wait for, ascending */
  missingYears: number[];
}

export interface ReminderRunnerOptions {
  dataSource: DataSource;
  calendar: WorkingDayCalendar;
  /** open obligations with their responsible people (the domain provides it) */
  deadlines: (today: IsoDate) => Promise<Deadline[]>;
  /** the data bureau's users */
  escalateTo: () => Promise<Recipient[]>;
  baseUrl: string;
  mailDomain?: string;
  policy?: ReminderPolicy;
  logger?: Logger;
  intervalMs?: number;
  now?: () => number;
  /**
   * Called before each pass: re-reads config/holidays so a year's notice added while running is
   * used from the next pass on (services/calendar `refreshCalendar`).
   */
  refreshCalendar?: () => void;
}

export class ReminderRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;

  private readonly current: ReminderRunnerState = {
    lastRunAt: null,
    lastResult: null,
    calendarGaps: [],
    missingYears: [],
  };

  constructor(private readonly opts: ReminderRunnerOptions) {}

  /** A copy of the runner's state: what the last pass did and what waits for the calendar. */
  state(): ReminderRunnerState {
    return structuredClone(this.current);
  }

  async runOnce(): Promise<{ planned: number; enqueued: number; errors: number }> {
    const at = (this.opts.now ?? Date.now)();
    const today = chinaDate(at);
    this.opts.refreshCalendar?.();
    const plan = planReminders({
      deadlines: await this.opts.deadlines(today),
      today,
      calendar: this.opts.calendar,
      escalateTo: await this.opts.escalateTo(),
      baseUrl: this.opts.baseUrl,
      policy: this.opts.policy,
    });
    const gaps: CalendarGap[] = [];
    for (const e of plan.errors) {
      if (e.error instanceof CalendarRangeError) {
        gaps.push({ obligationId: e.obligationId, date: e.error.date, year: Number(e.error.date.slice(0, 4)) });
      } else {
        this.opts.logger?.error({ obligation: e.obligationId, err: e.error }, 'reminder not planned');
      }
    }
    const missingYears = [...new Set(gaps.map((g) => g.year))].sort((a, b) => a - b);
    if (gaps.length) {
      // not a crash and not a guess: the obligations are planned on the first pass after the
      // year's file arrives (the dedupe keys make that pass send each stage once)
      this.opts.logger?.warn(
        {
          missingYears,
          obligations: gaps.map((g) => g.obligationId),
          coveredYears: this.opts.calendar.coveredYears().at(-1),
        },
        `reminders wait for the working-day calendar: add config/holidays/${missingYears.join('.json, ')}.json (State Council holiday notice)`,
      );
    }
    let enqueued = 0;
    if (plan.mails.length) {
      await this.opts.dataSource.transaction(async (m) => {
        for (const mail of plan.mails) {
          const { modelNotice, ...outgoing } = mail;
          if (modelNotice && (await modelNoticeSent(m, mail, modelNotice))) continue;
          if (await enqueueMail(m, outgoing, { domain: this.opts.mailDomain })) enqueued++;
        }
      });
    }
    const result = { planned: plan.mails.length, enqueued, errors: plan.errors.length };
    Object.assign(this.current, {
      lastRunAt: new Date(at).toISOString(),
      lastResult: result,
      calendarGaps: gaps,
      missingYears,
    });
    return result;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      try {
        await this.runOnce();
      } catch (err) {
        this.opts.logger?.error({ err }, 'reminder run failed');
      }
      if (!this.stopped) this.timer = setTimeout(() => (this.running = loop()), this.opts.intervalMs ?? 3_600_000);
    };
    this.running = loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}

// ---------------------------------------------------------------- 催办

export interface Urge {
  /** unique per urge action (e.g. its audit-log id): each urge mails once, a retry of it does not */
  urgeId: string;
  projectId: string;
  projectName: string;
  /** the open step, e.g. the user task's name */
  matter: string;
  managerName: string;
  message?: string | null;
  dueDate?: IsoDate | null;
  recipients: Recipient[];
}

/** A manager's urge: written in the caller's transaction, due at once. Returns rows enqueued. */
export async function enqueueUrge(
  manager: EntityManager,
  urge: Urge,
  opts: { baseUrl: string; mailDomain?: string; now?: Date },
): Promise<number> {
  const rendered = urgeMail({ ...urge, baseUrl: opts.baseUrl });
  let n = 0;
  for (const r of uniqueRecipients(urge.recipients)) {
    const mail: OutgoingMail = {
      dedupeKey: dedupeKey('urge', urge.urgeId, r.userId),
      recipient: r,
      ...rendered,
      purpose: 'urge',
      projectId: urge.projectId,
    };
    if (await enqueueMail(manager, mail, { domain: opts.mailDomain, now: opts.now })) n++;
  }
  return n;
}
