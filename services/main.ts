/**
 * Start-up wiring: config → logger → database → engine (embedded or remote) → processes → workers → HTTP.
 * Graceful shutdown on SIGTERM/SIGINT: stop taking work, let in-flight jobs finish, close the database.
 */
import http from 'node:http';
import { ConfigError, loadConfig } from '../config';
import { createLogger } from './logger';
import { bootstrap } from './bootstrap';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config);
  const system = await bootstrap(config, logger);
  const server = http.createServer(system.app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.HTTP_PORT, config.HTTP_HOST, resolve);
  });
  logger.info({ url: config.PUBLIC_BASE_URL, engine: config.ENGINE }, 'serving');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close();
    server.closeIdleConnections();
    await system.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
