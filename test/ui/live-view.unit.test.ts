/**
 * The live-view module's pure parts (statistics → overlay model) and its services driven through
 * recorders of the diagram-js services they call (no DOM in Node; the real canvas is covered by
 * the browser tests).
 */
import {
  ageBucket,
  badgeHtml,
  countBucket,
  formatAge,
  toOverlayModels,
  type LiveViewOptions,
} from '../../modeler-ui/src/live-view/model';
import LiveOverlays, {
  CLICK_EVENT,
  type CanvasLike,
  type EventBusLike,
  type OverlaysLike,
} from '../../modeler-ui/src/live-view/LiveOverlays';
import LivePoller, { MAX_INTERVAL_MS } from '../../modeler-ui/src/live-view/LivePoller';
import PathHighlighter, { pathInputFrom } from '../../modeler-ui/src/live-view/PathHighlighter';
import liveViewModule from '../../modeler-ui/src/live-view';

const DAY = 24 * 60 * 60 * 1000;
const byAge: LiveViewOptions = { colourBy: 'age', ageThresholdsDays: [5, 15, 30] };

describe('live view model', () => {
  it('should bucket counts relative to the busiest element', () => {
    expect(countBucket(0, 10)).toBe(0);
    expect(countBucket(1, 10)).toBe(1);
    expect(countBucket(3, 10)).toBe(2);
    expect(countBucket(6, 10)).toBe(3);
    expect(countBucket(10, 10)).toBe(4);
    expect(countBucket(1, 1)).toBe(4);
    expect(countBucket(5, 0)).toBe(0);
  });

  it('should bucket ages by absolute day thresholds', () => {
    const t = byAge.ageThresholdsDays;
    expect(ageBucket(undefined, t)).toBe(0);
    expect(ageBucket(-1, t)).toBe(0);
    expect(ageBucket(0, t)).toBe(1);
    expect(ageBucket(4.9 * DAY, t)).toBe(1);
    expect(ageBucket(5 * DAY, t)).toBe(2);
    expect(ageBucket(14 * DAY, t)).toBe(2);
    expect(ageBucket(15 * DAY, t)).toBe(3);
    expect(ageBucket(30 * DAY, t)).toBe(4);
    expect(ageBucket(400 * DAY, t)).toBe(4);
  });

  it('should format ages in Chinese', () => {
    expect(formatAge(3 * DAY + 5000)).toBe('3天');
    expect(formatAge(5 * 60 * 60 * 1000)).toBe('5小时');
    expect(formatAge(10 * 60 * 1000)).toBe('不足1小时');
  });

  it('should make one overlay per element with projects or incidents, colour by count', () => {
    // given
    const stats = [
      { elementId: 'review', active: 8, incidents: 0, maxAgeMs: 2 * DAY, avgAgeMs: DAY },
      { elementId: 'approve', active: 2, incidents: 1, maxAgeMs: 20 * DAY },
      { elementId: 'idle', active: 0, incidents: 0 },
      { elementId: 'broken', active: 0, incidents: 2 },
    ];
    // when
    const models = toOverlayModels(stats);
    // then
    expect(models.map((m) => [m.elementId, m.countLabel, m.incidents, m.bucket])).toEqual([
      ['review', '8', 0, 4],
      ['approve', '2', 1, 1],
      ['broken', '0', 2, 0],
    ]);
    expect(models[0]!.title).toBe('在办 8 个项目，最久 2天，平均 1天');
    expect(models[1]!.title).toBe('在办 2 个项目，异常 1 个，最久 20天');
  });

  it('should colour by age of the oldest token when asked', () => {
    const models = toOverlayModels(
      [
        { elementId: 'a', active: 9, incidents: 0, maxAgeMs: DAY },
        { elementId: 'b', active: 1, incidents: 0, maxAgeMs: 31 * DAY },
        { elementId: 'c', active: 1, incidents: 0 },
      ],
      byAge,
    );
    expect(models.map((m) => m.bucket)).toEqual([1, 4, 0]);
    expect(models[1]!.ageLabel).toBe('最久 31天');
    expect(models[2]!.ageLabel).toBe('');
  });

  it('should merge rows of one element from several versions', () => {
    const [m] = toOverlayModels([
      { elementId: 'x', active: 1, incidents: 0, maxAgeMs: 3 * DAY, avgAgeMs: 3 * DAY },
      { elementId: 'x', active: 3, incidents: 1, maxAgeMs: 9 * DAY, avgAgeMs: DAY },
    ]);
    expect(m).toMatchObject({ active: 4, incidents: 1, countLabel: '4', ageLabel: '最久 9天' });
    expect(m!.title).toContain('平均 1天'); // (3 + 3·1) / 4 = 1.5 days
  });

  it('should escape everything put into badge HTML', () => {
    const [m] = toOverlayModels([{ elementId: 'a"><script>', active: 1, incidents: 1 }]);
    const html = badgeHtml(m!);
    expect(html.count).not.toContain('<script>');
    expect(html.count).toContain('data-element-id="a&#34;&#62;&#60;script&#62;"');
    expect(html.incident).toContain('>1</div>');
  });
});

