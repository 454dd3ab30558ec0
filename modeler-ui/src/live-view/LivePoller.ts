/**
 * Keeps the overlays current by polling: `config.liveView.fetchStatistics` is called every
 * `intervalMs` (at most 2 s, the freshness bound) while started. A slow answer never
 * overlaps the next one: the next poll is scheduled after the previous one settles.
 */
import type LiveOverlays from './LiveOverlays';
import type { ElementStatistics } from './model';

export const MAX_INTERVAL_MS = 2000;

export interface LivePollerConfig {
  fetchStatistics?: () => Promise<readonly ElementStatistics[]>;
  intervalMs?: number;
  onError?: (err: unknown) => void;
}

export default class LivePoller {
  static $inject = ['liveOverlays', 'eventBus', 'config.liveView'];

  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private readonly intervalMs: number;

  constructor(
    private readonly liveOverlays: LiveOverlays,
    eventBus: { on(event: string, cb: () => void): void },
    private readonly config: LivePollerConfig | undefined,
  ) {
    this.intervalMs = Math.min(Math.max(config?.intervalMs ?? MAX_INTERVAL_MS, 100), MAX_INTERVAL_MS);
    eventBus.on('diagram.destroy', () => this.stop());
  }

  get interval(): number {
    return this.intervalMs;
  }

  start(): void {
    if (this.running || !this.config?.fetchStatistics) return;
    this.running = true;
    void this.tick();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One poll now; resolves when drawn. */
  async tick(): Promise<void> {
    const fetchStatistics = this.config?.fetchStatistics;
    if (!fetchStatistics) return;
    try {
      this.liveOverlays.update(await fetchStatistics());
    } catch (err) {
      this.config?.onError?.(err);
    } finally {
      if (this.running) this.timer = setTimeout(() => void this.tick(), this.intervalMs);
    }
  }
}
