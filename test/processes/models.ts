/**
 * Loads the deployable process models with bpmn-moddle + zeebe-bpmn-moddle into a small typed
 * graph for structural tests: flow nodes, sequence flows, zeebe extensions and DI.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { BpmnModdle } from 'bpmn-moddle';
import zeebeSchema from 'zeebe-bpmn-moddle/resources/zeebe.json';
import { processResources } from '../../processes';

/** The subset of moddle elements the tests read. */
export interface ModdleElement {
  $type: string;
  id: string;
  name?: string;
  body?: string;
  isExecutable?: boolean;
  flowElements?: ModdleElement[];
  rootElements?: ModdleElement[];
  extensionElements?: { values: ModdleElement[] };
  eventDefinitions?: ModdleElement[];
  loopCharacteristics?: ModdleElement;
  attachedToRef?: ModdleElement;
  cancelActivity?: boolean;
  isInterrupting?: boolean;
  triggeredByEvent?: boolean;
  sourceRef?: ModdleElement;
  targetRef?: ModdleElement;
  conditionExpression?: ModdleElement;
  default?: ModdleElement;
  messageRef?: ModdleElement;
  errorRef?: ModdleElement;
  errorCode?: string;
  timeDate?: ModdleElement;
  documentation?: { text: string }[];
  // zeebe extension attributes
  type?: string;
  formId?: string;
  candidateGroups?: string;
  assignee?: string;
  dueDate?: string;
  processId?: string;
  correlationKey?: string;
  inputCollection?: string;
  inputElement?: string;
  inputParameters?: { source: string; target: string }[];
  outputParameters?: { source: string; target: string }[];
  values?: ModdleElement[];
  key?: string;
  value?: string;
  // DI
  diagrams?: { plane: { planeElement: ModdleElement[] } }[];
  bpmnElement?: ModdleElement;
  bounds?: { x: number; y: number; width: number; height: number };
  waypoint?: { x: number; y: number }[];
}

export interface FlowNode {
  el: ModdleElement;
  id: string;
  type: string;
  /** Enclosing sub-process id, undefined at process level. */
  parent?: string;
  incoming: Flow[];
  outgoing: Flow[];
}

export interface Flow {
  id: string;
  source: string;
  target: string;
  condition?: string;
  isDefault: boolean;
  name?: string;
}

export interface Model {
  file: string;
  processId: string;
  process: ModdleElement;
  nodes: Map<string, FlowNode>;
  flows: Flow[];
  shapes: Map<string, { x: number; y: number; width: number; height: number }>;
  edges: Map<string, { x: number; y: number }[]>;
  warnings: string[];
}

export function ext(el: ModdleElement, type: string): ModdleElement | undefined {
  return el.extensionElements?.values.find((v) => v.$type === type);
}

export function headers(el: ModdleElement): Record<string, string> {
  const h = ext(el, 'zeebe:TaskHeaders');
  return Object.fromEntries((h?.values ?? []).map((v) => [v.key!, v.value!]));
}

export function eventDefinition(el: ModdleElement): ModdleElement | undefined {
  return el.eventDefinitions?.[0];
}

export async function loadModel(path: string): Promise<Model> {
  const moddle = new BpmnModdle({ zeebe: zeebeSchema });
  const { rootElement, warnings } = await moddle.fromXML(readFileSync(path, 'utf8'));
  const defs = rootElement as ModdleElement;
  const process = defs.rootElements!.find((e) => e.$type === 'bpmn:Process')!;
  const nodes = new Map<string, FlowNode>();
  const flows: Flow[] = [];
  const walk = (container: ModdleElement, parent?: string) => {
    for (const el of container.flowElements ?? []) {
      if (el.$type === 'bpmn:SequenceFlow') {
        flows.push({
          id: el.id,
          source: el.sourceRef!.id,
          target: el.targetRef!.id,
          condition: el.conditionExpression?.body,
          isDefault: container.flowElements!.some((n) => n.default?.id === el.id),
          name: el.name,
        });
        continue;
      }
      nodes.set(el.id, { el, id: el.id, type: el.$type, parent, incoming: [], outgoing: [] });
      if (el.$type === 'bpmn:SubProcess') walk(el, el.id);
    }
  };
  walk(process);
  for (const f of flows) {
    nodes.get(f.source)!.outgoing.push(f);
    nodes.get(f.target)!.incoming.push(f);
  }
  const shapes = new Map<string, { x: number; y: number; width: number; height: number }>();
  const edges = new Map<string, { x: number; y: number }[]>();
  for (const d of defs.diagrams?.[0]?.plane.planeElement ?? []) {
    if (d.$type === 'bpmndi:BPMNShape' && d.bpmnElement && d.bounds) shapes.set(d.bpmnElement.id, d.bounds);
    if (d.$type === 'bpmndi:BPMNEdge' && d.bpmnElement && d.waypoint) edges.set(d.bpmnElement.id, d.waypoint);
  }
  return {
    file: basename(path),
    processId: process.id,
    process,
    nodes,
    flows,
    shapes,
    edges,
    warnings: warnings.map((w) => w.message),
  };
}

export async function loadAllModels(): Promise<Map<string, Model>> {
  const models = new Map<string, Model>();
  for (const r of processResources().filter((x) => x.name.endsWith('.bpmn'))) {
    const m = await loadModel(r.path);
    models.set(m.processId, m);
  }
  return models;
}

/** Node ids reachable from `from` following sequence flows, never entering `avoid`. */
export function reachable(m: Model, from: string, avoid: Set<string> = new Set()): Set<string> {
  const seen = new Set<string>();
  const queue = [from];
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id) || avoid.has(id)) continue;
    seen.add(id);
    const n = m.nodes.get(id)!;
    for (const f of n.outgoing) queue.push(f.target);
    // Entering a sub-process starts its none start event; leaving it follows its own outgoing flows.
    if (n.type === 'bpmn:SubProcess' && !n.el.triggeredByEvent) {
      for (const c of m.nodes.values())
        if (c.parent === id && c.type === 'bpmn:StartEvent' && !c.el.eventDefinitions?.length) queue.push(c.id);
    }
    // The end of an embedded (not event) sub-process continues after the sub-process.
    const parent = n.parent ? m.nodes.get(n.parent) : undefined;
    if (n.type === 'bpmn:EndEvent' && parent && !parent.el.triggeredByEvent && !n.el.eventDefinitions?.length) {
      for (const f of parent.outgoing) queue.push(f.target);
    }
    if (n.type === 'bpmn:EndEvent' && parent && eventDefinition(n.el)?.$type === 'bpmn:TerminateEventDefinition') {
      for (const f of parent.outgoing) queue.push(f.target);
    }
    // Boundary events leave their host.
    for (const b of m.nodes.values()) if (b.el.attachedToRef?.id === id) queue.push(b.id);
  }
  return seen;
}
