import type { MigrationInterface, QueryRunner } from 'typeorm';
import { Table, TableColumn, TableIndex } from 'typeorm';

/**
 * When a project entered its current stage (`project.stage_entered_at`, for "本阶段天数") and one
 * row per stage visit (`project_stage_history`, for the dashboard's stage-duration chart). Both are
 * written by the two stage setters (services/domain/stage-history.ts).
 *
 * Backfill: a draft entered its stage when it was created; any other project's last stage change
 * is its last update (`updated_at`, which every stage change sets). Each existing project gets one
 * open history row for its current stage; earlier visits are unknown and not invented.
 */
export class StageHistory1764100006000 implements MigrationInterface {
  name = 'StageHistory1764100006000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn(
      'project',
      new TableColumn({ name: 'stage_entered_at', type: 'varchar', length: '30', isNullable: true }),
    );
    await q.query(
      "UPDATE project SET stage_entered_at = CASE WHEN stage = 'draft' THEN created_at ELSE updated_at END",
    );
    await q.createTable(
      new Table({
        name: 'project_stage_history',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'project_id', type: 'integer' },
          { name: 'stage', type: 'varchar', length: '40' },
          { name: 'entered_at', type: 'varchar', length: '30' },
          { name: 'left_at', type: 'varchar', length: '30', isNullable: true },
        ],
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
    await q.createIndex(
      'project_stage_history',
      new TableIndex({ name: 'ix_project_stage_history_project', columnNames: ['project_id', 'entered_at'] }),
    );
    await q.query(
      'INSERT INTO project_stage_history (project_id, stage, entered_at, left_at) ' +
        'SELECT id, stage, stage_entered_at, NULL FROM project',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('project_stage_history');
    await q.dropColumn('project', 'stage_entered_at');
  }
}
