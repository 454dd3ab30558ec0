/**
 * The end-to-end harness of the life-cycle branch tests: the processes run as in production.
 *
 * - one domain database (SQLite, or MariaDB with TEST_DATABASE_URL) and the embedded engine;
 * - the API's domain services (`createDomainServices`, with the engine) — projects are created,
 *   given their R6 attachments and submitted with `submitAndStart`, the function behind the
 *   `projects.submit` route, which starts `project-lifecycle` with the production start variables;
 * - the REAL workers (`createWorkers` + `startWorkers`) process every job;
 * - every user task is found, claimed and completed through the TaskService (what the tasklist
 *   routes call; `complete` validates the submission against the task's form server-side) by a
 *   user of the right organisation: department staff for `dept:<code>` tasks, the bureaus' staff,
 *   the experts drawn by `egov.expert-panel` for their own scoring sheets;
 * - one clock: the workers' and services' `now` and the engine's pinned clock move together.
 *
 * 2027 dates: chinese-days covers ≤ 2026; the calendar gets the labelled test fixture of
 * test/workers/helpers.ts (New Year's Day only — not the State Council's arrangement), and a
 * fixture of the same kind for 2028.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../config';
import { submitAndStart } from '../../services/api/process-routes';
import { completeRevisionTask } from '../../services/processes/application-revision';
import { createApiRouter } from '../../services/api/router';
import { createApp } from '../../services/app';
import { createLogger } from '../../services/logger';
import { createDomainServices, type ApiServices } from '../../services/api/services';
import { WorkingDayCalendar, type HolidayOverride } from '../../services/calendar';
import { openDatabase } from '../../services/db/data-source';
import { entities, migrations } from '../../services/db/schema';
import type { ApplicationForm } from '../../services/domain/application-form';
import type { AttachmentKind } from '../../services/domain/entities';
import { candidateGroupsOf, type Role } from '../../services/domain/organisations';
import { HttpError } from '../../services/http/problem';
import { GatewayNotifier, gatewayQueriesFromEngine } from '../../services/notify/gateway-notifier';
import { SqlRecipientDirectory } from '../../services/notify/sql-directory';
import { deployProcessResources } from '../../services/processes/deploy';
import type { TaskActor, TaskView } from '../../services/tasks/task-service';
import { createWorkerConfig, createWorkers } from '../../workers';
import { startWorkers, type RunningWorkers } from '../../workers/runner';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { Client } from '../services/support/api';
import { eventually, incidentsOf, NOW, startTestEngine, trail, type TestEngine } from '../support/engine';
import { FakeClock, FIXTURE_2027 } from '../workers/helpers';

/**
 * R23/R29 deadlines of projects accepted in 2027 fall in 2028: labelled like FIXTURE_2027, New
 * Year's Day only (no 2028 notice exists; production raises an incident until config/holidays has it).
 */
export const FIXTURE_2028: HolidayOverride = {
  year: 2028,
  holidays: ['2028-01-01'],
  workdays: [],
  source: 'test fixture (New Year’s Day only; no 2028 notice exists)',
};

// job long polls must not hold the SDK's global concurrency permits (see test/workers/engine.test.ts)
process.env.CAMUNDA_SDK_BACKPRESSURE_PROFILE = 'LEGACY';

type Vars = Record<string, unknown>;

export interface Actor extends TaskActor {
  id: number;
  orgCode: string;
}

const PASSWORD = 'Yeji@2026demo';

/** Demo-like users: one staff member per bureau, the applying departments' staff, three experts. */
const USERS: { username: string; orgCode: string; roles: Role[] }[] = [
  { username: 'sjj.staff', orgCode: 'data-bureau', roles: ['staff'] },
  { username: 'czj.staff', orgCode: 'finance', roles: ['staff'] },
  { username: 'fgw.staff', orgCode: 'drc', roles: ['staff'] },
  { username: 'jyzx.staff', orgCode: 'trading-center', roles: ['staff'] },
  { username: 'jyj.mm', orgCode: 'crypto-bureau', roles: ['staff'] },
  { username: 'wxb.staff', orgCode: 'cyberspace-office', roles: ['staff'] },
  { username: 'qzf.staff', orgCode: 'government', roles: ['staff'] },
  { username: 'sjj.auditor', orgCode: 'audit', roles: ['auditor'] },
  { username: 'jyj.owner', orgCode: 'JYJ', roles: ['staff'] },
  { username: 'wjw.owner', orgCode: 'WJW', roles: ['staff'] },
  { username: 'mzj.owner', orgCode: 'MZJ', roles: ['staff'] },
  { username: 'expert.wang', orgCode: 'experts', roles: ['expert'] },
  { username: 'expert.li', orgCode: 'experts', roles: ['expert'] },
  { username: 'expert.zhao', orgCode: 'experts', roles: ['expert'] },
];

