/**
 * The demo of `npm start`, started as `npm start` starts it (services/bootstrap.ts: embedded
 * engine, the real job workers, demo data written in the background) on SQLite, or on MariaDB with
 * TEST_DATABASE_URL: every sample project's instance reaches its place on the 附件3 diagram
 * (engine element-instance search), the domain stage matches the place, a task is overdue, an
 * incident is open, the log counts the placed projects, and a second start or a second run adds
 * or moves nothing.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '../../config';
import { createDomainServices } from '../../services/api/services';
import { bootstrap, type System } from '../../services/bootstrap';
import { PLACEMENTS, runProcessDemo } from '../../services/demo/process-demo';
import { DEMO_PASSWORD, DEMO_PROJECTS } from '../../services/demo/seed';
import {
  AttachmentEntity,
  ProjectEntity,
  UserEntity,
  OrganisationEntity,
  type Project,
} from '../../services/domain/entities';
import { candidateGroupsOf } from '../../services/domain/organisations';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { eventually } from '../support/engine';
import { Client } from './support/api';
import { activeElements, capturingLogger, demoStartConfig, placementReport } from './support/demo';

// placing the demo is not timed here (the machine is shared); MariaDB takes longest
jest.setTimeout(900_000);

const consistency = { consistency: { waitUpToMs: 0 } };

describe('demo data placed on the diagram by npm start', () => {
  let db: TestDatabase;
  let config: Config;
  let system: System;
  const uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'egov-demo-'));
  const { logger, lines } = capturingLogger();

  const start = async () => {
    system = await bootstrap(config, logger);
    await system.demoReady;
  };
  const active = (key: string) => activeElements(system.engine, key);
  const projects = () => system.dataSource.getRepository(ProjectEntity).find({ order: { id: 'ASC' } });

  beforeAll(async () => {
    db = await createTestDatabase('demo');
    config = demoStartConfig(db.url, uploadDir);
    const t0 = Date.now();
    await start();
    lines.push({ msg: 'test: demo ready', ms: Date.now() - t0 });
  });
  afterAll(async () => {
    await system?.close();
    await db?.drop();
    fs.rmSync(uploadDir, { recursive: true, force: true });
  });

  it('should place every sample project where PLACEMENTS says, with the matching domain stage', async () => {
    // the demo's own warnings say where a project got stuck and why
    const warnings = lines.filter((l) => l.component === 'demo' && Number(l.level) >= 40);
    expect(warnings).toEqual([]);
    const all = await projects();
    expect(all.map((p) => p.name).sort()).toEqual(DEMO_PROJECTS.map((d) => d.form.projectName).sort());
    const { placed, where, expected } = await placementReport(system.dataSource, system.engine);
    expect(placed).toHaveLength(all.length - 1); // the draft has no instance
    expect(where).toEqual(expected);
    // tokens spread over the whole diagram, from 退回修改 to self-evaluation, and an ended instance
    const places = new Set(placed.flatMap((p) => PLACEMENTS[p.name]!.waitAt.concat(PLACEMENTS[p.name]!.endedAt ?? [])));
    expect(places.size).toBeGreaterThanOrEqual(14);
  });

  it('should have written the materials through the attachment service and the log should count the placed projects', async () => {
    const attachments = await system.dataSource.getRepository(AttachmentEntity).find();
    const submitted = (await projects()).filter((p) => p.stage !== 'draft');
    for (const p of submitted) {
      const kinds = attachments.filter((a) => a.projectId === p.id).map((a) => a.kind);
      expect(kinds).toEqual(
        expect.arrayContaining(['construction-basis', 'construction-plan', 'budget-estimate', 'feasibility-report']),
      );
    }
    for (const a of attachments) {
      expect(a.mediaType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
      expect(fs.statSync(path.join(uploadDir, a.storedName)).size).toBe(a.size);
    }
    const progress = lines.filter((l) => /^demo: \d+ of \d+ projects placed$/.test(l.msg)).map((l) => l.msg);
    const total = Object.keys(PLACEMENTS).length;
    expect(progress).toHaveLength(total);
    expect(progress.at(-1)).toBe(`demo: ${total} of ${total} projects placed`);
    expect(lines.find((l) => l.msg === 'demo instances ready')).toMatchObject({
      placed: total,
      unplaced: 0,
      failed: 0,
    });
  });

  it('should show an overdue task in the department’s tasklist (R23 self-evaluation) and an overdue project on the dashboard (R15)', async () => {
    const services = createDomainServices(system.dataSource, config, { engine: system.engine });
    const user = await system.dataSource.getRepository(UserEntity).findOneByOrFail({ username: 'sjj.clerk' });
    const org = await system.dataSource.getRepository(OrganisationEntity).findOneByOrFail({ id: user.orgId });
    const actor = {
      username: user.username,
      displayName: user.displayName,
      roles: user.roles,
      groups: candidateGroupsOf(org, user.roles),
    };
    const overdue = await services.tasks!.list(actor, { overdue: true });
    expect(overdue.map((t) => t.elementId)).toContain('Task_SelfEvaluation');
    const task = overdue.find((t) => t.elementId === 'Task_SelfEvaluation')!;
    expect(Date.parse(task.dueDate!)).toBeLessThan(Date.now());
    // the manager's dashboard lists the project in implementation whose R15 reports are overdue
    const dashboard = await services.dashboard.overview({}, { all: true });
    expect(dashboard.attention.map((a) => a.project.name)).toContain('农村饮水安全信息化监管系统');
  });

  it('should show an open incident with a message an operator can act on', async () => {
    const nyj = (await projects()).find((p) => p.name === '农村饮水安全信息化监管系统') as Project;
    // the job fails three times with back-off before the incident is raised
    const incidents = await eventually(
      async () => {
        const res = (await system.engine.searchIncidents(
          { filter: { state: 'ACTIVE' }, page: { limit: 50 } } as never,
          consistency,
        )) as unknown as { items: { elementId: string; errorMessage: string; processInstanceKey: string }[] };
        expect(res.items.length).toBeGreaterThan(0);
        return res.items;
      },
      90_000,
      500,
    );
    const calendar = incidents.find((i) => i.elementId === 'Task_NextReportWindow');
    expect(calendar?.errorMessage).toMatch(/工作日历不含 \d{4} 年.*config\/holidays/);
    const services = createDomainServices(system.dataSource, config, { engine: system.engine });
    const refs = await services.projectJoin!.byInstances([calendar!.processInstanceKey]);
    expect(refs.get(calendar!.processInstanceKey)?.id).toBe(nyj.id);
  });

  it('should tell the operator, over the API, which years the calendar covers and that no SMTP is configured', async () => {
    const server = http.createServer(system.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const admin = new Client(base);
      await admin.login('admin', DEMO_PASSWORD);
      const status = await eventually(async () => {
        const res = await admin.get<{
          running: boolean;
          smtp: boolean;
          calendar: { coveredYears: number[] };
          reminders: { lastRunAt: string | null; missingYears: number[] };
        }>('/api/operations/notifications');
        expect(res.status).toBe(200);
        expect(res.body.reminders.lastRunAt).not.toBeNull();
        return res.body;
      });
      expect(status.running).toBe(true);
      expect(status.smtp).toBe(false);
      expect(status.calendar.coveredYears).toEqual(expect.arrayContaining([2025, 2026]));
      expect(status.calendar.coveredYears).not.toContain(2027);
      const manager = new Client(base);
      await manager.login('sgj.manager', DEMO_PASSWORD);
      const refused = await manager.get('/api/operations/notifications');
      expect(refused.status).toBe(403);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('should add or move nothing on a second run and on a second start', async () => {
    const snapshot = async () => {
      const ps = await projects();
      const tokens: Record<string, string[]> = {};
      for (const p of ps) if (p.processInstanceKey) tokens[p.name] = await active(p.processInstanceKey);
      return {
        projects: ps.map((p) => [p.name, p.processInstanceKey, p.stage]),
        users: await system.dataSource.getRepository(UserEntity).count(),
        attachments: await system.dataSource.getRepository(AttachmentEntity).count(),
        tokens,
      };
    };
    const before = await snapshot();
    const services = createDomainServices(system.dataSource, config, { engine: system.engine });
    const again = await runProcessDemo(services, { timeoutMs: 20_000 });
    const total = Object.keys(PLACEMENTS).length;
    expect(again).toEqual({ started: 0, skipped: total, failed: 0, placed: total, unplaced: 0 });
    expect(await snapshot()).toEqual(before);
    await system.close();
    await start();
    expect(await snapshot()).toEqual(before);
    expect(await runProcessDemo(createDomainServices(system.dataSource, config))).toEqual({
      started: 0,
      skipped: 0,
      failed: 0,
      placed: 0,
      unplaced: 0,
    });
  });
});
