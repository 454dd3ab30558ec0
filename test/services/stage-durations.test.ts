/**
 * Days in stage and stage durations: the stage setters (API and workers) keep `stageEnteredAt`
 * and the stage history, `daysInStage` counts calendar days in China time, the dashboard's
 * `stageDurations` are measured from the history, and the migration backfills existing projects.
 */
import { In } from 'typeorm';
import { DEMO_PASSWORD, DEMO_PROJECTS, seedDemoData } from '../../services/demo/seed';
import { PROJECT_STAGES, ProjectEntity, STAGE_NAMES, ProjectStageHistoryEntity } from '../../services/domain/entities';
import { daysInStage, stageDurations } from '../../services/domain/stage-history';
import { openDatabase } from '../../services/db/data-source';
import { entities, migrations } from '../../services/db/schema';
import { setStage } from '../../workers/support';
import { createTestDatabase } from '../support/db';
import { files, multipart, sampleForm, startTestApi, type Client, type TestApi } from './support/api';

const DAY = 86_400_000;

describe('stage figures (unit)', () => {
  it('should count whole calendar days in China time, 0 on the day the stage began', () => {
    // 2026-09-15 23:30 in China is 15:30 UTC; 00:30 the next day (China) is one day later
    const p = { stageEnteredAt: '2026-09-15T15:30:00.000Z', createdAt: '2026-01-01T00:00:00.000Z' };
    expect(daysInStage(p, new Date('2026-09-15T15:59:00Z'))).toBe(0);
    expect(daysInStage(p, new Date('2026-09-15T16:30:00Z'))).toBe(1);
    expect(daysInStage(p, new Date('2026-09-25T03:00:00Z'))).toBe(10);
    // no stage timestamp: counted from creation
    expect(
      daysInStage({ stageEnteredAt: null, createdAt: '2026-09-01T02:00:00Z' }, new Date('2026-09-04T02:00:00Z')),
    ).toBe(3);
  });

  it('should average finished and running visits per stage, skip terminal stages, keep the stage order', () => {
    const now = new Date('2026-10-11T00:00:00Z');
    const d = (iso: string) => iso + 'T00:00:00.000Z';
    const out = stageDurations(
      [
        { stage: 'submitted', enteredAt: d('2026-10-01'), leftAt: d('2026-10-03') }, // 2 days
        { stage: 'submitted', enteredAt: d('2026-10-01'), leftAt: d('2026-10-07') }, // 6 days
        { stage: 'draft', enteredAt: d('2026-09-30'), leftAt: d('2026-10-01') }, // 1 day
        { stage: 'draft', enteredAt: d('2026-10-10'), leftAt: null }, // running: 1 day so far
        { stage: 'implementation', enteredAt: '2026-10-01T00:00:00.000Z', leftAt: '2026-10-01T08:00:00.000Z' },
        { stage: 'closed', enteredAt: d('2026-01-01'), leftAt: null },
      ],
      now,
      PROJECT_STAGES,
      STAGE_NAMES,
    );
    expect(out).toEqual([
      { stage: 'draft', stageName: '草稿', visits: 2, current: 1, avgDays: 1, maxDays: 1 },
      { stage: 'submitted', stageName: '已申报', visits: 2, current: 0, avgDays: 4, maxDays: 6 },
      { stage: 'implementation', stageName: '项目实施', visits: 1, current: 0, avgDays: 0.3, maxDays: 0.3 },
    ]);
  });
});

