import type { MigrationInterface, QueryRunner } from 'typeorm';
import { Table, TableIndex } from 'typeorm';

/**
 * The transactional mail outbox (one row per recipient and purpose) and the notifier cursors.
 * Timestamps are ISO-8601 UTC strings: portable between SQLite and MySQL and ordered as text.
 */
export class MailOutbox1764300000000 implements MigrationInterface {
  name = 'MailOutbox1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'mail_outbox',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'dedupe_key', type: 'varchar', length: '191' },
          { name: 'recipient_user_id', type: 'varchar', length: '64' },
          { name: 'recipient_name', type: 'varchar', length: '100' },
          { name: 'recipient_address', type: 'varchar', length: '254' },
          { name: 'subject', type: 'varchar', length: '300' },
          { name: 'body_text', type: 'text' },
          { name: 'body_html', type: 'text' },
          { name: 'purpose', type: 'varchar', length: '40' },
          { name: 'project_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'status', type: 'varchar', length: '20' },
          { name: 'attempts', type: 'integer', default: 0 },
          { name: 'next_attempt_at', type: 'varchar', length: '30' },
          { name: 'last_error', type: 'varchar', length: '1000', isNullable: true },
          { name: 'claimed_by', type: 'varchar', length: '100', isNullable: true },
          { name: 'claimed_until', type: 'varchar', length: '30', isNullable: true },
          { name: 'created_at', type: 'varchar', length: '30' },
          { name: 'sent_at', type: 'varchar', length: '30', isNullable: true },
          { name: 'message_id', type: 'varchar', length: '200' },
        ],
      }),
    );
    await q.createIndex(
      'mail_outbox',
      new TableIndex({ name: 'ux_mail_outbox_dedupe', columnNames: ['dedupe_key'], isUnique: true }),
    );
    // the dispatcher's scan: due rows by status and time
    await q.createIndex(
      'mail_outbox',
      new TableIndex({ name: 'ix_mail_outbox_due', columnNames: ['status', 'next_attempt_at'] }),
    );
    await q.createIndex('mail_outbox', new TableIndex({ name: 'ix_mail_outbox_project', columnNames: ['project_id'] }));
    await q.createIndex('mail_outbox', new TableIndex({ name: 'ix_mail_outbox_created', columnNames: ['created_at'] }));
    await q.createTable(
      new Table({
        name: 'notify_cursor',
        columns: [
          { name: 'name', type: 'varchar', length: '100', isPrimary: true },
          { name: 'value', type: 'varchar', length: '100' },
          { name: 'updated_at', type: 'varchar', length: '30' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('notify_cursor');
    await q.dropTable('mail_outbox');
  }
}
