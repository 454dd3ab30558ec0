/**
 * The authorisation matrix, GENERATED from the route table: every route × every role × own/other
 * department (or assigned/unassigned expert) is requested over real HTTP and compared with the
 * expectation below. A route without an expectation fails, and so does a route the router serves
 * that is not in the table.
 *
 * Requests carry an empty body: an allowed caller gets past authorisation and is stopped by
 * validation (400/409/422) or succeeds without side effects; a denied one gets 401/403/404.
 */
import { routes } from '../../services/api/routes';
import { SUPERVISING_BODIES } from '../../workers/rectification-register';
import { createApiRouter, servedRoutes } from '../../services/api/router';
import type { AnyRoute } from '../../services/api/types';
import { DEMO_PASSWORD, seedDemoData } from '../../services/demo/seed';
import { ProjectEntity, UserEntity } from '../../services/domain/entities';
import { files, startTestApi, type Client, type TestApi } from './support/api';
import { deployProcessResources } from '../../services/processes/deploy';
import { startProjectProcess } from '../../services/processes/project-start';
import { startTestEngine, type TestEngine } from '../support/engine';

type P =
  | 'dept-staff'
  | 'dept-manager'
  | 'db-staff'
  | 'db-manager'
  | 'process-owner'
  | 'admin'
  | 'finance'
  | 'expert'
  | 'auditor'
  | 'government'
  | 'trading'
  | 'cyberspace'
  | 'drc';

const USERNAMES: Record<P, string> = {
  'dept-staff': 'jyj.staff',
  'dept-manager': 'jyj.manager',
  'db-staff': 'sgj.staff',
  'db-manager': 'sgj.manager',
  'process-owner': 'sgj.owner',
  admin: 'admin',
  finance: 'czj.staff',
  expert: 'expert1',
  auditor: 'sjj.auditor',
  government: 'zf.staff',
  trading: 'jyzx.staff',
  cyberspace: 'wxb.staff',
  drc: 'fgw.staff',
};
const PRINCIPALS = Object.keys(USERNAMES) as P[];
const ALL: P[] = PRINCIPALS;
const READERS: P[] = [
  'dept-staff',
  'dept-manager',
  'db-staff',
  'db-manager',
  'process-owner',
  'admin',
  'finance',
  'auditor',
  'government',
  'trading',
  'cyberspace',
  'drc',
];
/** bureau users with staff/manager/admin/auditor roles */
const BUREAU_READERS: P[] = [
  'db-staff',
  'db-manager',
  'admin',
  'finance',
  'auditor',
  'government',
  'trading',
  'cyberspace',
  'drc',
];
const DEPT: P[] = ['dept-staff', 'dept-manager'];

/** tasklist writes: staff, managers and experts — not process owners, admins or the audit bureau */
const TASK_WORKERS: P[] = ALL.filter((p) => !['process-owner', 'admin', 'auditor'].includes(p));

