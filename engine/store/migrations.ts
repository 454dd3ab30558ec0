/**
 * The engine's schema (tables zb_*), portable across SQLite and MySQL/MariaDB via TypeORM's Table
 * API. Keys are int64 (`bigint`); instants we search on are ISO-8601 UTC strings (they sort as
 * text), instants the scheduler compares are epoch milliseconds (`*_at` bigint columns).
 */
import type { MigrationInterface, QueryRunner, TableColumnOptions } from 'typeorm';
import { Table, TableIndex } from 'typeorm';

type Col = TableColumnOptions;

const key = (name: string, primary = false): Col => ({ name, type: 'bigint', isPrimary: primary });
const nkey = (name: string): Col => ({ name, type: 'bigint', isNullable: true });
const str = (name: string, length = 255, nullable = false): Col => ({
  name,
  type: 'varchar',
  length: String(length),
  isNullable: nullable,
});
const nstr = (name: string, length = 255): Col => str(name, length, true);
const int = (name: string, dflt = 0): Col => ({ name, type: 'int', default: dflt });
const date = (name: string): Col => ({ name, type: 'varchar', length: '30', isNullable: true });

export class ZbSchema1764100000000 implements MigrationInterface {
  name = 'ZbSchema1764100000000';

  async up(q: QueryRunner): Promise<void> {
    // MySQL's TEXT holds 64 KB only: BPMN XML, forms and variables need more
    const big = q.connection.options.type === 'mysql' ? 'longtext' : 'text';
    const txt = (name: string, nullable = true): Col => ({ name, type: big, isNullable: nullable });
    const table = async (name: string, columns: Col[], indices: [string, string[], boolean?][] = []) => {
      await q.createTable(new Table({ name, columns }));
      for (const [ix, cols, unique] of indices) {
        await q.createIndex(
          name,
          new TableIndex({ name: `ix_${name}_${ix}`, columnNames: cols, isUnique: unique === true }),
        );
      }
    };

    await table('zb_sequence', [{ ...str('name', 50), isPrimary: true }, key('value')]);

    await table('zb_deployment', [key('deployment_key', true), str('tenant_id', 64), date('created')]);

    await table(
      'zb_process_definition',
      [
        key('process_definition_key', true),
        str('bpmn_process_id'),
        int('version'),
        nstr('name'),
        nstr('version_tag'),
        str('resource_name'),
        key('deployment_key'),
        str('tenant_id', 64),
        str('checksum', 64),
        int('has_start_form'),
        int('is_latest', 1),
        txt('xml', false),
        date('created'),
      ],
      [
        ['pid', ['bpmn_process_id', 'version']],
        ['latest', ['is_latest', 'bpmn_process_id']],
      ],
    );

    await table(
      'zb_form',
      [
        key('form_key', true),
        str('form_id'),
        int('version'),
        str('resource_name'),
        key('deployment_key'),
        str('tenant_id', 64),
        str('checksum', 64),
        txt('schema_json', false),
      ],
      [['fid', ['form_id', 'version']]],
    );

    await table(
      'zb_process_instance',
      [
        key('process_instance_key', true),
        key('process_definition_key'),
        str('bpmn_process_id'),
        int('version'),
        nstr('process_name'),
        nstr('version_tag'),
        str('state', 20),
        date('start_date'),
        date('end_date'),
        int('has_incident'),
        nkey('parent_process_instance_key'),
        nkey('parent_element_instance_key'),
        nstr('start_correlation_key'),
        nstr('tags', 2000),
        str('tenant_id', 64),
      ],
      [
        ['state', ['state', 'process_instance_key']],
        ['def', ['process_definition_key', 'state']],
        ['pid', ['bpmn_process_id', 'state']],
        ['parent', ['parent_process_instance_key']],
      ],
    );

    await table(
      'zb_element_instance',
      [
        key('element_instance_key', true),
        key('process_instance_key'),
        key('process_definition_key'),
        str('bpmn_process_id'),
        str('element_id'),
        nstr('element_name'),
        str('type', 40),
        nkey('flow_scope_key'),
        str('scope_path', 1000),
        str('state', 20),
        // where the interpreter stands inside the element's life cycle (ACTIVATING, WAITING, COMPLETING, …)
        str('phase', 30),
        int('listener_index'),
        int('loop_counter'),
        int('has_incident'),
        nkey('incident_key'),
        int('interrupted'),
        nkey('called_process_instance_key'),
        txt('mi_items'),
        date('start_date'),
        date('end_date'),
        str('tenant_id', 64),
      ],
      [
        ['pi', ['process_instance_key', 'element_instance_key']],
        ['scope', ['flow_scope_key', 'state']],
        ['def', ['process_definition_key', 'element_id', 'state']],
      ],
    );

    await table(
      'zb_variable',
      [
        key('variable_key', true),
        str('name'),
        txt('value', false),
        key('scope_key'),
        key('process_instance_key'),
        str('tenant_id', 64),
      ],
      [
        ['scope', ['scope_key', 'name'], true],
        ['pi', ['process_instance_key', 'name']],
      ],
    );

    await table(
      'zb_job',
      [
        key('job_key', true),
        str('type'),
        // ACTIVATABLE | ACTIVATED | BACKOFF | FAILED (retries exhausted, incident)
        str('status', 20),
        str('kind', 30),
        str('listener_event_type', 20),
        int('retries', 3),
        key('due_at'),
        nstr('worker'),
        txt('error_message'),
        txt('custom_headers'),
        key('element_instance_key'),
        str('element_id'),
        key('process_instance_key'),
        key('process_definition_key'),
        str('bpmn_process_id'),
        int('version'),
        str('tenant_id', 64),
        date('created'),
      ],
      [
        ['activate', ['type', 'status', 'job_key']],
        ['due', ['status', 'due_at']],
        ['ei', ['element_instance_key']],
      ],
    );

    await table(
      'zb_user_task',
      [
        key('user_task_key', true),
        key('element_instance_key'),
        key('process_instance_key'),
        key('process_definition_key'),
        str('bpmn_process_id'),
        int('version'),
        nstr('process_name'),
        str('element_id'),
        nstr('name'),
        str('state', 20),
        nstr('assignee'),
        str('candidate_groups', 2000),
        str('candidate_users', 2000),
        date('due_date'),
        date('follow_up_date'),
        int('priority', 50),
        nkey('form_key'),
        nstr('external_form_reference', 1000),
        txt('custom_headers'),
        date('creation_date'),
        date('completion_date'),
        str('tenant_id', 64),
      ],
      [
        ['state', ['state', 'user_task_key']],
        ['assignee', ['assignee']],
        ['pi', ['process_instance_key']],
        ['ei', ['element_instance_key']],
      ],
    );

    await table(
      'zb_incident',
      [
        key('incident_key', true),
        str('error_type', 40),
        txt('error_message'),
        str('element_id'),
        key('element_instance_key'),
        key('process_instance_key'),
        key('process_definition_key'),
        str('bpmn_process_id'),
        nkey('job_key'),
        str('state', 20),
        date('creation_time'),
        str('tenant_id', 64),
      ],
      [
        ['state', ['state', 'incident_key']],
        ['pi', ['process_instance_key', 'state']],
        ['ei', ['element_instance_key', 'state']],
      ],
    );

    await table(
      'zb_timer',
      [
        key('timer_key', true),
        key('due_at'),
        str('kind', 20),
        str('element_id'),
        key('element_instance_key'),
        key('process_instance_key'),
        key('process_definition_key'),
        str('timer_kind', 10),
        str('timer_value', 500),
        int('repetitions', 1),
        str('tenant_id', 64),
      ],
      [
        ['due', ['due_at']],
        ['owner', ['element_instance_key']],
        ['def', ['process_definition_key', 'kind']],
      ],
    );

    await table(
      'zb_message_subscription',
      [
        key('subscription_key', true),
        str('message_name'),
        str('correlation_key'),
        str('kind', 20),
        str('element_id'),
        key('element_instance_key'),
        key('process_instance_key'),
        key('process_definition_key'),
        str('bpmn_process_id'),
        str('tenant_id', 64),
      ],
      [
        ['corr', ['message_name', 'correlation_key']],
        ['owner', ['element_instance_key']],
      ],
    );

    await table(
      'zb_message_start',
      [
        str('message_name'),
        key('process_definition_key'),
        str('bpmn_process_id'),
        str('element_id'),
        str('tenant_id', 64),
      ],
      [
        ['name', ['message_name']],
        ['pid', ['bpmn_process_id']],
      ],
    );

    await table(
      'zb_message',
      [
        key('message_key', true),
        str('name'),
        str('correlation_key'),
        nstr('message_id'),
        txt('variables'),
        key('expires_at'),
        str('tenant_id', 64),
        date('created'),
      ],
      [
        ['corr', ['name', 'correlation_key']],
        ['expires', ['expires_at']],
        ['mid', ['message_id']],
      ],
    );

    await table(
      'zb_message_correlated',
      [key('message_key'), str('bpmn_process_id'), key('process_instance_key')],
      [['mk', ['message_key', 'bpmn_process_id']]],
    );

    await table(
      'zb_sequence_flow',
      [
        key('flow_key', true),
        key('process_instance_key'),
        key('process_definition_key'),
        str('bpmn_process_id'),
        str('flow_id'),
        str('tenant_id', 64),
      ],
      [['pi', ['process_instance_key']]],
    );

    // tokens waiting at a joining (parallel / inclusive) gateway, per flow scope and incoming flow
    await table(
      'zb_join_token',
      [key('token_key', true), key('flow_scope_key'), str('element_id'), str('flow_id'), key('process_instance_key')],
      [['scope', ['flow_scope_key', 'element_id']]],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'zb_join_token',
      'zb_sequence_flow',
      'zb_message_correlated',
      'zb_message',
      'zb_message_start',
      'zb_message_subscription',
      'zb_timer',
      'zb_incident',
      'zb_user_task',
      'zb_job',
      'zb_variable',
      'zb_element_instance',
      'zb_process_instance',
      'zb_form',
      'zb_process_definition',
      'zb_deployment',
      'zb_sequence',
    ]) {
      await q.dropTable(t, true);
    }
  }
}

