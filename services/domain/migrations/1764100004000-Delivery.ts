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
const money = (name: string, isNullable = false): TableColumnOptions => ({
  name,
  type: 'decimal',
  precision: 14,
  scale: 2,
  isNullable,
});

/** Procurement (R14), contracts (R11), designated units (R18), security/crypto checks (R12, R13), post-evaluation (R29). */
export class Delivery1764100004000 implements MigrationInterface {
  name = 'Delivery1764100004000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'procurement',
        columns: [
          pk,
          col('project_id', 'integer'),
          col('method', 'varchar', '40'),
          col('justification', 'text', undefined, true),
          col('announced_on', 'varchar', '10'),
          col('awarded_on', 'varchar', '10', true),
          col('supplier', 'varchar', '200', true),
          money('amount', true),
          col('recorded_by', 'integer'),
          col('recorded_at', 'varchar', '30'),
        ],
        foreignKeys: [projectFk],
        indices: [{ name: 'ix_procurement_project', columnNames: ['project_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'contract',
        columns: [
          pk,
          col('project_id', 'integer'),
          col('procurement_id', 'integer', undefined, true),
          col('supplier', 'varchar', '200'),
          money('amount'),
          col('signed_on', 'varchar', '10'),
          col('acceptance_due', 'varchar', '10'),
          col('recorded_by', 'integer'),
          col('recorded_at', 'varchar', '30'),
        ],
        foreignKeys: [
          projectFk,
          { columnNames: ['procurement_id'], referencedTableName: 'procurement', referencedColumnNames: ['id'] },
        ],
        indices: [{ name: 'ix_contract_project', columnNames: ['project_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'service_unit',
        columns: [
          pk,
          col('year', 'integer'),
          col('kind', 'varchar', '30'),
          col('name', 'varchar', '200'),
          col('contact', 'varchar', '120', true),
        ],
        uniques: [{ name: 'uq_service_unit', columnNames: ['year', 'kind', 'name'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'unit_designation',
        columns: [
          pk,
          col('project_id', 'integer'),
          col('kind', 'varchar', '30'),
          col('unit_id', 'integer'),
          col('designated_by', 'integer'),
          col('designated_at', 'varchar', '30'),
        ],
        foreignKeys: [
          projectFk,
          { columnNames: ['unit_id'], referencedTableName: 'service_unit', referencedColumnNames: ['id'] },
        ],
        uniques: [{ name: 'uq_unit_designation', columnNames: ['project_id', 'kind'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'compliance_check',
        columns: [
          pk,
          col('project_id', 'integer'),
          col('kind', 'varchar', '30'),
          { name: 'passed', type: 'boolean', default: false },
          col('findings', 'text', undefined, true),
          col('checked_on', 'varchar', '10'),
          col('org_id', 'integer'),
          col('recorded_by', 'integer'),
          col('recorded_at', 'varchar', '30'),
        ],
        foreignKeys: [projectFk],
        indices: [{ name: 'ix_compliance_check_project', columnNames: ['project_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'post_evaluation',
        columns: [
          pk,
          col('project_id', 'integer'),
          col('score', 'integer'),
          col('grade', 'varchar', '20'),
          col('conclusion', 'text'),
          col('recommendation', 'varchar', '20'),
          col('evaluated_on', 'varchar', '10'),
          col('evaluated_by', 'integer'),
        ],
        foreignKeys: [projectFk],
        uniques: [{ name: 'uq_post_evaluation_project', columnNames: ['project_id'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'post_evaluation',
      'compliance_check',
      'unit_designation',
      'service_unit',
      'contract',
      'procurement',
    ]) {
      await q.dropTable(t);
    }
  }
}
