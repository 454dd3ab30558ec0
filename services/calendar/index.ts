/**
 * services/calendar — the Chinese working-day calendar and statutory period arithmetic.
 * `createCalendar` reads the override files and reports the covered years at start-up.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger';
import { loadHolidayOverrides, WorkingDayCalendar } from './working-days';

export * from './dates';
export * from './working-days';

/**
 * Where the override files live: config/holidays/*.json (one file per year) — beside the sources
 * under tsx, or in the working directory for the compiled build (dist/ has no JSON copies).
 */
export const DEFAULT_HOLIDAY_DIR =
  [path.resolve(__dirname, '../../config/holidays'), path.resolve('config/holidays')].find((d) => fs.existsSync(d)) ??
  path.resolve('config/holidays');

/**
 * Re-reads the override files into a running calendar (the reminder runner calls it before each
 * pass, so a 2027.json dropped into config/holidays/ is used from the next pass on). An invalid
 * file is logged and ignored: the calendar keeps the data it had.
 */
export function refreshCalendar(
  calendar: WorkingDayCalendar,
  opts: { overrideDir?: string; overrideFile?: string; logger?: Logger } = {},
): number[] {
  let overrides;
  try {
    overrides = loadHolidayOverrides({ dir: opts.overrideDir ?? DEFAULT_HOLIDAY_DIR, file: opts.overrideFile });
  } catch (err) {
    opts.logger?.error({ err }, 'holiday override file invalid: the working-day calendar keeps its data');
    return [];
  }
  const added = calendar.applyOverrides(overrides);
  if (added.length) {
    const years = calendar.coveredYears();
    opts.logger?.info(
      { addedYears: added, coveredYears: `${years[0]}–${years[years.length - 1]}` },
      'working-day calendar updated from config/holidays',
    );
  }
  return added;
}

export function createCalendar(
  opts: { overrideDir?: string; overrideFile?: string; logger?: Logger } = {},
): WorkingDayCalendar {
  const overrides = loadHolidayOverrides({ dir: opts.overrideDir ?? DEFAULT_HOLIDAY_DIR, file: opts.overrideFile });
  const calendar = new WorkingDayCalendar(overrides);
  const years = calendar.coveredYears();
  opts.logger?.info(
    {
      coveredYears: `${years[0]}–${years[years.length - 1]}`,
      overrides: overrides.map((o) => ({ year: o.year, source: o.source })),
    },
    'working-day calendar ready',
  );
  return calendar;
}
