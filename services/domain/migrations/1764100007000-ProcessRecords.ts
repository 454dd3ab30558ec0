import type { MigrationInterface, QueryRunner } from 'typeorm';
import { Table, TableColumn } from 'typeorm';

/**
 * What the process workers record in the domain besides the existing tables:
 * - `key_project_approval` — R5 区发改委重点项目单独立项: decision, approver, date, document number;
 * - the document numbers the forms carry: contract number (R14), tender number (R14), investment
 *   plan number (R21 文号);
 * - `post_evaluation.r27_budget_cut` — R27 cuts next year's budget (R29 budget input).
 * All new columns are nullable (or defaulted), so rows written through the API stay valid.
 */
export class ProcessRecords1764100007000 implements MigrationInterface {
  name = 'ProcessRecords1764100007000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'key_project_approval',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'project_id', type: 'integer' },
          { name: 'decision', type: 'varchar', length: '20' },
          { name: 'document_no', type: 'varchar', length: '100', isNullable: true },
          { name: 'approved_investment', type: 'decimal', precision: 14, scale: 2, isNullable: true },
          { name: 'reason', type: 'text', isNullable: true },
          { name: 'approver_org_id', type: 'integer' },
          { name: 'approver', type: 'varchar', length: '60', isNullable: true },
          { name: 'decided_on', type: 'varchar', length: '10' },
          { name: 'process_instance_key', type: 'varchar', length: '40', isNullable: true },
          { name: 'recorded_at', type: 'varchar', length: '30' },
        ],
        foreignKeys: [
          {
            columnNames: ['project_id'],
            referencedTableName: 'project',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
          { columnNames: ['approver_org_id'], referencedTableName: 'organisation', referencedColumnNames: ['id'] },
        ],
      }),
    );
    await q.addColumn(
      'contract',
      new TableColumn({ name: 'contract_no', type: 'varchar', length: '100', isNullable: true }),
    );
    await q.addColumn(
      'procurement',
      new TableColumn({ name: 'tender_no', type: 'varchar', length: '100', isNullable: true }),
    );
    await q.addColumn(
      'investment_plan_entry',
      new TableColumn({ name: 'plan_no', type: 'varchar', length: '100', isNullable: true }),
    );
    await q.addColumn('post_evaluation', new TableColumn({ name: 'r27_budget_cut', type: 'boolean', default: false }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('post_evaluation', 'r27_budget_cut');
    await q.dropColumn('investment_plan_entry', 'plan_no');
    await q.dropColumn('procurement', 'tender_no');
    await q.dropColumn('contract', 'contract_no');
    await q.dropTable('key_project_approval');
  }
}
