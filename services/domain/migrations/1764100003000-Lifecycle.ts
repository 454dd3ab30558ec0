import type { MigrationInterface, QueryRunner } from 'typeorm';
import { Table, type TableColumnOptions, type TableForeignKeyOptions } from 'typeorm';

const pk: TableColumnOptions = {
  name: 'id',
  type: 'integer',
  isPrimary: true,
  isGenerated: true,
  generationStrategy: 'increment',
};
const projectFk: TableForeignKeyOptions = {
  columnNames: ['project_id'],
  referencedTableName: 'project',
  referencedColumnNames: ['id'],
  onDelete: 'CASCADE',
};
const col = (name: string, type: string, length?: string, isNullable = false): TableColumnOptions => ({
  name,
  type,
  length,
  isNullable,
});

/** Acceptances (R14, R22), self-evaluations (R23), progress reports 附件2 (R15), change (R20) and delay (R22.3) requests. */
export class Lifecycle1764100003000 implements MigrationInterface {
  name = 'Lifecycle1764100003000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'acceptance',
        columns: [
          pk,
          col('project_id', 'integer'),
          col('stage', 'varchar', '20'),
          col('applied_on', 'varchar', '10'),
          col('due_on', 'varchar', '10', true),
          { name: 'late', type: 'boolean', default: false },
          col('accepted_on', 'varchar', '10', true),
          col('result', 'varchar', '20', true),
          col('opinion', 'text', undefined, true),
          col('items', 'text', undefined, true),
          col('recorded_by', 'integer'),
          col('recorded_at', 'varchar', '30'),
        ],
        foreignKeys: [projectFk],
        uniques: [{ name: 'uq_acceptance_stage', columnNames: ['project_id', 'stage'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'self_evaluation',
        columns: [
          pk,
          col('project_id', 'integer'),
          col('effect', 'text'),
          col('problems', 'text'),
          col('submitted_on', 'varchar', '10'),
          col('due_on', 'varchar', '10'),
          { name: 'late', type: 'boolean', default: false },
          col('submitted_by', 'integer'),
        ],
        foreignKeys: [projectFk],
        uniques: [{ name: 'uq_self_evaluation_project', columnNames: ['project_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'progress_report',
        columns: [
          pk,
          col('project_id', 'integer'),
          col('quarter', 'varchar', '7'),
          col('data', 'text'),
          col('submitted_on', 'varchar', '10'),
          col('due_on', 'varchar', '10'),
          { name: 'late', type: 'boolean', default: false },
          col('submitted_by', 'integer'),
        ],
        foreignKeys: [projectFk],
        uniques: [{ name: 'uq_progress_report_quarter', columnNames: ['project_id', 'quarter'] }],
      }),
    );
    for (const name of ['change_request', 'delay_request']) {
      const specific =
        name === 'change_request'
          ? [
              col('change_case', 'varchar', '20'),
              col('description', 'text'),
              { name: 'new_amount', type: 'decimal', precision: 14, scale: 2 },
            ]
          : [col('contracted_date', 'varchar', '10'), col('requested_date', 'varchar', '10'), col('reason', 'text')];
      await q.createTable(
        new Table({
          name,
          columns: [
            pk,
            col('project_id', 'integer'),
            ...specific,
            col('status', 'varchar', '20'),
            col('decision_note', 'text', undefined, true),
            col('requested_by', 'integer'),
            col('requested_at', 'varchar', '30'),
            col('decided_by', 'integer', undefined, true),
            col('decided_at', 'varchar', '30', true),
          ],
          foreignKeys: [projectFk],
          indices: [{ name: `ix_${name}_project`, columnNames: ['project_id'] }],
        }),
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['delay_request', 'change_request', 'progress_report', 'self_evaluation', 'acceptance'])
      await q.dropTable(t);
  }
}
