/**
 * 退回 (return) as the model defines it: a user task whose next element is an exclusive gateway
 * that reads one decision variable (`=v = "pass"`) and whose default flow leads back to the task
 * (a loop: the work is sent back, not rejected). The return decision is the value the task's form
 * offers for that variable other than the pass value (`return` when the form has it). A task whose
 * form maps `decision` onto the gateway's variable (review-opinion) sets it through that field.
 */
import { BpmnModdle } from 'bpmn-moddle';
import zeebeSchema from 'zeebe-bpmn-moddle/resources/zeebe.json';

export interface ReturnRule {
  /** the variable the gateway reads */
  variable: string;
  /** the form field that sets it (equal to `variable` unless an output mapping renames it) */
  field: string;
  /** the value that continues; every other value takes the default flow back */
  passValue: string;
}

interface El {
  $type: string;
  id: string;
  flowElements?: El[];
  outgoing?: Flow[];
  default?: Flow;
  extensionElements?: { values?: { $type: string; outputParameters?: { source?: string; target?: string }[] }[] };
}
interface Flow {
  id: string;
  targetRef?: El;
  conditionExpression?: { body?: string };
}

const CONDITION = /^=\s*([A-Za-z_]\w*)\s*=\s*"([^"]+)"\s*$/;

/** Return rules of every user task of a BPMN document, by element id. */
export async function returnRules(xml: string): Promise<Map<string, ReturnRule>> {
  const moddle = new BpmnModdle({ zeebe: zeebeSchema });
  const { rootElement } = (await moddle.fromXML(xml)) as unknown as { rootElement: { rootElements?: El[] } };
  const tasks: El[] = [];
  const walk = (els: El[] | undefined) => {
    for (const el of els ?? []) {
      if (el.$type === 'bpmn:UserTask') tasks.push(el);
      if (el.flowElements) walk(el.flowElements);
    }
  };
  walk(rootElement.rootElements?.filter((e) => e.$type === 'bpmn:Process'));
  const out = new Map<string, ReturnRule>();
  for (const task of tasks) {
    const gateway = task.outgoing?.length === 1 ? task.outgoing[0]!.targetRef : undefined;
    if (!gateway || gateway.$type !== 'bpmn:ExclusiveGateway' || !gateway.default?.targetRef) continue;
    const conditions = (gateway.outgoing ?? [])
      .filter((f) => f !== gateway.default)
      .map((f) => CONDITION.exec(f.conditionExpression?.body?.trim() ?? ''));
    if (conditions.length !== 1 || !conditions[0]) continue;
    const [, variable, passValue] = conditions[0];
    if (!leadsBackTo(gateway.default.targetRef, task)) continue;
    out.set(task.id, { variable: variable!, passValue: passValue!, field: fieldFor(task, variable!) });
  }
  return out;
}

function leadsBackTo(start: El, task: El): boolean {
  const seen = new Set<string>();
  const queue: El[] = [start];
  while (queue.length) {
    const el = queue.shift()!;
    if (el === task) return true;
    if (seen.has(el.id)) continue;
    seen.add(el.id);
    for (const f of el.outgoing ?? []) if (f.targetRef) queue.push(f.targetRef);
  }
  return false;
}

function fieldFor(task: El, variable: string): string {
  for (const ext of task.extensionElements?.values ?? []) {
    if (ext.$type !== 'zeebe:IoMapping') continue;
    for (const p of ext.outputParameters ?? []) {
      const m = /^=\s*([A-Za-z_]\w*)\s*$/.exec(p.source ?? '');
      if (p.target === variable && m) return m[1]!;
    }
  }
  return variable;
}

/** The value that sends the work back: `return` when offered, else the first non-pass option. */
export function returnValue(rule: ReturnRule, options: readonly string[]): string {
  if (options.includes('return')) return 'return';
  return options.find((o) => o !== rule.passValue) ?? 'return';
}