export interface World {
  t: TestEngine;
  db: TestDatabase;
  ds: DataSource;
  services: ApiServices;
  clock: FakeClock;
  workers: RunningWorkers;
  /** the gateway notifier of services/notify (issue 6), polled by the tests with `runOnce()` */
  gatewayNotifier: GatewayNotifier;
  /** users by username */
  users: Map<string, Actor>;
  /** the staff member who acts for a candidate group (`dept:JYJ`, `finance`, …) */
  actorFor(group: string): Actor;
  /**
   * A logged-in HTTP client of the real API (createApp + the route table) over these services —
   * how departments and supervisors file change/delay requests and rectification orders; the
   * server starts on first use.
   */
  api(username: string): Promise<Client>;
  /** moves the services', the workers' and the engine's clock together */
  at(iso: string): Promise<void>;
  close(): Promise<void>;
}

export async function openWorld(label: string, startAt = '2026-09-15T10:00:00+08:00'): Promise<World> {
  const t = await startTestEngine(label);
  const db = await createTestDatabase(`${label}dom`);
  const clock = new FakeClock(new Date(startAt));
  await t.sdk.pinClock({ timestamp: Date.parse(startAt) });
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: db.url,
    UPLOAD_DIR: path.join(os.tmpdir(), `egov-${label}-uploads-${process.pid}`),
    DEMO_DATA: 'false',
  });
  const ds = await openDatabase({ url: db.url, entities, migrations });
  const calendar = new WorkingDayCalendar([FIXTURE_2027, FIXTURE_2028]);
  const services = createDomainServices(ds, config, { engine: t.client, now: clock.now, calendar });
  await services.identity.ensureOrganisations();
  const users = new Map<string, Actor>();
  for (const u of USERS) {
    const view = await services.identity.createUser({
      username: u.username,
      displayName: u.username,
      email: `${u.username}@yeji.gov.cn`,
      orgCode: u.orgCode,
      roles: u.roles,
      password: PASSWORD,
    });
    users.set(u.username, {
      id: view.id,
      orgCode: u.orgCode,
      username: view.username,
      displayName: view.displayName,
      roles: view.roles,
      groups: view.groups,
    });
  }
  await deployProcessResources(t.client);
  const workers = startWorkers({
    client: t.client,
    definitions: createWorkers({
      dataSource: ds,
      calendar,
      clock: clock.now,
      config: createWorkerConfig(),
      mail: { baseUrl: 'https://egov.yeji.gov.cn', domain: 'yeji.gov.cn' },
      engine: t.client,
    }),
    dataSource: ds,
    logger: pino({ level: 'silent' }),
  });
  const gatewayNotifier = new GatewayNotifier({
    dataSource: ds,
    queries: gatewayQueriesFromEngine(t.client),
    directory: new SqlRecipientDirectory(ds),
    baseUrl: 'https://egov.yeji.gov.cn',
    from: 'egov@yeji.gov.cn',
    now: () => clock.now().getTime(),
  });
  await gatewayNotifier.runOnce(); // the first poll only sets the cursor to "now"
  let server: http.Server | null = null;
  let baseUrl: Promise<string> | null = null;
  const serve = async () => {
    const logger = createLogger(config);
    const app = createApp({
      config,
      logger,
      dataSource: ds,
      engine: t.client,
      api: createApiRouter({ config, dataSource: ds, services, logger }),
    });
    server = http.createServer(app);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const world: World = {
    gatewayNotifier,
    t,
    db,
    ds,
    services,
    clock,
    workers,
    users,
    actorFor(group) {
      const found = [...users.values()].find((u) => u.groups.includes(group));
      if (!found) throw new Error(`no user for group ${group}`);
      return found;
    },
    async api(username) {
      baseUrl ??= serve();
      const client = new Client(await baseUrl);
      await client.login(username, PASSWORD);
      return client;
    },
    async at(iso) {
      clock.set(iso);
      await t.sdk.pinClock({ timestamp: Date.parse(iso) });
    },
    async close() {
      if (server) {
        const s = server as http.Server;
        s.closeAllConnections();
        await new Promise((r) => s.close(r));
      }
      await workers.close(2_000);
      await t.stop();
      await ds.destroy();
      await db.drop();
    },
  };
  return world;
}

