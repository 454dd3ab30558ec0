/**
 * engine/feel/cron: our Spring-style cron parser (no cron library is installed) and its
 * next-fire computation.
 */
import { CronParseError, nextCronFire, parseCron } from '../../engine/feel/cron';

const at = (iso: string) => Date.parse(iso);

/** The next `count` fire times after `from` (UTC unless a zone is given). */
function fires(expression: string, from: string, count = 1, zone?: string): string[] {
  const cron = parseCron(expression);
  const result: string[] = [];
  let after = at(from);
  for (let i = 0; i < count; i++) {
    const next = nextCronFire(cron, after, zone);
    if (next === null) break;
    result.push(new Date(next).toISOString());
    after = next;
  }
  return result;
}

describe('parseCron', () => {
  it('should parse numbers, ranges, lists and steps', () => {
    const cron = parseCron('0,30 */15 9-17/4 1,15 1-3 *');
    expect([...cron.seconds]).toEqual([0, 30]);
    expect([...cron.minutes]).toEqual([0, 15, 30, 45]);
    expect([...cron.hours]).toEqual([9, 13, 17]);
    expect([...cron.dayOfMonth.days]).toEqual([1, 15]);
    expect([...cron.months]).toEqual([1, 2, 3]);
    expect(cron.dayOfWeek.any).toBe(true);
  });

  it('should read a/n as a to the end of the range', () => {
    expect([...parseCron('0 5/20 * * * *').minutes]).toEqual([5, 25, 45]);
  });

  it('should parse month and day names in any case', () => {
    const cron = parseCron('0 0 0 * jan-Mar,DEC mon-fri');
    expect([...cron.months]).toEqual([1, 2, 3, 12]);
    expect([...cron.dayOfWeek.days].sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('should read both 0 and 7 as Sunday', () => {
    expect([...parseCron('0 0 0 * * 0').dayOfWeek.days]).toEqual([7]);
    expect([...parseCron('0 0 0 * * 7').dayOfWeek.days]).toEqual([7]);
    expect([...parseCron('0 0 0 * * SUN').dayOfWeek.days]).toEqual([7]);
  });

  it('should expand macros', () => {
    expect(parseCron('@daily')).toMatchObject({ source: '@daily' });
    expect([...parseCron('@hourly').minutes]).toEqual([0]);
    expect([...parseCron('@yearly').months]).toEqual([1]);
  });

  it.each([
    ['0 0 9 * *', /6 fields/],
    ['0 0 9 * * * *', /6 fields/],
    ['60 * * * * *', /out of range 0-59/],
    ['* 60 * * * *', /out of range 0-59/],
    ['* * 24 * * *', /out of range 0-23/],
    ['* * * 0 * *', /out of range 1-31/],
    ['* * * * 13 *', /out of range 1-12/],
    ['* * * * * 8', /out of range 0-7/],
    ['* * * * * MON#6', /invalid ordinal/],
    ['*/0 * * * * *', /invalid step/],
    ['5-1 * * * * *', /out of range/],
    ['a * * * * *', /invalid value 'a'/],
    ['1-2-3 * * * * *', /invalid range/],
    [', * * * * *', /invalid second field/],
    ['* * * 32W * *', /out of range 1-31/],
  ])('should reject %s', (expression, message) => {
    expect(() => parseCron(expression)).toThrow(CronParseError);
    expect(() => parseCron(expression)).toThrow(message);
  });
});

describe('nextCronFire', () => {
  it('should fire strictly after the given instant', () => {
    expect(fires('0 0 9 * * *', '2026-01-10T09:00:00Z', 2)).toEqual([
      '2026-01-11T09:00:00.000Z',
      '2026-01-12T09:00:00.000Z',
    ]);
    expect(fires('0 0 9 * * *', '2026-01-10T08:59:59.500Z')).toEqual(['2026-01-10T09:00:00.000Z']);
  });

  it('should step through seconds, minutes and hours', () => {
    expect(fires('*/20 * * * * *', '2026-01-10T00:00:00Z', 3)).toEqual([
      '2026-01-10T00:00:20.000Z',
      '2026-01-10T00:00:40.000Z',
      '2026-01-10T00:01:00.000Z',
    ]);
    expect(fires('0 0 */6 * * *', '2026-01-10T19:00:00Z', 2)).toEqual([
      '2026-01-11T00:00:00.000Z',
      '2026-01-11T06:00:00.000Z',
    ]);
  });

  it('should skip weekends for MON-FRI', () => {
    // 2026-01-09 is a Friday
    expect(fires('0 0 9 * * MON-FRI', '2026-01-09T10:00:00Z', 2)).toEqual([
      '2026-01-12T09:00:00.000Z',
      '2026-01-13T09:00:00.000Z',
    ]);
  });

  it('should require day-of-month and day-of-week to match together, as Spring does', () => {
    // Friday the 13th: 2026-02-13, then 2026-03-13
    expect(fires('0 0 0 13 * FRI', '2026-01-01T00:00:00Z', 2)).toEqual([
      '2026-02-13T00:00:00.000Z',
      '2026-03-13T00:00:00.000Z',
    ]);
  });

  it('should roll over months and years', () => {
    expect(fires('0 0 0 1 1 *', '2026-06-01T00:00:00Z')).toEqual(['2027-01-01T00:00:00.000Z']);
    expect(fires('0 0 0 31 * *', '2026-01-31T12:00:00Z', 2)).toEqual([
      '2026-03-31T00:00:00.000Z',
      '2026-05-31T00:00:00.000Z',
    ]);
    expect(fires('0 0 0 29 2 *', '2026-01-01T00:00:00Z')).toEqual(['2028-02-29T00:00:00.000Z']);
  });

  it('should support L, L-n and LW in day-of-month', () => {
    expect(fires('0 0 0 L * *', '2026-01-31T12:00:00Z', 2)).toEqual([
      '2026-02-28T00:00:00.000Z',
      '2026-03-31T00:00:00.000Z',
    ]);
    expect(fires('0 0 0 L-2 * *', '2026-02-01T00:00:00Z')).toEqual(['2026-02-26T00:00:00.000Z']);
    // 2026-05-31 is a Sunday → the last weekday is Friday 2026-05-29
    expect(fires('0 0 0 LW * *', '2026-05-01T00:00:00Z')).toEqual(['2026-05-29T00:00:00.000Z']);
  });

  it('should move nW to the nearest weekday within the month', () => {
    // 2026-02-01 is a Sunday → Monday 2nd; 2026-08-15 is a Saturday → Friday 14th
    expect(fires('0 0 0 1W * *', '2026-01-31T00:00:00Z')).toEqual(['2026-02-02T00:00:00.000Z']);
    expect(fires('0 0 0 15W * *', '2026-08-01T00:00:00Z')).toEqual(['2026-08-14T00:00:00.000Z']);
    // 2026-08-01 is a Saturday → the nearest weekday in August is Monday 3rd
    expect(fires('0 0 0 1W * *', '2026-07-31T12:00:00Z')).toEqual(['2026-08-03T00:00:00.000Z']);
  });

  it('should support nL and n#k in day-of-week', () => {
    // the last Friday of January 2026 is the 30th; the second Monday of February is the 9th
    expect(fires('0 0 17 ? * 5L', '2026-01-01T00:00:00Z')).toEqual(['2026-01-30T17:00:00.000Z']);
    expect(fires('0 0 17 ? * FRIL', '2026-01-31T00:00:00Z')).toEqual(['2026-02-27T17:00:00.000Z']);
    expect(fires('0 0 10 ? * MON#2', '2026-02-01T00:00:00Z')).toEqual(['2026-02-09T10:00:00.000Z']);
  });

  it('should follow the wall clock of a DST-free zone', () => {
    expect(fires('0 0 9 * * *', '2026-01-10T00:00:00Z', 2, 'Asia/Shanghai')).toEqual([
      '2026-01-10T01:00:00.000Z',
      '2026-01-11T01:00:00.000Z',
    ]);
  });

  it('should keep the wall-clock time across a DST change', () => {
    // Berlin switches to summer time on 2026-03-29
    expect(fires('0 0 9 * * *', '2026-03-28T00:00:00Z', 3, 'Europe/Berlin')).toEqual([
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
    ]);
  });

  it('should give up on expressions that never fire', () => {
    expect(nextCronFire(parseCron('0 0 0 30 2 *'), at('2026-01-01T00:00:00Z'))).toBeNull();
    expect(nextCronFire(parseCron('0 0 0 31 4 *'), at('2026-01-01T00:00:00Z'))).toBeNull();
  });
});
