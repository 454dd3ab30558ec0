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
  mails: OutgoingMail[];
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
    result.errors.push({ obligationId: '*', error: error as Error });
    return result;
  }
  for (const d of input.deadlines) {
    if (d.done) continue;
    try {
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
        if (stage === undefined) continue;
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
        const rendered = escalationMail({ ...data, workingDays: overdue });
        for (const r of uniqueRecipients(input.escalateTo)) {
          result.mails.push({
            dedupeKey: dedupeKey('dl', d.obligationId, d.dueDate, `after-${stage}`, r.userId, 'escalation'),
            recipient: r,
            ...rendered,
            purpose: 'escalation',
            projectId: d.projectId,
          });
        }
      }
    } catch (error) {
      result.errors.push({ obligationId: d.obligationId, error: error as Error });
    }
  }
  return result;
}

// ---------------------------------------------------------------- the periodic runner

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
}

export class ReminderRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;

  constructor(private readonly opts: ReminderRunnerOptions) {}

  async runOnce(): Promise<{ planned: number; enqueued: number; errors: number }> {
    const today = chinaDate((this.opts.now ?? Date.now)());
    const plan = planReminders({
      deadlines: await this.opts.deadlines(today),
      today,
      calendar: this.opts.calendar,
      escalateTo: await this.opts.escalateTo(),
      baseUrl: this.opts.baseUrl,
      policy: this.opts.policy,
    });
    for (const e of plan.errors) {
      const level = e.error instanceof CalendarRangeError ? 'error' : 'warn';
      this.opts.logger?.[level]({ obligation: e.obligationId, err: e.error }, 'reminder not planned');
    }
    let enqueued = 0;
    if (plan.mails.length) {
      await this.opts.dataSource.transaction(async (m) => {
        for (const mail of plan.mails) if (await enqueueMail(m, mail, { domain: this.opts.mailDomain })) enqueued++;
      });
    }
    return { planned: plan.mails.length, enqueued, errors: plan.errors.length };
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