/** Who may call each route ('public' = also without login). Written independently of the table. */
const EXPECTED: Record<string, P[] | 'public'> = {
  'auth.login': 'public',
  'auth.logout': ALL,
  'auth.me': ALL,
  'auth.password': ALL,
  'organisations.list': ALL,
  'users.list': ['admin', 'auditor'],
  'users.create': ['admin'],
  'users.update': ['admin'],
  'experts.list': BUREAU_READERS,
  'projects.list': READERS,
  'projects.export': READERS,
  'projects.create': DEPT,
  'projects.get': READERS,
  'applications.list': READERS,
  'applications.get': READERS,
  'applications.print': READERS,
  'applications.resubmit': DEPT,
  'projects.submit': DEPT,
  'attachments.list': READERS,
  'attachments.upload': DEPT,
  'attachments.content': READERS,
  'attachments.get': READERS,
  'reviews.listOfProject': READERS,
  'reviews.open': ['db-staff', 'db-manager'],
  'reviews.close': ['db-manager'],
  'reviews.assigned': ['expert'],
  'reviews.get': ['expert'],
  'reviews.score': ['expert'],
  'ledger.get': READERS,
  'ledger.approve': ['db-manager'],
  'ledger.pay': ['finance'],
  'ledger.returnSurplus': ['finance'],
  'rectifications.listOfProject': READERS,
  // R26: the model's supervising bodies, the audit bureau (read-only elsewhere, R28) and the trading center with them
  'rectifications.issue': ['db-staff', 'db-manager', 'finance', 'cyberspace', 'drc', 'auditor', 'trading'],
  'rectifications.respond': DEPT,
  'rectifications.review': ['db-staff', 'db-manager', 'finance', 'cyberspace', 'drc', 'auditor', 'trading'],
  'progressReports.list': READERS,
  'progressReports.print': READERS,
  'progressReports.submit': DEPT,
  'changeRequests.list': READERS,
  'changeRequests.create': DEPT,
  'changeRequests.decide': ['government'],
  'delayRequests.list': READERS,
  'delayRequests.create': DEPT,
  'delayRequests.decide': ['db-staff', 'db-manager'],
  'acceptances.list': READERS,
  'acceptances.attempts': READERS,
  'acceptances.preliminary': DEPT,
  'acceptances.applyFinal': DEPT,
  'acceptances.decideFinal': ['db-staff', 'db-manager', 'trading'],
  'selfEvaluation.get': READERS,
  'selfEvaluation.submit': DEPT,
  'projects.status': READERS,
  'procurements.list': READERS,
  'procurements.create': DEPT,
  'procurements.award': ['trading'],
  'contracts.list': READERS,
  'contracts.create': DEPT,
  'serviceUnits.list': BUREAU_READERS,
  'serviceUnits.create': ['db-staff', 'db-manager'],
  'designations.list': READERS,
  'designations.set': ['db-staff', 'db-manager'],
  'checks.list': READERS,
  'checks.record': ['cyberspace'],
  'postEvaluation.get': READERS,
  'postEvaluation.record': ['db-staff', 'db-manager'],
  'postEvaluations.forBudget': ['db-staff', 'db-manager', 'finance', 'auditor', 'drc'],
  'annualPlans.compile': ['db-staff', 'db-manager'],
  'annualPlans.get': BUREAU_READERS,
  'annualPlans.process': BUREAU_READERS,
  'annualPlans.startProcess': ['db-staff', 'db-manager', 'process-owner'],
  'annualPlans.export': BUREAU_READERS,
  'annualPlans.addEntry': ['db-staff', 'db-manager'],
  'annualPlans.removeEntry': ['db-staff', 'db-manager'],
  'annualPlans.submit': ['db-manager'],
  'annualPlans.approve': ['government'],
  'investmentPlan.list': BUREAU_READERS,
  'investmentPlan.register': ['drc'],
  'investmentPlan.export': BUREAU_READERS,
  'keyProjectApproval.list': READERS,
  'catalogue.list': READERS,
  'catalogue.create': DEPT,
  'catalogue.update': DEPT,
  'dashboard.overview': READERS,
  'audit.list': ['admin', 'auditor'],
  openapi: 'public',
  // process, task and operations routes (services/api/process-routes.ts)
  'processes.definitions': ['dept-manager', 'db-manager', 'process-owner', 'admin', 'auditor'],
  'processes.xml': ALL,
  'processes.deploy': ['process-owner'],
  'processes.statistics': ['dept-manager', 'db-manager', 'process-owner', 'admin', 'auditor'],
  'processes.projectsAt': ['dept-manager', 'db-manager', 'process-owner', 'admin', 'auditor'],
  'projects.path': READERS,
  'projects.urge': ['db-manager', 'admin'],
  'tasks.list': ALL,
  'tasks.get': ALL,
  'tasks.form': ALL,
  'tasks.candidates': ALL,
  'tasks.comments': ALL,
  // R28: auditors claim and complete their audit task (the TaskService refuses any other)
  'tasks.claim': [...TASK_WORKERS, 'auditor'],
  'tasks.unclaim': TASK_WORKERS,
  'tasks.transfer': TASK_WORKERS,
  'tasks.complete': [...TASK_WORKERS, 'auditor'],
  'tasks.return': TASK_WORKERS,
  'tasks.addComment': TASK_WORKERS,
  'incidents.list': ['admin'],
  'incidents.retry': ['admin'],
  'mail.outbox': ['admin'],
  'notifications.status': ['admin'],
  'notifications.run': ['admin'],
};

