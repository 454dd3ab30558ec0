/**
 * The open obligations the reminder runner watches, read from the domain's tables:
 * - R6 each draft (not yet submitted) application for a future plan year: its department applies
 *   by 30 September of the year before (`project.stage = 'draft'`);
 * - R7 each expert assigned to an open review round who has not scored yet, until the end of the
 *   October–December review window of the plan year (review_round / review_assignment /
 *   expert_score); with an engine, also the reviewing bodies' open review tasks (see
 *   `openReviewTasksFromEngine`), to the members of the task's candidate group;
 * - R15 the quarterly progress report (附件2) of each project that requires them, for the report
 *   window in progress and the next one, until the report for that quarter is filed;
 * - R22.2 applying for final acceptance within 1 month of a passed preliminary acceptance;
 * - R22.3 each contract's acceptance date (contract.acceptance_due), moved by the latest approved
 *   delay request, until an acceptance has passed;
 * - R23 the self-evaluation within 6 months of a passed final acceptance;
 * - R26 rectification orders while open (rectification_order).
 *
 * A last day in a year the working-day calendar does not cover is passed on with its nominal
 * (unmoved) date; the planner then reports it as a `CalendarRangeError` for that obligation, and
 * the runner lists it as waiting for the year's holiday file — it is planned once the file is
 * there, never computed from a guess.
 */
import type { DataSource } from 'typeorm';
import { CalendarRangeError, chinaDate, periodEndCalendar, type IsoDate, type WorkingDayCalendar } from '../calendar';
import { nextQuarterStart, projectRequiresProgressReports, quarterOf, quartersOf } from '../domain/lifecycle';
import type { EngineClient } from '../engine-client';
import type { Logger } from '../logger';
import { recipientFromUser, type Recipient, type RecipientDirectory } from './recipients';
import { applicationDeadline, contractedAcceptanceDeadline, reviewWindowEnd, type Deadline } from './reminders';

/** Stages between the start of construction and acceptance: quarterly reports are owed (R15). */
const CONSTRUCTION_STAGES = [
  'started',
  'units-designated',
  'procurement',
  'implementation',
  'security-inspection',
  'crypto-review',
  'final-acceptance',
];

interface ProjectRow {
  id: number;
  name: string;
  start_month: string;
  end_month: string;
  org_code: string;
  org_name: string;
}

const PROJECT_SELECT = `SELECT p.id, p.name, p.start_month, p.end_month, p.plan_year, p.process_instance_key,
       o.code AS org_code, o.name AS org_name
  FROM project p JOIN organisation o ON o.id = p.org_id`;

/** A user task of a review step that is still open in the engine (R7). */
export interface OpenReviewTask {
  processInstanceKey: string;
  /** BPMN element id, e.g. Task_ReviewFinance */
  elementId: string;
  assignee?: string | null;
  candidateGroups?: string[] | null;
  /** when the task was created (ISO) */
  createdAt?: string | null;
}

/** The review steps of the models (R7): the bodies' joint-review tasks and the expert scoring. */
export const REVIEW_TASK_IDS = [
  'Task_ReviewDataBureau',
  'Task_ReviewFinance',
  'Task_ReviewDrc',
  'Task_ReviewCrypto',
  'Task_ReviewCyberspace',
  'Task_ExpertScoring',
];

export interface DomainDeadlineOptions {
  logger?: Logger;
  /** open review tasks from the engine (R7 reviewing bodies); without it only experts of open rounds */
  openReviewTasks?: () => Promise<OpenReviewTask[]>;
}

/** Open review tasks through the engine's user-task search (embedded engine and Zeebe alike). */
export function openReviewTasksFromEngine(engine: EngineClient): () => Promise<OpenReviewTask[]> {
  return async () => {
    const out: OpenReviewTask[] = [];
    for (let from = 0; ; from += 100) {
      const res = (await engine.searchUserTasks(
        { filter: { state: 'CREATED' }, page: { from, limit: 100 } } as never,
        { consistency: { waitUpToMs: 0 } } as never,
      )) as { items?: Record<string, unknown>[] };
      const items = res.items ?? [];
      for (const t of items) {
        const elementId = String(t.elementId ?? '');
        if (!REVIEW_TASK_IDS.includes(elementId)) continue;
        out.push({
          processInstanceKey: String(t.processInstanceKey),
          elementId,
          assignee: (t.assignee as string | undefined) ?? null,
          candidateGroups: (t.candidateGroups as string[] | undefined) ?? null,
          createdAt: (t.creationDate as string | undefined) ?? null,
        });
      }
      if (items.length < 100) return out;
    }
  };
}

