import type { MigrationInterface, QueryRunner } from 'typeorm';
import { TableColumn, TableIndex } from 'typeorm';

/**
 * 退回修改 (R6) in the domain (issue 4):
 * - `project_stage_history.note` — why the project is in a stage; for the new stage `returned` the
 *   reasons of the return (materials defects, duplicates, the joint review's reason), JSON array;
 * - `application_version.revision_task_key` — the `Task_ReviseApplication` user task a version
 *   answers; unique per project, so a retried resubmission rewrites its version instead of adding
 *   another one (NULL for versions written outside a revision: several allowed on both databases).
 */
export class Revisions1764304000000 implements MigrationInterface {
  name = 'Revisions1764304000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('project_stage_history', new TableColumn({ name: 'note', type: 'text', isNullable: true }));
    await q.addColumn(
      'application_version',
      new TableColumn({ name: 'revision_task_key', type: 'varchar', length: '40', isNullable: true }),
    );
    await q.createIndex(
      'application_version',
      new TableIndex({
        name: 'uq_application_version_revision',
        columnNames: ['project_id', 'revision_task_key'],
        isUnique: true,
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('application_version', 'uq_application_version_revision');
    await q.dropColumn('application_version', 'revision_task_key');
    await q.dropColumn('project_stage_history', 'note');
  }
}
