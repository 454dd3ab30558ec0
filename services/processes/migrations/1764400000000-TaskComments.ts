import type { MigrationInterface, QueryRunner } from 'typeorm';
import { Table, TableIndex } from 'typeorm';

/**
 * Comments on user tasks (the tasklist's 办理意见 and the reason of a 退回), stored per project
 * so the project's timeline shows them next to the step they concern.
 */
export class TaskComments1764400000000 implements MigrationInterface {
  name = 'TaskComments1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'task_comment',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'project_id', type: 'integer', isNullable: true },
          { name: 'process_instance_key', type: 'varchar', length: '40' },
          { name: 'user_task_key', type: 'varchar', length: '40' },
          { name: 'element_id', type: 'varchar', length: '200' },
          { name: 'kind', type: 'varchar', length: '20' },
          { name: 'author_username', type: 'varchar', length: '64' },
          { name: 'author_name', type: 'varchar', length: '100' },
          { name: 'text', type: 'varchar', length: '2000' },
          { name: 'created_at', type: 'varchar', length: '30' },
        ],
      }),
    );
    await q.createIndex(
      'task_comment',
      new TableIndex({ name: 'ix_task_comment_task', columnNames: ['user_task_key'] }),
    );
    await q.createIndex(
      'task_comment',
      new TableIndex({ name: 'ix_task_comment_project', columnNames: ['project_id'] }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('task_comment');
  }
}
