/**
 * Engine benchmark (`npm run bench:engine`): a 3-service-task process driven end to end by the
 * official SDK's REST job workers over HTTP against the embedded engine (its own process, SQLite),
 * the same model on bpmn-engine (in-process, no persistence) as the baseline, then memory with many
 * instances waiting at a user task and the time from restart to serving with them.
 *
 * Env: BENCH_INSTANCES (10000), BENCH_WAITING (100000), BENCH_IN_FLIGHT (100),
 * BENCH_WORKERS_PER_TYPE (4), BENCH_ENGINE_NODE_ARGS (e.g. --cpu-prof for the engine process),
 * BENCH_WORKER_THREADS (2: the SDK workers' threads, bench/engine-workers.ts),
 * BENCH_PHASES (throughput,latency,baseline,waiting — a subset for profiling; restart is part of waiting),
 * BENCH_LATENCY_RATES (250,500,1000 jobs/s offered), BENCH_LATENCY_SECONDS (10 s of measured arrivals per
 * rate) after BENCH_LATENCY_WARMUP_SECONDS (3 s of arrivals run but not measured: fresh worker threads).
 *
 * Two latency figures, because a closed loop cannot give the target's: in the throughput phase
 * IN_FLIGHT instances are always in flight (each finished one starts the next), so by Little's law
 * the mean job latency is IN_FLIGHT / throughput — 100 ms at 1,000 jobs/s with 100 in flight,
 * whatever the engine does; that saturated figure is printed as `*_saturated`. The latency phase is
 * open loop, as Camunda's own benchmarks drive Zeebe (a starter at a fixed rate): instances arrive
 * at a fixed offered rate of jobs with at most IN_FLIGHT in flight (the window and the workers'
 * capacity, maxParallelJobs summed, are both 100); `p50/p99_job_latency_ms` are taken at the last
 * offered rate (1,000 jobs/s, the throughput target), one line per rate beside them.
 *
 * The waiting instances are seeded inside the engine process through the runtime's own command
 * path (bench/engine-child.ts), in large group commits: parking 100,000 through HTTP would measure
 * the SDK, not what is being asked (memory and restart with that many waiting).
 *
 * Job latency is "activatable → completed" seen from the client: a job becomes activatable in the
 * command that creates it (the instance creation for the first task, the completion of the previous
 * job for the others), so the clock starts at that command's acknowledgement (or at its sending,
 * if the job reached a worker before the acknowledgement did) and stops at the completion's
 * acknowledgement.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { Worker } from 'node:worker_threads';
import { BpmnModdle } from 'bpmn-moddle';
import { Engine } from 'bpmn-engine';
import * as elements from 'bpmn-elements';
import { default as serializer, TypeResolver } from 'moddle-context-serializer';
import { createEngineClient, type EngineClient } from '../services/engine-client';
import type { Completed, Created, WorkerThreadData } from './engine-workers';

const N = Number(process.env.BENCH_INSTANCES ?? 10_000);
const WAITING = Number(process.env.BENCH_WAITING ?? 100_000);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 100);
const TYPES = ['bench-a', 'bench-b', 'bench-c'] as const;
/** REST job workers per job type: each keeps one activation in flight, so several poll in parallel */
const WORKERS_PER_TYPE = Number(process.env.BENCH_WORKERS_PER_TYPE ?? 4);
/** threads the SDK job workers run in (each with its own SDK client), as separate worker services would */
const WORKER_THREADS = Number(process.env.BENCH_WORKER_THREADS ?? 2);
const PHASES = new Set(
  (process.env.BENCH_PHASES ?? 'throughput,latency,baseline,waiting').split(',').map((p) => p.trim()),
);
/** offered loads (jobs/s) of the open-loop latency phase; the last one gives the headline p50/p99 */
const LATENCY_RATES = (process.env.BENCH_LATENCY_RATES ?? '250,500,1000').split(',').map(Number);
/** seconds of arrivals per offered load */
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 10);
/**
 * seconds of arrivals before the measured ones at each offered load: each load starts fresh SDK
 * worker threads (their JIT is cold — the first second's p99 is 5–10× the steady state), so the jobs
 * made activatable in the warm-up are run but not measured
 */
