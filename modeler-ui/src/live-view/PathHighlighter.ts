/**
 * Single-project view: marks the element(s) a project is in now, the elements it passed and the
 * sequence flows it took (CSS markers path-active, path-done, path-incident, path-flow).
 */
import type { CanvasLike, ElementRegistryLike } from './LiveOverlays';

export interface ProjectPathInput {
  elements: { elementId: string; state: 'ACTIVE' | 'COMPLETED' | 'TERMINATED'; incident?: boolean }[];
  takenFlows: string[];
}

export const PATH_MARKERS = ['path-active', 'path-done', 'path-incident', 'path-flow'] as const;

/** diagram-js Canvas#viewbox, for centring on the current position */
interface Viewbox {
  x: number;
  y: number;
  width: number;
  height: number;
  outer: { width: number; height: number };
}
type ViewboxCanvas = CanvasLike & { viewbox?(box?: Omit<Viewbox, 'outer'>): Viewbox };
interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export default class PathHighlighter {
  static $inject = ['canvas', 'elementRegistry'];

  private marked = new Map<string, Set<string>>();

  constructor(
    private readonly canvas: ViewboxCanvas,
    private readonly elementRegistry: ElementRegistryLike,
  ) {}

  /**
   * Centres the view on an element at 1:1 — a large model fitted to the viewport is unreadable,
   * and the current position is what the reader came for.
   */
  focus(elementId: string): boolean {
    const el = this.elementRegistry.get(elementId) as Partial<Bounds> | undefined;
    if (!el || el.x === undefined || el.y === undefined || !this.canvas.viewbox) return false;
    const { outer } = this.canvas.viewbox();
    this.canvas.viewbox({
      x: el.x + (el.width ?? 0) / 2 - outer.width / 2,
      y: el.y + (el.height ?? 0) / 2 - outer.height / 2,
      width: outer.width,
      height: outer.height,
    });
    return true;
  }

  show(path: ProjectPathInput): { active: string[]; done: string[]; flows: string[] } {
    this.clear();
    const active = new Set<string>();
    const done = new Set<string>();
    for (const e of path.elements) {
      if (e.state === 'ACTIVE') active.add(e.elementId);
      else done.add(e.elementId);
      if (e.incident) this.mark(e.elementId, 'path-incident');
    }
    // an element visited earlier and active again (a loop back after 退回) shows as active
    for (const id of active) done.delete(id);
    for (const id of done) this.mark(id, 'path-done');
    for (const id of active) this.mark(id, 'path-active');
    for (const id of path.takenFlows) this.mark(id, 'path-flow');
    return {
      active: [...active],
      done: [...done],
      flows: path.takenFlows.filter((id) => this.elementRegistry.get(id)),
    };
  }

  clear(): void {
    for (const [id, markers] of this.marked) for (const m of markers) this.canvas.removeMarker(id, m);
    this.marked.clear();
  }

  private mark(id: string, marker: (typeof PATH_MARKERS)[number]): void {
    if (!this.elementRegistry.get(id)) return;
    this.canvas.addMarker(id, marker);
    const set = this.marked.get(id) ?? new Set<string>();
    set.add(marker);
    this.marked.set(id, set);
  }
}

/** The server's instance path (active ids, incident ids, taken flows, element-instance timeline). */
export interface InstancePathLike {
  active: string[];
  incidents: string[];
  sequenceFlows: string[];
  timeline: { elementId: string; state: string }[];
}

/** Instance path → what the highlighter draws: every visited element once, active wins. */
export function pathInputFrom(p: InstancePathLike): ProjectPathInput {
  const incidents = new Set(p.incidents);
  const elements: ProjectPathInput['elements'] = p.timeline.map((t) => ({
    elementId: t.elementId,
    state: t.state === 'ACTIVE' ? 'ACTIVE' : t.state === 'TERMINATED' ? 'TERMINATED' : 'COMPLETED',
    incident: incidents.has(t.elementId),
  }));
  for (const id of p.active) {
    if (!elements.some((e) => e.elementId === id && e.state === 'ACTIVE'))
      elements.push({ elementId: id, state: 'ACTIVE', incident: incidents.has(id) });
  }
  return { elements, takenFlows: p.sequenceFlows };
}