/** Statuses after which a project owes nothing any more. */
const ENDED = ['closed', 'terminated', 'rejected', 'not-governed'];

export function domainDeadlines(
  ds: DataSource,
  directory: RecipientDirectory,
  calendar: WorkingDayCalendar,
  options: DomainDeadlineOptions | Logger = {},
): (today: IsoDate) => Promise<Deadline[]> {
  const opts: DomainDeadlineOptions = 'info' in options ? { logger: options as Logger } : options;
  return async (today) => {
    const contacts = new Map<string, Recipient[]>();
    const responsible = async (code: string) => {
      if (!contacts.has(code)) contacts.set(code, await directory.departmentContacts(code));
      return contacts.get(code)!;
    };
    const out: Deadline[] = [];
    const add = async (p: ProjectRow, d: Pick<Deadline, 'rule' | 'obligationId' | 'dueDate'>, people?: Recipient[]) =>
      out.push({
        ...d,
        projectId: String(p.id),
        projectName: p.name,
        departmentName: p.org_name,
        done: false,
        responsible: people ?? (await responsible(p.org_code)),
      });
    /** the moved last day, or the nominal one when its year is not covered (the planner reports it) */
    const lastDay = (nominal: IsoDate, moved: () => IsoDate): IsoDate => {
      try {
        return moved();
      } catch (err) {
        if (err instanceof CalendarRangeError) return nominal;
        throw err;
      }
    };
    let uncovered = 0;
    const onCalendar = <T>(f: () => T): T | null => {
      try {
        return f();
      } catch (err) {
        if (!(err instanceof CalendarRangeError)) throw err;
        uncovered++;
        return null;
      }
    };
    const thisYear = Number(today.slice(0, 4));

    // R6: drafts for a plan year whose application deadline is this year or later
    const drafts = (await ds.query(`${PROJECT_SELECT} WHERE p.stage = 'draft' AND p.plan_year > ? ORDER BY p.id`, [
      thisYear,
    ])) as (ProjectRow & { plan_year: number | string })[];
    for (const p of drafts) {
      const year = Number(p.plan_year) - 1;
      const due = lastDay(`${year}-09-30`, () => applicationDeadline(calendar, year));
      await add(p, { rule: 'R6', obligationId: `R6:${p.id}:${p.plan_year}`, dueDate: due });
    }

    // R7: experts of open review rounds who have not scored, until the review window ends
    const pending = (await ds.query(
      `SELECT r.id AS round_id, r.opened_at, p.id, p.name, p.start_month, p.end_month, p.plan_year,
              o.code AS org_code, o.name AS org_name, u.id AS user_id, u.display_name, u.email, u.disabled
         FROM review_round r
         JOIN project p ON p.id = r.project_id JOIN organisation o ON o.id = p.org_id
         JOIN review_assignment a ON a.round_id = r.id JOIN app_user u ON u.id = a.expert_id
        WHERE r.status = 'open'
          AND NOT EXISTS (SELECT 1 FROM expert_score s WHERE s.round_id = r.id AND s.expert_id = a.expert_id)
        ORDER BY r.id, u.id`,
    )) as (ProjectRow & {
      round_id: number;
      opened_at: string;
      plan_year: number | string;
      user_id: number;
      display_name: string;
      email: string | null;
      disabled: number | boolean | string;
    })[];
    /** project:user of experts already reminded through a round, not again through their task */
    const remindedExperts = new Set<string>();
    const rounds = new Map<number, { row: (typeof pending)[number]; experts: Recipient[] }>();
    for (const r of pending) {
      const entry = rounds.get(r.round_id) ?? { row: r, experts: [] };
      rounds.set(r.round_id, entry);
      const active = !(r.disabled === true || r.disabled === 1 || r.disabled === '1');
      const person = active ? recipientFromUser({ id: r.user_id, name: r.display_name, email: r.email }) : null;
      if (person) entry.experts.push(person);
    }
    for (const { row, experts } of rounds.values()) {
      const year = Number(row.plan_year) - 1;
      // an ad-hoc round (R8.2) opened after the window is timed by its own task due date, not R7
      if (row.opened_at.slice(0, 10) > `${year}-12-31` || experts.length === 0) continue;
      const due = lastDay(`${year}-12-31`, () => reviewWindowEnd(calendar, year));
      await add(row, { rule: 'R7', obligationId: `R7:round-${row.round_id}`, dueDate: due }, experts);
      for (const e of experts) remindedExperts.add(`${row.id}:${e.userId}`);
    }
    if (opts.openReviewTasks) await addReviewTasks(opts.openReviewTasks);

    async function addReviewTasks(source: () => Promise<OpenReviewTask[]>) {
      let tasks: OpenReviewTask[];
      try {
        tasks = await source();
      } catch (err) {
        // the engine being unreachable must not stop the other reminders
        opts.logger?.warn({ err }, 'R7: open review tasks not read from the engine');
        return;
      }
      const byInstance = new Map<string, OpenReviewTask[]>();
      for (const t of tasks) byInstance.set(t.processInstanceKey, [...(byInstance.get(t.processInstanceKey) ?? []), t]);
      if (byInstance.size === 0) return;
      const keys = [...byInstance.keys()];
      const projects = (await ds.query(
        `${PROJECT_SELECT} WHERE p.process_instance_key IN (${keys.map(() => '?').join(', ')}) ORDER BY p.id`,
        keys,
      )) as (ProjectRow & { plan_year: number | string; process_instance_key: string })[];
      for (const p of projects) {
        const year = Number(p.plan_year) - 1;
        const due = lastDay(`${year}-12-31`, () => reviewWindowEnd(calendar, year));
        for (const t of byInstance.get(p.process_instance_key) ?? []) {
          // a task created after the window is an ad-hoc review (R8.2), timed by its own due date
          if (t.createdAt && chinaDate(new Date(t.createdAt)) > `${year}-12-31`) continue;
          const people = (
            t.assignee
              ? await directory.users([t.assignee])
              : (await Promise.all((t.candidateGroups ?? []).map((g) => directory.candidateGroup(g)))).flat()
          ).filter((r) => !remindedExperts.has(`${p.id}:${r.userId}`));
          if (people.length === 0) continue;
          await add(
            p,
            { rule: 'R7', obligationId: `R7:${p.process_instance_key}:${t.elementId}`, dueDate: due },
            people,
          );
        }
      }
    }

    // R22.3: the contracted acceptance date, or the latest approved delay's date
    const contracts = (await ds.query(
      `SELECT c.id AS contract_id, c.acceptance_due, p.id, p.name, p.start_month, p.end_month, o.code AS org_code, o.name AS org_name,
              (SELECT MAX(d.requested_date) FROM delay_request d WHERE d.project_id = p.id AND d.status = 'approved') AS delayed_to,
              (SELECT COUNT(*) FROM acceptance a WHERE a.project_id = p.id AND a.result = 'passed') AS accepted
         FROM contract c JOIN project p ON p.id = c.project_id JOIN organisation o ON o.id = p.org_id
        WHERE p.stage NOT IN (${[...ENDED, 'suspended'].map(() => '?').join(', ')}) ORDER BY c.id`,
      [...ENDED, 'suspended'],
    )) as (ProjectRow & {
      contract_id: number;
      acceptance_due: string;
      delayed_to: string | null;
      accepted: number | string;
    })[];
    for (const c of contracts) {
      if (Number(c.accepted) > 0) continue;
      const date = c.delayed_to && c.delayed_to > c.acceptance_due ? c.delayed_to : c.acceptance_due;
      const due = lastDay(date, () => contractedAcceptanceDeadline(calendar, date));
      await add(c, { rule: 'R22.3', obligationId: `R22.3:${c.contract_id}`, dueDate: due });
    }

    // R26
    const orders = (await ds.query(
      `SELECT r.id AS order_id, r.deadline, p.id, p.name, p.start_month, p.end_month, o.code AS org_code, o.name AS org_name
         FROM rectification_order r JOIN project p ON p.id = r.project_id JOIN organisation o ON o.id = p.org_id
        WHERE r.status = 'open' ORDER BY r.id`,
    )) as (ProjectRow & { order_id: number; deadline: string })[];
    for (const r of orders) {
      // art. 203: a deadline on a rest day moves to the next working day
      const due = lastDay(r.deadline, () => calendar.deadlineOn(r.deadline));
      await add(r, { rule: 'R26', obligationId: `R26:${r.order_id}`, dueDate: due });
    }

    // R15: the window in progress (or just past) and the next one
    const building = (await ds.query(
      `${PROJECT_SELECT} WHERE p.stage IN (${CONSTRUCTION_STAGES.map(() => '?').join(', ')}) ORDER BY p.id`,
      CONSTRUCTION_STAGES,
    )) as ProjectRow[];
    let windows: ReturnType<WorkingDayCalendar['quarterReportWindow']>[] | undefined;
    for (const p of building) {
      if (!projectRequiresProgressReports({ startMonth: p.start_month, endMonth: p.end_month })) continue;
      // computed once, and only when a project owes reports (a missing year is then worth an error)
      windows ??= [today, nextQuarterStart(quarterOf(today))]
        .map((d) => onCalendar(() => calendar.quarterReportWindow(d)))
        .filter((w): w is NonNullable<typeof w> => w !== null);
      const quarters = new Set(quartersOf(p.start_month, p.end_month));
      const filed = new Set(
        (
          (await ds.query('SELECT quarter FROM progress_report WHERE project_id = ?', [p.id])) as { quarter: string }[]
        ).map((r) => r.quarter),
      );
      for (const w of windows) {
        if (!quarters.has(w.reportsOn) || filed.has(w.reportsOn)) continue;
        await add(p, { rule: 'R15', obligationId: `R15:${p.id}:${w.reportsOn}`, dueDate: w.end });
      }
    }

    // R22.2 and R23 from the acceptance records
    const accepted = (await ds.query(
      `SELECT a.stage, a.accepted_on, p.id, p.name, p.start_month, p.end_month, o.code AS org_code, o.name AS org_name,
              (SELECT COUNT(*) FROM acceptance f WHERE f.project_id = p.id AND f.stage = 'final') AS finals,
              (SELECT COUNT(*) FROM self_evaluation s WHERE s.project_id = p.id) AS evaluations
         FROM acceptance a JOIN project p ON p.id = a.project_id JOIN organisation o ON o.id = p.org_id
        WHERE a.result = 'passed' AND a.accepted_on IS NOT NULL ORDER BY p.id`,
    )) as (ProjectRow & {
      stage: string;
      accepted_on: string;
      finals: number | string;
      evaluations: number | string;
    })[];
    for (const a of accepted) {
      if (a.stage === 'preliminary' && Number(a.finals) === 0) {
        const due = lastDay(periodEndCalendar(a.accepted_on, { months: 1 }), () =>
          calendar.periodEnd(a.accepted_on, { months: 1 }),
        );
        await add(a, { rule: 'R22.2', obligationId: `R22.2:${a.id}`, dueDate: due });
      }
      if (a.stage === 'final' && Number(a.evaluations) === 0) {
        const due = lastDay(periodEndCalendar(a.accepted_on, { months: 6 }), () =>
          calendar.periodEnd(a.accepted_on, { months: 6 }),
        );
        await add(a, { rule: 'R23', obligationId: `R23:${a.id}`, dueDate: due });
      }
    }
    if (uncovered > 0) {
      // R15's windows need the year's working days to exist at all (no nominal date)
      opts.logger?.warn(
        { obligations: uncovered, lastCoveredYear: calendar.coveredYears().at(-1) },
        'R15 report windows in a year the working-day calendar does not cover wait for config/holidays/<year>.json',
      );
    }
    return out;
  };
}
