import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CalendarRangeError,
  HolidayOverrideError,
  InvalidDateError,
  WorkingDayCalendar,
  chinaDate,
  createCalendar,
  isWithin,
  lastsMoreThanMonths,
  loadHolidayOverrides,
  requiresQuarterlyReports,
} from '../../services/calendar';

describe('working-day calendar (chinese-days + overrides)', () => {
  const calendar = new WorkingDayCalendar();

  it('should cover the years the package carries, 2004–2026, and no year after', () => {
    const years = calendar.coveredYears();
    expect(years[0]).toBe(2004);
    expect(years).toContain(2026);
    expect(years).not.toContain(2027);
  });

  it('should treat statutory holidays as rest days and 调休 weekend days as working days', () => {
    expect(calendar.isWorkingDay('2026-10-01')).toBe(false); // 国庆节
    expect(calendar.isWorkingDay('2026-10-07')).toBe(false);
    expect(calendar.isWorkingDay('2026-10-10')).toBe(true); // Saturday, 调休上班
    expect(calendar.isWorkingDay('2026-09-20')).toBe(true); // Sunday, 调休上班
    expect(calendar.isWorkingDay('2026-10-11')).toBe(false); // ordinary Sunday
    expect(calendar.isWorkingDay('2026-11-25')).toBe(true);
  });

  it('R15: should put the first five working days of October 2026 after the National Day holiday', () => {
    expect(calendar.firstWorkingDays(2026, 10, 5)).toEqual([
      '2026-10-08',
      '2026-10-09',
      '2026-10-10',
      '2026-10-12',
      '2026-10-13',
    ]);
    expect(calendar.quarterReportWindow('2026-11-25')).toEqual({
      quarter: '2026-Q4',
      reportsOn: '2026-Q3',
      days: ['2026-10-08', '2026-10-09', '2026-10-10', '2026-10-12', '2026-10-13'],
      start: '2026-10-08',
      end: '2026-10-13',
    });
  });

  it('R15: should count the 调休 Sunday 4 January 2026 among the first working days of the year', () => {
    expect(calendar.quarterReportWindow('2026-02-10')).toMatchObject({
      quarter: '2026-Q1',
      reportsOn: '2025-Q4',
      days: ['2026-01-04', '2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08'],
    });
  });

  it('should refuse January 2027 while no 2027 notice is loaded, instead of guessing', () => {
    expect(() => calendar.firstWorkingDays(2027, 1, 5)).toThrow(CalendarRangeError);
    expect(() => calendar.quarterReportWindow('2027-01-15')).toThrow(/2027/);
    // counting across the year end needs 2027 too
    expect(() => calendar.addWorkingDays('2026-12-31', 1)).toThrow(CalendarRangeError);
    expect(() => calendar.isWorkingDay('2003-06-02')).toThrow(CalendarRangeError);
  });

  describe('with an override file', () => {
    let dir: string;
    beforeAll(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'holidays-'));
    });
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('should compute January 2027 from an override for the year (test fixture: New Year’s Day only)', () => {
      // A fixture, not the real notice: 1 January is a statutory holiday by law; the rest of the
      // 2027 arrangement is unknown here and deliberately left out.
      fs.writeFileSync(
        path.join(dir, '2027.json'),
        JSON.stringify({ year: 2027, holidays: ['2027-01-01'], workdays: [], source: 'test fixture' }),
      );
      const withOverride = createCalendar({ overrideDir: dir });
      expect(withOverride.coveredYears()).toContain(2027);
      expect(withOverride.firstWorkingDays(2027, 1, 5)).toEqual([
        '2027-01-04',
        '2027-01-05',
        '2027-01-06',
        '2027-01-07',
        '2027-01-08',
      ]);
      expect(withOverride.addWorkingDays('2026-12-31', 1)).toBe('2027-01-04');
      expect(withOverride.sources()[2027]).toBe('test fixture');
    });

    it('should let an override replace a year the package has, and report the years at start-up', () => {
      fs.writeFileSync(
        path.join(dir, '2026.json'),
        JSON.stringify({ year: 2026, holidays: ['2026-11-25'], workdays: ['2026-11-28'], source: 'correction' }),
      );
      const lines: { obj: Record<string, unknown>; msg: string }[] = [];
      const logger = { info: (obj: Record<string, unknown>, msg: string) => lines.push({ obj, msg }) };
      const c = createCalendar({ overrideDir: dir, logger: logger as never });
      expect(c.isWorkingDay('2026-11-25')).toBe(false);
      expect(c.isWorkingDay('2026-11-28')).toBe(true);
      expect(c.isWorkingDay('2026-10-01')).toBe(true); // the package's data for 2026 is replaced
      expect(lines[0]!.msg).toBe('working-day calendar ready');
      expect(lines[0]!.obj.coveredYears).toBe('2004–2027');
    });

    it('should take a year added while running (applyOverrides), reporting only the new years', () => {
      const running = new WorkingDayCalendar();
      expect(() => running.isWorkingDay('2027-01-04')).toThrow(CalendarRangeError);
      const fixture = { year: 2027, holidays: ['2027-01-01'], workdays: [], source: 'test fixture' };
      expect(running.applyOverrides([fixture])).toEqual([2027]);
      expect(running.isWorkingDay('2027-01-01')).toBe(false);
      expect(running.isWorkingDay('2027-01-04')).toBe(true);
      expect(running.applyOverrides([fixture])).toEqual([]); // known already: not "new" again
    });

    it('should reject an override whose make-up working day is not a weekend day', () => {
      const bad = path.join(dir, 'bad.json');
      fs.writeFileSync(
        bad,
        JSON.stringify({ year: 2028, holidays: [], workdays: ['2028-01-03'], source: 'notice 2028' }),
      );
      expect(() => loadHolidayOverrides({ file: bad })).toThrow(HolidayOverrideError);
      fs.writeFileSync(bad, JSON.stringify({ year: 2028, holidays: ['2027-12-31'], workdays: [], source: 'x' }));
      expect(() => loadHolidayOverrides({ file: bad })).toThrow(/source|2028/);
      fs.writeFileSync(bad, '{ not json');
      expect(() => loadHolidayOverrides({ file: bad })).toThrow(HolidayOverrideError);
      fs.rmSync(bad);
    });
  });

  describe('working-day arithmetic', () => {
    it('should skip the National Day holiday when adding working days, both ways', () => {
      expect(calendar.addWorkingDays('2026-09-30', 1)).toBe('2026-10-08');
      expect(calendar.addWorkingDays('2026-10-08', -1)).toBe('2026-09-30');
      expect(calendar.addWorkingDays('2026-09-28', 5)).toBe('2026-10-10');
      expect(calendar.addWorkingDays('2026-02-13', 1)).toBe('2026-02-14'); // 调休 Saturday
      expect(calendar.addWorkingDays('2026-11-25', 0)).toBe('2026-11-25');
      expect(calendar.workingDaysBetween('2026-09-30', '2026-10-13')).toBe(5);
      expect(calendar.workingDaysBetween('2026-10-13', '2026-09-30')).toBe(-5);
    });

    it('should reject a malformed date', () => {
      expect(() => calendar.isWorkingDay('2026-02-30')).toThrow(InvalidDateError);
      expect(() => calendar.isWorkingDay('26-1-1')).toThrow(InvalidDateError);
    });

    it('should give the calendar date in China for an instant', () => {
      expect(chinaDate(Date.parse('2026-09-30T16:30:00Z'))).toBe('2026-10-01');
      expect(chinaDate(Date.parse('2026-09-30T15:59:59Z'))).toBe('2026-09-30');
    });
  });

  describe('periods (Civil Code art. 200–204)', () => {
    it('R22.2: a 1-month period from 31 January ends on the last day of February — a 调休 Saturday in 2026', () => {
      // Feb 2026 has no 31st → month's last day (art. 202); 28 Feb 2026 is a make-up working day
      expect(calendar.periodEnd('2026-01-31', { months: 1 })).toBe('2026-02-28');
      // in 2025 the 28th is a Friday
      expect(calendar.periodEnd('2025-01-31', { months: 1 })).toBe('2025-02-28');
    });

    it('should move a period ending on a statutory holiday to the first working day after it (art. 203)', () => {
      expect(calendar.periodEnd('2026-09-01', { months: 1 })).toBe('2026-10-08'); // R22.2
      expect(calendar.periodEnd('2026-04-04', { months: 6 })).toBe('2026-10-08'); // R23
      expect(calendar.periodEnd('2026-09-15', { days: 10 })).toBe('2026-09-28'); // 中秋 25–27 Sep, R26
      expect(calendar.periodEnd('2026-06-05', { days: 2 })).toBe('2026-06-08'); // ordinary Sunday
    });

    it('should not count the starting day (art. 201)', () => {
      expect(calendar.periodEnd('2026-11-02', { days: 1 })).toBe('2026-11-03');
      expect(calendar.periodEnd('2026-03-16', { months: 6 })).toBe('2026-09-16');
    });

    it('R6: applications "before October" are due 30 September', () => {
      expect(calendar.deadlineOn('2026-09-30')).toBe('2026-09-30');
      expect(calendar.deadlineOn('2026-10-01')).toBe('2026-10-08');
    });

    it('should include the last day in "以内/届满" and exclude the number in "超过" (art. 1259)', () => {
      const lastDay = calendar.periodEnd('2026-01-31', { months: 1 });
      expect(isWithin('2026-02-28', lastDay)).toBe(true);
      expect(isWithin('2026-03-01', lastDay)).toBe(false);
      expect(lastsMoreThanMonths('2026-01-01', '2026-07-01', 6)).toBe(false); // exactly six months
      expect(lastsMoreThanMonths('2026-01-01', '2026-07-02', 6)).toBe(true);
      expect(requiresQuarterlyReports('2026-01-01', '2026-07-01')).toBe(false);
      expect(requiresQuarterlyReports('2026-01-01', '2026-07-02')).toBe(true);
      expect(requiresQuarterlyReports('2026-12-01', '2027-01-31')).toBe(true); // spans years (R15)
    });

    it('should reject a non-positive period', () => {
      expect(() => calendar.periodEnd('2026-01-01', { months: 0 })).toThrow(RangeError);
      expect(() => calendar.periodEnd('2026-01-01', { days: -3 })).toThrow(RangeError);
    });
  });
});
