import type { MigrationInterface, QueryRunner } from 'typeorm';
import { TableColumn, TableIndex } from 'typeorm';

/**
 * The exact decider of a request's task (issue 4): `task_completion.request_id` — the rectification
 * order / change request / delay request the completed task belonged to (the id its event
 * sub-process instance carries, read by `TaskService` from the task's variables when it is
 * completed). Workers look the decider up by process instance, element AND request, so two orders
 * verified at almost the same moment each name their own verifier. NULL on older rows and on
 * tasks that belong to no request.
 */
export class TaskCompletionRequest1764310000000 implements MigrationInterface {
  name = 'TaskCompletionRequest1764310000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'task_completion',
      new TableColumn({ name: 'request_id', type: 'varchar', length: '40', isNullable: true }),
    );
    await q.createIndex(
      'task_completion',
      new TableIndex({
        name: 'ix_task_completion_request',
        columnNames: ['process_instance_key', 'element_id', 'request_id'],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropIndex('task_completion', 'ix_task_completion_request');
    await q.dropColumn('task_completion', 'request_id');
  }
}
