import type { MigrationInterface, QueryRunner } from 'typeorm';
import { Table } from 'typeorm';

/**
 * The plan year's `annual-planning` instance, started through `POST /api/annual-plans/:year/process`
 * (issue 4): the unique year makes a second start — also a concurrent one — fail instead of
 * creating a second instance.
 */
export class AnnualPlanningProcess1764313000000 implements MigrationInterface {
  name = 'AnnualPlanningProcess1764313000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'annual_planning_process',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'year', type: 'integer' },
          { name: 'process_instance_key', type: 'varchar', length: '40', isNullable: true },
          { name: 'started_by', type: 'integer' },
          { name: 'started_at', type: 'varchar', length: '30' },
        ],
        uniques: [{ name: 'uq_annual_planning_process_year', columnNames: ['year'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('annual_planning_process');
  }
}
