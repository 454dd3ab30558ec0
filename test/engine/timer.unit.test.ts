/**
 * engine/feel/timer: timeDate, timeDuration and timeCycle as Zeebe schedules them.
 */
import { FeelError, scheduleTimer, type TimerDefinition, type TimerSchedule } from '../../engine/feel';
import { parseIsoDuration } from '../../engine/feel/timer';

const at = (iso: string) => Date.parse(iso);
const iso = (epochMs: number | null | undefined) => (epochMs == null ? epochMs : new Date(epochMs).toISOString());

const schedule = (
  kind: TimerDefinition['kind'],
  value: string,
  now: string,
  context: Record<string, unknown> = {},
  timeZone?: string,
): TimerSchedule => scheduleTimer({ kind, value }, context, at(now), timeZone ? { timeZone } : undefined);

function failureOf(run: () => unknown): FeelError {
  try {
    run();
  } catch (error) {
    if (error instanceof FeelError) return error;
    throw error;
  }
  throw new Error('expected a FeelError');
}

/** The first `count` due times of a cycle, following next() as the runtime would. */
function dueTimes(timer: TimerSchedule, count: number): Array<string | null | undefined> {
  const times: Array<number | null> = [timer.dueAt];
  while (times.length < count) {
    const previous = times[times.length - 1];
    times.push(previous == null || !timer.next ? null : timer.next(previous));
  }
  return times.map(iso);
}

describe('timeDate', () => {
  const now = '2026-01-10T00:00:00Z';

  it.each<[string, string]>([
    ['2026-03-01T08:00:00Z', '2026-03-01T08:00:00.000Z'],
    ['2026-03-01T08:00:00+08:00', '2026-03-01T00:00:00.000Z'],
    ['2026-03-01T08:00:00.250+08:00', '2026-03-01T00:00:00.250Z'],
    ['2026-03-01T08:00:00+08:00[Asia/Shanghai]', '2026-03-01T00:00:00.000Z'],
    ['2026-03-01T08:00:00@Asia/Shanghai', '2026-03-01T00:00:00.000Z'],
    ['2026-07-01T08:00:00@Europe/Berlin', '2026-07-01T06:00:00.000Z'],
    ['2026-03-01T08:00:00', '2026-03-01T08:00:00.000Z'],
    [' 2026-03-01T08:00:00Z ', '2026-03-01T08:00:00.000Z'],
  ])('should schedule the static date-time %s', (value, expected) => {
    const timer = schedule('date', value, now);
    expect(iso(timer.dueAt)).toBe(expected);
    expect(timer.repetitions).toBe(1);
    expect(timer.next).toBeUndefined();
  });

  it('should read a zone-less date-time in the given zone', () => {
    expect(iso(schedule('date', '2026-03-01T08:00:00', now, {}, 'Asia/Shanghai').dueAt)).toBe(
      '2026-03-01T00:00:00.000Z',
    );
  });

  it('should evaluate expressions yielding a FEEL date-time', () => {
    const timer = schedule('date', '=date and time(deadline) - duration("P1D")', now, {
      deadline: '2026-03-01T08:00:00+08:00',
    });
    expect(iso(timer.dueAt)).toBe('2026-02-28T00:00:00.000Z');
  });

  it('should evaluate expressions yielding a string', () => {
    const timer = schedule('date', '=deadline', now, { deadline: '2026-03-01T08:00:00Z' });
    expect(iso(timer.dueAt)).toBe('2026-03-01T08:00:00.000Z');
  });

  it('should evaluate now() at the given clock', () => {
    expect(iso(schedule('date', '=now() + duration("PT5M")', now).dueAt)).toBe('2026-01-10T00:05:00.000Z');
  });

  it('should reject a wrongly typed result as Zeebe does', () => {
    expect(failureOf(() => schedule('date', '=date("2026-03-01")', now)).message).toBe(
      "Expected result of the expression 'date(\"2026-03-01\")' to be one of '[DATE_TIME, STRING]', but was 'DATE'.",
    );
  });

  it('should report a missing variable with the warning', () => {
    const error = failureOf(() => schedule('date', '=deadline', now));
    expect(error.expression).toBe('deadline');
    expect(error.message).toBe(
      "Expected result of the expression 'deadline' to be one of '[DATE_TIME, STRING]', but was 'NULL'. " +
        "The evaluation reported the following warnings:\n[NO_VARIABLE_FOUND] No variable found with name 'deadline'",
    );
  });

  it.each(['2026-03-01', 'tomorrow', '2026-02-30T08:00:00Z', '2026-03-01T08:00:00@No/Such_Zone', ''])(
    'should reject the invalid date-time %j',
    (value) => {
      expect(() => schedule('date', value, now)).toThrow(FeelError);
    },
  );

  it("should name the invalid value in Zeebe's words", () => {
    expect(failureOf(() => schedule('date', '=x', now, { x: 'soon' })).message).toBe(
      "Invalid date-time format 'soon' for expression 'x'.",
    );
  });
});

