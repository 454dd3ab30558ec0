/**
 * engine/feel: evaluation, result conversion (as Zeebe writes variables), conditions and their
 * Zeebe error messages, syntax checks, the pinned clock.
 */
import {
  FeelError,
  checkSyntax,
  evaluateCondition,
  evaluateExpression,
  evaluateTyped,
  evaluateValue,
  expressionBody,
  isExpression,
} from '../../engine/feel';
import { toFeelInput } from '../../engine/feel/convert';

const now = new Date('2026-03-15T08:30:00Z');

function failureOf(run: () => unknown): FeelError {
  try {
    run();
  } catch (error) {
    if (error instanceof FeelError) return error;
    throw error;
  }
  throw new Error('expected a FeelError');
}

describe('evaluateExpression', () => {
  describe('given feelin language features', () => {
    it.each<[string, Record<string, unknown>, unknown]>([
      ['1 + 2 * 3', {}, 7],
      ['x > 3', { x: 5 }, true],
      ['if x > 3 then "big" else "small"', { x: 1 }, 'small'],
      ['for i in [1, 2, 3] return i * 2', {}, [2, 4, 6]],
      ['some i in items satisfies i.amount > 100', { items: [{ amount: 50 }, { amount: 150 }] }, true],
      ['every i in items satisfies i.amount > 100', { items: [{ amount: 50 }, { amount: 150 }] }, false],
      [
        'items[amount > 100].id',
        {
          items: [
            { id: 'a', amount: 50 },
            { id: 'b', amount: 150 },
          ],
        },
        ['b'],
      ],
      ['project.budget.total', { project: { budget: { total: 3_000_000 } } }, 3_000_000],
      ['{a: 1, b: a + 1}', {}, { a: 1, b: 2 }],
      ['x between 1 and 10', { x: 10 }, true],
      ['x in [1..5]', { x: 6 }, false],
      ['"项目" + name', { name: '申报' }, '项目申报'],
      ['x instance of number', { x: 1.5 }, true],
      ['null = missing', {}, true],
    ])('should evaluate %s', (expression, context, expected) => {
      expect(evaluateExpression(expression, context, { now })).toEqual(expected);
    });

    it.each<[string, unknown]>([
      ['upper case("abc")', 'ABC'],
      ['lower case("ABC")', 'abc'],
      ['contains("foobar", "ob")', true],
      ['starts with("foobar", "fo")', true],
      ['ends with("foobar", "r")', true],
      ['substring("foobar", 3)', 'obar'],
      ['substring("foobar", -3, 2)', 'ba'],
      ['substring before("foobar", "bar")', 'foo'],
      ['substring after("foobar", "ob")', 'ar'],
      ['replace("abcd", "(ab)|(a)", "[1=$1][2=$2]")', '[1=ab][2=]cd'],
      ['split("a;b;c;;", ";")', ['a', 'b', 'c', '', '']],
      ['string length("foo")', 3],
      ['matches("FooBar", "foo", "i")', true],
      ['sum([1, 2, 3])', 6],
      ['count([1, 2, 3])', 3],
      ['min([3, 1, 2])', 1],
      ['max(1, 2, 3)', 3],
      ['mean([1, 2, 3])', 2],
      ['append([1], 2, 3)', [1, 2, 3]],
      ['concatenate([1, 2], [3])', [1, 2, 3]],
      ['sublist([1, 2, 3], 1, 2)', [1, 2]],
      ['flatten([[1, 2], [[3]], 4])', [1, 2, 3, 4]],
      ['sort([3, 1, 4, 5, 2], function(x, y) x < y)', [1, 2, 3, 4, 5]],
      ['index of([1, 2, 3, 2], 2)', [2, 4]],
      ['union([1, 2], [2, 3])', [1, 2, 3]],
      ['list contains([1, 2, 3], 2)', true],
      ['reverse([1, 2, 3])', [3, 2, 1]],
      ['insert before([1, 3], 1, 2)', [2, 1, 3]],
      ['remove([1, 2, 3], 2)', [1, 3]],
      ['product([2, 3, 4])', 24],
      ['median([6, 1, 2, 3])', 2.5],
      ['stddev([2, 4, 7, 5])', 2.0816659994661326],
      ['mode([6, 1, 9, 6, 1])', [1, 6]],
      ['all([true, false])', false],
      ['any([false, true])', true],
      ['distinct values([1, 2, 3, 2, 1])', [1, 2, 3]],
      ['abs(-10)', 10],
      ['modulo(12, 5)', 2],
      ['sqrt(16)', 4],
      ['log(10)', 2.302585092994046],
      ['exp(5)', 148.4131591025766],
      ['odd(5)', true],
      ['even(5)', false],
      ['number("1500.5")', 1500.5],
      ['string(1.1)', '1.1'],
      ['context([{key: "a", value: 1}])', { a: 1 }],
      ['get entries({foo: 123})', [{ key: 'foo', value: 123 }]],
      ['context merge([{x: 1, y: 0}, {y: 2}])', { x: 1, y: 2 }],
      ['day of week(date("2019-09-17"))', 'Tuesday'],
      ['day of year(date("2019-09-17"))', 260],
      ['week of year(date("2019-09-17"))', 38],
      ['month of year(date("2019-09-17"))', 'September'],
      ['years and months duration(date("2011-12-22"), date("2013-08-24"))', 'P1Y8M'],
    ])("should keep feelin's built-in %s", (expression, expected) => {
      expect(evaluateExpression(expression, {}, { now })).toEqual(expected);
    });
  });

  describe('given results of each FEEL type', () => {
    it.each<[string, unknown]>([
      ['date("2026-01-31")', '2026-01-31'],
      ['date("2026-01-31") + duration("P1M")', '2026-02-28'],
      ['date and time("2026-01-01T10:00:00Z")', '2026-01-01T10:00:00Z'],
      ['date and time("2026-01-01T10:00:00.250Z")', '2026-01-01T10:00:00.25Z'],
      ['date and time("2026-01-01T10:00:00+08:00")', '2026-01-01T10:00:00+08:00'],
      ['date and time("2026-01-01T10:00:00@Asia/Shanghai")', '2026-01-01T10:00:00+08:00'],
      ['@"2026-07-01T10:00:00@Europe/Berlin"', '2026-07-01T10:00:00+02:00'],
      ['date and time("2026-01-01T10:00:00")', '2026-01-01T10:00:00'],
      ['time("10:00:00")', '10:00'],
      ['time("10:00:30")', '10:00:30'],
      ['duration("P1D")', 'P1D'],
      ['duration("PT10S")', 'PT10S'],
      ['duration("PT36H")', 'P1DT12H'],
      ['duration("P14M")', 'P1Y2M'],
      ['@"P1Y2M"', 'P1Y2M'],
      ['date("2026-03-01") - date("2026-01-01")', 'P59D'],
      [
        '{due: date("2026-01-01"), wait: duration("P2D"), items: [date("2026-01-02")]}',
        {
          due: '2026-01-01',
          wait: 'P2D',
          items: ['2026-01-02'],
        },
      ],
      ['[1, "a", true, null]', [1, 'a', true, null]],
      ['{f: function(a) a, r: [1..3]}', { f: null, r: null }],
      ['1 / 0', null],
    ])('should convert %s the way Zeebe writes it', (expression, expected) => {
      expect(evaluateExpression(expression, {}, { now })).toEqual(expected);
    });

    it('should return plain objects and arrays that survive JSON', () => {
      const result = evaluateExpression('{a: [1, {b: date("2026-01-01")}]}', {}, { now });
      expect(JSON.parse(JSON.stringify(result))).toEqual({ a: [1, { b: '2026-01-01' }] });
    });
  });

  describe('given missing variables', () => {
    it('should yield null like Zeebe instead of failing', () => {
      expect(evaluateExpression('missing', {}, { now })).toBeNull();
      expect(evaluateExpression('missing.field', {}, { now })).toBeNull();
      expect(evaluateExpression('x.missing', { x: { a: 1 } }, { now })).toBeNull();
    });
  });

  describe('given input variables', () => {
    it('should read null-prototype objects as contexts', () => {
      const row = Object.assign(Object.create(null) as Record<string, unknown>, { amount: 5 });
      expect(evaluateExpression('row.amount + 1', { row }, { now })).toBe(6);
    });

    it('should not treat date strings in variables as dates', () => {
      expect(evaluateExpression('d', { d: '2026-01-01' }, { now })).toBe('2026-01-01');
      expect(evaluateExpression('date(d) + duration("P1D")', { d: '2026-01-01' }, { now })).toBe('2026-01-02');
    });

    it('should pass parsed JSON to feelin without copying it', () => {
      const variables = { a: [1, { b: 'c' }] };
      expect(toFeelInput(variables)).toBe(variables);
    });

    it('should copy only what needs normalising', () => {
      const input = { a: [Object.assign(Object.create(null) as object, { b: 1 })], n: 10n, u: undefined };
      const output = toFeelInput(input) as { a: unknown[]; n: unknown; u: unknown };
      expect(output).toEqual({ a: [{ b: 1 }], n: 10, u: null });
      expect(Object.getPrototypeOf(output.a[0])).toBe(Object.prototype);
    });

    it('should find Camunda built-ins however the words of their name are spaced', () => {
      expect(evaluateExpression('get   or  else(x, 1)', {}, { now })).toBe(1);
    });

    it('should let a variable shadow a Camunda built-in of the same name, as with feelin built-ins', () => {
      expect(evaluateExpression('trim', { trim: 'value' }, { now })).toBe('value');
      expect(evaluateExpression('trim(" a ")', {}, { now })).toBe('a');
    });
  });

  describe('given syntax errors', () => {
    it('should throw FeelError naming the expression', () => {
      const error = failureOf(() => evaluateExpression('1 +', {}, { now }));
      expect(error.expression).toBe('1 +');
      expect(error.message).toMatch(/^failed to parse expression '1 \+': /);
    });

    it('should throw FeelError for an empty expression', () => {
      expect(() => evaluateExpression('  ', {}, { now })).toThrow(FeelError);
    });
  });

  describe('given a pinned clock', () => {
    it('should evaluate now() at the pinned instant in UTC', () => {
      expect(evaluateExpression('now()', {}, { now })).toBe('2026-03-15T08:30:00Z');
    });

    it('should evaluate today() on the pinned date', () => {
      expect(evaluateExpression('today()', {}, { now: new Date('2026-12-31T23:59:59Z') })).toBe('2026-12-31');
    });

    it('should compute with now()', () => {
      expect(evaluateExpression('now() + duration("P1D")', {}, { now })).toBe('2026-03-16T08:30:00Z');
      expect(evaluateExpression('now() > date and time("2026-01-01T00:00:00Z")', {}, { now })).toBe(true);
    });

    it('should see now() and today() in the given zone', () => {
      const late = new Date('2026-03-15T20:00:00Z');
      expect(evaluateExpression('today()', {}, { now: late, timeZone: 'Asia/Shanghai' })).toBe('2026-03-16');
      expect(evaluateExpression('now()', {}, { now: late, timeZone: 'Asia/Shanghai' })).toBe(
        '2026-03-16T04:00:00+08:00',
      );
    });

    it('should default to the real clock', () => {
      const before = Date.now();
      const value = evaluateExpression('now()', {}) as string;
      expect(Date.parse(value)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(value)).toBeLessThanOrEqual(Date.now() + 1000);
    });
  });
});

