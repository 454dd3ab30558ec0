import type { MigrationInterface, QueryRunner } from 'typeorm';
import { Table, type TableForeignKeyOptions } from 'typeorm';

const pk = {
  name: 'id',
  type: 'integer',
  isPrimary: true,
  isGenerated: true,
  generationStrategy: 'increment',
} as const;
const projectFk: TableForeignKeyOptions = {
  columnNames: ['project_id'],
  referencedTableName: 'project',
  referencedColumnNames: ['id'],
  onDelete: 'CASCADE',
};

/** Joint review rounds and expert scores (R7), the budget ledger (R19.2), rectification orders (R26). */
export class Oversight1764100002000 implements MigrationInterface {
  name = 'Oversight1764100002000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'review_round',
        columns: [
          pk,
          { name: 'project_id', type: 'integer' },
          { name: 'round_no', type: 'integer' },
          { name: 'status', type: 'varchar', length: '20' },
          { name: 'application_version', type: 'integer' },
          { name: 'opened_by', type: 'integer' },
          { name: 'opened_at', type: 'varchar', length: '30' },
          { name: 'closed_at', type: 'varchar', length: '30', isNullable: true },
          { name: 'outcome', type: 'varchar', length: '20', isNullable: true },
          { name: 'reason', type: 'text', isNullable: true },
        ],
        foreignKeys: [projectFk],
        uniques: [{ name: 'uq_review_round', columnNames: ['project_id', 'round_no'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'review_assignment',
        columns: [pk, { name: 'round_id', type: 'integer' }, { name: 'expert_id', type: 'integer' }],
        foreignKeys: [
          {
            columnNames: ['round_id'],
            referencedTableName: 'review_round',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          { columnNames: ['expert_id'], referencedTableName: 'app_user', referencedColumnNames: ['id'] },
        ],
        uniques: [{ name: 'uq_review_assignment', columnNames: ['round_id', 'expert_id'] }],
        indices: [{ name: 'ix_review_assignment_expert', columnNames: ['expert_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'expert_score',
        columns: [
          pk,
          { name: 'round_id', type: 'integer' },
          { name: 'expert_id', type: 'integer' },
          { name: 'planning', type: 'integer' },
          { name: 'sharing', type: 'integer' },
          { name: 'feasibility', type: 'integer' },
          { name: 'budget', type: 'integer' },
          { name: 'cryptography', type: 'integer' },
          { name: 'opinion', type: 'text' },
          { name: 'submitted_at', type: 'varchar', length: '30' },
        ],
        foreignKeys: [
          {
            columnNames: ['round_id'],
            referencedTableName: 'review_round',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          { columnNames: ['expert_id'], referencedTableName: 'app_user', referencedColumnNames: ['id'] },
        ],
        uniques: [{ name: 'uq_expert_score', columnNames: ['round_id', 'expert_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'ledger_entry',
        columns: [
          pk,
          { name: 'project_id', type: 'integer' },
          { name: 'kind', type: 'varchar', length: '20' },
          { name: 'amount', type: 'decimal', precision: 14, scale: 2 },
          { name: 'value_date', type: 'varchar', length: '10' },
          { name: 'note', type: 'text', isNullable: true },
          { name: 'recorded_by', type: 'integer' },
          { name: 'recorded_at', type: 'varchar', length: '30' },
        ],
        foreignKeys: [projectFk],
        indices: [{ name: 'ix_ledger_entry_project', columnNames: ['project_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'rectification_order',
        columns: [
          pk,
          { name: 'project_id', type: 'integer' },
          { name: 'issued_by_org_id', type: 'integer' },
          { name: 'issue', type: 'text' },
          { name: 'deadline', type: 'varchar', length: '10' },
          { name: 'status', type: 'varchar', length: '20' },
          { name: 'response', type: 'text', isNullable: true },
          { name: 'responded_at', type: 'varchar', length: '30', isNullable: true },
          { name: 'closed_at', type: 'varchar', length: '30', isNullable: true },
          { name: 'issued_by', type: 'integer' },
          { name: 'issued_at', type: 'varchar', length: '30' },
        ],
        foreignKeys: [projectFk],
        indices: [{ name: 'ix_rectification_project', columnNames: ['project_id'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('rectification_order');
    await q.dropTable('ledger_entry');
    await q.dropTable('expert_score');
    await q.dropTable('review_assignment');
    await q.dropTable('review_round');
  }
}