describe('timeDuration', () => {
  it.each<[string, string, string]>([
    ['PT10S', '2026-01-10T00:00:00Z', '2026-01-10T00:00:10.000Z'],
    ['PT0.5S', '2026-01-10T00:00:00Z', '2026-01-10T00:00:00.500Z'],
    ['PT1H30M', '2026-01-10T00:00:00Z', '2026-01-10T01:30:00.000Z'],
    ['P1D', '2026-01-10T12:00:00Z', '2026-01-11T12:00:00.000Z'],
    ['P2W', '2026-01-10T00:00:00Z', '2026-01-24T00:00:00.000Z'],
    ['P1M', '2026-01-31T10:00:00Z', '2026-02-28T10:00:00.000Z'],
    ['P1M', '2024-01-31T10:00:00Z', '2024-02-29T10:00:00.000Z'],
    ['P1Y', '2024-02-29T00:00:00Z', '2025-02-28T00:00:00.000Z'],
    ['P1Y2M3DT4H', '2026-01-31T00:00:00Z', '2027-04-03T04:00:00.000Z'],
    ['P3M', '2026-11-30T00:00:00Z', '2027-02-28T00:00:00.000Z'],
    ['-PT5M', '2026-01-10T00:00:00Z', '2026-01-09T23:55:00.000Z'],
  ])('should add %s to %s calendar-aware', (value, now, expected) => {
    const timer = schedule('duration', value, now);
    expect(iso(timer.dueAt)).toBe(expected);
    expect(timer.repetitions).toBe(1);
  });

  it('should do month arithmetic on the wall clock of a DST-free zone', () => {
    // 2026-01-31 01:00 in Shanghai; one month later is 2026-02-28 01:00 there (not Feb 28 in UTC)
    expect(iso(schedule('duration', 'P1M', '2026-01-30T17:00:00Z', {}, 'Asia/Shanghai').dueAt)).toBe(
      '2026-02-27T17:00:00.000Z',
    );
    expect(iso(schedule('duration', 'P1M', '2026-01-30T17:00:00Z').dueAt)).toBe('2026-02-28T17:00:00.000Z');
  });

  it('should evaluate expressions yielding FEEL durations', () => {
    expect(iso(schedule('duration', '=duration("P1M")', '2026-01-31T00:00:00Z').dueAt)).toBe(
      '2026-02-28T00:00:00.000Z',
    );
    expect(iso(schedule('duration', '=duration("PT36H")', '2026-01-01T00:00:00Z').dueAt)).toBe(
      '2026-01-02T12:00:00.000Z',
    );
  });

  it('should evaluate expressions yielding strings', () => {
    const timer = schedule('duration', '=reviewPeriod', '2026-01-01T00:00:00Z', { reviewPeriod: 'P5D' });
    expect(iso(timer.dueAt)).toBe('2026-01-06T00:00:00.000Z');
  });

  it('should reject wrongly typed results as Zeebe does', () => {
    expect(failureOf(() => schedule('duration', '=days', '2026-01-01T00:00:00Z', { days: 5 })).message).toBe(
      "Expected result of the expression 'days' to be one of '[DURATION, PERIOD, STRING]', but was 'NUMBER'.",
    );
  });

  it.each(['P', 'PT', 'P1DT', '1D', 'P1X', 'PT1.5M', '', 'P1H'])('should reject the invalid duration %j', (value) => {
    const error = failureOf(() => schedule('duration', value, '2026-01-01T00:00:00Z'));
    expect(error.message).toBe(`Invalid duration format '${value.trim()}' for expression '${value.trim()}'.`);
  });

  it('should parse ISO 8601 durations into calendar and exact parts', () => {
    expect(parseIsoDuration('P1Y2M3W4DT5H6M7.25S')).toEqual({
      sign: 1,
      years: 1,
      months: 2,
      weeks: 3,
      days: 4,
      hours: 5,
      minutes: 6,
      seconds: 7,
      milliseconds: 250,
    });
    expect(parseIsoDuration('-pt1m')).toMatchObject({ sign: -1, minutes: 1 });
  });
});

