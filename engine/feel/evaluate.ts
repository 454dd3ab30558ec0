/**
 * FEEL evaluation on feelin with Camunda's built-ins and Zeebe's error semantics.
 *
 * Zeebe (feel-scala ≥ 1.17) does not fail on a missing variable: the expression yields null and a
 * warning. Callers that need a type (conditions, timers, …) fail with Zeebe's message
 * "Expected result of the expression '…' to be 'BOOLEAN', but was 'NULL'." followed by the
 * warnings. Only syntax errors and `assert()` fail an evaluation by themselves.
 */
import { SyntaxError as FeelinSyntaxError, evaluate, parseExpression } from 'feelin';
import type { Warning } from 'feelin';
import { camundaBuiltinNames, camundaBuiltins } from './builtins';
import { toFeelInput, type ZeebeResultType } from './convert';
import { FeelAssertionFailure, FeelError } from './errors';

export interface FeelOptions {
  /** The runtime's clock for now() and today(); default: new Date(). */
  now?: Date;
  /** Zone in which now()/today() and local date-times are seen; default UTC, as a Zeebe broker. */
  timeZone?: string;
}

/** A warning as Zeebe reports it: `[TYPE] message`. */
export interface FeelWarning {
  type: string;
  message: string;
}

export interface RawEvaluation {
  /** feelin's value: FEEL temporal types are still FeelDate/FeelDateTime/… objects */
  value: unknown;
  warnings: FeelWarning[];
}

const quotedName = /'([^']*)'/;

/** feelin's warnings in feel-scala's words, so incident messages read as in Zeebe. */
function toZeebeWarnings(warnings: Warning[]): FeelWarning[] {
  const result: FeelWarning[] = [];
  const missingNames = new Map<number, string>();
  for (const warning of warnings) {
    const name = quotedName.exec(warning.message)?.[1] ?? '';
    switch (warning.type) {
      case 'NO_VARIABLE_FOUND':
        missingNames.set(warning.position.from, name);
        result.push({ type: warning.type, message: `No variable found with name '${name}'` });
        break;
      case 'NO_FUNCTION_FOUND': {
        // feelin first misses the name as a variable, then fails to invoke null: one warning in Zeebe
        const functionName = missingNames.get(warning.position.from);
        if (functionName !== undefined) {
          const index = result.findIndex((w) => w.message === `No variable found with name '${functionName}'`);
          if (index >= 0) result.splice(index, 1);
          result.push({ type: warning.type, message: `No function found with name '${functionName}'` });
        } else {
          result.push({ type: warning.type, message: warning.message });
        }
        break;
      }
      case 'NO_CONTEXT_ENTRY_FOUND':
        result.push({ type: warning.type, message: `No context entry found with key '${name}'` });
        break;
      case 'NO_PROPERTY_FOUND':
        result.push({ type: warning.type, message: `No property found with name '${name}'` });
        break;
      default:
        result.push({ type: warning.type, message: warning.message });
    }
  }
  return result;
}

export function formatWarnings(warnings: readonly FeelWarning[]): string {
  if (warnings.length === 0) return '';
  const lines = warnings.map((w) => `[${w.type}] ${w.message}`).join('\n');
  return ` The evaluation reported the following warnings:\n${lines}`;
}

/** Zeebe's type mismatch message, with the evaluation's warnings appended as Zeebe does. */
export function unexpectedTypeMessage(
  expression: string,
  expected: ZeebeResultType | readonly ZeebeResultType[],
  actual: ZeebeResultType,
  warnings: readonly FeelWarning[],
): string {
  const wanted = typeof expected === 'string' ? `be '${expected}'` : `be one of '[${expected.join(', ')}]'`;
  return `Expected result of the expression '${expression}' to ${wanted}, but was '${actual}'.${formatWarnings(warnings)}`;
}

function buildContext(
  expression: string,
  context: Record<string, unknown>,
  opts: FeelOptions | undefined,
): Record<string, unknown> {
  const variables = toFeelInput(context);
  return {
    ...camundaBuiltins(expression, opts?.now ?? new Date(), opts?.timeZone),
    ...(variables as Record<string, unknown>),
  };
}

/** Evaluates `expression` (no leading '=') and returns feelin's value plus Zeebe-style warnings. */
export function evaluateRaw(expression: string, context: Record<string, unknown>, opts?: FeelOptions): RawEvaluation {
  if (expression.trim() === '') {
    throw new FeelError(`failed to parse expression '${expression}': the expression is empty`, expression);
  }
  let result: ReturnType<typeof evaluate>;
  try {
    result = evaluate(expression, buildContext(expression, context, opts));
  } catch (error) {
    if (error instanceof FeelinSyntaxError) {
      throw new FeelError(
        `failed to parse expression '${expression}': ${error.message} at position ${error.position.from}`,
        expression,
      );
    }
    if (error instanceof FeelAssertionFailure) {
      // feel-scala lists the assertion itself as the last warning; earlier warnings are lost with
      // the aborted evaluation in feelin, so only the assertion is reported
      throw new FeelError(
        `Assertion failure on evaluate the expression '${expression}': ${error.reason}` +
          formatWarnings([{ type: 'ASSERT_FAILURE', message: error.reason }]),
        expression,
      );
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new FeelError(`failed to evaluate expression '${expression}': ${message}`, expression);
  }
  return { value: result.value, warnings: toZeebeWarnings(result.warnings) };
}

const syntaxContext: Record<string, unknown> = Object.fromEntries(camundaBuiltinNames.map((name) => [name, null]));

/** Parses without evaluating; returns Zeebe-like parse failure text or null. */
export function checkSyntax(expression: string): string | null {
  if (expression.trim() === '') return `failed to parse expression '${expression}': the expression is empty`;
  let problem: string | null = null;
  parseExpression(expression, syntaxContext, undefined).iterate({
    enter(node) {
      if (problem !== null) return false;
      if (!node.type.isError) return undefined;
      const parent = node.node.parent?.name ?? 'Expression';
      const detail =
        node.from === node.to
          ? `Incomplete <${parent}>`
          : `Unrecognized token '${expression.slice(node.from, node.to)}' in <${parent}>`;
      problem = `failed to parse expression '${expression}': ${detail} at position ${node.from}`;
      return false;
    },
  });
  return problem;
}
