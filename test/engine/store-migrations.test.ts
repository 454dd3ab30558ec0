/**
 * The engine's schema migrations on a database that already holds state: upgrading from the first
 * schema keeps every row (a process waiting at a job resumes and completes afterwards), and on
 * SQLite the tables keyed by one bigint end up keyed by their rowid (ZbRowidKeys1764200000000).
 */
import { openDatabase } from '../../services/db/data-source';
import { createRuntime, engineMigrations } from '../../engine/runtime';
import { ZbSchema1764100000000 } from '../../engine/store';
import { createTestDatabase, type TestDatabase } from '../support/db';

const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:process id="mig" isExecutable="true">
    <bpmn:startEvent id="s"><bpmn:outgoing>f0</bpmn:outgoing></bpmn:startEvent>
    <bpmn:serviceTask id="t"><bpmn:extensionElements><zeebe:taskDefinition type="mig-job" /></bpmn:extensionElements><bpmn:incoming>f0</bpmn:incoming><bpmn:outgoing>f1</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:endEvent id="e"><bpmn:incoming>f1</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="t" />
    <bpmn:sequenceFlow id="f1" sourceRef="t" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>`;

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase('zbmig');
});
afterEach(async () => {
  await db.drop();
});

const open = (migrations: typeof engineMigrations) =>
  openDatabase({ url: db.url, migrations, migrationsTableName: 'zb_migrations' });

describe('engine schema migrations', () => {
  it('should keep a waiting instance across the upgrade, and key SQLite tables by rowid', async () => {
    // state written under the first schema only
    const before = await open([ZbSchema1764100000000]);
    const rt1 = await createRuntime({ dataSource: before });
    await rt1.start();
    await rt1.deployResources([{ name: 'mig.bpmn', content: Buffer.from(xml) }]);
    const created = await rt1.createProcessInstance({ processDefinitionId: 'mig', variables: { n: 7 } });
    await rt1.stop();
    await before.destroy();

    const after = await open(engineMigrations);
    try {
      if (db.kind === 'sqlite') {
        const tables = (await after.query(
          `SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name IN ('zb_element_instance', 'zb_job', 'zb_variable')`,
        )) as { name: string; sql: string }[];
        expect(tables).toHaveLength(3);
        for (const t of tables) expect(t.sql).toMatch(/"\w+_key" integer PRIMARY KEY NOT NULL/);
        const ix = (await after.query(
          `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'zb_job' ORDER BY name`,
        )) as { name: string }[];
        expect(ix.map((r) => r.name)).toEqual(['ix_zb_job_activate', 'ix_zb_job_due', 'ix_zb_job_ei']);
        const same = (await after.query(
          `SELECT COUNT(*) AS n FROM zb_element_instance WHERE rowid = element_instance_key`,
        )) as { n: number }[];
        expect(Number(same[0]!.n)).toBeGreaterThanOrEqual(2);
      }
      const rt2 = await createRuntime({ dataSource: after });
      await rt2.start();
      const { jobs } = await rt2.activateJobs({ type: 'mig-job', maxJobsToActivate: 5, timeout: 60_000, worker: 'w' });
      expect(jobs).toHaveLength(1);
      expect(String(jobs[0]!.processInstanceKey)).toBe(String(created.processInstanceKey));
      expect(jobs[0]!.variables).toEqual({ n: 7 });
      await rt2.completeJob(String(jobs[0]!.jobKey), { variables: { done: true } });
      const pi = await rt2.getProcessInstance(String(created.processInstanceKey));
      expect(pi.state).toBe('COMPLETED');
      await rt2.stop();
    } finally {
      await after.destroy();
    }
  });
});
