import type { MigrationInterface, QueryRunner } from 'typeorm';
import { Table, TableColumn, TableIndex } from 'typeorm';

/**
 * The history of attempts (issue 4/7): failed reviews leave a record too.
 * - `acceptance_attempt` — R22.2 every final-acceptance review (attempt 1, 2, …) with its result,
 *   the panel's opinion and the R14 items found not met; `acceptance` keeps one row per stage
 *   (the current state). One attempt per process position (process instance + element instance)
 *   and per attempt number, so a redelivered job cannot add a second row.
 * - `compliance_check.round_no` and the process position — R12/R13 each inspection / review round,
 *   failed ones included. Existing rows get their round from their order (nothing invented beyond
 *   the order the rows already had).
 */
export class AttemptHistory1764302000000 implements MigrationInterface {
  name = 'AttemptHistory1764302000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'acceptance_attempt',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'project_id', type: 'integer' },
          { name: 'stage', type: 'varchar', length: '20' },
          { name: 'attempt', type: 'integer' },
          { name: 'result', type: 'varchar', length: '20' },
          { name: 'opinion', type: 'text', isNullable: true },
          { name: 'failed_items', type: 'text', isNullable: true },
          { name: 'panel', type: 'text', isNullable: true },
          { name: 'decided_on', type: 'varchar', length: '10' },
          { name: 'decided_by', type: 'integer', isNullable: true },
          { name: 'process_instance_key', type: 'varchar', length: '40', isNullable: true },
          { name: 'element_instance_key', type: 'varchar', length: '40', isNullable: true },
          { name: 'recorded_by', type: 'integer' },
          { name: 'recorded_at', type: 'varchar', length: '30' },
        ],
        foreignKeys: [
          {
            columnNames: ['project_id'],
            referencedTableName: 'project',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
      }),
    );
    await q.createIndex(
      'acceptance_attempt',
      new TableIndex({
        name: 'ux_acceptance_attempt_number',
        columnNames: ['project_id', 'stage', 'attempt'],
        isUnique: true,
      }),
    );
    await q.createIndex(
      'acceptance_attempt',
      new TableIndex({
        name: 'ux_acceptance_attempt_position',
        columnNames: ['process_instance_key', 'element_instance_key'],
        isUnique: true,
      }),
    );
    await q.addColumns('compliance_check', [
      new TableColumn({ name: 'round_no', type: 'integer', isNullable: true }),
      new TableColumn({ name: 'process_instance_key', type: 'varchar', length: '40', isNullable: true }),
      new TableColumn({ name: 'element_instance_key', type: 'varchar', length: '40', isNullable: true }),
    ]);
    await q.query(
      'UPDATE compliance_check SET round_no = (SELECT COUNT(*) FROM (SELECT id, project_id, kind FROM compliance_check) c ' +
        'WHERE c.project_id = compliance_check.project_id AND c.kind = compliance_check.kind AND c.id <= compliance_check.id)',
    );
    await q.createIndex(
      'compliance_check',
      new TableIndex({
        name: 'ux_compliance_check_position',
        columnNames: ['kind', 'process_instance_key', 'element_instance_key'],
        isUnique: true,
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('compliance_check', 'ux_compliance_check_position');
    await q.dropColumns('compliance_check', ['element_instance_key', 'process_instance_key', 'round_no']);
    await q.dropTable('acceptance_attempt');
  }
}