interface Fixture {
  own: Record<string, number>;
  other: Record<string, number>;
}

describe('authorisation matrix (generated from services/api/routes.ts)', () => {
  let api: TestApi;
  let engine: TestEngine;
  const clients = new Map<P, Client>();
  const fx: Fixture = { own: {}, other: {} };

  beforeAll(async () => {
    // the process routes need the engine: the embedded one, with the models deployed
    engine = await startTestEngine('matrix');
    await deployProcessResources(engine.client);
    api = await startTestApi({ services: { engine: engine.client } });
    await seedDemoData(api.services);
    const s = api.services;
    const projects = api.ds.getRepository(ProjectEntity);
    const own = await projects.findOneByOrFail({ name: '叶集区智慧教育云平台扩容' }); // JYJ, submitted
    const other = await projects.findOneByOrFail({ name: '区人民医院互联网医院信息系统' }); // WJW, joint-review
    const users = api.ds.getRepository(UserEntity);
    const id = async (u: string) => (await users.findOneByOrFail({ username: u })).id;
    const [e1, e2, e3] = [await id('expert1'), await id('expert2'), await id('expert3')];
    const e4 = (
      await s.identity.createUser({
        username: 'expert4',
        displayName: '专家四',
        orgCode: 'experts',
        roles: ['expert'],
        password: DEMO_PASSWORD,
      })
    ).id;
    const dbStaff = await id('sgj.staff');
    const dataBureau = await s.identity.organisationByCode('data-bureau');
    for (const [side, p, experts] of [
      ['own', own, [e1, e2, e3]],
      ['other', other, [e2, e3, e4]],
    ] as const) {
      const bucket = fx[side];
      bucket.project = p.id;
      bucket.attachment = (
        await s.attachments.store(p.id, 'other', { originalname: 'a.pdf', buffer: files.pdf() }, dbStaff)
      ).id;
      bucket.reviewRound = (await s.reviews.open(p.id, [...experts], dbStaff)).id;
      bucket.rectification = (
        await s.rectifications.issue(p.id, dataBureau.id, dbStaff, {
          issue: '补充等保测评报告',
          deadline: '2099-01-01',
        })
      ).id;
      bucket.user = await id(side === 'own' ? 'jyj.staff' : 'wjw.staff');
      const owner = await s.identity.organisationByCode(side === 'own' ? 'JYJ' : 'WJW');
      bucket.catalogue = (
        await s.catalogue.create(owner.id, bucket.user, {
          name: `${owner.name}基础数据`,
          description: '测试目录条目',
          dataItems: ['名称', '代码'],
          shareType: 'unconditional',
          recipients: [],
          updateCycle: '每月',
        })
      ).id;
      await startProjectProcess(api.ds, engine.client, p.id);
    }
    for (const p of PRINCIPALS) {
      const c = api.client();
      await c.login(USERNAMES[p], DEMO_PASSWORD);
      clients.set(p, c);
    }
  });
  afterAll(async () => {
    await api?.close();
    await engine?.stop();
  });

  it('should have an expectation for every route in the table, and no stale ones', () => {
    const ids = routes.map((r) => r.id);
    expect(ids.filter((id) => !(id in EXPECTED))).toEqual([]);
    expect(Object.keys(EXPECTED).filter((id) => !ids.includes(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('should serve exactly the routes of the table (nothing added by hand)', () => {
    const router = createApiRouter({ config: api.config, dataSource: api.ds, services: api.services });
    const served = servedRoutes(router).map((r) => `${r.method.toUpperCase()} ${r.path}`);
    expect(served.sort()).toEqual(routes.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort());
  });

  it('should never let the audit role write (read-only everywhere but R26 orders and its own R28 audit task)', () => {
    const writes = routes.filter((r) => r.method !== 'get' && !['public', 'authenticated'].includes(r.scope));
    expect(
      writes.filter((r) => r.access.roles === 'any' || r.access.roles.includes('auditor')).map((r) => r.id),
    ).toEqual(['rectifications.issue', 'rectifications.review', 'tasks.claim', 'tasks.complete']);
  });

  it('should let exactly the model’s R26 supervising bodies order rectification', () => {
    const issue = routes.find((r) => r.id === 'rectifications.issue')!;
    expect([...(issue.access.orgCodes ?? [])].sort()).toEqual([...SUPERVISING_BODIES].sort());
  });

  // logout last: it ends the session the other requests use
  const ordered: AnyRoute[] = [
    ...routes.filter((r) => r.id !== 'auth.logout'),
    ...routes.filter((r) => r.id === 'auth.logout'),
  ];

  function url(r: AnyRoute, side: 'own' | 'other'): string {
    const id = r.resource ? fx[side][r.resource] : undefined;
    return '/api' + r.path.replace(':id', String(id)).replace(/:\w+/g, '1');
  }

  async function call(c: Client, r: AnyRoute, side: 'own' | 'other') {
    const method = r.method.toUpperCase();
    if (method === 'GET') return c.get(url(r, side));
    if (r.upload) return c.request(method, url(r, side), { body: new FormData() });
    return c.request(method, url(r, side), { json: {} });
  }

  const sides = (r: AnyRoute): ('own' | 'other')[] =>
    r.resource && r.resource !== 'user' ? ['own', 'other'] : ['own'];

  for (const r of ordered) {
    describe(`${r.method.toUpperCase()} ${r.path} (${r.id}, scope ${r.scope})`, () => {
      it('should answer 401 to anonymous callers unless public', async () => {
        const res = await call(api.client(), r, 'own');
        if (EXPECTED[r.id] === 'public') expect([401, 403]).not.toContain(res.status);
        else {
          expect(res.status).toBe(401);
          expect(res.headers.get('content-type')).toMatch(/problem\+json/);
        }
      });

      for (const p of PRINCIPALS) {
        for (const side of sides(r)) {
          it(`${p} on ${side} resource`, async () => {
            const expected = EXPECTED[r.id];
            if (expected === undefined) throw new Error(`route ${r.id} is missing from the matrix`);
            const allowedRole = expected === 'public' || expected.includes(p);
            const res = await call(clients.get(p)!, r, side);
            expect(res.status).toBeLessThan(500);
            if (!allowedRole) {
              expect({ status: res.status }).toEqual({ status: 403 });
              expect(res.headers.get('content-type')).toMatch(/problem\+json/);
              return;
            }
            // scope: departments see only their own projects, experts only their assigned rounds
            const scoped =
              side === 'other' &&
              ((r.scope === 'own-department' && DEPT.includes(p)) || (r.scope === 'assigned-expert' && p === 'expert'));
            if (scoped) expect({ status: res.status }).toEqual({ status: 404 });
            else {
              const denied = [401, 403, 404].includes(res.status);
              expect(denied ? { status: res.status, body: res.body } : 'allowed').toBe('allowed');
            }
          });
        }
      }
    });
  }

  it('should have written nothing for the empty-bodied writes (no new projects, versions or ledger entries)', async () => {
    const projects = Number(((await api.ds.query('SELECT COUNT(*) AS n FROM project')) as { n: number }[])[0]!.n);
    const versions = Number(
      ((await api.ds.query('SELECT COUNT(*) AS n FROM application_version')) as { n: number }[])[0]!.n,
    );
    const ledger = Number(((await api.ds.query('SELECT COUNT(*) AS n FROM ledger_entry')) as { n: number }[])[0]!.n);
    expect(Number(projects)).toBe(12);
    expect(Number(versions)).toBe(12);
    expect(Number(ledger)).toBe(4);
  });

  it('should audit denied attempts', async () => {
    const rows = (await api.ds.query("SELECT COUNT(*) AS n FROM audit_log WHERE outcome = 'denied'")) as {
      n: number;
    }[];
    expect(Number(rows[0]!.n)).toBeGreaterThan(50);
    expect(await api.services.audit.verify()).toBeNull();
  });
});
