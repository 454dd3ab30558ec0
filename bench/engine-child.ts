/**
 * The engine as its own process for the benchmark (as `npm start` runs it): hosts the runtime on
 * the database given in BENCH_DB_URL, prints `READY <restAddress>`, closes on SIGTERM.
 *
 * Seeding: a line `SEED <processId> <count>` on stdin creates that many instances through the
 * runtime itself (the same command path the REST API takes, without HTTP and the SDK around it),
 * many in flight so group commits carry them in large batches; it prints `SEEDING <done>` now and
 * then and `SEEDED <done>` at the end. `STATS` answers `STATS <json>`: the engine's transaction and
 * command counters and the HTTP requests per route. That is how the bench parks 100,000 waiting instances in
 * seconds rather than minutes; the throughput phase still goes through HTTP and the SDK.
 */
import readline from 'node:readline';
import { hostEngine } from '../engine/http/embedded';
import { createRuntime, engineMigrations, type Runtime } from '../engine/runtime';

async function seed(create: () => Promise<unknown>, count: number): Promise<number> {
  let next = 0;
  let done = 0;
  let last = Date.now();
  const lane = async () => {
    while (next < count) {
      next++;
      await create();
      done++;
      if (Date.now() - last > 2000) {
        last = Date.now();
        process.stdout.write(`SEEDING ${done}\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: 512 }, lane));
  return done;
}

async function main() {
  const url = process.env.BENCH_DB_URL;
  if (!url) throw new Error('BENCH_DB_URL is required');
  const engine = await hostEngine(
    { createRuntime: (deps) => createRuntime(deps), engineMigrations },
    { databaseUrl: url, host: '127.0.0.1', port: 0 },
  );
  process.stdout.write(`READY ${engine.restAddress}\n`);
  const requests = new Map<string, number>();
  engine.http.server.on('request', (req: { method?: string; url?: string }) => {
    const route = `${req.method} ${String(req.url).replace(/\/\d+(?=\/|$)/g, '/{key}')}`;
    requests.set(route, (requests.get(route) ?? 0) + 1);
  });
  let connections = 0;
  engine.http.server.on('connection', () => connections++);
  const lines = readline.createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim() === 'STATS') {
      const { stats } = (engine.runtime as Runtime).engine;
      process.stdout.write(
        `STATS ${JSON.stringify({ ...stats, connections, requests: Object.fromEntries(requests) })}\n`,
      );
      return;
    }
    const m = /^SEED (\S+) (\d+)$/.exec(line.trim());
    if (!m) return;
    const [, processDefinitionId, count] = m;
    seed(() => engine.runtime.createProcessInstance({ processDefinitionId }), Number(count)).then(
      (n) => process.stdout.write(`SEEDED ${n}\n`),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  });
  const stop = () => {
    void engine.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // the bench process went away (its end of stdin closed): do not stay behind as an orphan
  lines.once('close', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
