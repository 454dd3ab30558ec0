import type { MigrationInterface, QueryRunner } from 'typeorm';
import { Table } from 'typeorm';

/**
 * Idempotency for job workers under at-least-once delivery: the outcome of a worker's side
 * effect is stored under a key derived from the process (instance key + element instance key +
 * job type), in the same transaction as the effect itself.
 */
export class WorkerEffects1764000000100 implements MigrationInterface {
  name = 'WorkerEffects1764000000100';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'worker_effect',
        columns: [
          { name: 'effect_key', type: 'varchar', length: '200', isPrimary: true },
          { name: 'job_type', type: 'varchar', length: '100' },
          { name: 'process_instance_key', type: 'varchar', length: '20' },
          { name: 'element_id', type: 'varchar', length: '200' },
          { name: 'output', type: 'text' },
          { name: 'created_at', type: 'varchar', length: '30' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('worker_effect');
  }
}
