/**
 * The demo of `npm start` survives an interrupted first start: `npm start`'s bootstrap runs in a
 * child process on a fresh database and is killed with SIGKILL while it writes the sample
 * projects, started again and killed while it starts the instances, started a third time and
 * killed while it places them; the fourth start (in this process) completes the demo. The result
 * must be the demo of an uninterrupted start (same rows per table, same engine instances, every
 * instance where PLACEMENTS says), written once; a further start writes nothing.
 * SQLite by default, MariaDB with TEST_DATABASE_URL.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../config';
import { bootstrap, type System } from '../../services/bootstrap';
import { PLACEMENTS } from '../../services/demo/process-demo';
import { DEMO_PROJECTS, DEMO_USERS } from '../../services/demo/seed';
import { openDatabase } from '../../services/db/data-source';
import { ProjectEntity, UserEntity } from '../../services/domain/entities';
import { demoStatus } from '../../services/demo/demo-state';
import { entities, migrations } from '../../services/db/schema';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { capturingLogger, demoCounts, demoStartConfig, placementReport, type LogLine } from './support/demo';

// three interrupted starts and two complete demos; MariaDB takes longest
jest.setTimeout(1_800_000);

type Line = LogLine;

describe('demo data of an interrupted first npm start', () => {
  const dbs: TestDatabase[] = [];
  const dirs: string[] = [];
  let system: System | undefined;

  const configFor = (db: TestDatabase, uploadDir: string): Config => demoStartConfig(db.url, uploadDir);
  const fresh = async (label: string) => {
    const db = await createTestDatabase(label);
    dbs.push(db);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `egov-${label}-`));
    dirs.push(dir);
    return { db, dir };
  };
  const start = async (config: Config) => {
    const { logger, lines } = capturingLogger();
    system = await bootstrap(config, logger);
    const status = await system.demoReady;
    return { system, status, lines };
  };

  /** `npm start` in a child process, killed with SIGKILL as soon as `killAt` holds for its log. */
  const startAndKill = async (db: TestDatabase, dir: string, killAt: (lines: Line[]) => boolean) => {
    // `node --import tsx`, not the tsx CLI: the CLI runs the script in a grandchild that SIGKILL would miss
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'demo-resume-child.ts')], {
      env: { ...process.env, DEMO_DB_URL: db.url, DEMO_UPLOAD_DIR: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: Line[] = [];
    let rest = '';
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.stdout.on('data', (b: Buffer) => {
      const parts = (rest + b.toString()).split('\n');
      rest = parts.pop()!;
      for (const p of parts.filter(Boolean)) lines.push(JSON.parse(p) as Line);
      if (child.exitCode === null && child.signalCode === null && killAt(lines)) child.kill('SIGKILL');
    });
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, s) => resolve(s)));
    if (signal !== 'SIGKILL') throw new Error(`the child was not killed (${signal}): ${stderr.slice(-2000)}`);
    return lines;
  };
  const steps = async (db: TestDatabase) => {
    const ds = await openDatabase({ url: db.url, entities, migrations });
    try {
      return (await demoStatus(ds)).steps;
    } finally {
      await ds.destroy();
    }
  };
  const count = (lines: Line[], msg: string | RegExp, pred: (l: Line) => boolean = () => true) =>
    lines.filter((l) => (typeof msg === 'string' ? l.msg === msg : msg.test(l.msg)) && pred(l)).length;

  afterAll(async () => {
    await system?.close();
    for (const db of dbs) await db.drop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('should resume the demo where each start was killed and end with the uninterrupted demo, written once', async () => {
    const { db, dir } = await fresh('resume');
    const total = Object.keys(PLACEMENTS).length;

    // 1st start: killed while the seed writes the sample projects (after the 5th of 12)
    const first = await startAndKill(
      db,
      dir,
      (ls) => count(ls, 'demo step done', (l) => String(l.step).startsWith('project:')) >= 5,
    );
    expect(count(first, 'demo data seeded')).toBe(0);
    const afterFirst = await steps(db);
    expect(afterFirst.slice(0, 2)).toEqual(['started', 'users']);
    expect(afterFirst).not.toContain('seed');

    // 2nd start: resumes the seed, killed while it starts the instances (after the 4th)
    const second = await startAndKill(db, dir, (ls) => count(ls, 'demo instance') >= 4);
    expect(count(second, /^demo: resuming after \d+ steps$/)).toBe(1);
    // the projects of the first start are not written again
    const redone = second
      .filter((l) => l.msg === 'demo step done' && String(l.step).startsWith('project:'))
      .map((l) => l.step);
    expect(redone.filter((s) => afterFirst.includes(String(s)))).toEqual([]);
    expect(count(second, 'demo data seeded')).toBe(1);
    const afterSecond = await steps(db);
    expect(afterSecond).toContain('seed');
    expect(afterSecond).not.toContain('complete');

    // 3rd start: killed while the instances are driven to their places (after the 3rd is placed)
    const third = await startAndKill(db, dir, (ls) => count(ls, /^demo: \d+ of \d+ projects placed$/) >= 3);
    expect(count(third, 'seeding demo data')).toBe(0);
    expect(await steps(db)).not.toContain('complete');

    // 4th start: left to finish
    const resumed = await start(configFor(db, dir));
    expect(resumed.lines.filter((l) => l.component === 'demo' && Number(l.level) >= 40)).toEqual([]);
    expect(resumed.status).toMatchObject({ begun: true, complete: true });
    expect(resumed.status!.steps.filter((s) => s.startsWith('project:')).sort()).toEqual(
      DEMO_PROJECTS.map((d) => `project:${d.form.projectName}`).sort(),
    );
    expect(resumed.status!.steps.filter((s) => s.startsWith('placed:'))).toHaveLength(total);
    expect(resumed.lines.find((l) => l.msg === 'demo instances ready')).toMatchObject({
      placed: total,
      unplaced: 0,
      failed: 0,
    });
    const ds = resumed.system.dataSource;
    const engine = resumed.system.engine;
    // every sample project and demo user once, each project with one instance of its own
    const projects = await ds.getRepository(ProjectEntity).find();
    expect(projects.map((p) => p.name).sort()).toEqual(DEMO_PROJECTS.map((d) => d.form.projectName).sort());
    expect((await ds.getRepository(UserEntity).find()).map((u) => u.username).sort()).toEqual(
      DEMO_USERS.map((u) => u.username).sort(),
    );
    const keys = projects.map((p) => p.processInstanceKey).filter(Boolean);
    expect(new Set(keys).size).toBe(total);
    // every instance where the uninterrupted demo puts it (demo-instances.test.ts)
    const report = await placementReport(ds, engine);
    expect(report.placed).toHaveLength(total);
    expect(report.where).toEqual(report.expected);
    const counts = await demoCounts(ds, engine);
    expect((counts['engine:project-lifecycle:ACTIVE'] ?? 0) + (counts['engine:project-lifecycle:COMPLETED'] ?? 0)).toBe(
      total,
    );
    await resumed.system.close();
    system = undefined;

    // a 5th start finds the demo complete and writes nothing
    const again = await start(configFor(db, dir));
    expect(again.status).toBeNull();
    expect(count(again.lines, 'seeding demo data')).toBe(0);
    expect(await demoCounts(again.system.dataSource, again.system.engine)).toEqual(counts);
    await again.system.close();
    system = undefined;

    // the same counts as an uninterrupted first start on another fresh database
    const other = await fresh('uninterrupted');
    const reference = await start(configFor(other.db, other.dir));
    expect(reference.status).toMatchObject({ begun: true, complete: true });
    expect(counts).toEqual(await demoCounts(reference.system.dataSource, reference.system.engine));
  });
});