/** Records what the services ask diagram-js to draw. */
function diagram(ids: string[]) {
  const overlays: { element: string; type: string; html: string }[] = [];
  const markers = new Map<string, Set<string>>();
  const listeners = new Map<string, ((e: { element?: { id: string } }) => void)[]>();
  const fired: { event: string; data: unknown }[] = [];
  const overlaysSvc: OverlaysLike = {
    add(element, type, o) {
      overlays.push({ element, type, html: o.html });
      return String(overlays.length);
    },
    remove(filter) {
      for (let i = overlays.length - 1; i >= 0; i--) if (overlays[i]!.type === filter.type) overlays.splice(i, 1);
    },
  };
  const canvas: CanvasLike = {
    addMarker(el, m) {
      markers.set(el, (markers.get(el) ?? new Set()).add(m));
    },
    removeMarker(el, m) {
      markers.get(el)?.delete(m);
    },
  };
  const registry = { get: (id: string) => (ids.includes(id) ? { id } : undefined) };
  const eventBus: EventBusLike = {
    on(event, cb) {
      listeners.set(event, [...(listeners.get(event) ?? []), cb]);
    },
    fire(event, data) {
      fired.push({ event, data });
      for (const cb of listeners.get(event) ?? []) cb(data as { element?: { id: string } });
      return undefined;
    },
  };
  const markersOf = (id: string) => [...(markers.get(id) ?? [])].sort();
  return { overlays, overlaysSvc, canvas, registry, eventBus, fired, markersOf };
}

describe('LiveOverlays service', () => {
  it('should be declared as a diagram-js module with injected services', () => {
    expect(liveViewModule.__init__).toEqual(['liveOverlays', 'livePoller', 'pathHighlighter']);
    expect(LiveOverlays.$inject).toEqual(['overlays', 'canvas', 'elementRegistry', 'eventBus', 'config.liveView']);
  });

  it('should draw badges and markers, replace them on update and skip unknown elements', () => {
    // given
    const d = diagram(['review', 'approve']);
    const live = new LiveOverlays(d.overlaysSvc, d.canvas, d.registry, d.eventBus, undefined);
    // when
    live.update([
      { elementId: 'review', active: 4, incidents: 0 },
      { elementId: 'approve', active: 1, incidents: 2 },
      { elementId: 'otherVersionOnly', active: 7, incidents: 0 },
    ]);
    // then
    expect(d.overlays.map((o) => [o.element, /live-badge-incident/.test(o.html) ? 'incident' : 'count'])).toEqual([
      ['review', 'count'],
      ['approve', 'count'],
      ['approve', 'incident'],
    ]);
    expect(d.markersOf('review')).toEqual(['live-bucket-4']);
    expect(d.markersOf('approve')).toEqual(['live-bucket-1', 'live-incident']);

    // when the token moved on
    live.update([{ elementId: 'approve', active: 5, incidents: 0 }]);
    // then
    expect(d.overlays).toHaveLength(1);
    expect(d.overlays[0]!.html).toContain('>5</div>');
    expect(d.markersOf('review')).toEqual([]);
    expect(d.markersOf('approve')).toEqual(['live-bucket-4']);
  });

  it('should recolour by age without new statistics', () => {
    const d = diagram(['a', 'b']);
    const live = new LiveOverlays(d.overlaysSvc, d.canvas, d.registry, d.eventBus, { colourBy: 'count' });
    live.update([
      { elementId: 'a', active: 10, incidents: 0, maxAgeMs: DAY },
      { elementId: 'b', active: 1, incidents: 0, maxAgeMs: 40 * DAY },
    ]);
    expect([d.markersOf('a'), d.markersOf('b')]).toEqual([['live-bucket-4'], ['live-bucket-1']]);
    live.setColourBy('age');
    expect([d.markersOf('a'), d.markersOf('b')]).toEqual([['live-bucket-1'], ['live-bucket-4']]);
  });

  it('should fire a click event only for elements with projects', () => {
    const d = diagram(['a', 'b']);
    const live = new LiveOverlays(d.overlaysSvc, d.canvas, d.registry, d.eventBus, undefined);
    live.update([{ elementId: 'a', active: 1, incidents: 0 }]);
    d.eventBus.fire('element.click', { element: { id: 'b' } });
    d.eventBus.fire('element.click', { element: { id: 'a' } });
    expect(d.fired.filter((f) => f.event === CLICK_EVENT)).toEqual([{ event: CLICK_EVENT, data: { elementId: 'a' } }]);
  });
});

