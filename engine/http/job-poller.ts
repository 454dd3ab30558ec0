/**
 * Long polling for POST /v2/jobs/activation, as Zeebe's gateway does it: when nothing is
 * activatable the request parks until the runtime signals that jobs of its type may be available
 * (onJobsAvailable) or until its requestTimeout passes, then answers with what it got (possibly
 * nothing). Parked requests cost a timer and a set entry; there is no polling loop. A signal wakes
 * the waiters of one type in arrival order and stops at the first that finds nothing, so a
 * thousand idle workers cost one activation query per signal, not a thousand; a waiter that got
 * fewer jobs than it asked for ends the pass, since there are none left to find.
 *
 * The runtime signals before the transaction that made the jobs activatable commits, and the
 * activation this queues joins that same transaction (engine/runtime/engine.ts, runBatch): a new
 * job reaches a parked worker in the answer to the command that created it, not one group commit
 * later. Nobody is answered before the transaction commits.
 */
import type { ActivateJobsResponse } from '@camunda8/orchestration-cluster-api';
import type { Body, RuntimeApi } from '../runtime/api';

/** Zeebe gateway's default long-polling timeout, used when requestTimeout is 0 or absent */
export const DEFAULT_LONG_POLL_MS = 10_000;

interface Waiter {
  body: Body;
  /** an activation for this waiter is in flight: its result, not the timer, answers it */
  busy: boolean;
  expired: boolean;
  timer: NodeJS.Timeout;
  /** the HTTP client went away: skip it, its jobs would be lost until their timeout */
  isGone(): boolean;
  resolve(r: ActivateJobsResponse): void;
  reject(e: unknown): void;
}

const EMPTY = (): ActivateJobsResponse => ({ jobs: [] });

/** how many jobs an activation may return, as the runtime reads maxJobsToActivate (default 10, at most 1000) */
const requested = (body: Body): number => {
  const max = body.maxJobsToActivate;
  return Math.min(typeof max === 'number' && Number.isFinite(max) ? max : 10, 1000);
};

export class JobLongPoller {
  private readonly waiters = new Map<string, Set<Waiter>>();
  /** bumped on every signal per type: detects a signal that raced an empty activation */
  private readonly signals = new Map<string, number>();
  private readonly draining = new Map<string, boolean>();
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(private readonly runtime: RuntimeApi) {
    this.unsubscribe = runtime.onJobsAvailable((type) => this.signal(type));
  }

  get parked(): number {
    let n = 0;
    for (const s of this.waiters.values()) n += s.size;
    return n;
  }

  /**
   * @param requestTimeout as sent: 0/undefined → the default, < 0 → answer at once
   */
  async activate(body: Body & { type: string }, requestTimeout: number | undefined, isGone: () => boolean) {
    const type = body.type;
    const waitMs = requestTimeout === undefined || requestTimeout === 0 ? DEFAULT_LONG_POLL_MS : requestTimeout;
    for (;;) {
      const seen = this.signals.get(type) ?? 0;
      const result = await this.runtime.activateJobs(body);
      if (result.jobs.length > 0 || waitMs < 0 || this.closed) return result;
      if ((this.signals.get(type) ?? 0) === seen) break;
    }
    return new Promise<ActivateJobsResponse>((resolve, reject) => {
      const set = this.waiters.get(type) ?? new Set<Waiter>();
      this.waiters.set(type, set);
      const waiter: Waiter = {
        body,
        busy: false,
        expired: false,
        isGone,
        resolve,
        reject,
        timer: setTimeout(() => this.expire(type, waiter), waitMs),
      };
      set.add(waiter);
    });
  }

  /** a client hung up: drop its waiter now instead of at its timeout */
  release(type: string, isGone: () => boolean): void {
    const set = this.waiters.get(type);
    if (!set) return;
    for (const w of set) if (w.isGone === isGone) this.expire(type, w);
  }

  /** Answers every parked request with an empty job list (shutdown). */
  close(): void {
    this.closed = true;
    this.unsubscribe();
    for (const [type, set] of this.waiters) for (const w of set) this.expire(type, w);
  }

  private expire(type: string, w: Waiter): void {
    if (w.busy) {
      w.expired = true;
      return;
    }
    this.remove(type, w);
    w.resolve(EMPTY());
  }

  private remove(type: string, w: Waiter): void {
    clearTimeout(w.timer);
    const set = this.waiters.get(type);
    if (!set) return;
    set.delete(w);
    if (set.size === 0) this.waiters.delete(type);
  }

  private signal(type: string): void {
    this.signals.set(type, (this.signals.get(type) ?? 0) + 1);
    if (!this.waiters.has(type)) return;
    if (this.draining.get(type) !== undefined) {
      this.draining.set(type, true); // run once more after the current pass
      return;
    }
    this.draining.set(type, false);
    void this.drain(type);
  }

  private async drain(type: string): Promise<void> {
    try {
      do {
        this.draining.set(type, false);
        for (;;) {
          const set = this.waiters.get(type);
          const next = set?.values().next();
          if (!set || !next || next.done) break;
          const w = next.value;
          if (w.isGone()) {
            this.expire(type, w);
            continue;
          }
          let result: ActivateJobsResponse;
          w.busy = true;
          try {
            result = await this.runtime.activateJobs(w.body);
          } catch (err) {
            this.remove(type, w);
            w.reject(err);
            continue;
          } finally {
            w.busy = false;
          }
          if (result.jobs.length > 0 || w.expired) {
            // an expired waiter still gets what was activated for it, so no job waits for its timeout
            this.remove(type, w);
            w.resolve(result);
            // fewer than asked for: the activation took every activatable job of the type (commands
            // are serialised), so asking the next waiter would only find none; a job that becomes
            // activatable later signals again
            if (result.jobs.length >= requested(w.body)) continue;
          }
          break;
        }
      } while (this.draining.get(type) === true && !this.closed);
    } finally {
      this.draining.delete(type);
    }
  }
}