/** Sanity check of the stored org groups (the mapping the task service relies on). */
export function groupsOf(orgCode: string, type: 'bureau' | 'department' | 'expert', roles: Role[]): string[] {
  return candidateGroupsOf({ code: orgCode, type }, roles);
}

// ------------------------------------------------------------------ projects

/** A valid 附件1 (domain form) for the API; every test gives its project its own name and summary. */
export function applicationForm(over: Partial<ApplicationForm> & { projectName: string; summary: string }) {
  return {
    category: 'application-system',
    kind: 'new',
    constructionPeriod: { start: '2027-01', end: '2027-12' },
    investment: { fiscal: '120.00', loan: '0', selfRaised: '0', other: '0' },
    responsiblePerson: '刘建国',
    contactPerson: '王晓梅',
    contactPhone: '0564-6661234',
    email: 'contact@yeji.gov.cn',
    supervisorOpinion: '同意申报',
    supervisorSealed: true,
    planYear: 2027,
    sharingAnalysis: '数据按目录接入区政务数据共享交换平台，无条件共享（R9）。',
    securityStatement: '采购产品均为安全可靠产品（R14）。',
    ...over,
  } as ApplicationForm;
}

const PDF = Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const R6_KINDS: AttachmentKind[] = ['construction-basis', 'construction-plan', 'budget-estimate', 'feasibility-report'];

/**
 * Creates the project as its department's staff member would (projects.create), uploads the R6
 * materials (attachments.upload) and submits it (projects.submit → the process starts).
 */
export async function submitProject(
  w: World,
  dept: string,
  form: ReturnType<typeof applicationForm>,
  opts: { attachments?: AttachmentKind[] } = {},
): Promise<LifeRun> {
  const owner = w.actorFor(`dept:${dept}`);
  const org = await w.services.identity.organisationByCode(dept);
  const { project } = await w.services.projects.create(org, owner.id, form);
  const kinds = opts.attachments ?? [
    ...R6_KINDS,
    ...(form.participantOrgCodes?.length ? ['framework-plan' as const] : []),
  ];
  for (const kind of kinds)
    await w.services.attachments.store(project.id, kind, { originalname: `${kind}.pdf`, buffer: PDF }, owner.id);
  const submitted = await submitAndStart(w.services, project.id);
  const key = String(submitted.project.processInstanceKey);
  expect(key).toMatch(/^\d+$/);
  return new LifeRun(w, key, project.id, dept);
}

// ------------------------------------------------------------------ a running instance

export class LifeRun {
  constructor(
    readonly w: World,
    readonly key: string,
    readonly projectId: number,
    readonly dept: string,
  ) {}

  get deptGroup(): string {
    return `dept:${this.dept}`;
  }

  /** The open user tasks of an element, as the engine lists them. */
  async open(elementId: string, count = 1) {
    return eventually(async () => {
      const r = await this.w.t.sdk.searchUserTasks(
        { filter: { processInstanceKey: this.key, elementId, state: 'CREATED' } },
        NOW,
      );
      if (r.items.length < count) {
        const incidents = await incidentsOf(this.w.t.client, this.key);
        if (incidents.length)
          throw new Error(
            `incident while waiting for ${elementId}: ${JSON.stringify(incidents.map((i) => [i.elementId, i.errorMessage]))}`,
          );
        throw new Error(
          `${r.items.length} open ${elementId} task(s), expected ${count}; trail ${(await this.trail()).join(' ')}`,
        );
      }
      return r.items;
    }, 20_000);
  }