describe('LivePoller service', () => {
  it('should cap the interval at 2 s and redraw on every poll', async () => {
    // given
    const d = diagram(['a']);
    const live = new LiveOverlays(d.overlaysSvc, d.canvas, d.registry, d.eventBus, undefined);
    let count = 0;
    const poller = new LivePoller(live, d.eventBus, {
      intervalMs: 60_000,
      fetchStatistics: async () => [{ elementId: 'a', active: ++count, incidents: 0 }],
    });
    expect(poller.interval).toBe(MAX_INTERVAL_MS);
    // when
    await poller.tick();
    await poller.tick();
    // then
    expect(d.overlays).toHaveLength(1);
    expect(d.overlays[0]!.html).toContain('>2</div>');
  });

  it('should keep polling after a failed fetch and stop on diagram.destroy', async () => {
    jest.useFakeTimers();
    try {
      const d = diagram(['a']);
      const live = new LiveOverlays(d.overlaysSvc, d.canvas, d.registry, d.eventBus, undefined);
      const errors: unknown[] = [];
      let calls = 0;
      const poller = new LivePoller(live, d.eventBus, {
        intervalMs: 500,
        onError: (e) => errors.push(e),
        fetchStatistics: async () => {
          calls++;
          if (calls === 1) throw new Error('网络错误');
          return [{ elementId: 'a', active: calls, incidents: 0 }];
        },
      });
      poller.start();
      await jest.advanceTimersByTimeAsync(0);
      expect(errors).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(500);
      expect(calls).toBe(2);
      expect(d.overlays[0]!.html).toContain('>2</div>');
      d.eventBus.fire('diagram.destroy');
      await jest.advanceTimersByTimeAsync(5000);
      expect(calls).toBe(2);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('PathHighlighter service', () => {
  it('should mark current, passed and incident elements and taken flows', () => {
    const d = diagram(['start', 'f1', 'apply', 'f2', 'review', 'f3']);
    const path = new PathHighlighter(d.canvas, d.registry);
    const shown = path.show({
      elements: [
        { elementId: 'start', state: 'COMPLETED' },
        { elementId: 'apply', state: 'COMPLETED' },
        { elementId: 'review', state: 'COMPLETED' },
        // returned (退回) to apply: it is active again
        { elementId: 'apply', state: 'ACTIVE', incident: true },
      ],
      takenFlows: ['f1', 'f2', 'f3', 'notInDiagram'],
    });
    expect(shown).toEqual({ active: ['apply'], done: ['start', 'review'], flows: ['f1', 'f2', 'f3'] });
    expect(d.markersOf('apply')).toEqual(['path-active', 'path-incident']);
    expect(d.markersOf('review')).toEqual(['path-done']);
    expect(d.markersOf('f2')).toEqual(['path-flow']);
    path.clear();
    expect(['apply', 'review', 'f2'].map(d.markersOf)).toEqual([[], [], []]);
  });
});

describe('pathInputFrom', () => {
  it('should turn the server instance path into highlighter input, active and incident wins', () => {
    const input = pathInputFrom({
      active: ['review', 'parallelB'],
      incidents: ['review'],
      sequenceFlows: ['f1', 'f2'],
      timeline: [
        { elementId: 'start', state: 'COMPLETED' },
        { elementId: 'review', state: 'COMPLETED' },
        { elementId: 'review', state: 'ACTIVE' },
        { elementId: 'cancelled', state: 'TERMINATED' },
      ],
    });
    expect(input.takenFlows).toEqual(['f1', 'f2']);
    expect(input.elements).toEqual([
      { elementId: 'start', state: 'COMPLETED', incident: false },
      { elementId: 'review', state: 'COMPLETED', incident: true },
      { elementId: 'review', state: 'ACTIVE', incident: true },
      { elementId: 'cancelled', state: 'TERMINATED', incident: false },
      // active per the engine but not (yet) in the timeline page
      { elementId: 'parallelB', state: 'ACTIVE', incident: false },
    ]);
  });
});

describe('PathHighlighter focus', () => {
  it('should centre the view on the current element at 1:1', () => {
    // given a 800×600 viewport and an element at (1000, 400) of 100×80
    const boxes: unknown[] = [];
    const canvas = {
      addMarker: () => undefined,
      removeMarker: () => undefined,
      viewbox(box?: unknown) {
        if (box) boxes.push(box);
        return { x: 0, y: 0, width: 5000, height: 3000, outer: { width: 800, height: 600 } };
      },
    };
    const registry = {
      get: (id: string) => (id === 'review' ? { id, x: 1000, y: 400, width: 100, height: 80 } : undefined),
    };
    const path = new PathHighlighter(canvas, registry);
    // when / then
    expect(path.focus('review')).toBe(true);
    expect(boxes).toEqual([{ x: 650, y: 140, width: 800, height: 600 }]);
    expect(path.focus('unknown')).toBe(false);
  });
});
