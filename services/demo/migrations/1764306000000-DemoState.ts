import type { MigrationInterface, QueryRunner } from 'typeorm';
import { Table } from 'typeorm';

/**
 * `demo_state`: the steps of the `npm start` demo that are done (services/demo/demo-state.ts), so
 * an interrupted first start is resumed by the next one and a complete demo is never written twice.
 * One row per step, keyed by its name ('started', 'users', 'project:<name>', …, 'complete').
 */
export class DemoState1764306000000 implements MigrationInterface {
  name = 'DemoState1764306000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'demo_state',
        columns: [
          { name: 'step', type: 'varchar', length: '150', isPrimary: true },
          { name: 'done_at', type: 'varchar', length: '30' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('demo_state');
  }
}
