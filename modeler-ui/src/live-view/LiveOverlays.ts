/**
 * Draws live statistics on the diagram: a count badge and an incident badge per element, and a
 * colour marker (live-bucket-1 … 4) by count or by age. Clicking an element with projects, or its
 * badge, fires `liveView.element.click` on the event bus with `{ elementId }`.
 */
import {
  badgeHtml,
  defaultLiveViewOptions,
  toOverlayModels,
  type ColourBy,
  type ElementStatistics,
  type LiveViewOptions,
  type OverlayModel,
} from './model';

/** The parts of diagram-js services this module uses (structural, so tests can pass recorders). */
export interface OverlaysLike {
  add(element: string, type: string, overlay: { position: Record<string, number>; html: string }): string;
  remove(filter: { type: string }): void;
}
export interface CanvasLike {
  addMarker(element: string, marker: string): void;
  removeMarker(element: string, marker: string): void;
  /** the diagram's DOM container (absent in Node tests) */
  getContainer?(): HTMLElement;
}
export interface ElementRegistryLike {
  get(id: string): unknown;
}
export interface EventBusLike {
  on(event: string, callback: (event: { element?: { id: string } }) => void): void;
  fire(event: string, data?: unknown): unknown;
}

export const OVERLAY_TYPE = 'live-view';
export const BUCKET_MARKERS = ['live-bucket-1', 'live-bucket-2', 'live-bucket-3', 'live-bucket-4'] as const;
export const INCIDENT_MARKER = 'live-incident';
export const CLICK_EVENT = 'liveView.element.click';

export default class LiveOverlays {
  static $inject = ['overlays', 'canvas', 'elementRegistry', 'eventBus', 'config.liveView'];

  private options: LiveViewOptions;
  private lastStats: ElementStatistics[] = [];
  private models = new Map<string, OverlayModel>();

  constructor(
    private readonly overlays: OverlaysLike,
    private readonly canvas: CanvasLike,
    private readonly elementRegistry: ElementRegistryLike,
    eventBus: EventBusLike,
    config: Partial<LiveViewOptions> | undefined,
  ) {
    this.options = { ...defaultLiveViewOptions, ...config };
    eventBus.on('element.click', (event) => {
      const id = event.element?.id;
      if (id && this.models.has(id)) eventBus.fire(CLICK_EVENT, { elementId: id });
    });
    // the badges are HTML overlays above the diagram: clicking one acts as clicking its element —
    // the only sure target on a large expanded sub-process, whose middle holds its own elements
    canvas.getContainer?.().addEventListener('click', (e) => {
      const badge = (e.target as Element | null)?.closest?.('.live-badge[data-element-id]');
      const id = badge?.getAttribute('data-element-id');
      if (id && this.models.has(id)) eventBus.fire(CLICK_EVENT, { elementId: id });
    });
  }

  get colourBy(): ColourBy {
    return this.options.colourBy;
  }

  setColourBy(colourBy: ColourBy): void {
    this.options = { ...this.options, colourBy };
    this.update(this.lastStats);
  }

  /** Replaces all live overlays with those for `stats`; returns what was drawn. */
  update(stats: readonly ElementStatistics[]): OverlayModel[] {
    this.lastStats = [...stats];
    this.clear();
    // statistics of elements not in this diagram (another version) are ignored: not drawn, and
    // not setting the scale of the count colours either
    const shown = stats.filter((s) => this.elementRegistry.get(s.elementId));
    const models = toOverlayModels(shown, this.options);
    for (const model of models) {
      const html = badgeHtml(model);
      this.overlays.add(model.elementId, OVERLAY_TYPE, { position: { bottom: 12, left: -8 }, html: html.count });
      if (html.incident)
        this.overlays.add(model.elementId, OVERLAY_TYPE, { position: { top: -8, right: 12 }, html: html.incident });
      if (model.bucket > 0) this.canvas.addMarker(model.elementId, BUCKET_MARKERS[model.bucket - 1]!);
      if (model.incidents > 0) this.canvas.addMarker(model.elementId, INCIDENT_MARKER);
      this.models.set(model.elementId, model);
    }
    return models;
  }

  clear(): void {
    this.overlays.remove({ type: OVERLAY_TYPE });
    for (const id of this.models.keys()) {
      for (const marker of BUCKET_MARKERS) this.canvas.removeMarker(id, marker);
      this.canvas.removeMarker(id, INCIDENT_MARKER);
    }
    this.models.clear();
  }

  /** What is drawn now on an element (undefined when nothing). */
  modelOf(elementId: string): OverlayModel | undefined {
    return this.models.get(elementId);
  }
}