const LATENCY_WARMUP_SECONDS = Number(process.env.BENCH_LATENCY_WARMUP_SECONDS ?? 3);

const head = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Defs" targetNamespace="http://bpmn.io/schema/bpmn" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.8.0">`;
const chain = (task: (type: string, i: number) => string) => `
    <bpmn:startEvent id="Start"><bpmn:outgoing>F0</bpmn:outgoing></bpmn:startEvent>
    ${TYPES.map(task).join('\n    ')}
    <bpmn:endEvent id="End"><bpmn:incoming>F3</bpmn:incoming></bpmn:endEvent>
    ${[0, 1, 2, 3].map((i) => `<bpmn:sequenceFlow id="F${i}" sourceRef="${i === 0 ? 'Start' : `T${i - 1}`}" targetRef="${i === 3 ? 'End' : `T${i}`}" />`).join('\n    ')}`;
const zeebeModel = `${head}
  <bpmn:process id="bench-three-tasks" isExecutable="true">${chain(
    (type, i) =>
      `<bpmn:serviceTask id="T${i}"><bpmn:extensionElements><zeebe:taskDefinition type="${type}" /></bpmn:extensionElements><bpmn:incoming>F${i}</bpmn:incoming><bpmn:outgoing>F${i + 1}</bpmn:outgoing></bpmn:serviceTask>`,
  )}
  </bpmn:process>
</bpmn:definitions>`;
const waitModel = `${head}
  <bpmn:process id="bench-wait" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>F0</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Wait"><bpmn:extensionElements><zeebe:userTask /></bpmn:extensionElements><bpmn:incoming>F0</bpmn:incoming><bpmn:outgoing>F1</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="End"><bpmn:incoming>F1</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F0" sourceRef="Start" targetRef="Wait" />
    <bpmn:sequenceFlow id="F1" sourceRef="Wait" targetRef="End" />
  </bpmn:process>
</bpmn:definitions>`;
const baselineModel = `${head}
  <bpmn:process id="bench-three-tasks" isExecutable="true">${chain(
    (_type, i) =>
      `<bpmn:serviceTask id="T${i}" implementation="\${environment.services.work}"><bpmn:incoming>F${i}</bpmn:incoming><bpmn:outgoing>F${i + 1}</bpmn:outgoing></bpmn:serviceTask>`,
  )}
  </bpmn:process>
</bpmn:definitions>`;

const progress = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

// ---------------------------------------------------------------- engine process
interface Child {
  proc: ChildProcess;
  restAddress: string;
  lines: readline.Interface;
}

async function startChild(dbUrl: string): Promise<Child> {
  const nodeArgs = (process.env.BENCH_ENGINE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(__dirname, 'engine-child.ts')], {
    env: { ...process.env, BENCH_DB_URL: dbUrl, LOG_LEVEL: 'silent' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: proc.stdout! });
  const restAddress = await new Promise<string>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`engine process exited with ${code}`)));
    lines.on('line', (line) => {
      if (line.startsWith('READY ')) resolve(line.slice(6).trim());
    });
  });
  return { proc, restAddress, lines };
}