describe('stage figures over the API', () => {
  let api: TestApi;
  let jyj: Client;
  let bureau: Client;
  const clock = { now: Date.parse('2026-09-15T02:00:00Z') };
  const PASSWORD = 'Stage#Pass2026';
  type View = { id: number; stage: string; stageEnteredAt: string; daysInStage: number };
  type Summary = {
    stageDurations: { stage: string; avgDays: number; maxDays: number; visits: number; current: number }[];
  };

  beforeAll(async () => {
    api = await startTestApi({ services: { now: () => new Date(clock.now) } });
    await api.services.identity.createUser({
      username: 'jyj.s',
      displayName: 'jyj.s',
      orgCode: 'JYJ',
      roles: ['staff'],
      password: PASSWORD,
    });
    await api.services.identity.createUser({
      username: 'sgj.s',
      displayName: 'sgj.s',
      orgCode: 'data-bureau',
      roles: ['manager'],
      password: PASSWORD,
    });
    [jyj, bureau] = [api.client(), api.client()];
    await jyj.login('jyj.s', PASSWORD);
    await bureau.login('sgj.s', PASSWORD);
  });
  afterAll(() => api?.close());
  /** time passes; sessions expire meanwhile, so both sign in again */
  const tick = async (days: number) => {
    clock.now += days * DAY;
    await jyj.login('jyj.s', PASSWORD);
    await bureau.login('sgj.s', PASSWORD);
  };

  it('should start a draft at 0 days, count up, restart at submission and measure the draft visit', async () => {
    const created = await jyj.post<{ project: View }>('/api/projects', sampleForm({ projectName: '阶段天数测试' }));
    expect(created.status).toBe(201);
    const id = created.body.project.id;
    expect(created.body.project).toMatchObject({
      stage: 'draft',
      daysInStage: 0,
      stageEnteredAt: '2026-09-15T02:00:00.000Z',
    });
    await tick(4);
    const r4 = await jyj.get<View>(`/api/projects/${id}`);
    expect(r4.body).toMatchObject({ daysInStage: 4 });
    for (const kind of ['construction-basis', 'construction-plan', 'budget-estimate', 'feasibility-report']) {
      const up = await jyj.request('POST', `/api/projects/${id}/attachments`, {
        body: multipart({ kind }, { name: `${kind}.pdf`, data: files.pdf() }),
      });
      expect(up.status).toBe(201);
    }
    const submitted = await jyj.post<{ project: View }>(`/api/projects/${id}/submit`);
    expect(submitted.status).toBe(200);
    expect(submitted.body.project).toMatchObject({ stage: 'submitted', daysInStage: 0 });
    await tick(2);
    // the list carries the figure too, and sorts by it (oldest stage entry first = longest in stage)
    const list = await jyj.get<{ items: View[] }>('/api/projects?sort=stageEnteredAt:asc');
    expect(list.status).toBe(200);
    expect(list.body.items.find((p) => p.id === id)).toMatchObject({ stage: 'submitted', daysInStage: 2 });

    const dash = await bureau.get<Summary>('/api/dashboard');
    expect(dash.status).toBe(200);
    expect(dash.body.stageDurations).toEqual([
      expect.objectContaining({ stage: 'draft', visits: 1, current: 0, avgDays: 4, maxDays: 4 }),
      expect.objectContaining({ stage: 'submitted', visits: 1, current: 1, avgDays: 2, maxDays: 2 }),
    ]);
  });

  it('should move the stage from a worker, close the open visit, and leave the entry time alone when the stage stays', async () => {
    const created = await jyj.post<{ project: View }>('/api/projects', sampleForm({ projectName: '工作者阶段测试' }));
    const id = created.body.project.id;
    const entered = created.body.project.stageEnteredAt;
    await tick(1);
    // same stage: entry time kept
    await api.ds.transaction((m) => setStage(m, id, 'draft', new Date(clock.now)));
    expect((await jyj.get<View>(`/api/projects/${id}`)).body).toMatchObject({
      stageEnteredAt: entered,
      daysInStage: 1,
    });
    // a worker moves it on
    await api.ds.transaction((m) => setStage(m, id, 'joint-review', new Date(clock.now)));
    const after = (await jyj.get<View>(`/api/projects/${id}`)).body;
    expect(after).toMatchObject({
      stage: 'joint-review',
      daysInStage: 0,
      stageEnteredAt: new Date(clock.now).toISOString(),
    });
    const visits = await api.ds
      .getRepository(ProjectStageHistoryEntity)
      .find({ where: { projectId: id }, order: { id: 'ASC' } });
    expect(visits.map((v) => [v.stage, v.enteredAt, v.leftAt])).toEqual([
      ['draft', entered, new Date(clock.now).toISOString()],
      ['joint-review', new Date(clock.now).toISOString(), null],
    ]);
    // the API setter refuses a move from the wrong stage and writes nothing
    await expect(api.services.projects.setStage(id, 'draft', 'submitted')).rejects.toMatchObject({ status: 409 });
    expect(await api.ds.getRepository(ProjectStageHistoryEntity).countBy({ projectId: id })).toBe(2);
  });
});

describe('stage written without the setters', () => {
  let api: TestApi;
  let jyj: Client;
  const clock = { now: Date.parse('2026-09-15T02:00:00Z') };

  beforeAll(async () => {
    api = await startTestApi({ services: { now: () => new Date(clock.now) } });
    await api.services.identity.createUser({
      username: 'jyj.b',
      displayName: 'jyj.b',
      orgCode: 'JYJ',
      roles: ['staff'],
      password: 'Stage#Pass2026',
    });
    jyj = api.client();
  });
  afterAll(() => api?.close());

  it('should count from the last update when the open visit is of another stage', async () => {
    await jyj.login('jyj.b', 'Stage#Pass2026');
    const created = await jyj.post<{ project: { id: number } }>(
      '/api/projects',
      sampleForm({ projectName: '绕过测试' }),
    );
    const id = created.body.project.id;
    const changedAt = new Date(clock.now + 2 * DAY).toISOString();
    await api.ds.query('UPDATE project SET stage = ?, updated_at = ? WHERE id = ?', ['approval', changedAt, id]);
    clock.now += 5 * DAY;
    await jyj.login('jyj.b', 'Stage#Pass2026');
    const got = await jyj.get<{ stage: string; stageEnteredAt: string; daysInStage: number }>(`/api/projects/${id}`);
    expect(got.body).toMatchObject({ stage: 'approval', stageEnteredAt: changedAt, daysInStage: 3 });
  });
});