describe('evaluateValue and isExpression', () => {
  it('should return static values as they are', () => {
    expect(evaluateValue('review-task', { x: 1 })).toBe('review-task');
    expect(evaluateValue('a = b', {})).toBe('a = b');
  });

  it('should evaluate values starting with =', () => {
    expect(evaluateValue('=x + 1', { x: 1 })).toBe(2);
    expect(evaluateValue('  = "group-" + dept', { dept: 'audit' })).toBe('group-audit');
  });

  it('should recognise expressions after leading whitespace', () => {
    expect(isExpression('=x')).toBe(true);
    expect(isExpression('  =x')).toBe(true);
    expect(isExpression('x = 1')).toBe(false);
    expect(isExpression('')).toBe(false);
    expect(isExpression(undefined)).toBe(false);
    expect(expressionBody('  =x + 1')).toBe('x + 1');
  });
});

describe('evaluateCondition', () => {
  it('should return boolean results', () => {
    expect(evaluateCondition('amount > 1000000', { amount: 2_000_000 }, { now })).toBe(true);
    expect(evaluateCondition('approved = true', { approved: false }, { now })).toBe(false);
    expect(evaluateCondition('is defined(missing)', {}, { now })).toBe(false);
  });

  it("should fail with Zeebe's message and warnings when a variable is missing", () => {
    const error = failureOf(() => evaluateCondition('x > 5', {}, { now }));
    expect(error.expression).toBe('x > 5');
    expect(error.message).toBe(
      "Expected result of the expression 'x > 5' to be 'BOOLEAN', but was 'NULL'. " +
        'The evaluation reported the following warnings:\n' +
        "[NO_VARIABLE_FOUND] No variable found with name 'x'",
    );
  });

  it('should fail on a null result without warnings', () => {
    expect(failureOf(() => evaluateCondition('x', { x: null }, { now })).message).toBe(
      "Expected result of the expression 'x' to be 'BOOLEAN', but was 'NULL'.",
    );
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['x', { x: 1 }, 'NUMBER'],
    ['x', { x: 'yes' }, 'STRING'],
    ['x', { x: [true] }, 'ARRAY'],
    ['x', { x: { ok: true } }, 'OBJECT'],
    ['date("2026-01-01")', {}, 'DATE'],
    ['now()', {}, 'DATE_TIME'],
    ['duration("PT1H")', {}, 'DURATION'],
    ['duration("P1M")', {}, 'PERIOD'],
  ])('should fail on a non-boolean result of %s (%s)', (expression, context, type) => {
    expect(failureOf(() => evaluateCondition(expression, context, { now })).message).toBe(
      `Expected result of the expression '${expression}' to be 'BOOLEAN', but was '${type}'.`,
    );
  });

  it('should report a missing function as Zeebe does', () => {
    expect(failureOf(() => evaluateCondition('unknownFn(1)', {}, { now })).message).toBe(
      "Expected result of the expression 'unknownFn(1)' to be 'BOOLEAN', but was 'NULL'. " +
        'The evaluation reported the following warnings:\n' +
        "[NO_FUNCTION_FOUND] No function found with name 'unknownFn'",
    );
  });

  it('should report a missing context entry', () => {
    expect(failureOf(() => evaluateCondition('project.approved', { project: {} }, { now })).message).toContain(
      "[NO_CONTEXT_ENTRY_FOUND] No context entry found with key 'approved'",
    );
  });

  it('should fail on syntax errors', () => {
    const error = failureOf(() => evaluateCondition('amount >', { amount: 1 }, { now }));
    expect(error.message).toMatch(/^failed to parse expression 'amount >'/);
  });

  it('should fail when assert() does not hold', () => {
    expect(failureOf(() => evaluateCondition('assert(x, x != null)', {}, { now })).message).toBe(
      "Assertion failure on evaluate the expression 'assert(x, x != null)': The condition is not fulfilled " +
        'The evaluation reported the following warnings:\n[ASSERT_FAILURE] The condition is not fulfilled',
    );
  });
});

