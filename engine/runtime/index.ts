/**
 * engine/runtime — the durable Zeebe-semantics interpreter behind the REST layer.
 * `createRuntime` needs a DataSource whose migrations (engineMigrations, table 'zb_migrations') ran.
 */
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { RuntimeApi } from './api';
import { Clock } from './engine';
import { Runtime } from './runtime';

export { engineMigrations } from '../store';
export type { RuntimeApi } from './api';
export { Clock } from './engine';
export { Runtime } from './runtime';

export async function createRuntime(opts: {
  dataSource: DataSource;
  logger?: Logger;
  clock?: Clock;
}): Promise<RuntimeApi & Runtime> {
  return Runtime.create({ dataSource: opts.dataSource, logger: opts.logger, clock: opts.clock ?? new Clock() });
}