describe('stage history migration', () => {
  it('should backfill the stage entry time (draft: created, others: last update) and one open visit', async () => {
    const db = await createTestDatabase('stagemig');
    const i = migrations.findIndex((m) => m.name === 'StageHistory1764100006000');
    expect(i).toBeGreaterThan(0);
    try {
      // the schema as it was before the migration, with two projects in it
      const before = await openDatabase({ url: db.url, entities: [], migrations: migrations.slice(0, i) });
      await before.query(`INSERT INTO organisation (code, name, type) VALUES ('T1', '测试单位', 'department')`);
      const idOf = async (sql: string) => ((await before.query(sql)) as { id: number }[])[0]!.id;
      const orgId = await idOf(`SELECT id FROM organisation WHERE code = 'T1'`);
      await before.query(
        'INSERT INTO app_user (username, display_name, org_id, roles, password_hash, password_changed_at, created_at) ' +
          `VALUES ('m.user', 'm.user', ?, 'staff', 'x', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`,
        [orgId],
      );
      const userId = await idOf(`SELECT id FROM app_user WHERE username = 'm.user'`);
      const row = (code: string, stage: string, created: string, updated: string) =>
        before.query(
          'INSERT INTO project (code, name, category, kind, org_id, responsible_person, start_month, end_month, ' +
            'fund_fiscal, fund_loan, fund_self, fund_other, total_investment, key_project, department_budget, stage, ' +
            'plan_year, current_version, created_by, created_at, updated_at) ' +
            `VALUES (?, '迁移测试', 'application-system', 'new', ?, '张三', '2027-01', '2027-06', 1, 0, 0, 0, 1, 0, 0, ?, 2027, 1, ?, ?, ?)`,
          [code, orgId, stage, userId, created, updated],
        );
      await row('M1', 'draft', '2026-01-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z');
      await row('M2', 'implementation', '2026-01-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z');
      await before.destroy();
      const after = await openDatabase({ url: db.url, entities, migrations });
      try {
        const got = (await after.query(
          'SELECT p.code AS code, p.stage_entered_at AS entered, h.stage AS stage, h.entered_at AS visit, h.left_at AS leftAt ' +
            'FROM project p JOIN project_stage_history h ON h.project_id = p.id ORDER BY p.code',
        )) as { code: string; entered: string; stage: string; visit: string; leftAt: string | null }[];
        expect(got).toEqual([
          {
            code: 'M1',
            entered: '2026-01-01T00:00:00.000Z',
            stage: 'draft',
            visit: '2026-01-01T00:00:00.000Z',
            leftAt: null,
          },
          {
            code: 'M2',
            entered: '2026-05-01T00:00:00.000Z',
            stage: 'implementation',
            visit: '2026-05-01T00:00:00.000Z',
            leftAt: null,
          },
        ]);
      } finally {
        await after.destroy();
      }
    } finally {
      await db.drop();
    }
  });
});