async function stopChild(c: Child): Promise<void> {
  const exited = new Promise((r) => c.proc.once('exit', r));
  c.proc.kill('SIGTERM');
  await exited;
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** user + system CPU time of a process in ms (Linux /proc) */
function cpuMs(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100;
}

/** as services/ does for its job workers: backpressure observed, not gating (long polls must not queue) */
function client(restAddress: string): EngineClient {
  const c = createEngineClient({ restAddress, validation: 'none', logLevel: 'error', backpressure: 'LEGACY' });
  c.configure({ log: { level: 'error' } });
  return c;
}

async function deploy(c: EngineClient, name: string, xml: string) {
  await c.createDeployment({ resources: [new File([xml], name)] } as never);
}

// ---------------------------------------------------------------- throughput through the SDK
/**
 * Job latency per job from the threads' records: from the acknowledgement of the command that made
 * the job activatable (the creation, or the previous job's completion) — or from its sending, when
 * the job reached a worker before that acknowledgement did — to the completion's acknowledgement.
 */
function joinLatencies(created: Created[], completed: Completed[], since = -Infinity): number[] {
  const creations = new Map(created.map(([key, sent, acked]) => [key, { sent, acked }]));
  const jobs = new Map<string, Completed[]>();
  for (const r of completed) {
    const list = jobs.get(r[0]) ?? [];
    list[r[1]] = r;
    jobs.set(r[0], list);
  }
  const latencies: number[] = [];
  for (const [key, list] of jobs) {
    const cr = creations.get(key);
    if (!cr) continue;
    let prev = cr;
    for (let i = 0; i < TYPES.length; i++) {
      const j = list[i];
      if (!j) break;
      const [, , received, sent, acked] = j;
      const from = received < prev.acked ? prev.sent : prev.acked;
      if (from >= since) latencies.push(acked - from);
      prev = { sent, acked };
    }
  }
  return latencies;
}

/**
 * Drives `instances` instances through the SDK's job workers. Closed loop (no `jobsPerS`): IN_FLIGHT
 * instances are started and each finished instance starts the next — the throughput phase, always
 * saturated. Open loop (`jobsPerS`): instances arrive at that offered rate of jobs, never more than
 * IN_FLIGHT in flight — the latency phase.
 */
async function drive(restAddress: string, instances: number, jobsPerS?: number, warmupMs = 0) {
  const counters = new SharedArrayBuffer(8);
  const count = new Int32Array(counters);
  const threads = Math.max(1, Math.min(WORKER_THREADS, WORKERS_PER_TYPE));
  const initial = jobsPerS ? instances : Math.min(IN_FLIGHT, instances);
  const pace = jobsPerS ? { instancesPerS: jobsPerS / TYPES.length / threads, maxInFlight: IN_FLIGHT } : undefined;
  let inFlightSum = 0;
  let inFlightSamples = 0;
  let inFlightMax = 0;
  let finishedSignal!: () => void;
  const allDone = new Promise<void>((r) => (finishedSignal = r));
  const t0 = performance.now();
  const workers = Array.from({ length: threads }, (_, t) => {
    const data: WorkerThreadData = {
      restAddress,
      types: [...TYPES],
      workerIds: Array.from({ length: WORKERS_PER_TYPE }, (_, w) => w).filter((w) => w % threads === t),
      maxParallelJobs: Math.ceil(IN_FLIGHT / WORKERS_PER_TYPE),
      instances,
      initial: Math.floor(initial / threads) + (t < initial % threads ? 1 : 0),
      counters,
      pace,
    };
    // the thread loads TypeScript through tsx's CommonJS hook (a .ts entry point is not loadable directly)
    const w = new Worker(
      `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(path.join(__dirname, 'engine-workers.ts'))});`,
      { eval: true, workerData: data },
    );
    w.on('message', (m: { kind: string }) => {
      if (m.kind === 'finished') finishedSignal();
    });
    w.on('error', (err) => {
      console.error(err);
      process.exit(1);
    });
    return w;
  });
  const label = jobsPerS ? `latency at ${jobsPerS} jobs/s offered` : 'throughput';
  const ticker = setInterval(
    () => progress(`${label}: ${Atomics.load(count, 1)}/${instances} instances completed`),
    2000,
  );
  const sampler = setInterval(() => {
    const inFlight = Atomics.load(count, 0) - Atomics.load(count, 1);
    inFlightSum += inFlight;
    inFlightSamples++;
    inFlightMax = Math.max(inFlightMax, inFlight);
  }, 5);
  await allDone;
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(ticker);
  clearInterval(sampler);
  const records = await Promise.all(
    workers.map(
      (w) =>
        new Promise<{ created: Created[]; completed: Completed[]; heldBack: number }>((resolve) => {
          w.on('message', (m: { kind: string; created: Created[]; completed: Completed[]; heldBack: number }) => {
            if (m.kind === 'records') resolve(m);
          });
          w.postMessage('stop');
        }),
    ),
  );
  await Promise.all(workers.map((w) => w.terminate()));
  const created = records.flatMap((r) => r.created);
  const firstSent = Math.min(...created.map(([, sent]) => sent));
  const latencies = joinLatencies(
    created,
    records.flatMap((r) => r.completed),
    firstSent + warmupMs,
  );
  latencies.sort((a, b) => a - b);
  return {
    instancesPerS: instances / seconds,
    jobsPerS: (instances * TYPES.length) / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    seconds,
    threads,
    inFlightMean: inFlightSamples ? inFlightSum / inFlightSamples : NaN,
    inFlightMax,
    heldBack: records.reduce((a, r) => a + r.heldBack, 0),
  };
}

// ---------------------------------------------------------------- baseline: bpmn-engine in-process
async function baseline() {
  const moddle = new BpmnModdle();
  const parsed = await moddle.fromXML(baselineModel);
  const sourceContext = serializer(parsed, TypeResolver(elements));
  const services = { work: (_scope: unknown, cb: (err?: Error) => void) => setImmediate(cb) };
  let started = 0;
  let finished = 0;
  let done!: () => void;
  const allDone = new Promise<void>((r) => (done = r));
  const runOne = () => {
    started++;
    const engine = new Engine({ name: `b${started}`, sourceContext, services });
    engine.once('end', () => {
      finished++;
      if (finished === N) done();
      else if (started < N) runOne();
    });
    engine.once('error', (err: Error) => {
      throw err;
    });
    void engine.execute();
  };
  const t0 = performance.now();
  const ticker = setInterval(() => progress(`baseline: ${finished}/${N} instances completed`), 2000);
  for (let i = 0; i < Math.min(IN_FLIGHT, N); i++) runOne();
  await allDone;
  clearInterval(ticker);
  const seconds = (performance.now() - t0) / 1000;
  return { jobsPerS: (N * TYPES.length) / seconds, instancesPerS: N / seconds };
}

// ---------------------------------------------------------------- waiting instances
interface EngineStats {
  transactions: number;
  commands: number;
  connections: number;
  requests: Record<string, number>;
}

/** the engine process's counters (bench/engine-child.ts) */
function engineStats(child: Child): Promise<EngineStats> {
  return new Promise((resolve) => {
    const onLine = (line: string) => {
      if (!line.startsWith('STATS ')) return;
      child.lines.off('line', onLine);
      resolve(JSON.parse(line.slice(6)) as EngineStats);
    };
    child.lines.on('line', onLine);
    child.proc.stdin!.write('STATS\n');
  });
}

/** parks `count` instances at a user task: created by the engine process itself (see engine-child.ts) */
async function park(child: Child, count: number) {
  const t0 = performance.now();
  const seeded = new Promise<number>((resolve, reject) => {
    const onLine = (line: string) => {
      if (line.startsWith('SEEDING ')) progress(`waiting: ${line.slice(8)}/${count} instances parked at a user task`);
      if (line.startsWith('SEEDED ')) {
        child.lines.off('line', onLine);
        resolve(Number(line.slice(7)));
      }
    };
    child.lines.on('line', onLine);
    child.proc.once('exit', (code) => reject(new Error(`engine process exited with ${code} while seeding`)));
  });
  child.proc.stdin!.write(`SEED bench-wait ${count}\n`);
  const n = await seeded;
  return { seconds: (performance.now() - t0) / 1000, perS: n / ((performance.now() - t0) / 1000) };
}

async function timeToServe(dbUrl: string): Promise<{ child: Child; seconds: number }> {
  const t0 = performance.now();
  const child = await startChild(dbUrl);
  for (;;) {
    try {
      const res = await fetch(`${child.restAddress}/v2/topology`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    await sleep(10);
  }
  return { child, seconds: (performance.now() - t0) / 1000 };
}

const fmt = (v: number | undefined, digits = 1) => (v === undefined || Number.isNaN(v) ? 'n/a' : v.toFixed(digits));

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'engine-bench-'));
  const dbUrl = `sqlite:${path.join(dir, 'engine.sqlite')}`;
  const loadStart = os.loadavg()[0]!;
  progress(
    `database ${dbUrl}; ${N} instances, ${IN_FLIGHT} in flight, ${WAITING} waiting; phases ${[...PHASES].join(',')}; ${os.cpus().length} CPUs, load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  let child = await startChild(dbUrl);
  try {
    let c = client(child.restAddress);
    await deploy(c, 'bench-three-tasks.bpmn', zeebeModel);
    await deploy(c, 'bench-wait.bpmn', waitModel);

    let ours: Awaited<ReturnType<typeof drive>> | undefined;
    let engineCpuPerJob: number | undefined;
    let clientCpuPerJob: number | undefined;
    let loadThroughput: number | undefined;
    let perJob: { transactions: number; commands: number; activations: number } | undefined;
    if (PHASES.has('throughput')) {
      progress('phase 1/4: SDK job workers against the engine');
      const stats0 = await engineStats(child);
      const cpu0 = { engine: cpuMs(child.proc.pid!), bench: process.cpuUsage() };
      ours = await drive(child.restAddress, N);
      const bu = process.cpuUsage(cpu0.bench);
      const stats1 = await engineStats(child);
      const jobs = N * TYPES.length;
      progress(
        `engine: ${stats1.connections - stats0.connections} new connections, requests ${JSON.stringify(stats1.requests)}`,
      );
      perJob = {
        transactions: (stats1.transactions - stats0.transactions) / jobs,
        commands: (stats1.commands - stats0.commands) / jobs,
        activations:
          ((stats1.requests['POST /v2/jobs/activation'] ?? 0) - (stats0.requests['POST /v2/jobs/activation'] ?? 0)) /
          jobs,
      };
      engineCpuPerJob = (cpuMs(child.proc.pid!) - cpu0.engine) / (N * TYPES.length);
      clientCpuPerJob = (bu.user + bu.system) / 1000 / (N * TYPES.length);
      loadThroughput = os.loadavg()[0];
    }
    const latency: { rate: number; r: Awaited<ReturnType<typeof drive>> }[] = [];
    if (PHASES.has('latency')) {
      for (const rate of LATENCY_RATES) {
        const instances = Math.max(100, Math.round((rate / TYPES.length) * (LATENCY_WARMUP_SECONDS + LATENCY_SECONDS)));
        progress(`phase 1b/4: open loop, ${rate} jobs/s offered (${instances} instances, ≤ ${IN_FLIGHT} in flight)`);
        latency.push({ rate, r: await drive(child.restAddress, instances, rate, LATENCY_WARMUP_SECONDS * 1000) });
      }
    }
    const headline = latency.at(-1);

    let base: Awaited<ReturnType<typeof baseline>> | undefined;
    if (PHASES.has('baseline')) {
      progress(`phase 2/4: baseline bpmn-engine (in-process, no persistence)`);
      base = await baseline();
    }

    let parked: Awaited<ReturnType<typeof park>> | undefined;
    let rssWaiting: number | undefined;
    let restartS: number | undefined;
    let rssAfterRestart: number | undefined;
    let stillWaiting: string | undefined;
    if (PHASES.has('waiting')) {
      progress(`phase 3/4: parking ${WAITING} instances at a user task`);
      parked = await park(child, WAITING);
      await sleep(2000);
      rssWaiting = rssMb(child.proc.pid!);

      progress('phase 4/4: restart with the waiting instances');
      await stopChild(child);
      const restarted = await timeToServe(dbUrl);
      restartS = restarted.seconds;
      child = restarted.child;
      c = client(child.restAddress);
      const found = await c.searchUserTasks(
        { filter: { state: 'CREATED' }, page: { limit: 1 } } as never,
        {
          consistency: { waitUpToMs: 0 },
        } as never,
      );
      stillWaiting = String(found.page?.totalItems ?? '?');
      await sleep(1000);
      rssAfterRestart = rssMb(child.proc.pid!);
    }

    const ratio = ours && base ? ours.jobsPerS / base.jobsPerS : undefined;
    const loadEnd = os.loadavg()[0]!;
    const rows: [string, string][] = [
      ['instances (3 service tasks)', String(N)],
      ['in flight', String(IN_FLIGHT)],
      ['REST job workers per type', String(WORKERS_PER_TYPE)],
      ['threads the SDK workers run in', String(ours?.threads ?? 'n/a')],
      ['engine: instances/s', fmt(ours?.instancesPerS)],
      ['engine: jobs/s', fmt(ours?.jobsPerS)],
      ['engine: job latency p50 (ms), saturated closed loop', fmt(ours?.p50)],
      ['engine: job latency p99 (ms), saturated closed loop', fmt(ours?.p99)],
      ...latency.flatMap(({ rate, r }): [string, string][] => [
        [
          `open loop ${rate} jobs/s offered: achieved jobs/s, in flight mean/max, held back`,
          `${fmt(r.jobsPerS)}, ${fmt(r.inFlightMean)}/${r.inFlightMax}, ${r.heldBack}`,
        ],
        [`open loop ${rate} jobs/s offered: job latency p50 / p99 (ms)`, `${fmt(r.p50)} / ${fmt(r.p99)}`],
      ]),
      ['engine process CPU per job (ms)', fmt(engineCpuPerJob, 3)],
      ['SDK workers (bench process, all threads) CPU per job (ms)', fmt(clientCpuPerJob, 3)],
      ['engine transactions (group commits) per job', fmt(perJob?.transactions, 3)],
      ['engine commands per job (incl. activations)', fmt(perJob?.commands, 3)],
      ['activation requests per job', fmt(perJob?.activations, 3)],
      ['baseline bpmn-engine: jobs/s', fmt(base?.jobsPerS)],
      ['ratio engine / baseline', fmt(ratio, 2)],
      [`parking ${WAITING} instances (s)`, fmt(parked?.seconds)],
      [`engine RSS with ${WAITING} waiting (MB)`, fmt(rssWaiting, 0)],
      ['restart → /v2/topology answers (s)', fmt(restartS, 2)],
      ['engine RSS after restart (MB)', fmt(rssAfterRestart, 0)],
      ['user tasks waiting after restart', stillWaiting ?? 'n/a'],
      [
        'machine load average (1 min): start / after throughput / end',
        `${fmt(loadStart)} / ${fmt(loadThroughput)} / ${fmt(loadEnd)}`,
      ],
    ];
    const w = Math.max(...rows.map(([k]) => k.length));
    console.log(`\n${'metric'.padEnd(w)} | value\n${'-'.repeat(w)}-|-${'-'.repeat(12)}`);
    for (const [k, v] of rows) console.log(`${k.padEnd(w)} | ${v}`);
    console.log('');
    const waitingTag = WAITING === 100_000 ? '100k' : String(WAITING);
    const lines: [string, string][] = [
      ['instances', String(N)],
      ['in_flight', String(IN_FLIGHT)],
      ['jobs_per_s', fmt(ours?.jobsPerS)],
      ['instances_per_s', fmt(ours?.instancesPerS)],
      ['baseline_jobs_per_s', fmt(base?.jobsPerS)],
      ['ratio_vs_baseline', fmt(ratio, 2)],
      ['p50_job_latency_ms', fmt(headline?.r.p50)],
      ['p99_job_latency_ms', fmt(headline?.r.p99)],
      ['latency_offered_jobs_per_s', String(headline?.rate ?? 'n/a')],
      ['latency_in_flight_max', String(headline?.r.inFlightMax ?? 'n/a')],
      ...latency.flatMap(({ rate, r }): [string, string][] => [
        [`p50_job_latency_ms_at_${rate}`, fmt(r.p50)],
        [`p99_job_latency_ms_at_${rate}`, fmt(r.p99)],
      ]),
      ['p50_job_latency_ms_saturated', fmt(ours?.p50)],
      ['p99_job_latency_ms_saturated', fmt(ours?.p99)],
      ['engine_cpu_ms_per_job', fmt(engineCpuPerJob, 3)],
      ['client_cpu_ms_per_job', fmt(clientCpuPerJob, 3)],
      ['transactions_per_job', fmt(perJob?.transactions, 3)],
      ['commands_per_job', fmt(perJob?.commands, 3)],
      ['activation_requests_per_job', fmt(perJob?.activations, 3)],
      ['waiting_instances', String(WAITING)],
      [`rss_mb_${waitingTag}_waiting`, fmt(rssWaiting, 0)],
      ['restart_ready_s', fmt(restartS, 2)],
      ['rss_mb_after_restart', fmt(rssAfterRestart, 0)],
      ['waiting_after_restart', stillWaiting ?? 'n/a'],
      ['load_avg_1m_start', fmt(loadStart)],
      ['load_avg_1m_end', fmt(loadEnd)],
    ];
    for (const [k, v] of lines) console.log(`${k}=${v}`);
  } finally {
    await stopChild(child).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
