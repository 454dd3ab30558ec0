/**
 * The open obligations the reminder runner watches, read from the domain's tables:
 * - R26 rectification orders while open (rectification_order);
 * - R15 the quarterly progress report (附件2) of each project that requires them, for the report
 *   window in progress and the next one, until the report for that quarter is filed;
 * - R22.2 applying for final acceptance within 1 month of a passed preliminary acceptance;
 * - R23 the self-evaluation within 6 months of a passed final acceptance.
 * R6/R7 are calendar-wide (not per project) and R22.3's contracted date is not stored yet; each
 * is one more query producing `Deadline`s when it is — the planner and runner need no change.
 */
import type { DataSource } from 'typeorm';
import { CalendarRangeError, type IsoDate, type WorkingDayCalendar } from '../calendar';
import { nextQuarterStart, projectRequiresProgressReports, quarterOf, quartersOf } from '../domain/lifecycle';
import type { Logger } from '../logger';
import type { Recipient, RecipientDirectory } from './recipients';
import type { Deadline } from './reminders';

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

const PROJECT_SELECT = `SELECT p.id, p.name, p.start_month, p.end_month, o.code AS org_code, o.name AS org_name
  FROM project p JOIN organisation o ON o.id = p.org_id`;

export function domainDeadlines(
  ds: DataSource,
  directory: RecipientDirectory,
  calendar: WorkingDayCalendar,
  logger?: Logger,
): (today: IsoDate) => Promise<Deadline[]> {
  return async (today) => {
    const contacts = new Map<string, Recipient[]>();
    const responsible = async (code: string) => {
      if (!contacts.has(code)) contacts.set(code, await directory.departmentContacts(code));
      return contacts.get(code)!;
    };
    const out: Deadline[] = [];
    const add = async (p: ProjectRow, d: Pick<Deadline, 'rule' | 'obligationId' | 'dueDate'>) =>
      out.push({
        ...d,
        projectId: String(p.id),
        projectName: p.name,
        departmentName: p.org_name,
        done: false,
        responsible: await responsible(p.org_code),
      });
    let uncovered = 0;
    /** a date in a year the calendar lacks is skipped, not guessed (and logged once per run) */
    const onCalendar = <T>(f: () => T): T | null => {
      try {
        return f();
      } catch (err) {
        if (!(err instanceof CalendarRangeError)) throw err;
        uncovered++;
        return null;
      }
    };

    // R26
    const orders = (await ds.query(
      `SELECT r.id AS order_id, r.deadline, p.id, p.name, p.start_month, p.end_month, o.code AS org_code, o.name AS org_name
         FROM rectification_order r JOIN project p ON p.id = r.project_id JOIN organisation o ON o.id = p.org_id
        WHERE r.status = 'open' ORDER BY r.id`,
    )) as (ProjectRow & { order_id: number; deadline: string })[];
    for (const r of orders) {
      // art. 203: a deadline on a rest day moves to the next working day
      const due = onCalendar(() => calendar.deadlineOn(r.deadline));
      if (due) await add(r, { rule: 'R26', obligationId: `R26:${r.order_id}`, dueDate: due });
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
        const due = onCalendar(() => calendar.periodEnd(a.accepted_on, { months: 1 }));
        if (due) await add(a, { rule: 'R22.2', obligationId: `R22.2:${a.id}`, dueDate: due });
      }
      if (a.stage === 'final' && Number(a.evaluations) === 0) {
        const due = onCalendar(() => calendar.periodEnd(a.accepted_on, { months: 6 }));
        if (due) await add(a, { rule: 'R23', obligationId: `R23:${a.id}`, dueDate: due });
      }
    }
    if (uncovered > 0) {
      logger?.error(
        { obligations: uncovered, lastCoveredYear: calendar.coveredYears().at(-1) },
        'deadlines in a year the working-day calendar does not cover were skipped: add config/holidays/<year>.json',
      );
    }
    return out;
  };
}
