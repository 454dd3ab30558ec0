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
const money = (name: string): TableColumnOptions => ({ name, type: 'decimal', precision: 14, scale: 2 });

/** Annual construction plans (R8), investment-plan entries (R21), the information-resource catalogue (R9). */
export class Plans1764100005000 implements MigrationInterface {
  name = 'Plans1764100005000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'annual_plan',
        columns: [
          pk,
          { name: 'year', type: 'integer', isUnique: true },
          col('status', 'varchar', '20'),
          col('compiled_by', 'integer'),
          col('compiled_at', 'varchar', '30'),
          col('approved_by', 'integer', undefined, true),
          col('approved_at', 'varchar', '30', true),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'annual_plan_entry',
        columns: [
          pk,
          col('plan_id', 'integer'),
          col('project_id', 'integer'),
          money('amount'),
          { name: 'urgent', type: 'boolean', default: false },
          col('added_by', 'integer'),
          col('added_at', 'varchar', '30'),
        ],
        foreignKeys: [
          projectFk,
          {
            columnNames: ['plan_id'],
            referencedTableName: 'annual_plan',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        uniques: [{ name: 'uq_annual_plan_entry', columnNames: ['plan_id', 'project_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'investment_plan_entry',
        columns: [
          pk,
          col('project_id', 'integer'),
          col('year', 'integer'),
          money('amount'),
          col('approved_on', 'varchar', '10'),
          col('recorded_by', 'integer'),
          col('recorded_at', 'varchar', '30'),
        ],
        foreignKeys: [projectFk],
        uniques: [{ name: 'uq_investment_plan_entry', columnNames: ['project_id', 'year'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'catalogue_entry',
        columns: [
          pk,
          col('org_id', 'integer'),
          col('name', 'varchar', '200'),
          col('description', 'text'),
          col('data_items', 'text'),
          col('share_type', 'varchar', '20'),
          col('share_basis', 'text', undefined, true),
          col('recipients', 'varchar', '500'),
          col('update_cycle', 'varchar', '40'),
          col('source_project_id', 'integer', undefined, true),
          col('updated_by', 'integer'),
          col('updated_at', 'varchar', '30'),
        ],
        foreignKeys: [{ columnNames: ['org_id'], referencedTableName: 'organisation', referencedColumnNames: ['id'] }],
        uniques: [{ name: 'uq_catalogue_entry', columnNames: ['org_id', 'name'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['catalogue_entry', 'investment_plan_entry', 'annual_plan_entry', 'annual_plan'])
      await q.dropTable(t);
  }
}