describe('evaluateTyped', () => {
  it('should return results of an expected type, converted', () => {
    expect(evaluateTyped('"review-" + dept', { dept: 'audit' }, 'STRING', { now })).toBe('review-audit');
    expect(evaluateTyped('projectNo', { projectNo: 42 }, ['STRING', 'NUMBER'], { now })).toBe(42);
    expect(evaluateTyped('[date("2026-01-01")]', {}, 'ARRAY', { now })).toEqual(['2026-01-01']);
  });

  it("should fail with Zeebe's message for one expected type", () => {
    expect(failureOf(() => evaluateTyped('jobType', {}, 'STRING', { now })).message).toBe(
      "Expected result of the expression 'jobType' to be 'STRING', but was 'NULL'. " +
        "The evaluation reported the following warnings:\n[NO_VARIABLE_FOUND] No variable found with name 'jobType'",
    );
  });

  it("should fail with Zeebe's message for several expected types", () => {
    expect(failureOf(() => evaluateTyped('key', { key: true }, ['STRING', 'NUMBER'], { now })).message).toBe(
      "Expected result of the expression 'key' to be one of '[STRING, NUMBER]', but was 'BOOLEAN'.",
    );
  });
});

describe('checkSyntax', () => {
  it.each([
    'x > 5',
    'get or else(x, 0)',
    'is defined(project.leader)',
    'string join(["a"], ", ", "[", "]")',
    'for i in 1..3 return i',
    '{a: 1}.a',
  ])('should accept %s', (expression) => {
    expect(checkSyntax(expression)).toBeNull();
  });

  it.each([
    ['1 +', /^failed to parse expression '1 \+': Incomplete/],
    ['a b c )', /Unrecognized token '\)'/],
    ['if x then', /^failed to parse expression 'if x then'/],
    ['', /the expression is empty/],
  ])('should reject %s', (expression, message) => {
    expect(checkSyntax(expression)).toMatch(message);
  });
});