describe('timeCycle with ISO 8601 repeating intervals', () => {
  it('should repeat a fixed interval from now', () => {
    const timer = schedule('cycle', 'R5/PT10S', '2026-01-10T00:00:00Z');
    expect(timer.repetitions).toBe(5);
    expect(dueTimes(timer, 3)).toEqual([
      '2026-01-10T00:00:10.000Z',
      '2026-01-10T00:00:20.000Z',
      '2026-01-10T00:00:30.000Z',
    ]);
  });

  it('should repeat forever without a count', () => {
    const timer = schedule('cycle', 'R/PT1H', '2026-01-10T00:00:00Z');
    expect(timer.repetitions).toBe('infinite');
    expect(dueTimes(timer, 2)).toEqual(['2026-01-10T01:00:00.000Z', '2026-01-10T02:00:00.000Z']);
  });

  it('should repeat monthly calendar-aware', () => {
    const timer = schedule('cycle', 'R3/P1M', '2026-01-31T00:00:00Z');
    expect(dueTimes(timer, 3)).toEqual([
      '2026-02-28T00:00:00.000Z',
      '2026-03-28T00:00:00.000Z',
      '2026-04-28T00:00:00.000Z',
    ]);
  });

  it('should start at a start date-time in the future', () => {
    const timer = schedule('cycle', 'R3/2026-02-01T08:00:00Z/P1D', '2026-01-10T00:00:00Z');
    expect(timer.repetitions).toBe(3);
    expect(dueTimes(timer, 3)).toEqual([
      '2026-02-01T08:00:00.000Z',
      '2026-02-02T08:00:00.000Z',
      '2026-02-03T08:00:00.000Z',
    ]);
  });

  it('should fire at once when the start lies in the past', () => {
    expect(iso(schedule('cycle', 'R3/2026-01-01T08:00:00Z/P1D', '2026-01-10T00:00:00Z').dueAt)).toBe(
      '2026-01-10T00:00:00.000Z',
    );
  });

  it("should step in the start's zone", () => {
    // 08:00 on Jan 31 in Shanghai; a month later is 08:00 on Feb 28 there
    const timer = schedule('cycle', 'R2/2026-01-31T08:00:00+08:00/P1M', '2026-01-10T00:00:00Z');
    expect(dueTimes(timer, 2)).toEqual(['2026-01-31T00:00:00.000Z', '2026-02-28T00:00:00.000Z']);
  });

  it('should re-anchor an overdue occurrence onto now', () => {
    const timer = schedule('cycle', 'R/PT1H', '2026-01-10T00:00:00Z');
    expect(iso(timer.next?.(at('2026-01-10T01:00:00Z'), at('2026-01-10T05:30:00Z')))).toBe('2026-01-10T06:30:00.000Z');
    expect(iso(timer.next?.(at('2026-01-10T01:00:00Z'), at('2026-01-10T01:10:00Z')))).toBe('2026-01-10T02:00:00.000Z');
  });

  it('should evaluate cycle expressions', () => {
    const timer = schedule('cycle', '="R" + string(reminders) + "/" + interval', '2026-01-10T00:00:00Z', {
      reminders: 2,
      interval: 'P1D',
    });
    expect(timer.repetitions).toBe(2);
    expect(iso(timer.dueAt)).toBe('2026-01-11T00:00:00.000Z');
  });

  it('should reject non-string cycle results as Zeebe does', () => {
    expect(failureOf(() => schedule('cycle', '=duration("PT1H")', '2026-01-10T00:00:00Z')).message).toBe(
      "Expected result of the expression 'duration(\"PT1H\")' to be 'STRING', but was 'DURATION'.",
    );
  });

  it.each([
    ['R5', /expected R\[n\]\/\[start\/\]duration/],
    ['RX/PT1S', /cannot parse repetitions 'RX'/],
    ['R5/PT', /cannot parse duration 'PT'/],
    ['R5/-PT1S', /must not be negative/],
    ['R/2026-13-01T00:00:00Z/P1D', /cannot parse start date-time/],
    ['R/a/b/c', /expected R\[n\]\/\[start\/\]duration/],
  ])('should reject the invalid cycle %s', (value, reason) => {
    const error = failureOf(() => schedule('cycle', value, '2026-01-10T00:00:00Z'));
    expect(error.message).toMatch(new RegExp(`^Invalid time cycle format '${value.replace(/[[\]/]/g, '\\$&')}'`));
    expect(error.message).toMatch(reason);
  });
});

