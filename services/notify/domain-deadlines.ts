/**
 * The open obligations the reminder runner watches, read from the domain's tables.
 *
 * Covered now: R26 rectification orders (rectification_order: open until the department
 * responds). R15 / R22.2 / R22.3 / R23 obligations become rows here as soon as their tables are
 * committed (progress_report, acceptance, delay_request, self_evaluation): each is one more
 * query producing `Deadline`s — the planner and runner need no change.
 */
import type { DataSource } from 'typeorm';
import type { IsoDate, WorkingDayCalendar } from '../calendar';
import type { RecipientDirectory } from './recipients';
import type { Deadline } from './reminders';

interface RectificationRow {
  id: number;
  deadline: string;
  project_id: number;
  project_name: string;
  org_code: string;
  org_name: string;
}

export function domainDeadlines(
  ds: DataSource,
  directory: RecipientDirectory,
  calendar: WorkingDayCalendar,
): (today: IsoDate) => Promise<Deadline[]> {
  return async () => {
    const rows = (await ds.query(
      `SELECT r.id, r.deadline, p.id AS project_id, p.name AS project_name, o.code AS org_code, o.name AS org_name
         FROM rectification_order r JOIN project p ON p.id = r.project_id JOIN organisation o ON o.id = p.org_id
        WHERE r.status = 'open' ORDER BY r.id`,
    )) as RectificationRow[];
    const contacts = new Map<string, Awaited<ReturnType<RecipientDirectory['departmentContacts']>>>();
    const out: Deadline[] = [];
    for (const r of rows) {
      if (!contacts.has(r.org_code)) contacts.set(r.org_code, await directory.departmentContacts(r.org_code));
      let due = r.deadline;
      try {
        due = calendar.deadlineOn(r.deadline); // art. 203: a deadline on a rest day moves to the next working day
      } catch {
        // outside the calendar's years: the planner reports it (CalendarRangeError) instead of guessing
      }
      out.push({
        rule: 'R26',
        obligationId: `R26:${r.id}`,
        projectId: String(r.project_id),
        projectName: r.project_name,
        departmentName: r.org_name,
        dueDate: due,
        done: false,
        responsible: contacts.get(r.org_code) ?? [],
      });
    }
    return out;
  };
}