describe('stage history of the plans and of the demo seed (moveStage everywhere)', () => {
  let api: TestApi;
  const now = Date.parse('2026-11-20T02:00:00Z');
  type Visit = { stage: string; enteredAt: string; leftAt: string | null };
  const visitsOf = async (projectId: number): Promise<Visit[]> =>
    (await api.ds.getRepository(ProjectStageHistoryEntity).find({ where: { projectId }, order: { id: 'ASC' } })).map(
      (v) => ({ stage: v.stage, enteredAt: v.enteredAt, leftAt: v.leftAt }),
    );

  beforeAll(async () => {
    api = await startTestApi({ services: { now: () => new Date(now) } });
    await seedDemoData(api.services);
  });
  afterAll(() => api?.close());

  it('should give every sample project a connected history along 附件3 that ends in its demo stage, entered before now', async () => {
    const projects = await api.ds
      .getRepository(ProjectEntity)
      .find({ where: { name: In(DEMO_PROJECTS.map((d) => d.form.projectName)) }, order: { id: 'ASC' } });
    expect(projects).toHaveLength(DEMO_PROJECTS.length);
    for (const p of projects) {
      const demo = DEMO_PROJECTS.find((d) => d.form.projectName === p.name)!;
      const visits = await visitsOf(p.id);
      expect({ name: p.name, stage: p.stage }).toEqual({ name: p.name, stage: demo.stage });
      // one open visit, the project's stage; each visit ends when the next begins; time moves forward
      expect(visits.filter((v) => v.leftAt === null).map((v) => v.stage)).toEqual([p.stage]);
      expect(visits.at(-1)).toMatchObject({ stage: p.stage, leftAt: null, enteredAt: p.stageEnteredAt });
      for (let i = 1; i < visits.length; i++) expect(visits[i - 1]!.leftAt).toBe(visits[i]!.enteredAt);
      // time moves forward from the draft on (a submitted sample was drafted before its back-dated
      // R6 submission, the project created then): no visit has a negative length, none starts after now
      expect(visits[0]).toMatchObject({ stage: 'draft', enteredAt: p.createdAt });
      const lengths = visits.map((v) => ({
        stage: v.stage,
        negative: Date.parse(v.leftAt ?? new Date(now).toISOString()) < Date.parse(v.enteredAt),
      }));
      expect(lengths).toEqual(visits.map((v) => ({ stage: v.stage, negative: false })));
      expect(Math.max(...visits.map((v) => Date.parse(v.enteredAt)))).toBeLessThanOrEqual(now);
      const order = visits.map((v) => PROJECT_STAGES.indexOf(v.stage as never));
      expect([...order].sort((a, b) => a - b)).toEqual(order);
      if (p.stage === 'draft' || p.stage === 'not-governed') continue; // R2.2: submission ends there
      expect(visits.map((v) => v.stage).slice(0, 2)).toEqual(['draft', 'submitted']);
      // past submission: the demo stage was entered some time ago, so the days in stage count
      if (p.stage !== 'submitted') expect(Date.parse(p.stageEnteredAt!)).toBeLessThan(now - 86_400_000);
    }
    // the dashboard's stage-duration chart over the demo: the draft is measured, no stage below 0 days
    const sgj = api.client();
    expect((await sgj.login('sgj.staff', DEMO_PASSWORD)).status).toBe(200);
    const dash = await sgj.get<{ stageDurations: { stage: string; avgDays: number; maxDays: number }[] }>(
      '/api/dashboard',
    );
    expect(dash.status).toBe(200);
    expect(dash.body.stageDurations.find((d) => d.stage === 'draft')?.maxDays).toBeGreaterThan(0);
    expect(dash.body.stageDurations.filter((d) => d.avgDays < 0 || d.maxDays < 0)).toEqual([]);
    // the stages between were visited: the project in payment went through implementation
    const paying = projects.find((p) => p.stage === 'payment')!;
    expect((await visitsOf(paying.id)).map((v) => v.stage)).toEqual(
      expect.arrayContaining([
        'joint-review',
        'approval',
        'investment-plan',
        'annual-plan',
        'implementation',
        'payment',
      ]),
    );
  });

  it('should record the plans’ stage moves over the API: R21 investment plan, then the R8 annual plan', async () => {
    const project = await api.ds
      .getRepository(ProjectEntity)
      .findOneByOrFail({ name: DEMO_PROJECTS.find((d) => d.stage === 'approval')!.form.projectName });
    const year = project.planYear;
    const drc = api.client();
    expect((await drc.login('fgw.staff', DEMO_PASSWORD)).status).toBe(200);
    const reg = await drc.post(`/api/projects/${project.id}/investment-plan`, {
      year,
      amount: project.totalInvestment,
      approvedOn: '2026-11-20',
    });
    expect(reg.status).toBe(201);
    const at = new Date(now).toISOString();
    expect((await visitsOf(project.id)).slice(-2)).toEqual([
      expect.objectContaining({ stage: 'approval', leftAt: at }),
      { stage: 'investment-plan', enteredAt: at, leftAt: null },
    ]);
    const sgj = api.client();
    expect((await sgj.login('sgj.staff', DEMO_PASSWORD)).status).toBe(200);
    const plan = await sgj.get<{ status: string }>(`/api/annual-plans/${year}`);
    const urgent = plan.status === 200 && plan.body.status === 'approved';
    if (plan.status === 404) expect((await sgj.post(`/api/annual-plans`, { year })).status).toBe(201);
    const added = await sgj.post(`/api/annual-plans/${year}/entries`, {
      projectId: project.id,
      amount: project.totalInvestment,
      urgent,
    });
    expect(added.status).toBe(201);
    expect((await visitsOf(project.id)).slice(-2)).toEqual([
      { stage: 'investment-plan', enteredAt: at, leftAt: at },
      { stage: 'annual-plan', enteredAt: at, leftAt: null },
    ]);
    // a second registration is refused and moves nothing
    expect(
      (
        await drc.post(`/api/projects/${project.id}/investment-plan`, {
          year,
          amount: '1.00',
          approvedOn: '2026-11-20',
        })
      ).status,
    ).toBe(409);
    expect((await visitsOf(project.id)).at(-1)).toMatchObject({ stage: 'annual-plan', leftAt: null });
  });
});