  /**
   * Claims and completes the element's open task as `actor` (a username, or the staff member of
   * a candidate group) through the TaskService, the tasklist's path; the form validates `vars`.
   */
  async complete(elementId: string, who: string, vars: Vars = {}): Promise<TaskView> {
    const actor = this.w.users.get(who) ?? this.w.actorFor(who);
    const [raw] = await this.open(elementId);
    const tasks = this.w.services.tasks!;
    const task = await tasks.get(actor, String(raw!.userTaskKey));
    if (task.assignee !== actor.username) await tasks.claim(actor, task.key);
    try {
      // as the tasks.complete route: 退回修改 (Task_ReviseApplication) is the 附件1 revision
      // (services/processes/application-revision.ts), every other task TaskService.complete
      const visibility = {
        all: false as const,
        orgId: (await this.w.services.identity.organisationByCode(actor.orgCode)).id,
      };
      if (!(await completeRevisionTask(this.w.services, actor, visibility, task.key, vars)))
        await tasks.complete(actor, task.key, vars);
    } catch (err) {
      if (err instanceof HttpError)
        throw new Error(`${elementId} as ${actor.username}: ${err.status} ${err.message}`, { cause: err });
      throw err;
    }
    await eventually(async () => {
      const done = await this.w.t.sdk.getUserTask({ userTaskKey: task.key }, NOW);
      expect(done.state).toBe('COMPLETED');
    });
    return task;
  }

  /**
   * Publishes a message another process publishes in production (`joint-review-opened` of
   * annual-planning). The API's messages (change, delay, rectification) go through `file`.
   */
  async publish(name: string, variables: Vars = {}): Promise<void> {
    await this.w.t.sdk.publishMessage({ name, correlationKey: String(this.projectId), variables, timeToLive: 0 });
  }

  /**
   * Files a change request (R20), a delay request (R22.3) or a rectification order (R26/R27)
   * through the API as `username` — the route publishes the process message (no hand-published
   * messages); expects 201 and returns the row.
   */
  async file(
    what: 'change-requests' | 'delay-requests' | 'rectifications',
    username: string,
    body: Vars,
  ): Promise<Record<string, unknown>> {
    const client = await this.w.api(username);
    const res = await client.post(`/api/projects/${this.projectId}/${what}`, body);
    if (res.status !== 201) throw new Error(`${what} as ${username}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async trail(): Promise<string[]> {
    return trail(this.w.t.client, this.key);
  }

  /** Waits until the element has an instance in the state (failing fast on an incident). */
  async reached(elementId: string, state = 'COMPLETED', timeoutMs = 20_000): Promise<void> {
    await eventually(async () => {
      const tr = await this.trail();
      if (tr.includes(`${elementId}:${state}`)) return;
      const incidents = await incidentsOf(this.w.t.client, this.key);
      if (incidents.length)
        throw new Error(`incident: ${JSON.stringify(incidents.map((i) => [i.elementId, i.errorMessage]))}`);
      throw new Error(`${elementId}:${state} not reached; trail ${tr.join(' ')}`);
    }, timeoutMs);
  }

  async count(elementId: string, state = 'COMPLETED'): Promise<number> {
    return (await this.trail()).filter((e) => e === `${elementId}:${state}`).length;
  }

  async vars(): Promise<Vars> {
    const r = await this.w.t.sdk.searchVariables(
      { filter: { processInstanceKey: this.key, scopeKey: this.key }, page: { limit: 1000 } },
      NOW,
    );
    return Object.fromEntries(r.items.map((v) => [v.name, JSON.parse(v.value) as unknown]));
  }

  async state(): Promise<string> {
    return (await this.w.t.sdk.getProcessInstance({ processInstanceKey: this.key }, NOW)).state;
  }

  /** The department uploads a document (attachments.upload), e.g. the 等保 or 密评 report. */
  async upload(kind: AttachmentKind): Promise<void> {
    const owner = this.w.actorFor(this.deptGroup);
    await this.w.services.attachments.store(
      this.projectId,
      kind,
      { originalname: `${kind}.pdf`, buffer: PDF },
      owner.id,
    );
  }

  /** The domain project row. */
  async project() {
    return this.w.services.projects.get(this.projectId);
  }

  /**
   * Chosen columns of this project's rows in a domain table, in id order, with DECIMAL/numeric
   * strings as numbers (SQLite answers numbers, MariaDB decimal strings; booleans are 0/1 on both).
   */
  async table(table: string, cols: string[], where = ''): Promise<Record<string, unknown>[]> {
    const rows = await this.rows(table, where);
    return rows.map((r) =>
      Object.fromEntries(
        cols.map((c) => {
          const v = r[c];
          return [c, typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v];
        }),
      ),
    );
  }

  /** Rows of a domain table for this project (column `project_id`). */
  async rows(table: string, where = ''): Promise<Record<string, unknown>[]> {
    return this.w.ds.query(`SELECT * FROM ${table} WHERE project_id = ? ${where} ORDER BY id`, [this.projectId]);
  }
}
