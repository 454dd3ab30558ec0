/**
 * Plans and the catalogue over real HTTP: the annual construction plan from reviewed projects,
 * approved by the district government (R8.1), urgent additions (R8.2), the DRC investment plan
 * (R21) gating payments and contracts, and the information-resource catalogue (R9).
 */
import ExcelJS from 'exceljs';
import { DEMO_PASSWORD, seedDemoData } from '../../services/demo/seed';
import { ProjectEntity } from '../../services/domain/entities';
import { recordFundAllocations } from '../../services/domain/plans';
import { recordTaskCompletion } from '../../services/domain/task-completions';
import { startTestApi, type Client, type TestApi } from './support/api';

type Json = Record<string, unknown>;
type Plan = { status: string; total: string; entries: { name: string; amount: string; urgent: boolean }[] };

describe('plans (R8, R21) and catalogue (R9) API', () => {
  let api: TestApi;
  const c: Record<string, Client> = {};
  const clock = { now: Date.parse('2026-11-10T02:00:00Z') };
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    api = await startTestApi({ services: { now: () => new Date(clock.now) } });
    await seedDemoData(api.services);
    for (const u of [
      'sgj.staff',
      'sgj.manager',
      'zf.staff',
      'fgw.staff',
      'czj.staff',
      'jyj.staff',
      'wjw.staff',
      'sjj.auditor',
    ]) {
      c[u] = api.client();
      await c[u].login(u, DEMO_PASSWORD);
    }
    const byName = async (name: string) => (await api.ds.getRepository(ProjectEntity).findOneByOrFail({ name })).id;
    ids.gaj = await byName('雪亮工程视频监控联网平台升级'); // approval, approved 580.00, plan year 2027
    ids.jyj = await byName('叶集区智慧教育云平台扩容'); // submitted (not reviewed)
    ids.rsj = await byName('就业创业公共服务信息系统'); // investment-plan, 150.00, plan year 2027
  });
  afterAll(() => api?.close());

  describe('investment plan (R21) and annual plan (R8)', () => {
    it('should refuse payment to a project outside the investment plan (R21)', async () => {
      const res = await c['czj.staff']!.post<{ rule: string }>(`/api/projects/${ids.gaj}/ledger/payments`, {
        amount: '10.00',
        valueDate: '2026-11-10',
      });
      expect(res.status).toBe(422);
      expect(res.body.rule).toBe('R21');
    });

    it('should let the DRC list a reviewed project in the investment plan, once per year', async () => {
      expect(
        (
          await c['fgw.staff']!.post(`/api/projects/${ids.jyj}/investment-plan`, {
            year: 2027,
            amount: '300.00',
            approvedOn: '2026-11-09',
          })
        ).status,
      ).toBe(422);
      const res = await c['fgw.staff']!.post<Json[]>(`/api/projects/${ids.gaj}/investment-plan`, {
        year: 2027,
        amount: '580.00',
        approvedOn: '2026-11-09',
      });
      expect(res.status).toBe(201);
      expect(
        (
          await c['fgw.staff']!.post(`/api/projects/${ids.gaj}/investment-plan`, {
            year: 2027,
            amount: '580.00',
            approvedOn: '2026-11-09',
          })
        ).status,
      ).toBe(409);
      expect((await c['jyj.staff']!.get<Json>(`/api/projects/${ids.jyj}`)).body.stage).toBe('submitted');
      const list = await c['sgj.staff']!.get<{ projectId: number }[]>('/api/investment-plan?year=2027');
      expect(list.body.map((e) => e.projectId)).toEqual(expect.arrayContaining([ids.gaj, ids.rsj]));
    });

    it('should still refuse payment until an approved annual plan contains the project (R8.1)', async () => {
      const res = await c['czj.staff']!.post<{ rule: string }>(`/api/projects/${ids.gaj}/ledger/payments`, {
        amount: '10.00',
        valueDate: '2026-11-10',
      });
      expect(res.status).toBe(422);
      expect(res.body.rule).toBe('R8.1');
    });

    it('should compile the plan from reviewed projects only, within their amounts', async () => {
      expect((await c['sgj.staff']!.post('/api/annual-plans', { year: 2028 })).status).toBe(201);
      expect((await c['sgj.staff']!.post('/api/annual-plans', { year: 2028 })).status).toBe(409);
      expect(
        (await c['sgj.staff']!.post('/api/annual-plans/2028/entries', { projectId: ids.jyj, amount: '100.00' })).status,
      ).toBe(422);
      expect(
        (await c['sgj.staff']!.post('/api/annual-plans/2028/entries', { projectId: ids.gaj, amount: '580.01' })).status,
      ).toBe(422);
      const res = await c['sgj.staff']!.post<Plan>('/api/annual-plans/2028/entries', {
        projectId: ids.gaj,
        amount: '300.00',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: 'draft', total: '300.00' });
      expect(
        (await c['sgj.staff']!.post('/api/annual-plans/2028/entries', { projectId: ids.gaj, amount: '1.00' })).status,
      ).toBe(409);
      await c['sgj.staff']!.post('/api/annual-plans/2028/entries', { projectId: ids.rsj, amount: '150.00' });
      const removed = await c['sgj.staff']!.request<Plan>('DELETE', `/api/annual-plans/2028/entries/${ids.rsj}`);
      expect(removed.body.entries.map((e) => e.name)).toEqual(['雪亮工程视频监控联网平台升级']);
    });

    it('should go draft → submitted (data bureau manager) → approved (district government)', async () => {
      expect((await c['zf.staff']!.post('/api/annual-plans/2028/approve')).status).toBe(409);
      expect((await c['sgj.staff']!.post('/api/annual-plans/2028/submit')).status).toBe(403);
      expect((await c['sgj.manager']!.post<Plan>('/api/annual-plans/2028/submit')).body.status).toBe('submitted');
      expect(
        (await c['sgj.staff']!.post('/api/annual-plans/2028/entries', { projectId: ids.rsj, amount: '150.00' })).status,
      ).toBe(422);
      const approved = await c['zf.staff']!.post<Plan & { approvedAt: string }>('/api/annual-plans/2028/approve');
      expect(approved.body).toMatchObject({ status: 'approved', approvedAt: expect.any(String) });
      expect((await c['sgj.staff']!.request('DELETE', `/api/annual-plans/2028/entries/${ids.gaj}`)).status).toBe(409);
    });

    it('should admit additions to an approved plan only as urgent ad-hoc projects (R8.2)', async () => {
      const plain = await c['sgj.staff']!.post<{ detail: string }>('/api/annual-plans/2028/entries', {
        projectId: ids.rsj,
        amount: '150.00',
      });
      expect(plain.status).toBe(422);
      expect(plain.body.detail).toMatch(/R8\.2/);
      const urgent = await c['sgj.staff']!.post<Plan>('/api/annual-plans/2028/entries', {
        projectId: ids.rsj,
        amount: '150.00',
        urgent: true,
      });
      expect(urgent.status).toBe(201);
      expect(urgent.body.total).toBe('450.00');
      expect(urgent.body.entries.find((e) => e.urgent)?.name).toBe('就业创业公共服务信息系统');
    });

    it('should now allow the payment, and export the plan as Excel', async () => {
      const pay = await c['czj.staff']!.post<Json>(`/api/projects/${ids.gaj}/ledger/payments`, {
        amount: '10.00',
        valueDate: '2026-11-10',
      });
      expect(pay.status).toBe(201);
      const xlsx = await c['sjj.auditor']!.get('/api/annual-plans/2028/export.xlsx');
      expect(xlsx.status).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.raw as unknown as ArrayBuffer);
      const ws = wb.worksheets[0]!;
      expect(ws.getRow(3).getCell(3).value).toBe('雪亮工程视频监控联网平台升级');
      expect(ws.getRow(5).getCell(6).value).toBe(450);
      expect((await c['sjj.auditor']!.get('/api/annual-plans/20x8')).status).toBe(400);
      expect((await c['sjj.auditor']!.get('/api/annual-plans/2030')).status).toBe(404);
      expect((await c['jyj.staff']!.get('/api/annual-plans/2028')).status).toBe(403);
    });

    it('should show finance’s fund allocation (R5/R8.1 资金安排) with the plan’s approver in the plan and its Excel', async () => {
      // what egov.fund-allocate writes after zf.staff approved the plan in Task_GovernmentApproval
      await recordTaskCompletion(
        api.ds,
        {
          userTaskKey: '2251799813690001',
          elementId: 'Task_GovernmentApproval',
          processInstanceKey: '2251799813690000',
          processDefinitionId: 'annual-planning',
        },
        'zf.staff',
        'complete',
        new Date('2026-11-10T01:00:00Z'),
      );
      await api.ds.transaction((m) =>
        recordFundAllocations(
          m,
          2028,
          [{ projectId: ids.gaj!, amount: '250.00' }],
          { processInstanceKey: '2251799813690000', elementInstanceKey: '2251799813690002' },
          new Date(clock.now),
        ),
      );
      type Allocated = Omit<Plan, 'entries'> & {
        allocatedTotal: string;
        entries: { name: string; allocation: null | { amount: string; approvedBy: Json | null; approvedAt: string } }[];
      };
      const plan = await c['czj.staff']!.get<Allocated>('/api/annual-plans/2028');
      expect(plan.status).toBe(200);
      expect(plan.body.allocatedTotal).toBe('250.00');
      expect(plan.body.entries.map((e) => [e.name, e.allocation?.amount ?? null])).toEqual([
        ['雪亮工程视频监控联网平台升级', '250.00'],
        ['就业创业公共服务信息系统', null],
      ]);
      expect(plan.body.entries[0]!.allocation).toMatchObject({
        approvedAt: '2026-11-10T01:00:00.000Z',
        approvedBy: { username: 'zf.staff', orgCode: 'government', displayName: expect.any(String) },
      });
      const xlsx = await c['sgj.staff']!.get('/api/annual-plans/2028/export.xlsx');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.raw as unknown as ArrayBuffer);
      const ws = wb.worksheets[0]!;
      expect(ws.getRow(2).getCell(8).value).toBe('资金安排（万元）');
      expect([3, 4, 5].map((r) => ws.getRow(r).getCell(8).value)).toEqual([250, null, 250]);
    });

    it('should have planned the demo data so that seeded payments passed the gates', async () => {
      const plan = await c['sgj.staff']!.get<Plan>('/api/annual-plans/2026');
      expect(plan.body.status).toBe('approved');
      expect(plan.body.entries.map((e) => e.name)).toEqual(expect.arrayContaining(['农村饮水安全信息化监管系统']));
    });
  });

  describe('information-resource catalogue (R9)', () => {
    const entry = (extra: Json = {}) => ({
      name: '学生学籍信息',
      description: '全区中小学学生学籍基础信息',
      dataItems: ['姓名', '学籍号', '学校'],
      shareType: 'conditional',
      shareBasis: '用于教育补助核验',
      recipients: ['MZJ', 'finance'],
      updateCycle: '每学期',
      ...extra,
    });

    it('should refuse sharing with particular companies and missing conditions or basis', async () => {
      const company = await c['jyj.staff']!.post<{ rule: string; problems: string[] }>(
        '/api/catalogue',
        entry({ recipients: ['MZJ', '某科技有限公司'] }),
      );
      expect(company.status).toBe(422);
      expect(company.body.rule).toBe('R9');
      expect(company.body.problems.join()).toMatch(/特定企业/);
      expect((await c['jyj.staff']!.post('/api/catalogue', entry({ shareBasis: undefined }))).status).toBe(422);
      expect(
        (await c['jyj.staff']!.post('/api/catalogue', entry({ shareType: 'none', shareBasis: '', recipients: [] })))
          .status,
      ).toBe(422);
      expect((await c['jyj.staff']!.post('/api/catalogue', entry({ shareType: 'unconditional' }))).status).toBe(422);
    });

    it('should keep each department’s catalogue to itself for writing, and show bureaus all', async () => {
      // the demo seed catalogues its sample departments (R9) — count what this test adds on top
      const count = async (user: string, q = '') => (await c[user]!.get<unknown[]>(`/api/catalogue${q}`)).body.length;
      const before = {
        jyj: await count('jyj.staff'),
        all: await count('sgj.staff'),
        wjw: await count('sgj.staff', '?orgCode=WJW'),
      };
      const mine = await c['jyj.staff']!.post<{ id: number; orgCode: string; recipients: string[] }>(
        '/api/catalogue',
        entry(),
      );
      expect(mine.status).toBe(201);
      expect(mine.body).toMatchObject({ orgCode: 'JYJ', recipients: ['MZJ', 'finance'] });
      await c['wjw.staff']!.post(
        '/api/catalogue',
        entry({ name: '电子健康档案', shareType: 'unconditional', shareBasis: undefined, recipients: [] }),
      );
      expect((await c['wjw.staff']!.put(`/api/catalogue/${mine.body.id}`, entry({ name: '篡改' }))).status).toBe(404);
      const updated = await c['jyj.staff']!.put<Json>(`/api/catalogue/${mine.body.id}`, entry({ updateCycle: '每月' }));
      expect(updated.body).toMatchObject({ updateCycle: '每月' });
      const jyj = (await c['jyj.staff']!.get<{ orgCode: string }[]>('/api/catalogue')).body;
      expect(jyj).toHaveLength(before.jyj + 1);
      expect(new Set(jyj.map((e) => e.orgCode))).toEqual(new Set(['JYJ']));
      expect(await count('sgj.staff')).toBe(before.all + 2);
      expect(await count('sgj.staff', '?orgCode=WJW')).toBe(before.wjw + 1);
    });
  });
});
