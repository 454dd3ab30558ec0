/**
 * engine/feel: the Camunda built-ins that feelin lacks or implements differently (engine/feel/builtins.ts).
 */
import { FeelError, evaluateExpression } from '../../engine/feel';
import { roundDecimal } from '../../engine/feel/builtins';

const now = new Date('2026-03-15T08:30:00Z');
const feel = (expression: string, context: Record<string, unknown> = {}) =>
  evaluateExpression(expression, context, { now });

describe('Camunda boolean built-ins', () => {
  it.each<[string, Record<string, unknown>, unknown]>([
    ['is defined(1)', {}, true],
    ['is defined(null)', {}, false],
    ['is defined(x)', {}, false],
    ['is defined(x)', { x: null }, false],
    ['is defined(x)', { x: false }, true],
    ['is defined(x.y)', { x: {} }, false],
    ['is defined(x.y)', { x: { y: 0 } }, true],
    ['get or else("this", "default")', {}, 'this'],
    ['get or else(null, "default")', {}, 'default'],
    ['get or else(null, null)', {}, null],
    ['get or else(x, 0) + 1', {}, 1],
    ['get or else(value: x, default: 5)', { x: 3 }, 3],
    ['assert(x, x >= 0)', { x: 4 }, 4],
    ['assert(x, x != null, "x is required")', { x: 'value' }, 'value'],
  ])('should evaluate %s with %j', (expression, context, expected) => {
    expect(feel(expression, context)).toEqual(expected);
  });

  it('should fail the evaluation when assert() does not hold', () => {
    expect(() => feel('assert(x, x >= 0)', { x: -1 })).toThrow(
      "Assertion failure on evaluate the expression 'assert(x, x >= 0)': The condition is not fulfilled",
    );
  });

  it('should fail with the given cause', () => {
    expect(() => feel('{a: assert(x, x != null, "\'x\' should not be null")}', {})).toThrow(
      "Assertion failure on evaluate the expression '{a: assert(x, x != null, \"'x' should not be null\")}': 'x' should not be null",
    );
  });

  it('should throw a FeelError carrying the expression', () => {
    expect(() => feel('assert(1, false)')).toThrow(FeelError);
  });
});

describe('Camunda string built-ins', () => {
  it.each<[string, unknown]>([
    ['trim("  hello world  ")', 'hello world'],
    ['trim("hello   world ")', 'hello   world'],
    ['trim(1)', null],
    ['is blank("")', true],
    ['is blank("  \\n ")', true],
    ['is blank("hello world")', false],
    ['is blank(null)', null],
    ['extract("references are 1234, 1256, 1378", "12[0-9]*")', ['1234', '1256']],
    ['extract("none", "[0-9]+")', []],
    ['extract("abc", "(")', null],
    ['to base64("FEEL")', 'RkVFTA=='],
    ['to base64("项目")', '6aG555uu'],
    ['to base64(1)', null],
    ['string join(["a", "b", "c"])', 'abc'],
    ['string join(["a"], "X")', 'a'],
    ['string join(["a", "b", "c"], ", ")', 'a, b, c'],
    ['string join(["a", "b", "c"], ", ", "[", "]")', '[a, b, c]'],
    ['string join(["a", null, "c"])', 'ac'],
    ['string join([])', ''],
    ['string join(["a", 1])', null],
    ['string join("a")', null],
  ])('should evaluate %s', (expression, expected) => {
    expect(feel(expression)).toEqual(expected);
  });

  it('should generate a fresh 36-character uuid() on each call', () => {
    const first = feel('uuid()') as string;
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(feel('uuid()')).not.toBe(first);
  });
});

describe('Camunda list built-ins', () => {
  it.each<[string, unknown]>([
    ['is empty([])', true],
    ['is empty([1, 2, 3])', false],
    ['is empty("")', null],
    ['duplicate values([1, 2, 3, 2, 1])', [2, 1]],
    ['duplicate values([1, 2, 3])', []],
    ['duplicate values([{a: 1}, {a: 1}, {a: 2}])', [{ a: 1 }]],
    ['duplicate values([date("2026-01-01"), date("2026-01-01")])', ['2026-01-01']],
    ['duplicate values("a")', null],
    ['partition([1, 2, 3, 4, 5], 2)', [[1, 2], [3, 4], [5]]],
    ['partition([], 2)', []],
    ['partition([1, 2], 0)', null],
    ['partition([1, 2], 1.5)', null],
    ['partition("ab", 1)', null],
  ])('should evaluate %s', (expression, expected) => {
    expect(feel(expression)).toEqual(expected);
  });
});

describe('Camunda context built-ins', () => {
  it.each<[string, unknown]>([
    ['get value({foo: 123}, "foo")', 123],
    ['get value({a: 1}, "b")', null],
    ['get value({x: 1, y: {z: 0}}, ["y", "z"])', 0],
    ['get value({x: {y: {z: 0}}}, ["x", "y"])', { z: 0 }],
    ['get value({a: {b: 3}}, ["b"])', null],
    ['get value({a: 1}, [])', null],
    ['get value(context: {a: 1}, key: "a")', 1],
    ['context put({x: 1}, "y", 2)', { x: 1, y: 2 }],
    ['context put({x: 1}, "x", 2)', { x: 2 }],
    ['context put({x: 1}, ["y"], 2)', { x: 1, y: 2 }],
    ['context put({x: 1, y: {z: 0}}, ["y", "z"], 2)', { x: 1, y: { z: 2 } }],
    ['context put({x: 1}, ["y", "z"], 2)', { x: 1, y: { z: 2 } }],
    ['context put({x: 1}, [], 2)', null],
    ['context put(null, "a", 1)', null],
    ['put({x: 1}, "y", 2)', { x: 1, y: 2 }],
    ['put all({x: 1}, {y: 2})', { x: 1, y: 2 }],
    ['put all({x: 1}, 2)', null],
  ])('should evaluate %s', (expression, expected) => {
    expect(feel(expression)).toEqual(expected);
  });

  it('should not modify the context passed in', () => {
    const project = { budget: { total: 1 } };
    expect(feel('context put(project, ["budget", "total"], 2)', { project })).toEqual({ budget: { total: 2 } });
    expect(project).toEqual({ budget: { total: 1 } });
  });
});

