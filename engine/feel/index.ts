/**
 * engine/feel — FEEL for the local Zeebe-compatible runtime: feelin plus Camunda 8.8's built-ins,
 * Zeebe's result conversion and error messages, and timer definitions (./timer).
 */
import { resultTypeOf, toJsonValue, type ZeebeResultType } from './convert';
import { FeelError } from './errors';
import { evaluateRaw, unexpectedTypeMessage, type FeelOptions } from './evaluate';

export { FeelError } from './errors';
export { checkSyntax, type FeelOptions } from './evaluate';
export type { ZeebeResultType } from './convert';
export { scheduleTimer, type TimerDefinition, type TimerSchedule } from './timer';

/**
 * Evaluates a FEEL expression (without the leading '=') and returns the result as Zeebe writes
 * variables: date → 'YYYY-MM-DD', date-time → ISO 8601 with offset (local ones without), duration →
 * ISO 8601 ('P1D', 'P1Y2M'), context → object, list → array. A missing variable yields null, as in
 * Zeebe; syntax errors and failed assert() throw FeelError.
 */
export function evaluateExpression(expression: string, context: Record<string, unknown>, opts?: FeelOptions): unknown {
  return toJsonValue(evaluateRaw(expression, context, opts).value);
}

/** Zeebe attribute values: `=expr` is evaluated, anything else is the static string itself. */
export function evaluateValue(value: string, context: Record<string, unknown>, opts?: FeelOptions): unknown {
  return isExpression(value) ? evaluateExpression(expressionBody(value), context, opts) : value;
}

export function isExpression(value: string | undefined): boolean {
  return value !== undefined && value.trimStart().startsWith('=');
}

/** The expression after the leading '=' of an attribute value. */
export function expressionBody(value: string): string {
  return value.trimStart().slice(1);
}

/**
 * Sequence-flow and completion conditions: the result must be a boolean, else FeelError with
 * Zeebe's message, e.g. "Expected result of the expression 'x > 5' to be 'BOOLEAN', but was
 * 'NULL'. The evaluation reported the following warnings:\n[NO_VARIABLE_FOUND] No variable found
 * with name 'x'".
 */
export function evaluateCondition(expression: string, context: Record<string, unknown>, opts?: FeelOptions): boolean {
  const { value, warnings } = evaluateRaw(expression, context, opts);
  if (typeof value === 'boolean') return value;
  throw new FeelError(unexpectedTypeMessage(expression, 'BOOLEAN', resultTypeOf(value), warnings), expression);
}

/**
 * Evaluates an expression whose result must have one of the given Zeebe result types (e.g.
 * 'STRING' for a job type, ['STRING', 'NUMBER'] for a correlation key, 'ARRAY' for an input
 * collection) and returns it converted like evaluateExpression. Otherwise FeelError with Zeebe's
 * message: "Expected result of the expression 'x' to be 'STRING', but was 'NULL'." plus warnings.
 */
export function evaluateTyped(
  expression: string,
  context: Record<string, unknown>,
  expected: ZeebeResultType | readonly ZeebeResultType[],
  opts?: FeelOptions,
): unknown {
  const { value, warnings } = evaluateRaw(expression, context, opts);
  const actual = resultTypeOf(value);
  const allowed: readonly ZeebeResultType[] = typeof expected === 'string' ? [expected] : expected;
  if (!allowed.includes(actual)) {
    throw new FeelError(unexpectedTypeMessage(expression, expected, actual, warnings), expression);
  }
  return toJsonValue(value);
}
