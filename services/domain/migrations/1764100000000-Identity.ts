import type { MigrationInterface, QueryRunner } from 'typeorm';
import { Table } from 'typeorm';

/** Organisations, users (roles per organisation) and server-side sessions (等保 level 3). */
export class Identity1764100000000 implements MigrationInterface {
  name = 'Identity1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'organisation',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'code', type: 'varchar', length: '40', isUnique: true },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'type', type: 'varchar', length: '20' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'app_user',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'username', type: 'varchar', length: '60', isUnique: true },
          { name: 'display_name', type: 'varchar', length: '60' },
          { name: 'email', type: 'varchar', length: '120', isNullable: true },
          { name: 'phone', type: 'varchar', length: '30', isNullable: true },
          { name: 'org_id', type: 'integer' },
          { name: 'roles', type: 'varchar', length: '200' },
          { name: 'password_hash', type: 'varchar', length: '200' },
          { name: 'password_changed_at', type: 'varchar', length: '30' },
          { name: 'failed_logins', type: 'integer', default: 0 },
          { name: 'locked_until', type: 'varchar', length: '30', isNullable: true },
          { name: 'disabled', type: 'boolean', default: false },
          { name: 'created_at', type: 'varchar', length: '30' },
        ],
        foreignKeys: [{ columnNames: ['org_id'], referencedTableName: 'organisation', referencedColumnNames: ['id'] }],
        indices: [{ name: 'ix_app_user_org', columnNames: ['org_id'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'user_session',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'token_hash', type: 'varchar', length: '64', isUnique: true },
          { name: 'user_id', type: 'integer' },
          { name: 'created_at', type: 'varchar', length: '30' },
          { name: 'last_seen_at', type: 'varchar', length: '30' },
          { name: 'expires_at', type: 'varchar', length: '30' },
          { name: 'ip', type: 'varchar', length: '64', isNullable: true },
        ],
        foreignKeys: [
          {
            columnNames: ['user_id'],
            referencedTableName: 'app_user',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
          },
        ],
        indices: [{ name: 'ix_user_session_user', columnNames: ['user_id'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('user_session');
    await q.dropTable('app_user');
    await q.dropTable('organisation');
  }
}
