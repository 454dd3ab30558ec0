import type { MigrationInterface, QueryRunner } from 'typeorm';
import { Table, TableColumn, TableIndex } from 'typeorm';

/**
 * Who decided, and the money the annual plan allocates (issue 4):
 * - `task_completion` — who completed a user task through the tasklist (user, organisation, when),
 *   written by `TaskService` before the engine is told; workers read the deciding user from it;
 * - `key_project_approval.approver_user_id` / `decided_at` — R5: the DRC user who approved, and when;
 * - `fund_allocation` — R5/R8.1 资金安排: the year's allocation per project (egov.fund-allocate),
 *   one row per plan year and project, with the plan's approver (Task_GovernmentApproval).
 */
export class ApproversAndAllocations1764303000000 implements MigrationInterface {
  name = 'ApproversAndAllocations1764303000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'task_completion',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'user_task_key', type: 'varchar', length: '40', isUnique: true },
          { name: 'element_id', type: 'varchar', length: '100' },
          { name: 'process_instance_key', type: 'varchar', length: '40' },
          { name: 'process_definition_id', type: 'varchar', length: '100' },
          { name: 'user_id', type: 'integer', isNullable: true },
          { name: 'username', type: 'varchar', length: '60' },
          { name: 'org_id', type: 'integer', isNullable: true },
          { name: 'outcome', type: 'varchar', length: '20' },
          { name: 'completed_at', type: 'varchar', length: '30' },
        ],
      }),
    );
    await q.createIndex(
      'task_completion',
      new TableIndex({ name: 'ix_task_completion_instance', columnNames: ['process_instance_key', 'element_id'] }),
    );
    await q.addColumn(
      'key_project_approval',
      new TableColumn({ name: 'approver_user_id', type: 'integer', isNullable: true }),
    );
    await q.addColumn(
      'key_project_approval',
      new TableColumn({ name: 'decided_at', type: 'varchar', length: '30', isNullable: true }),
    );
    await q.createTable(
      new Table({
        name: 'fund_allocation',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'plan_year', type: 'integer' },
          { name: 'project_id', type: 'integer' },
          { name: 'amount', type: 'decimal', precision: 14, scale: 2 },
          { name: 'approved_by', type: 'integer', isNullable: true },
          { name: 'approved_by_org_id', type: 'integer', isNullable: true },
          { name: 'approved_at', type: 'varchar', length: '30', isNullable: true },
          { name: 'process_instance_key', type: 'varchar', length: '40' },
          { name: 'element_instance_key', type: 'varchar', length: '40' },
          { name: 'allocated_at', type: 'varchar', length: '30' },
        ],
        uniques: [{ name: 'uq_fund_allocation', columnNames: ['plan_year', 'project_id'] }],
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
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('fund_allocation');
    await q.dropColumn('key_project_approval', 'decided_at');
    await q.dropColumn('key_project_approval', 'approver_user_id');
    await q.dropIndex('task_completion', 'ix_task_completion_instance');
    await q.dropTable('task_completion');
  }
}
