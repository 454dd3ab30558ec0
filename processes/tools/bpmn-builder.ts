/**
 * A small authoring helper: semantic BPMN (Zeebe-flavoured) plus a hand-placed grid layout.
 * Every node gets a (col, row) cell; shapes, labels and orthogonal edges are derived from it, so
 * the diagram stays readable without a layout engine (bpmn-auto-layout collapses sub-processes).
 * Output is ordinary BPMN 2.0 XML that the Camunda Modeler opens and edits.
 */

export const COL_W = 150;
export const ROW_H = 120;
const X0 = 80;
const Y0 = 200;
const TASK_W = 100;
const TASK_H = 80;
const EVENT = 36;
const GATEWAY = 50;
const PAD_X = 40;
const PAD_TOP = 45;
const PAD_BOTTOM = 35;

export type Kind =
  | 'startEvent'
  | 'endEvent'
  | 'serviceTask'
  | 'sendTask'
  | 'userTask'
  | 'callActivity'
  | 'exclusiveGateway'
  | 'parallelGateway'
  | 'eventBasedGateway'
  | 'intermediateCatchEvent'
  | 'boundaryEvent'
  | 'subProcess';

export type EventDef =
  | { type: 'message'; messageRef: string }
  | { type: 'timer'; timeDate?: string; timeDuration?: string }
  | { type: 'error'; errorRef?: string }
  | { type: 'terminate' };

export interface IoMapping {
  inputs?: [source: string, target: string][];
  outputs?: [source: string, target: string][];
}

export interface NodeOptions {
  doc?: string;
  container?: string;
  /** Zeebe service/send task job type. */
  jobType?: string;
  retries?: number;
  headers?: Record<string, string>;
  io?: IoMapping;
  /** User task. */
  candidateGroups?: string;
  assignee?: string;
  formId?: string;
  dueDate?: string;
  /** Call activity. */
  calledElement?: string;
  propagateAllChildVariables?: boolean;
  multiInstance?: {
    inputCollection: string;
    inputElement: string;
    outputCollection?: string;
    outputElement?: string;
    sequential?: boolean;
  };
  event?: EventDef;
  /** Boundary event. */
  attachedTo?: string;
  cancelActivity?: boolean;
  side?: 'top' | 'bottom';
  /** 0..1 position along the host's edge. */
  at?: number;
  /** Start event of an event sub-process. */
  isInterrupting?: boolean;
  triggeredByEvent?: boolean;
  /** Row whose centre line flows enter and leave a sub-process at. */
  anchorRow?: number;
  labelPos?: 'top-right' | 'bottom' | 'top';
  default?: string;
}

interface Node extends NodeOptions {
  id: string;
  kind: Kind;
  name: string;
  col: number;
  row: number;
  incoming: string[];
  outgoing: string[];
}

export type Route = 'auto' | 'hv' | 'vh' | 'hvh' | { via: number } | { points: [number, number][] };

export interface FlowOptions {
  name?: string;
  condition?: string;
  isDefault?: boolean;
  route?: Route;
  doc?: string;
}

interface Flow extends FlowOptions {
  id: string;
  source: string;
  target: string;
}

interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

type Point = [number, number];

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/\n/g, '&#10;');

export const cx = (col: number) => X0 + col * COL_W;
export const cy = (row: number) => Y0 + row * ROW_H;

export class ProcessBuilder {
  private nodes = new Map<string, Node>();
  private flows: Flow[] = [];
  private messages = new Map<string, { id: string; name: string; correlationKey?: string }>();
  private errors = new Map<string, { id: string; name: string; code: string }>();
  private boundsCache = new Map<string, Bounds>();

  constructor(
    readonly id: string,
    readonly name: string,
    readonly doc: string,
  ) {}

  message(id: string, name: string, correlationKey?: string): string {
    this.messages.set(id, { id, name, correlationKey });
    return id;
  }

