/**
 * Visual diff between two versions of a process: every flow element, participant and lane is
 * compared by id; its signature is its semantic properties (name, type, references by id,
 * zeebe extensions, conditions…) without diagram layout, so moving a shape is not a change.
 */

/** The moddle surface we read (bpmn-moddle elements). */
export interface ModdleElementLike {
  $type: string;
  $descriptor?: { properties: { name: string; isReference?: boolean; isMany?: boolean }[] };
  $attrs?: Record<string, unknown>;
  id?: string;
  name?: string;
  get?(name: string): unknown;
  [key: string]: unknown;
}

export interface ElementDiff {
  added: string[];
  removed: string[];
  changed: string[];
  /** id → name or type, for the list under the diagrams */
  labels: Record<string, string>;
}

/** Properties that are layout, containment of other compared elements, or derived back-links. */
const SKIP = new Set([
  'di',
  'flowElements',
  'incoming',
  'outgoing',
  'laneSets',
  'artifacts',
  'lanes',
  'childLaneSet',
  'flowNodeRef',
  'participants',
  'messageFlows',
  'rootElements',
  'diagrams',
  'attachers',
  'boundaryEvents',
]);

function asElement(v: unknown): ModdleElementLike | null {
  return typeof v === 'object' && v !== null && typeof (v as ModdleElementLike).$type === 'string'
    ? (v as ModdleElementLike)
    : null;
}

/** A stable, layout-free description of one element. */
export function signature(el: ModdleElementLike, depth = 0): unknown {
  if (depth > 8) return '…';
  const out: Record<string, unknown> = { $type: el.$type };
  for (const p of el.$descriptor?.properties ?? []) {
    if (SKIP.has(p.name)) continue;
    const v = el[p.name];
    if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) continue;
    if (p.isReference) {
      out[p.name] = Array.isArray(v) ? v.map((x) => asElement(x)?.id ?? x) : (asElement(v)?.id ?? v);
    } else if (Array.isArray(v)) {
      out[p.name] = v.map((x) => (asElement(x) ? signature(asElement(x)!, depth + 1) : x));
    } else if (asElement(v)) {
      out[p.name] = signature(asElement(v)!, depth + 1);
    } else {
      out[p.name] = v;
    }
  }
  const attrs = Object.entries(el.$attrs ?? {}).filter(([k]) => !k.startsWith('xmlns'));
  if (attrs.length) out.$attrs = Object.fromEntries(attrs.sort(([a], [b]) => a.localeCompare(b)));
  return out;
}

/** All elements worth comparing, by id, from a definitions root. */
export function collectElements(definitions: ModdleElementLike): Map<string, ModdleElementLike> {
  const found = new Map<string, ModdleElementLike>();
  const visit = (el: ModdleElementLike) => {
    if (el.id && el.$type !== 'bpmn:Definitions' && !el.$type.startsWith('bpmndi:') && !el.$type.startsWith('dc:'))
      found.set(el.id, el);
    for (const key of [
      'rootElements',
      'flowElements',
      'participants',
      'messageFlows',
      'laneSets',
      'lanes',
      'artifacts',
      'childLaneSet',
    ]) {
      const v = el[key];
      const list = Array.isArray(v) ? v : v ? [v] : [];
      for (const child of list) {
        const c = asElement(child);
        if (c) visit(c);
      }
    }
  };
  visit(definitions);
  return found;
}

export function diffDefinitions(oldDefs: ModdleElementLike, newDefs: ModdleElementLike): ElementDiff {
  const before = collectElements(oldDefs);
  const after = collectElements(newDefs);
  const diff: ElementDiff = { added: [], removed: [], changed: [], labels: {} };
  const label = (el: ModdleElementLike) =>
    typeof el.name === 'string' && el.name ? el.name : el.$type.replace(/^bpmn:/, '');
  for (const [id, el] of after) {
    const prev = before.get(id);
    diff.labels[id] = label(el);
    if (!prev) diff.added.push(id);
    else if (JSON.stringify(signature(prev)) !== JSON.stringify(signature(el))) diff.changed.push(id);
  }
  for (const [id, el] of before) {
    if (!after.has(id)) {
      diff.removed.push(id);
      diff.labels[id] = label(el);
    }
  }
  return diff;
}
