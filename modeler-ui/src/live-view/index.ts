/**
 * Live process view as a diagram-js module: add it to a bpmn-js Viewer/NavigatedViewer with
 * `additionalModules: [liveViewModule]` and options `liveView: { colourBy, ageThresholdsDays,
 * fetchStatistics, intervalMs }`. Styles: ./live-view.css.
 */
import LiveOverlays from './LiveOverlays';
import LivePoller from './LivePoller';
import PathHighlighter from './PathHighlighter';

const liveViewModule = {
  __init__: ['liveOverlays', 'livePoller', 'pathHighlighter'],
  liveOverlays: ['type', LiveOverlays],
  livePoller: ['type', LivePoller],
  pathHighlighter: ['type', PathHighlighter],
};

export default liveViewModule;
export { LiveOverlays, LivePoller, PathHighlighter };
export { CLICK_EVENT } from './LiveOverlays';
export * from './model';