  error(id: string, name: string, code: string): string {
    this.errors.set(id, { id, name, code });
    return id;
  }

  node(kind: Kind, id: string, name: string, col: number, row: number, opts: NodeOptions = {}): string {
    if (this.nodes.has(id)) throw new Error(`duplicate id ${id}`);
    // A boundary event lives in its host's scope.
    const container = kind === 'boundaryEvent' ? this.get(opts.attachedTo!).container : opts.container;
    this.nodes.set(id, { ...opts, container, id, kind, name, col, row, incoming: [], outgoing: [] });
    return id;
  }

  flow(source: string, target: string, opts: FlowOptions = {}): string {
    const s = this.get(source);
    const t = this.get(target);
    const id = `Flow_${source.replace(/^[A-Za-z]+_/, '')}_to_${target.replace(/^[A-Za-z]+_/, '')}`;
    if (this.flows.some((f) => f.id === id)) throw new Error(`duplicate flow ${id}`);
    this.flows.push({ ...opts, id, source, target });
    s.outgoing.push(id);
    t.incoming.push(id);
    if (opts.isDefault) s.default = id;
    return id;
  }

  /** Chain of flows through the given nodes. */
  chain(...ids: string[]): void {
    for (let i = 0; i + 1 < ids.length; i++) this.flow(ids[i]!, ids[i + 1]!);
  }

