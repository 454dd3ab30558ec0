/**
 * Delivery over real HTTP: procurement and award (R14), contracts within the approved budget
 * (R11, R19.1), yearly designated units (R18), security inspection and cryptography review
 * (R12, R13), and post-evaluation feeding next year's budget (R29).
 */
import { DEMO_PASSWORD, seedDemoData } from '../../services/demo/seed';
import { ProjectEntity } from '../../services/domain/entities';
import { startTestApi, type Client, type TestApi } from './support/api';

type Json = Record<string, unknown>;

describe('delivery API (R11, R12–R14, R18, R29)', () => {
  let api: TestApi;
  const c: Record<string, Client> = {};
  const clock = { now: Date.parse('2026-11-10T02:00:00Z') };
  let pid: number;

  beforeAll(async () => {
    api = await startTestApi({ services: { now: () => new Date(clock.now) } });
    await seedDemoData(api.services);
    for (const u of [
      'shjd.staff',
      'jyj.staff',
      'sgj.staff',
      'jyzx.staff',
      'wxb.staff',
      'mmj.staff',
      'czj.staff',
      'sjj.auditor',
    ]) {
      c[u] = api.client();
      await c[u].login(u, DEMO_PASSWORD);
    }
    // 史河街道网格化社会治理平台: SHJD, procurement stage, approved 68.00
    pid = (await api.ds.getRepository(ProjectEntity).findOneByOrFail({ name: '史河街道网格化社会治理平台' })).id;
  });
  afterAll(() => api?.close());

  describe('procurement and contracts', () => {
    let procurementId: number;

    it('should require a reason for single-source procurement', async () => {
      const res = await c['shjd.staff']!.post<{ rule: string }>(`/api/projects/${pid}/procurements`, {
        method: 'single-source',
        announcedOn: '2026-06-01',
      });
      expect(res.status).toBe(422);
      expect(res.body.rule).toBe('R14');
      expect(
        (
          await c['shjd.staff']!.post(`/api/projects/${pid}/procurements`, {
            method: 'lottery',
            announcedOn: '2026-06-01',
          })
        ).status,
      ).toBe(400);
    });

    it('should record a tender and let the trading center record the award within the approved amount', async () => {
      const res = await c['shjd.staff']!.post<{ id: number }>(`/api/projects/${pid}/procurements`, {
        method: 'public-tender',
        announcedOn: '2026-06-01',
      });
      expect(res.status).toBe(201);
      procurementId = res.body.id;
      const tooMuch = await c['jyzx.staff']!.post(`/api/projects/${pid}/procurements/${procurementId}/award`, {
        awardedOn: '2026-06-25',
        supplier: '安徽某科技有限公司',
        amount: '68.01',
      });
      expect(tooMuch.status).toBe(422);
      expect(
        (
          await c['jyzx.staff']!.post(`/api/projects/${pid}/procurements/${procurementId}/award`, {
            awardedOn: '2026-05-25',
            supplier: 'x',
            amount: '1.00',
          })
        ).status,
      ).toBe(400);
      const ok = await c['jyzx.staff']!.post<Json>(`/api/projects/${pid}/procurements/${procurementId}/award`, {
        awardedOn: '2026-06-25',
        supplier: '安徽某科技有限公司',
        amount: '66.80',
      });
      expect(ok.body).toMatchObject({ supplier: '安徽某科技有限公司', amount: '66.80', awardedOn: '2026-06-25' });
      expect(
        (
          await c['shjd.staff']!.post(`/api/projects/${pid}/procurements/${procurementId}/award`, {
            awardedOn: '2026-06-25',
            supplier: 'y',
            amount: '1.00',
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await c['jyzx.staff']!.post(`/api/projects/${pid}/procurements/${procurementId}/award`, {
            awardedOn: '2026-06-26',
            supplier: 'y',
            amount: '1.00',
          })
        ).status,
      ).toBe(409);
    });

    it('should keep the contracts’ sum within the approved amount and show it in the ledger', async () => {
      const c1 = await c['shjd.staff']!.post<Json>(`/api/projects/${pid}/contracts`, {
        procurementId,
        supplier: '安徽某科技有限公司',
        amount: '66.80',
        signedOn: '2026-07-01',
        acceptanceDue: '2026-12-31',
      });
      expect(c1.status).toBe(201);
      const over = await c['shjd.staff']!.post<{ rule: string }>(`/api/projects/${pid}/contracts`, {
        supplier: '监理公司',
        amount: '1.21',
        signedOn: '2026-07-02',
        acceptanceDue: '2026-12-31',
      });
      expect(over.status).toBe(422);
      expect(over.body.rule).toBe('R19.1');
      const exact = await c['shjd.staff']!.post(`/api/projects/${pid}/contracts`, {
        supplier: '监理公司',
        amount: '1.20',
        signedOn: '2026-07-02',
        acceptanceDue: '2026-12-31',
      });
      expect(exact.status).toBe(201);
      expect(
        (
          await c['shjd.staff']!.post(`/api/projects/${pid}/contracts`, {
            supplier: 'x',
            amount: '0',
            signedOn: '2026-07-02',
            acceptanceDue: '2026-07-01',
          })
        ).status,
      ).toBe(400);
      const list = await c['sjj.auditor']!.get<{ contracted: string; items: unknown[] }>(
        `/api/projects/${pid}/contracts`,
      );
      expect(list.body).toMatchObject({ contracted: '68.00' });
      expect(list.body.items).toHaveLength(2);
      const ledger = await c['shjd.staff']!.get<Json>(`/api/projects/${pid}/ledger`);
      expect(ledger.body).toMatchObject({ approved: '68.00', contracted: '68.00', paid: '0.00' });
    });
  });

  describe('designated units (R18)', () => {
    it('should designate only this year’s unit of the right kind, replacing an earlier one', async () => {
      const old = await c['sgj.staff']!.post<{ id: number }>('/api/service-units', {
        year: 2025,
        kind: 'supervision',
        name: '某监理公司（2025）',
      });
      const cur = await c['sgj.staff']!.post<{ id: number }>('/api/service-units', {
        year: 2026,
        kind: 'supervision',
        name: '某监理公司',
      });
      const test = await c['sgj.staff']!.post<{ id: number }>('/api/service-units', {
        year: 2026,
        kind: 'testing',
        name: '某测评中心',
      });
      expect(
        (await c['sgj.staff']!.post('/api/service-units', { year: 2026, kind: 'supervision', name: '某监理公司' }))
          .status,
      ).toBe(409);
      const stale = await c['sgj.staff']!.put<{ rule: string }>(`/api/projects/${pid}/designations`, {
        kind: 'supervision',
        unitId: old.body.id,
      });
      expect(stale.status).toBe(422);
      expect(stale.body.rule).toBe('R18');
      expect(
        (await c['sgj.staff']!.put(`/api/projects/${pid}/designations`, { kind: 'supervision', unitId: test.body.id }))
          .status,
      ).toBe(400);
      const ok = await c['sgj.staff']!.put<{ kind: string; unit: { name: string } }[]>(
        `/api/projects/${pid}/designations`,
        {
          kind: 'supervision',
          unitId: cur.body.id,
        },
      );
      expect(ok.body).toEqual([
        expect.objectContaining({
          kind: 'supervision',
          kindName: '监理单位',
          unit: expect.objectContaining({ name: '某监理公司' }),
        }),
      ]);
      await c['sgj.staff']!.put(`/api/projects/${pid}/designations`, { kind: 'testing', unitId: test.body.id });
      const seen = await c['shjd.staff']!.get<unknown[]>(`/api/projects/${pid}/designations`);
      expect(seen.body).toHaveLength(2);
      const units = await c['sgj.staff']!.get<unknown[]>('/api/service-units?year=2026');
      expect(units.body).toHaveLength(2);
    });
  });

  describe('security inspection (R12) and cryptography review (R13)', () => {
    it('should record each body’s own check, requiring findings when it fails', async () => {
      expect(
        (
          await c['wxb.staff']!.post(`/api/projects/${pid}/compliance-checks`, {
            passed: false,
            checkedOn: '2026-11-01',
          })
        ).status,
      ).toBe(400);
      await c['wxb.staff']!.post(`/api/projects/${pid}/compliance-checks`, {
        passed: false,
        findings: '弱口令',
        checkedOn: '2026-11-01',
      });
      await c['wxb.staff']!.post(`/api/projects/${pid}/compliance-checks`, { passed: true, checkedOn: '2026-11-05' });
      const res = await c['mmj.staff']!.post<{
        items: { kind: string; inspector: { username: string; orgCode: string } | null }[];
        securityInspectionPassed: boolean;
        cryptoReviewPassed: boolean;
      }>(`/api/projects/${pid}/compliance-checks`, { passed: true, checkedOn: '2026-11-06' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ securityInspectionPassed: true, cryptoReviewPassed: true });
      expect(res.body.items.map((i) => i.kind)).toEqual([
        'security-inspection',
        'security-inspection',
        'crypto-review',
      ]);
      // each round names its inspector: the user of the checking body who recorded it
      expect(res.body.items.map((i) => [i.inspector?.username, i.inspector?.orgCode])).toEqual([
        ['wxb.staff', 'cyberspace-office'],
        ['wxb.staff', 'cyberspace-office'],
        ['mmj.staff', 'crypto-bureau'],
      ]);
      expect(
        (
          await c['sgj.staff']!.post(`/api/projects/${pid}/compliance-checks`, {
            passed: true,
            checkedOn: '2026-11-06',
          })
        ).status,
      ).toBe(403);
    });
  });

  describe('post-evaluation (R29)', () => {
    it('should wait for final acceptance, then record the grade and the budget recommendation', async () => {
      const early = await c['sgj.staff']!.post<{ rule: string }>(`/api/projects/${pid}/post-evaluation`, {
        score: 85,
        conclusion: '运行良好',
        recommendation: 'keep',
        evaluatedOn: '2026-11-10',
      });
      expect(early.status).toBe(422);
      // 市场主体智慧监管系统 is at post-evaluation; give it its final acceptance record
      const sjj = (await api.ds.getRepository(ProjectEntity).findOneByOrFail({ name: '市场主体智慧监管系统' })).id;
      await api.ds.query(
        "INSERT INTO acceptance (project_id, stage, applied_on, due_on, late, accepted_on, result, opinion, items, recorded_by, recorded_at) VALUES (?, 'final', '2025-05-06', '2025-05-20', 0, '2025-05-20', 'passed', '通过', NULL, 1, '2025-05-20T00:00:00Z')",
        [sjj],
      );
      const fail = await c['sgj.staff']!.post(`/api/projects/${sjj}/post-evaluation`, {
        score: 55,
        conclusion: '使用率低',
        recommendation: 'increase',
        evaluatedOn: '2026-11-10',
      });
      expect(fail.status).toBe(422);
      const ok = await c['sgj.staff']!.post<Json>(`/api/projects/${sjj}/post-evaluation`, {
        score: 86,
        conclusion: '系统运行稳定，监管效率明显提升',
        recommendation: 'keep',
        evaluatedOn: '2026-11-10',
      });
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({ grade: 'good', recommendation: 'keep' });
      expect(
        (
          await c['sgj.staff']!.post(`/api/projects/${sjj}/post-evaluation`, {
            score: 90,
            conclusion: 'x',
            recommendation: 'keep',
            evaluatedOn: '2026-11-10',
          })
        ).status,
      ).toBe(409);
      const budget = await c['czj.staff']!.get<Json[]>('/api/post-evaluations?year=2026');
      expect(budget.body).toEqual([
        expect.objectContaining({ name: '市场主体智慧监管系统', grade: 'good', recommendation: 'keep' }),
      ]);
      expect((await c['czj.staff']!.get('/api/post-evaluations')).status).toBe(400);
    });
  });
});