describe('timeCycle with cron expressions', () => {
  it('should fire on weekdays at 09:00 UTC and repeat forever', () => {
    // 2026-01-31 is a Saturday
    const timer = schedule('cycle', '0 0 9 * * MON-FRI', '2026-01-31T10:00:00Z');
    expect(timer.repetitions).toBe('infinite');
    expect(dueTimes(timer, 3)).toEqual([
      '2026-02-02T09:00:00.000Z',
      '2026-02-03T09:00:00.000Z',
      '2026-02-04T09:00:00.000Z',
    ]);
  });

  it('should read the wall clock of the given zone', () => {
    const timer = schedule('cycle', '0 0 9 * * MON-FRI', '2026-01-30T00:30:00Z', {}, 'Asia/Shanghai');
    expect(dueTimes(timer, 2)).toEqual(['2026-01-30T01:00:00.000Z', '2026-02-02T01:00:00.000Z']);
  });

  it('should evaluate cron expressions from variables', () => {
    const timer = schedule('cycle', '=reminderCron', '2026-01-10T00:00:00Z', { reminderCron: '0 30 8 1 * *' });
    expect(iso(timer.dueAt)).toBe('2026-02-01T08:30:00.000Z');
  });

  it.each([
    ['0 0 9 * *', /6 fields/],
    ['61 * * * * *', /out of range/],
    ['0 0 9 * * FOO', /invalid value 'FOO'/],
    ['0 0 0 30 FEB *', /never fires/],
  ])('should reject the invalid cron %s', (value, reason) => {
    const error = failureOf(() => schedule('cycle', value, '2026-01-10T00:00:00Z'));
    expect(error.message).toMatch(/^Invalid time cycle format/);
    expect(error.message).toMatch(reason);
  });
});

describe('timer definitions', () => {
  it('should reject an unknown kind', () => {
    const def = { kind: 'interval', value: 'PT1S' } as unknown as TimerDefinition;
    expect(() => scheduleTimer(def, {}, at('2026-01-10T00:00:00Z'))).toThrow("Unknown timer kind 'interval'");
  });
});

describe('timer options', () => {
  it('should reject an unknown zone', () => {
    expect(() => schedule('duration', 'P1D', '2026-01-10T00:00:00Z', {}, 'Mars/Olympus')).toThrow(
      "Unknown time zone 'Mars/Olympus'",
    );
  });
});
