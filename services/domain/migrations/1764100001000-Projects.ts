import type { MigrationInterface, QueryRunner } from 'typeorm';
import { Table } from 'typeorm';

const pk = {
  name: 'id',
  type: 'integer',
  isPrimary: true,
  isGenerated: true,
  generationStrategy: 'increment',
} as const;
const money = (name: string, isNullable = false) => ({ name, type: 'decimal', precision: 14, scale: 2, isNullable });

/** Projects (R2, R3, R10), versioned application forms 附件1 (R6) and attachments. */
export class Projects1764100001000 implements MigrationInterface {
  name = 'Projects1764100001000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'project',
        columns: [
          pk,
          { name: 'code', type: 'varchar', length: '40', isUnique: true },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'category', type: 'varchar', length: '40' },
          { name: 'kind', type: 'varchar', length: '20' },
          { name: 'org_id', type: 'integer' },
          { name: 'responsible_person', type: 'varchar', length: '60' },
          { name: 'start_month', type: 'varchar', length: '7' },
          { name: 'end_month', type: 'varchar', length: '7' },
          money('fund_fiscal'),
          money('fund_loan'),
          money('fund_self'),
          money('fund_other'),
          money('total_investment'),
          money('approved_amount', true),
          { name: 'key_project', type: 'boolean', default: false },
          { name: 'department_budget', type: 'boolean', default: false },
          { name: 'stage', type: 'varchar', length: '40' },
          { name: 'plan_year', type: 'integer' },
          { name: 'process_instance_key', type: 'varchar', length: '40', isNullable: true },
          { name: 'current_version', type: 'integer' },
          { name: 'created_by', type: 'integer' },
          { name: 'created_at', type: 'varchar', length: '30' },
          { name: 'updated_at', type: 'varchar', length: '30' },
        ],
        foreignKeys: [
          { columnNames: ['org_id'], referencedTableName: 'organisation', referencedColumnNames: ['id'] },
          { columnNames: ['created_by'], referencedTableName: 'app_user', referencedColumnNames: ['id'] },
        ],
        indices: [
          { name: 'ix_project_org', columnNames: ['org_id'] },
          { name: 'ix_project_stage', columnNames: ['stage'] },
          { name: 'ix_project_year', columnNames: ['plan_year'] },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'project_participant',
        columns: [pk, { name: 'project_id', type: 'integer' }, { name: 'org_id', type: 'integer' }],
        foreignKeys: [
          {
            columnNames: ['project_id'],
            referencedTableName: 'project',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          { columnNames: ['org_id'], referencedTableName: 'organisation', referencedColumnNames: ['id'] },
        ],
        uniques: [{ name: 'uq_project_participant', columnNames: ['project_id', 'org_id'] }],
        indices: [{ name: 'ix_project_participant_org', columnNames: ['org_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'application_version',
        columns: [
          pk,
          { name: 'project_id', type: 'integer' },
          { name: 'version', type: 'integer' },
          { name: 'data', type: 'text' },
          { name: 'created_by', type: 'integer' },
          { name: 'created_at', type: 'varchar', length: '30' },
        ],
        foreignKeys: [
          {
            columnNames: ['project_id'],
            referencedTableName: 'project',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        uniques: [{ name: 'uq_application_version', columnNames: ['project_id', 'version'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'attachment',
        columns: [
          pk,
          { name: 'project_id', type: 'integer' },
          { name: 'kind', type: 'varchar', length: '40' },
          { name: 'original_name', type: 'varchar', length: '200' },
          { name: 'stored_name', type: 'varchar', length: '80', isUnique: true },
          { name: 'media_type', type: 'varchar', length: '120' },
          { name: 'size', type: 'integer' },
          { name: 'sm3', type: 'varchar', length: '64' },
          { name: 'uploaded_by', type: 'integer' },
          { name: 'uploaded_at', type: 'varchar', length: '30' },
        ],
        foreignKeys: [
          {
            columnNames: ['project_id'],
            referencedTableName: 'project',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        indices: [{ name: 'ix_attachment_project', columnNames: ['project_id'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('attachment');
    await q.dropTable('application_version');
    await q.dropTable('project_participant');
    await q.dropTable('project');
  }
}
