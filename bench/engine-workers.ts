/**
 * One thread of the benchmark's SDK job workers (bench/engine.bench.ts, throughput phase). The
 * official SDK's REST job workers run in several threads, as they would run in several services,
 * so that the client side is not one event loop's worth of CPU; each thread has its own SDK client.
 * Instances are counted across threads in shared memory; every command is timed on the common
 * clock (timeOrigin + now) and the records go back to the main thread, which joins them into
 * job latencies.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEngineClient } from '../services/engine-client';

export interface WorkerThreadData {
  restAddress: string;
  types: string[];
  /** worker ids of this thread (per type) */
  workerIds: number[];
  maxParallelJobs: number;
  instances: number;
  /** instances this thread starts at the beginning */
  initial: number;
  /** Int32Array: [0] started, [1] finished */
  counters: SharedArrayBuffer;
  /**
   * Open loop (the latency phase): this thread starts instances at a fixed rate instead of one per
   * finished instance, never more than `maxInFlight` instances in flight across all threads (an
   * arrival that finds the window full waits; arrivals started over 20 ms late count as held back).
   */
  pace?: { instancesPerS: number; maxInFlight: number };
}

/** [processInstanceKey, sent, acknowledged] */
export type Created = [string, number, number];
/** [processInstanceKey, type index, job received, completion sent, completion acknowledged] */
export type Completed = [string, number, number, number, number];

const d = workerData as WorkerThreadData;
const port = parentPort!;
const now = () => performance.timeOrigin + performance.now();
const counters = new Int32Array(d.counters);
const c = createEngineClient({
  restAddress: d.restAddress,
  validation: 'none',
  logLevel: 'error',
  backpressure: 'LEGACY',
});
c.configure({ log: { level: 'error' } });
const created: Created[] = [];
const completed: Completed[] = [];

const startOne = async () => {
  const sent = now();
  const r = await c.createProcessInstance({ processDefinitionId: 'bench-three-tasks' } as never);
  created.push([String(r.processInstanceKey), sent, now()]);
};

for (const [i, type] of d.types.entries())
  for (const w of d.workerIds) {
    c.createJobWorker({
      jobType: type,
      workerName: `${type}-${w}`,
      maxParallelJobs: d.maxParallelJobs,
      jobTimeoutMs: 60_000,
      pollTimeoutMs: 10_000,
      validateSchemas: false,
      jobHandler: async (job) => {
        const received = now();
        const sent = now();
        const receipt = await job.complete();
        completed.push([String(job.processInstanceKey), i, received, sent, now()]);
        if (i === d.types.length - 1) {
          const finished = Atomics.add(counters, 1, 1) + 1;
          if (finished === d.instances) port.postMessage({ kind: 'finished' });
          else if (!d.pace && Atomics.add(counters, 0, 1) < d.instances) void startOne();
        }
        return receipt;
      },
    });
  }

let heldBack = 0;
let paced: NodeJS.Timeout | undefined;
if (d.pace) {
  // this thread's share of the arrivals: `initial` is its share of the instances
  const { instancesPerS, maxInFlight } = d.pace;
  const t0 = now();
  let mine = 0;
  paced = setInterval(() => {
    const due = Math.min(d.initial, Math.floor(((now() - t0) / 1000) * instancesPerS));
    while (mine < due) {
      const inFlight = Atomics.load(counters, 0) - Atomics.load(counters, 1);
      if (inFlight >= maxInFlight) break;
      // an arrival started over 20 ms after its slot was held back by the window (or a busy thread)
      if (now() - (t0 + ((mine + 1) * 1000) / instancesPerS) > 20) heldBack++;
      mine++;
      Atomics.add(counters, 0, 1);
      void startOne();
    }
    if (mine >= d.initial) clearInterval(paced);
  }, 2);
} else {
  for (let i = 0; i < d.initial; i++) {
    Atomics.add(counters, 0, 1);
    void startOne();
  }
}

port.on('message', (m) => {
  if (m !== 'stop') return;
  c.stopAllWorkers();
  if (paced) clearInterval(paced);
  port.postMessage({ kind: 'records', created, completed, heldBack });
  port.close();
});
