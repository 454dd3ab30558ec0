/**
 * The engine as its own process for the benchmark (as `npm start` runs it): starts the embedded
 * engine on the database given in BENCH_DB_URL, prints `READY <restAddress>`, closes on SIGTERM.
 */
import { startEmbeddedEngine } from '../engine';

async function main() {
  const url = process.env.BENCH_DB_URL;
  if (!url) throw new Error('BENCH_DB_URL is required');
  const engine = await startEmbeddedEngine({ databaseUrl: url, host: '127.0.0.1', port: 0 });
  process.stdout.write(`READY ${engine.restAddress}\n`);
  const stop = () => {
    void engine.close().then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