/**
 * SQLite only: every zb_* table keyed by one bigint becomes keyed by its rowid. SQLite makes a
 * column the rowid only when it is declared exactly `INTEGER PRIMARY KEY`; TypeORM's `bigint`
 * primary keys were a separate unique index beside a hidden rowid, so every insert and delete
 * wrote one B-tree more and every lookup by key searched two. Same values (int64 keys, which
 * SQLite stores as integers either way), same columns and indexes; MySQL/MariaDB tables are
 * clustered on their primary key already and stay as they are.
 */
export class ZbRowidKeys1764200000000 implements MigrationInterface {
  name = 'ZbRowidKeys1764200000000';

  up(q: QueryRunner): Promise<void> {
    return rebuildKeys(q, 'bigint', 'integer');
  }

  down(q: QueryRunner): Promise<void> {
    return rebuildKeys(q, 'integer', 'bigint');
  }
}

async function rebuildKeys(q: QueryRunner, from: string, to: string): Promise<void> {
  if (q.connection.options.type !== 'better-sqlite3') return;
  const tables = (await q.query(
    `SELECT name, sql FROM sqlite_master WHERE type = 'table' AND substr(name, 1, 3) = 'zb_' ORDER BY name`,
  )) as { name: string; sql: string }[];
  const pk = new RegExp(`^("\\w+") ${from} PRIMARY KEY NOT NULL$`, 'i');
  for (const t of tables) {
    if (t.name === 'zb_migrations') continue;
    const head = `CREATE TABLE "${t.name}" (`;
    if (!t.sql.startsWith(head) || !t.sql.endsWith(')')) continue;
    // column definitions are separated by ", " outside parentheses (defaults such as "(0)" have none)
    const cols = t.sql.slice(head.length, -1).split(/, (?=")/);
    const i = cols.findIndex((c) => pk.test(c));
    if (i < 0) continue;
    cols[i] = cols[i]!.replace(pk, `$1 ${to} PRIMARY KEY NOT NULL`);
    const indexes = (await q.query(
      `SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`,
      [t.name],
    )) as { sql: string }[];
    const tmp = `${t.name}_rekey`;
    await q.query(`CREATE TABLE "${tmp}" (${cols.join(', ')})`);
    await q.query(`INSERT INTO "${tmp}" SELECT * FROM "${t.name}"`);
    await q.query(`DROP TABLE "${t.name}"`);
    await q.query(`ALTER TABLE "${tmp}" RENAME TO "${t.name}"`);
    for (const ix of indexes) await q.query(ix.sql);
  }
}

export const engineMigrations: (new () => MigrationInterface)[] = [ZbSchema1764100000000, ZbRowidKeys1764200000000];
