/**
 * Joint review (R7), budget ledger (R19) and rectification orders (R26) over real HTTP, on the
 * demo data: who does what, what the rules allow, and what each party gets to see.
 */
import { DEMO_PASSWORD, seedDemoData } from '../../services/demo/seed';
import { ProjectEntity, UserEntity } from '../../services/domain/entities';
import { startTestApi, type Client, type TestApi } from './support/api';

type Json = Record<string, unknown>;

describe('oversight API (R7 review, R19 ledger, R26 rectification)', () => {
  let api: TestApi;
  const c: Record<string, Client> = {};
  const clock = { now: Date.parse('2026-11-10T02:00:00Z') };

  beforeAll(async () => {
    api = await startTestApi({ services: { now: () => new Date(clock.now) } });
    await seedDemoData(api.services);
    for (const u of [
      'jyj.staff',
      'wjw.staff',
      'sgj.staff',
      'sgj.manager',
      'czj.staff',
      'fgw.staff',
      'expert1',
      'expert2',
      'expert3',
      'sjj.auditor',
    ]) {
      c[u] = api.client();
      await c[u].login(u, DEMO_PASSWORD);
    }
  });
  afterAll(() => api?.close());

  const projectId = async (name: string) => (await api.ds.getRepository(ProjectEntity).findOneByOrFail({ name })).id;
  const userId = async (username: string) => (await api.ds.getRepository(UserEntity).findOneByOrFail({ username })).id;

  describe('joint review (R7)', () => {
    let pid: number;
    let roundId: number;
    let experts: number[];
    const score = (v: number, crypto = v) => ({
      planning: v,
      sharing: v,
      feasibility: v,
      budget: v,
      cryptography: crypto,
      opinion: '建议通过',
    });

    beforeAll(async () => {
      pid = await projectId('叶集区智慧教育云平台扩容');
      experts = [await userId('expert1'), await userId('expert2'), await userId('expert3')];
    });

    it('should list the expert pool for the data bureau', async () => {
      const res = await c['sgj.staff']!.get<{ id: number }[]>('/api/experts');
      expect(res.body.map((e) => e.id).sort()).toEqual([...experts].sort());
    });

    it('should require a quorum of real experts to open a round', async () => {
      expect(
        (await c['sgj.staff']!.post(`/api/projects/${pid}/review-rounds`, { expertIds: experts.slice(0, 2) })).status,
      ).toBe(400);
      const notExpert = await userId('jyj.staff');
      expect(
        (
          await c['sgj.staff']!.post(`/api/projects/${pid}/review-rounds`, {
            expertIds: [...experts.slice(0, 2), notExpert],
          })
        ).status,
      ).toBe(400);
    });

    it('should open a round and move the project to joint review', async () => {
      const res = await c['sgj.staff']!.post<{ id: number; status: string; expertIds: number[] }>(
        `/api/projects/${pid}/review-rounds`,
        { expertIds: experts },
      );
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: 'open', roundNo: 1, applicationVersion: 1 });
      roundId = res.body.id;
      expect((await c['jyj.staff']!.get<Json>(`/api/projects/${pid}`)).body.stage).toBe('joint-review');
      expect((await c['sgj.staff']!.post(`/api/projects/${pid}/review-rounds`, { expertIds: experts })).status).toBe(
        409,
      );
    });

    it('should show experts their assignment and the application under review', async () => {
      const mine =
        await c['expert1']!.get<{ roundId: number; scored: boolean; project: Json }[]>('/api/reviews/assigned');
      expect(mine.body).toEqual([
        expect.objectContaining({
          roundId,
          scored: false,
          project: expect.objectContaining({ name: '叶集区智慧教育云平台扩容' }),
        }),
      ]);
      const view = await c['expert1']!.get<{ application: { form: Json }; myScore: null }>(
        `/api/review-rounds/${roundId}`,
      );
      expect(view.body.application.form).toMatchObject({ projectName: '叶集区智慧教育云平台扩容' });
      expect(view.body.myScore).toBeNull();
    });

    it('should take scores on the five criteria and validate them', async () => {
      expect(
        (await c['expert1']!.put(`/api/review-rounds/${roundId}/my-score`, { ...score(80), planning: 101 })).status,
      ).toBe(400);
      expect(
        (await c['expert1']!.put(`/api/review-rounds/${roundId}/my-score`, { ...score(80), bonus: 5 })).status,
      ).toBe(400);
      expect((await c['expert1']!.put(`/api/review-rounds/${roundId}/my-score`, score(60))).status).toBe(200);
      // revised while open
      expect((await c['expert1']!.put(`/api/review-rounds/${roundId}/my-score`, score(80))).status).toBe(200);
      expect((await c['expert2']!.put(`/api/review-rounds/${roundId}/my-score`, score(75))).status).toBe(200);
      const view = await c['expert1']!.get<{ myScore: Json }>(`/api/review-rounds/${roundId}`);
      expect(view.body.myScore).toMatchObject({ planning: 80 });
    });

    it('should not close below the quorum', async () => {
      const res = await c['sgj.manager']!.post<{ rule: string }>(`/api/review-rounds/${roundId}/close`);
      expect(res.status).toBe(422);
      expect(res.body.rule).toBe('R7');
    });

    it('should aggregate, pass, and move the project on to approval', async () => {
      await c['expert3']!.put(`/api/review-rounds/${roundId}/my-score`, score(70, 65));
      const res = await c['sgj.manager']!.post<{ outcome: string; reason: string; aggregate: { overall: number } }>(
        `/api/review-rounds/${roundId}/close`,
      );
      expect(res.status).toBe(200);
      expect(res.body.outcome).toBe('passed');
      expect(res.body.reason).toMatch(/R7/);
      // criteria means 75, 75, 75, 75, 73.3 → overall 74.7
      expect(res.body.aggregate.overall).toBe(74.7);
      expect((await c['jyj.staff']!.get<Json>(`/api/projects/${pid}`)).body.stage).toBe('approval');
      expect((await c['expert1']!.put(`/api/review-rounds/${roundId}/my-score`, score(10))).status).toBe(409);
    });

    it('should show the department the conclusion but not the individual scores', async () => {
      const dept = await c['jyj.staff']!.get<Json[]>(`/api/projects/${pid}/review-rounds`);
      expect(dept.body[0]).toMatchObject({ outcome: 'passed', scoredCount: 3 });
      expect(dept.body[0]).not.toHaveProperty('scores');
      const bureau = await c['sgj.staff']!.get<{ scores: unknown[] }[]>(`/api/projects/${pid}/review-rounds`);
      expect(bureau.body[0]!.scores).toHaveLength(3);
    });

    it('should end the project when the review fails (附件3: 不通过 → 结束)', async () => {
      const other = await projectId('区人民医院互联网医院信息系统');
      const r = await c['sgj.staff']!.post<{ id: number }>(`/api/projects/${other}/review-rounds`, {
        expertIds: experts,
      });
      for (const e of ['expert1', 'expert2', 'expert3'])
        await c[e]!.put(`/api/review-rounds/${r.body.id}/my-score`, score(90, 40));
      const res = await c['sgj.manager']!.post<{ outcome: string; reason: string }>(
        `/api/review-rounds/${r.body.id}/close`,
      );
      expect(res.body.outcome).toBe('failed');
      expect(res.body.reason).toMatch(/密码应用安全性/);
      expect((await c['wjw.staff']!.get<Json>(`/api/projects/${other}`)).body.stage).toBe('rejected');
    });
  });

  describe('budget ledger (R19)', () => {
    let pid: number;
    beforeAll(async () => {
      pid = await projectId('农村饮水安全信息化监管系统'); // approved 210.00, paid 63.00
    });

    it('should show approved, paid, returned and available', async () => {
      const res = await c['sjj.auditor']!.get<Json>(`/api/projects/${pid}/ledger`);
      expect(res.body).toMatchObject({ approved: '210.00', paid: '63.00', returned: '0.00', available: '147.00' });
    });

    it('should pay up to the approved amount and not a cent more (R19.2)', async () => {
      const over = await c['czj.staff']!.post<{ rule: string; detail: string }>(
        `/api/projects/${pid}/ledger/payments`,
        {
          amount: '147.01',
          valueDate: '2026-11-09',
        },
      );
      expect(over.status).toBe(422);
      expect(over.body.rule).toBe('R19.2');
      const ok = await c['czj.staff']!.post<Json>(`/api/projects/${pid}/ledger/payments`, {
        amount: '140.00',
        valueDate: '2026-11-09',
        note: '二期款',
      });
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({ paid: '203.00', available: '7.00' });
    });

    it('should book the surplus return and leave nothing available', async () => {
      expect(
        (
          await c['czj.staff']!.post(`/api/projects/${pid}/ledger/surplus-returns`, {
            amount: '7.01',
            valueDate: '2026-11-09',
          })
        ).status,
      ).toBe(422);
      const res = await c['czj.staff']!.post<Json>(`/api/projects/${pid}/ledger/surplus-returns`, {
        amount: '7.00',
        valueDate: '2026-11-09',
      });
      expect(res.body).toMatchObject({ approved: '210.00', paid: '203.00', returned: '7.00', available: '0.00' });
    });

    it('should refuse an approved amount below what is already booked, and bad amounts', async () => {
      expect((await c['sgj.manager']!.put(`/api/projects/${pid}/approved-amount`, { amount: '200.00' })).status).toBe(
        422,
      );
      expect((await c['sgj.manager']!.put(`/api/projects/${pid}/approved-amount`, { amount: 210 })).status).toBe(400);
      expect(
        (
          await c['czj.staff']!.post(`/api/projects/${pid}/ledger/payments`, {
            amount: '1.00',
            valueDate: '2026-13-01',
          })
        ).status,
      ).toBe(400);
      expect((await c['sgj.manager']!.put(`/api/projects/${pid}/approved-amount`, { amount: '220.00' })).status).toBe(
        200,
      );
    });

    it('should refuse payment on a project without an approved amount (R19.1)', async () => {
      const draft = await projectId('叶集区智慧旅游导览与客流监测系统');
      const res = await c['czj.staff']!.post<{ detail: string }>(`/api/projects/${draft}/ledger/payments`, {
        amount: '1.00',
        valueDate: '2026-11-09',
      });
      expect(res.status).toBe(422);
      expect(res.body.detail).toMatch(/R19\.1/);
    });
  });

  describe('rectification orders (R26)', () => {
    let pid: number;
    let orderId: number;
    beforeAll(async () => {
      pid = await projectId('叶集区智慧教育云平台扩容');
    });

    it('should let a supervising bureau order rectification by a future deadline', async () => {
      expect(
        (
          await c['sgj.staff']!.post(`/api/projects/${pid}/rectifications`, {
            issue: '补充密评报告',
            deadline: '2026-11-10',
          })
        ).status,
      ).toBe(400);
      const res = await c['sgj.staff']!.post<{ id: number; status: string; overdue: boolean; issuedBy: Json }>(
        `/api/projects/${pid}/rectifications`,
        {
          issue: '补充密评报告',
          deadline: '2026-11-30',
        },
      );
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: 'open', overdue: false, issuedBy: { code: 'data-bureau' } });
      orderId = res.body.id;
    });

    it('should mark it overdue the day after the deadline (the deadline day still counts)', async () => {
      clock.now = Date.parse('2026-11-30T10:00:00Z');
      await c['jyj.staff']!.login('jyj.staff', DEMO_PASSWORD);
      expect(
        (await c['jyj.staff']!.get<{ overdue: boolean }[]>(`/api/projects/${pid}/rectifications`)).body[0]!.overdue,
      ).toBe(false);
      clock.now = Date.parse('2026-12-01T01:00:00Z');
      await c['jyj.staff']!.login('jyj.staff', DEMO_PASSWORD);
      expect(
        (await c['jyj.staff']!.get<{ overdue: boolean }[]>(`/api/projects/${pid}/rectifications`)).body[0]!.overdue,
      ).toBe(true);
    });

    it('should take the department’s response and let only the issuer close it', async () => {
      clock.now = Date.parse('2026-12-01T01:10:00Z');
      for (const u of ['jyj.staff', 'wjw.staff', 'sgj.staff', 'czj.staff']) await c[u]!.login(u, DEMO_PASSWORD);
      expect(
        (await c['wjw.staff']!.post(`/api/rectifications/${orderId}/response`, { response: '已补充' })).status,
      ).toBe(404);
      const resp = await c['jyj.staff']!.post<Json>(`/api/rectifications/${orderId}/response`, {
        response: '已补充密评报告',
      });
      expect(resp.body).toMatchObject({ status: 'responded', respondedBy: { username: 'jyj.staff' }, closedBy: null });
      expect((await c['czj.staff']!.post(`/api/rectifications/${orderId}/review`, { accepted: true })).status).toBe(
        403,
      );
      const back = await c['sgj.staff']!.post<Json>(`/api/rectifications/${orderId}/review`, { accepted: false });
      // 不合格: owed again, the rejected report no longer stands (no reporter named until the next one)
      expect(back.body).toMatchObject({ status: 'open', response: null, respondedAt: null, respondedBy: null });
      await c['jyj.staff']!.post(`/api/rectifications/${orderId}/response`, { response: '已按要求补充并盖章' });
      const closed = await c['sgj.staff']!.post<Json>(`/api/rectifications/${orderId}/review`, { accepted: true });
      // who reported and who closed: the callers (no process here)
      expect(closed.body).toMatchObject({
        status: 'closed',
        overdue: false,
        respondedBy: { username: 'jyj.staff' },
        closedBy: { username: 'sgj.staff' },
      });
    });

    it('should let the audit bureau (R28, read-only otherwise) and the trading center order rectification too (R26)', async () => {
      for (const u of ['sjj.auditor', 'jyzx.staff', 'jyj.staff']) {
        c[u] ??= api.client();
        await c[u]!.login(u, DEMO_PASSWORD);
      }
      const byAudit = await c['sjj.auditor']!.post<{ id: number; issuedBy: Json }>(
        `/api/projects/${pid}/rectifications`,
        {
          issue: '专项资金使用台账不完整（审计发现）',
          deadline: '2026-12-20',
        },
      );
      expect(byAudit.status).toBe(201);
      expect(byAudit.body.issuedBy).toMatchObject({ code: 'audit' });
      const byTrading = await c['jyzx.staff']!.post<{ issuedBy: Json }>(`/api/projects/${pid}/rectifications`, {
        issue: '采购合同未按招标文件签订',
        deadline: '2026-12-20',
      });
      expect(byTrading.status).toBe(201);
      expect(byTrading.body.issuedBy).toMatchObject({ code: 'trading-center' });
      // the auditor closes its own order (the issuer reviews), and writes nothing else
      await c['jyj.staff']!.post(`/api/rectifications/${byAudit.body.id}/response`, { response: '已补齐台账' });
      const closed = await c['sjj.auditor']!.post<Json>(`/api/rectifications/${byAudit.body.id}/review`, {
        accepted: true,
      });
      expect(closed.body).toMatchObject({ status: 'closed' });
      expect((await c['sjj.auditor']!.post('/api/annual-plans', { year: 2031 })).status).toBe(403);
    });
  });

  it('should let the auditor read the audit log, with an intact chain, and not write anywhere', async () => {
    await c['sjj.auditor']!.login('sjj.auditor', DEMO_PASSWORD);
    const res = await c['sjj.auditor']!.get<{ items: Json[]; total: number; chainIntact: boolean }>(
      '/api/audit-log?action=ledger.pay',
    );
    expect(res.status).toBe(200);
    expect(res.body.chainIntact).toBe(true);
    expect(res.body.items).toEqual([
      expect.objectContaining({ actor: 'czj.staff', action: 'ledger.pay', outcome: 'success' }),
    ]);
    expect((await c['sjj.auditor']!.get('/api/audit-log?action=x&orderBy=id')).status).toBe(400);
  });
});