describe('Camunda numeric built-ins', () => {
  it.each<[string, unknown]>([
    ['decimal(1/3, 2)', 0.33],
    ['decimal(1.5, 0)', 2],
    ['decimal(2.5, 0)', 2],
    ['decimal(2.5, 0, "half_up")', 3],
    ['decimal(2.5, 0, "HALF_DOWN")', 2],
    ['decimal(2.5, 0, "bogus")', null],
    ['floor(1.5)', 1],
    ['floor(-1.5)', -2],
    ['floor(-1.56, 1)', -1.6],
    ['ceiling(1.5)', 2],
    ['ceiling(-1.5)', -1],
    ['ceiling(-1.56, 1)', -1.5],
    ['round up(5.5)', 6],
    ['round up(-5.5)', -6],
    ['round up(1.121, 2)', 1.13],
    ['round up(-1.126, 2)', -1.13],
    ['round down(5.5)', 5],
    ['round down(-5.5)', -5],
    ['round down(1.121, 2)', 1.12],
    ['round down(-1.126, 2)', -1.12],
    ['round half up(5.5)', 6],
    ['round half up(-5.5)', -6],
    ['round half up(1.121, 2)', 1.12],
    ['round half up(-1.126, 2)', -1.13],
    ['round half up(1.005, 2)', 1.01],
    ['round half down(5.5)', 5],
    ['round half down(-5.5)', -5],
    ['round half down(1.121, 2)', 1.12],
    ['round half down(-1.126, 2)', -1.13],
    ['round up("1", 0)', null],
  ])('should evaluate %s', (expression, expected) => {
    expect(feel(expression)).toEqual(expected);
  });

  it('should return random numbers in [0, 1)', () => {
    const values = Array.from({ length: 20 }, () => feel('random number()') as number);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(1);
  });

  it('should round at negative scales and avoid negative zero', () => {
    expect(roundDecimal(1250, -2, 'HALF_EVEN')).toBe(1200);
    expect(roundDecimal(1350, -2, 'HALF_EVEN')).toBe(1400);
    expect(Object.is(roundDecimal(-0.4, 0, 'HALF_UP'), 0)).toBe(true);
    expect(roundDecimal(1e-7, 8, 'HALF_UP')).toBe(1e-7);
  });
});

describe('Camunda temporal built-ins', () => {
  it.each<[string, unknown]>([
    ['last day of month(date("2022-10-01"))', '2022-10-31'],
    ['last day of month(date and time("2022-10-16T12:00:00"))', '2022-10-31'],
    ['last day of month(date("2024-02-10"))', '2024-02-29'],
    ['last day of month(date("2026-02-10"))', '2026-02-28'],
    ['last day of month("2026-02-10")', null],
    ['date and time("2018-04-29T09:30:00")', '2018-04-29T09:30:00'],
    ['date and time("2018-04-29T09:30:00+02:00")', '2018-04-29T09:30:00+02:00'],
    ['date and time("2018-04-29T09:30:00@Europe/Berlin")', '2018-04-29T09:30:00+02:00'],
    ['date and time("2018-04-29T09:30:00+02:00[Europe/Berlin]")', '2018-04-29T09:30:00+02:00'],
    ['date and time("2018-04-29T09:30:00+02:00[Europe/Berlin]") = @"2018-04-29T09:30:00@Europe/Berlin"', true],
    ['date and time(from: "2026-01-01T08:00:00Z")', '2026-01-01T08:00:00Z'],
    ['date and time("2024-06-31T10:00:00")', null],
    ['date and time("2024-06-30")', null],
    ['date and time(date("2012-12-24"), time("23:59:00"))', '2012-12-24T23:59:00'],
    ['date and time(date and time("2012-12-25T11:00:00"), time("23:59:00+08:00"))', '2012-12-25T23:59:00+08:00'],
    ['date and time(@"2020-07-31T14:27:30@Europe/Berlin", "America/Los_Angeles")', '2020-07-31T05:27:30-07:00'],
    ['date and time(@"2020-07-31T14:27:30Z", "Asia/Shanghai")', '2020-07-31T22:27:30+08:00'],
    ['date and time(@"2020-07-31T14:27:30", "Z")', '2020-07-31T14:27:30Z'],
    ['date and time(@"2020-07-31T14:27:30Z", "No/Such_Zone")', null],
    ['years and months duration(date("2011-12-22"), date("2013-08-24"))', 'P1Y8M'],
    ['years and months duration(date("2013-08-24"), date("2011-12-22"))', '-P1Y8M'],
    ['years and months duration(date and time("2011-12-22T10:00:00"), date("2012-12-22"))', 'P1Y'],
  ])('should evaluate %s', (expression, expected) => {
    expect(feel(expression)).toEqual(expected);
  });
});

describe('fromAi()', () => {
  it('should return the value unchanged', () => {
    expect(feel('fromAi(toolCall.query, "The search query", "string")', { toolCall: { query: '预算' } })).toBe('预算');
    expect(feel('fromAi(value: toolCall.id, type: "number")', { toolCall: { id: 7 } })).toBe(7);
  });
});
