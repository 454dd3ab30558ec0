import type { MigrationInterface, QueryRunner } from 'typeorm';
import { TableColumn } from 'typeorm';

/**
 * R26: who answered a rectification order and who closed it (issue 4):
 * - `rectification_order.responded_by` — the department user who reported the rectification
 *   (the one who completed `Task_Rectify`, from task_completion; without a process the caller of
 *   `POST /rectifications/:id/response`);
 * - `rectification_order.closed_by` — the supervisor who found it satisfactory (the one who
 *   completed `Task_RectificationVerify`; without a process the caller of the review route).
 * NULL on older rows and when the task was completed outside the tasklist.
 */
export class RectificationDeciders1764308000000 implements MigrationInterface {
  name = 'RectificationDeciders1764308000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'rectification_order',
      new TableColumn({ name: 'responded_by', type: 'integer', isNullable: true }),
    );
    await q.addColumn('rectification_order', new TableColumn({ name: 'closed_by', type: 'integer', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('rectification_order', 'closed_by');
    await q.dropColumn('rectification_order', 'responded_by');
  }
}