  private get(id: string): Node {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`unknown node ${id}`);
    return n;
  }

  private children(container: string | undefined): Node[] {
    return [...this.nodes.values()].filter((n) => n.container === container && n.kind !== 'boundaryEvent');
  }

  bounds(id: string): Bounds {
    const cached = this.boundsCache.get(id);
    if (cached) return cached;
    const n = this.get(id);
    let b: Bounds;
    switch (n.kind) {
      case 'subProcess': {
        const kids = this.children(id).map((k) => this.bounds(k.id));
        if (kids.length === 0) throw new Error(`empty sub-process ${id}`);
        const minX = Math.min(...kids.map((k) => k.x)) - PAD_X;
        const minY = Math.min(...kids.map((k) => k.y)) - PAD_TOP;
        const maxX = Math.max(...kids.map((k) => k.x + k.width)) + PAD_X;
        const maxY = Math.max(...kids.map((k) => k.y + k.height)) + PAD_BOTTOM;
        b = { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
        break;
      }
      case 'boundaryEvent': {
        const host = this.bounds(n.attachedTo!);
        const at = n.at ?? 0.75;
        const x = host.x + host.width * at - EVENT / 2;
        const y = (n.side === 'top' ? host.y : host.y + host.height) - EVENT / 2;
        b = { x, y, width: EVENT, height: EVENT };
        break;
      }
      default: {
        const size = sizeOf(n.kind);
        b = { x: cx(n.col) - size.w / 2, y: cy(n.row) - size.h / 2, width: size.w, height: size.h };
      }
    }
    this.boundsCache.set(id, b);
    return b;
  }

  /** y of the horizontal line flows use to enter or leave this node. */
  private anchorY(n: Node): number {
    if (n.kind === 'subProcess') return cy(n.anchorRow ?? n.row);
    const b = this.bounds(n.id);
    return b.y + b.height / 2;
  }

  private route(f: Flow): Point[] {
    const s = this.get(f.source);
    const t = this.get(f.target);
    const sb = this.bounds(s.id);
    const tb = this.bounds(t.id);
    const sx = sb.x + sb.width / 2;
    const tx = tb.x + tb.width / 2;
    const sy = this.anchorY(s);
    const ty = this.anchorY(t);
    const isGw = (n: Node) => n.kind.endsWith('Gateway');

    if (s.kind === 'boundaryEvent') {
      const down = s.side !== 'top';
      const start: Point = [sx, down ? sb.y + sb.height : sb.y];
      if (Math.abs(tx - sx) < 1) return [start, [tx, down ? tb.y : tb.y + tb.height]];
      return [start, [sx, ty], [tx > sx ? tb.x : tb.x + tb.width, ty]];
    }

    const route = f.route ?? 'auto';
    if (typeof route === 'object' && 'points' in route) {
      const pts = route.points.map(([c, r]) => [cx(c), cy(r)] as Point);
      const first = pts[0]!;
      const last = pts[pts.length - 1]!;
      return [this.exitPoint(sb, first, sy), ...pts, this.exitPoint(tb, last, ty)];
    }
    if (typeof route === 'object' && 'via' in route) {
      // Around the bottom (or top) of the diagram: out of the source, along the via row, into the target.
      const vy = cy(route.via);
      const sOut: Point = [sx, vy > sy ? sb.y + sb.height : sb.y];
      const tIn: Point = [tx, vy > ty ? tb.y + tb.height : tb.y];
      return [sOut, [sx, vy], [tx, vy], tIn];
    }

    if (Math.abs(sy - ty) < 1) {
      return tx >= sx
        ? [
            [sb.x + sb.width, sy],
            [tb.x, ty],
          ]
        : [
            [sb.x, sy],
            [tb.x + tb.width, ty],
          ];
    }
    if (Math.abs(sx - tx) < 1) {
      return ty > sy
        ? [
            [sx, sb.y + sb.height],
            [tx, tb.y],
          ]
        : [
            [sx, sb.y],
            [tx, tb.y + tb.height],
          ];
    }
    let kind = route;
    if (kind === 'auto') kind = isGw(s) && s.outgoing.length > 1 ? 'vh' : isGw(t) ? 'hv' : 'hvh';
    if (kind === 'vh') {
      const start: Point = [sx, ty > sy ? sb.y + sb.height : sb.y];
      return [start, [sx, ty], [tx > sx ? tb.x : tb.x + tb.width, ty]];
    }
    if (kind === 'hv') {
      const start: Point = [tx > sx ? sb.x + sb.width : sb.x, sy];
      return [start, [tx, sy], [tx, ty > sy ? tb.y : tb.y + tb.height]];
    }
    const mx = tx > sx ? tb.x - 25 : tb.x + tb.width + 25;
    return [
      [tx > sx ? sb.x + sb.width : sb.x, sy],
      [mx, sy],
      [mx, ty],
      [tx > sx ? tb.x : tb.x + tb.width, ty],
    ];
  }

  private exitPoint(b: Bounds, toward: Point, anchorY: number): Point {
    const mx = b.x + b.width / 2;
    if (Math.abs(toward[0] - mx) < 1) return [mx, toward[1] > anchorY ? b.y + b.height : b.y];
    return [toward[0] > mx ? b.x + b.width : b.x, anchorY];
  }

  private labelBounds(n: Node): Bounds | undefined {
    if (!n.name) return undefined;
    const isEvent = n.kind.endsWith('Event');
    const isGw = n.kind.endsWith('Gateway');
    if (!isEvent && !isGw) return undefined;
    const b = this.bounds(n.id);
    const width = 90;
    const lines = Math.ceil(n.name.length / 7);
    const height = 14 * lines;
    const pos = n.labelPos ?? (isGw ? 'top-right' : n.kind === 'boundaryEvent' && n.side === 'top' ? 'top' : 'bottom');
    if (pos === 'top-right') return { x: b.x + b.width - 8, y: b.y - height - 2, width, height };
    // Left of a top-attached event, clear of the flow that leaves it upwards.
    if (pos === 'top') return { x: b.x - width - 4, y: b.y - height + 4, width, height };
    if (n.kind === 'boundaryEvent') return { x: b.x + b.width + 2, y: b.y + b.height, width, height };
    return { x: b.x + b.width / 2 - width / 2, y: b.y + b.height + 4, width, height };
  }

  toXml(): string {
    const out: string[] = [];
    out.push('<?xml version="1.0" encoding="UTF-8"?>');
    out.push(
      '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" ' +
        'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" ' +
        'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
        'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" ' +
        `id="Definitions_${this.id.replace(/-/g, '_')}" targetNamespace="http://yeji.gov.cn/egov/bpmn" ` +
        'exporter="yeji processes/tools/generate.ts" exporterVersion="1.0.0" ' +
        'modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.8.0">',
    );
    out.push(`  <bpmn:process id="${this.id}" name="${esc(this.name)}" isExecutable="true">`);
    out.push(`    <bpmn:documentation>${esc(this.doc)}</bpmn:documentation>`);
    this.writeScope(out, undefined, '    ');
    out.push('  </bpmn:process>');
    for (const m of this.messages.values()) {
      if (m.correlationKey) {
        out.push(`  <bpmn:message id="${m.id}" name="${m.name}">`);
        out.push('    <bpmn:extensionElements>');
        out.push(`      <zeebe:subscription correlationKey="${esc(m.correlationKey)}" />`);
        out.push('    </bpmn:extensionElements>');
        out.push('  </bpmn:message>');
      } else out.push(`  <bpmn:message id="${m.id}" name="${m.name}" />`);
    }
    for (const e of this.errors.values())
      out.push(`  <bpmn:error id="${e.id}" name="${esc(e.name)}" errorCode="${e.code}" />`);
    this.writeDi(out);
    out.push('</bpmn:definitions>');
    return out.join('\n') + '\n';
  }

  private writeScope(out: string[], container: string | undefined, ind: string): void {
    const scopeNodes = [...this.nodes.values()].filter((n) => n.container === container);
    for (const n of scopeNodes) this.writeNode(out, n, ind);
    const ids = new Set(scopeNodes.map((n) => n.id));
    for (const f of this.flows.filter((fl) => ids.has(fl.source))) {
      if (!ids.has(f.target)) throw new Error(`flow ${f.id} crosses a scope boundary`);
      const name = f.name ? ` name="${esc(f.name)}"` : '';
      const open = `${ind}<bpmn:sequenceFlow id="${f.id}"${name} sourceRef="${f.source}" targetRef="${f.target}"`;
      if (!f.condition && !f.doc) {
        out.push(`${open} />`);
        continue;
      }
      out.push(`${open}>`);
      if (f.doc) out.push(`${ind}  <bpmn:documentation>${esc(f.doc)}</bpmn:documentation>`);
      if (f.condition)
        out.push(
          `${ind}  <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${esc(f.condition)}</bpmn:conditionExpression>`,
        );
      out.push(`${ind}</bpmn:sequenceFlow>`);
    }
  }

  private writeNode(out: string[], n: Node, ind: string): void {
    const attrs: string[] = [`id="${n.id}"`];
    if (n.name) attrs.push(`name="${esc(n.name)}"`);
    if (n.kind === 'boundaryEvent') {
      if (n.cancelActivity === false) attrs.push('cancelActivity="false"');
      attrs.push(`attachedToRef="${n.attachedTo}"`);
    }
    if (n.kind === 'startEvent' && n.isInterrupting === false) attrs.push('isInterrupting="false"');
    if (n.kind === 'subProcess' && n.triggeredByEvent) attrs.push('triggeredByEvent="true"');
    if (n.default) attrs.push(`default="${n.default}"`);
    out.push(`${ind}<bpmn:${n.kind} ${attrs.join(' ')}>`);
    const i2 = ind + '  ';
    if (n.doc) out.push(`${i2}<bpmn:documentation>${esc(n.doc)}</bpmn:documentation>`);
    const ext = this.extensions(n, i2 + '  ');
    if (ext.length) out.push(`${i2}<bpmn:extensionElements>`, ...ext, `${i2}</bpmn:extensionElements>`);
    for (const f of n.incoming) out.push(`${i2}<bpmn:incoming>${f}</bpmn:incoming>`);
    for (const f of n.outgoing) out.push(`${i2}<bpmn:outgoing>${f}</bpmn:outgoing>`);
    if (n.multiInstance) {
      const mi = n.multiInstance;
      const seq = mi.sequential ? ' isSequential="true"' : '';
      const lc = [
        `inputCollection="${esc(mi.inputCollection)}"`,
        `inputElement="${mi.inputElement}"`,
        mi.outputCollection ? `outputCollection="${mi.outputCollection}"` : '',
        mi.outputElement ? `outputElement="${esc(mi.outputElement)}"` : '',
      ]
        .filter(Boolean)
        .join(' ');
      out.push(`${i2}<bpmn:multiInstanceLoopCharacteristics${seq}>`);
      out.push(`${i2}  <bpmn:extensionElements>`);
      out.push(`${i2}    <zeebe:loopCharacteristics ${lc} />`);
      out.push(`${i2}  </bpmn:extensionElements>`);
      out.push(`${i2}</bpmn:multiInstanceLoopCharacteristics>`);
    }
    if (n.kind === 'subProcess') this.writeScope(out, n.id, i2);
    if (n.event) out.push(...this.eventDefinition(n, i2));
    out.push(`${ind}</bpmn:${n.kind}>`);
  }

  private eventDefinition(n: Node, ind: string): string[] {
    const e = n.event!;
    const id = `${e.type[0]!.toUpperCase()}${e.type.slice(1)}EventDefinition_${n.id}`;
    switch (e.type) {
      case 'message':
        return [`${ind}<bpmn:messageEventDefinition id="${id}" messageRef="${e.messageRef}" />`];
      case 'error':
        return [`${ind}<bpmn:errorEventDefinition id="${id}"${e.errorRef ? ` errorRef="${e.errorRef}"` : ''} />`];
      case 'terminate':
        return [`${ind}<bpmn:terminateEventDefinition id="${id}" />`];
      case 'timer': {
        const [tag, value] = e.timeDate ? ['timeDate', e.timeDate] : ['timeDuration', e.timeDuration!];
        return [
          `${ind}<bpmn:timerEventDefinition id="${id}">`,
          `${ind}  <bpmn:${tag} xsi:type="bpmn:tFormalExpression">${esc(value)}</bpmn:${tag}>`,
          `${ind}</bpmn:timerEventDefinition>`,
        ];
      }
    }
  }

  private extensions(n: Node, ind: string): string[] {
    const out: string[] = [];
    if (n.jobType) {
      out.push(`${ind}<zeebe:taskDefinition type="${n.jobType}" retries="${n.retries ?? 3}" />`);
    }
    if (n.kind === 'userTask') {
      out.push(`${ind}<zeebe:userTask />`);
      if (n.formId) out.push(`${ind}<zeebe:formDefinition formId="${n.formId}" />`);
      const a = [
        n.assignee ? `assignee="${esc(n.assignee)}"` : '',
        n.candidateGroups ? `candidateGroups="${esc(n.candidateGroups)}"` : '',
      ]
        .filter(Boolean)
        .join(' ');
      if (a) out.push(`${ind}<zeebe:assignmentDefinition ${a} />`);
      if (n.dueDate) out.push(`${ind}<zeebe:taskSchedule dueDate="${esc(n.dueDate)}" />`);
    }
    if (n.calledElement) {
      const prop = n.propagateAllChildVariables ? 'true' : 'false';
      out.push(`${ind}<zeebe:calledElement processId="${n.calledElement}" propagateAllChildVariables="${prop}" />`);
    }
    if (n.io && ((n.io.inputs?.length ?? 0) > 0 || (n.io.outputs?.length ?? 0) > 0)) {
      out.push(`${ind}<zeebe:ioMapping>`);
      for (const [s, t] of n.io.inputs ?? []) out.push(`${ind}  <zeebe:input source="${esc(s)}" target="${t}" />`);
      for (const [s, t] of n.io.outputs ?? []) out.push(`${ind}  <zeebe:output source="${esc(s)}" target="${t}" />`);
      out.push(`${ind}</zeebe:ioMapping>`);
    }
    if (n.headers && Object.keys(n.headers).length) {
      out.push(`${ind}<zeebe:taskHeaders>`);
      for (const [k, v] of Object.entries(n.headers)) out.push(`${ind}  <zeebe:header key="${k}" value="${esc(v)}" />`);
      out.push(`${ind}</zeebe:taskHeaders>`);
    }
    return out;
  }

  private writeDi(out: string[]): void {
    out.push(`  <bpmndi:BPMNDiagram id="BPMNDiagram_${this.id.replace(/-/g, '_')}">`);
    out.push(`    <bpmndi:BPMNPlane id="BPMNPlane_${this.id.replace(/-/g, '_')}" bpmnElement="${this.id}">`);
    // Containers first so that the modeler draws their children on top of them.
    const ordered = [...this.nodes.values()].sort((a, b) => depth(this, a) - depth(this, b));
    for (const n of ordered) {
      const b = this.bounds(n.id);
      const extra =
        n.kind === 'subProcess' ? ' isExpanded="true"' : n.kind === 'exclusiveGateway' ? ' isMarkerVisible="true"' : '';
      out.push(`      <bpmndi:BPMNShape id="${n.id}_di" bpmnElement="${n.id}"${extra}>`);
      out.push(`        ${dc(b)}`);
      const lb = this.labelBounds(n);
      if (lb) out.push('        <bpmndi:BPMNLabel>', `          ${dc(lb)}`, '        </bpmndi:BPMNLabel>');
      out.push('      </bpmndi:BPMNShape>');
    }
    for (const f of this.flows) {
      const pts = this.route(f);
      out.push(`      <bpmndi:BPMNEdge id="${f.id}_di" bpmnElement="${f.id}">`);
      for (const [x, y] of pts) out.push(`        <di:waypoint x="${Math.round(x)}" y="${Math.round(y)}" />`);
      if (f.name) {
        const [x1, y1] = pts[0]!;
        const [x2, y2] = pts[1]!;
        const vertical = Math.abs(x1 - x2) < 1;
        const lb: Bounds = vertical
          ? { x: x1 + 4, y: (y1 + y2) / 2 - 7, width: 14 * f.name.length, height: 14 }
          : { x: x1 + 6, y: y1 + 4, width: 14 * f.name.length, height: 14 };
        out.push('        <bpmndi:BPMNLabel>', `          ${dc(lb)}`, '        </bpmndi:BPMNLabel>');
      }
      out.push('      </bpmndi:BPMNEdge>');
    }
    out.push('    </bpmndi:BPMNPlane>');
    out.push('  </bpmndi:BPMNDiagram>');
  }

  /** For the README: job type → element ids. */
  jobTypes(): Map<string, string[]> {
    const m = new Map<string, string[]>();
    for (const n of this.nodes.values()) if (n.jobType) m.set(n.jobType, [...(m.get(n.jobType) ?? []), n.id]);
    return m;
  }

  nodeParent(id: string): string | undefined {
    const n = this.get(id);
    return n.kind === 'boundaryEvent' ? n.attachedTo : n.container;
  }
}

function depth(b: ProcessBuilder, n: { id: string }): number {
  let d = 0;
  let p = b.nodeParent(n.id);
  while (p) {
    d++;
    p = b.nodeParent(p);
  }
  return d;
}

function sizeOf(kind: Kind): { w: number; h: number } {
  if (kind.endsWith('Gateway')) return { w: GATEWAY, h: GATEWAY };
  if (kind.endsWith('Event')) return { w: EVENT, h: EVENT };
  return { w: TASK_W, h: TASK_H };
}

function dc(b: Bounds): string {
  return `<dc:Bounds x="${Math.round(b.x)}" y="${Math.round(b.y)}" width="${Math.round(b.width)}" height="${Math.round(b.height)}" />`;
}
