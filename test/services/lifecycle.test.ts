/**
 * Construction to evaluation over real HTTP: progress reports 附件2 (R15), change requests (R20),
 * delay requests (R22.3), preliminary and final acceptance with the R22.2 document gate and
 * deadline and the R14 items, self-evaluation (R23), and the statutory status of a project.
 */
import JSZip from 'jszip';
import { DEMO_PASSWORD, seedDemoData } from '../../services/demo/seed';
import { ProjectEntity } from '../../services/domain/entities';
import { files, multipart, startTestApi, type Client, type TestApi } from './support/api';

type Json = Record<string, unknown>;

describe('lifecycle API (R15, R20, R22, R23)', () => {
  let api: TestApi;
  const c: Record<string, Client> = {};
  // Tuesday 10 November 2026, 10:00 in China
  const clock = { now: Date.parse('2026-11-10T02:00:00Z') };
  let pid: number;

  beforeAll(async () => {
    api = await startTestApi({ services: { now: () => new Date(clock.now) } });
    await seedDemoData(api.services);
    await api.services.identity.createUser({
      username: 'nyj.staff',
      displayName: '钱站长',
      orgCode: 'NYJ',
      roles: ['staff'],
      password: DEMO_PASSWORD,
    });
    for (const u of ['nyj.staff', 'jyj.staff', 'sgj.staff', 'zf.staff', 'czj.staff', 'jyzx.staff', 'sjj.auditor']) {
      c[u] = api.client();
      await c[u].login(u, DEMO_PASSWORD);
    }
    // 农村饮水安全信息化监管系统: NYJ, 2026-03 … 2027-03 (spans years → R15 applies), approved 210.00
    pid = (await api.ds.getRepository(ProjectEntity).findOneByOrFail({ name: '农村饮水安全信息化监管系统' })).id;
  });
  afterAll(() => api?.close());

  const report = (quarter: string, extra: Json = {}) => ({
    quarter,
    responsiblePerson: '钱站长',
    contactPerson: '孙工',
    phone: '0564-6667701',
    mobile: '13912345678',
    email: 'nyj@yeji.gov.cn',
    mainContent: '水质在线监测点建设',
    progress: '完成 12 个监测点安装调试',
    expectedCompletion: '2027-03-31',
    totalInvestment: '210.00',
    invested: '63.00',
    ...extra,
  });

  describe('progress reports 附件2 (R15)', () => {
    it('should list the quarters whose report window has passed without a report', async () => {
      const res = await c['nyj.staff']!.get<Json>(`/api/projects/${pid}/statutory-status`);
      expect(res.body).toMatchObject({ missingProgressReports: ['2026-Q1', '2026-Q2', '2026-Q3'] });
    });

    it('should take a report, flag it late after the first 5 working days of the quarter, and refuse duplicates', async () => {
      const res = await c['nyj.staff']!.post<{ quarter: string; dueOn: string; late: boolean }[]>(
        `/api/projects/${pid}/progress-reports`,
        report('2026-Q3'),
      );
      expect(res.status).toBe(201);
      // October 2026: 1–7 are the National Day holidays, so the window is 8, 9, 10 (调休 Saturday), 12, 13 October
      expect(res.body).toEqual([expect.objectContaining({ quarter: '2026-Q3', dueOn: '2026-10-13', late: true })]);
      expect((await c['nyj.staff']!.post(`/api/projects/${pid}/progress-reports`, report('2026-Q3'))).status).toBe(409);
      const status = await c['nyj.staff']!.get<Json>(`/api/projects/${pid}/statutory-status`);
      expect(status.body.missingProgressReports).toEqual(['2026-Q1', '2026-Q2']);
    });

    it('should print the report as 附件2 (Word)', async () => {
      const res = await c['sjj.auditor']!.get(`/api/projects/${pid}/progress-reports/2026-Q3/print.docx`);
      expect(res.status).toBe(200);
      const xml = await (await JSZip.loadAsync(res.raw)).file('word/document.xml')!.async('string');
      for (const text of [
        '附件2',
        '2026-Q3',
        '农村饮水安全信息化监管系统',
        '完成 12 个监测点安装调试',
        '63.00',
        '210.00',
        '13912345678',
      ]) {
        expect(xml).toContain(text);
      }
      expect((await c['sjj.auditor']!.get(`/api/projects/${pid}/progress-reports/2026-Q2/print.docx`)).status).toBe(
        404,
      );
      expect(
        (await c['sjj.auditor']!.get(`/api/projects/${pid}/progress-reports/..%2F..%2Fetc/print.docx`)).status,
      ).toBe(400);
      expect((await c['jyj.staff']!.get(`/api/projects/${pid}/progress-reports/2026-Q3/print.docx`)).status).toBe(404);
    });

    it('should refuse a quarter not yet ended, one outside the construction period, and invested > total', async () => {
      expect((await c['nyj.staff']!.post(`/api/projects/${pid}/progress-reports`, report('2026-Q4'))).status).toBe(422);
      expect((await c['nyj.staff']!.post(`/api/projects/${pid}/progress-reports`, report('2025-Q4'))).status).toBe(422);
      expect(
        (await c['nyj.staff']!.post(`/api/projects/${pid}/progress-reports`, report('2026-Q2', { invested: '210.01' })))
          .status,
      ).toBe(400);
      expect(
        (await c['nyj.staff']!.post(`/api/projects/${pid}/progress-reports`, report('2026-Q2', { fax: 1 }))).status,
      ).toBe(400);
      expect((await c['jyj.staff']!.post(`/api/projects/${pid}/progress-reports`, report('2026-Q2'))).status).toBe(404);
    });
  });

  describe('change requests (R20)', () => {
    it('should refuse a change beyond the approved budget (the normal procedure applies again)', async () => {
      const res = await c['nyj.staff']!.post<{ rule: string }>(`/api/projects/${pid}/change-requests`, {
        changeCase: 'optimisation',
        description: '改用国产数据库',
        newAmount: '210.01',
      });
      expect(res.status).toBe(422);
      expect(res.body.rule).toBe('R20');
      expect(
        (
          await c['nyj.staff']!.post(`/api/projects/${pid}/change-requests`, {
            changeCase: 'whim',
            description: 'x',
            newAmount: '1',
          })
        ).status,
      ).toBe(400);
    });

    it('should take a change within the budget, one at a time, decided by the district government', async () => {
      const res = await c['nyj.staff']!.post<{ id: number; status: string; newAmount: string }>(
        `/api/projects/${pid}/change-requests`,
        {
          changeCase: 'optimisation',
          description: '改用国产数据库，取消一台服务器',
          newAmount: '200.00',
        },
      );
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: 'submitted', newAmount: '200.00' });
      expect(
        (
          await c['nyj.staff']!.post(`/api/projects/${pid}/change-requests`, {
            changeCase: 'deployment',
            description: 'x',
            newAmount: '1.00',
          })
        ).status,
      ).toBe(409);
      expect(
        (await c['sgj.staff']!.post(`/api/projects/${pid}/change-requests/${res.body.id}/decision`, { approved: true }))
          .status,
      ).toBe(403);
      const decided = await c['zf.staff']!.post<Json>(`/api/projects/${pid}/change-requests/${res.body.id}/decision`, {
        approved: true,
        note: '同意',
      });
      expect(decided.body).toMatchObject({ status: 'approved', decisionNote: '同意' });
      expect(
        (await c['zf.staff']!.post(`/api/projects/${pid}/change-requests/${res.body.id}/decision`, { approved: false }))
          .status,
      ).toBe(409);
      expect(
        (await c['zf.staff']!.post(`/api/projects/${pid}/change-requests/999999/decision`, { approved: true })).status,
      ).toBe(404);
      expect(
        (await c['zf.staff']!.post(`/api/projects/${pid}/change-requests/abc/decision`, { approved: true })).status,
      ).toBe(400);
    });
  });

  describe('delay requests (R22.3)', () => {
    it('should require the delay to be applied for before the contracted date', async () => {
      const late = await c['nyj.staff']!.post<{ rule: string }>(`/api/projects/${pid}/delay-requests`, {
        contractedDate: '2026-11-10',
        requestedDate: '2026-12-31',
        reason: '设备到货延迟',
      });
      expect(late.status).toBe(422);
      expect(late.body.rule).toBe('R22.3');
      const backwards = await c['nyj.staff']!.post(`/api/projects/${pid}/delay-requests`, {
        contractedDate: '2026-12-31',
        requestedDate: '2026-12-01',
        reason: 'x',
      });
      expect(backwards.status).toBe(422);
    });

    it('should take a timely request and let the data bureau decide it', async () => {
      const res = await c['nyj.staff']!.post<{ id: number }>(`/api/projects/${pid}/delay-requests`, {
        contractedDate: '2026-12-31',
        requestedDate: '2027-03-31',
        reason: '设备到货延迟',
      });
      expect(res.status).toBe(201);
      const d = await c['sgj.staff']!.post<Json>(`/api/projects/${pid}/delay-requests/${res.body.id}/decision`, {
        approved: true,
      });
      expect(d.body).toMatchObject({ status: 'approved', requestedDate: '2027-03-31' });
      const list = (await c['sjj.auditor']!.get<Json[]>(`/api/projects/${pid}/delay-requests`)).body;
      expect(list).toHaveLength(1);
      // the list names who decided (the UI shows it; the row keeps the id)
      expect(list[0]).toMatchObject({ decider: { username: 'sgj.staff', orgCode: 'data-bureau' } });
    });
  });

  describe('acceptance (R22, R14) and self-evaluation (R23)', () => {
    it('should require a passed preliminary acceptance before applying for final acceptance', async () => {
      const res = await c['nyj.staff']!.post<{ rule: string }>(`/api/projects/${pid}/acceptances/final`);
      expect(res.status).toBe(422);
      expect(res.body.rule).toBe('R22.1');
      expect(
        (
          await c['nyj.staff']!.post(`/api/projects/${pid}/acceptances/preliminary`, {
            acceptedOn: '2026-11-11',
            passed: true,
            opinion: '合格',
          })
        ).status,
      ).toBe(400);
      const pre = await c['nyj.staff']!.post<Json[]>(`/api/projects/${pid}/acceptances/preliminary`, {
        acceptedOn: '2026-10-09',
        passed: true,
        opinion: '初验合格',
      });
      expect(pre.status).toBe(201);
      expect(pre.body[0]).toMatchObject({ stage: 'preliminary', result: 'passed', acceptedOn: '2026-10-09' });
    });

    it('should show the final-acceptance application overdue one month after the preliminary one (R22.2)', async () => {
      const res = await c['sgj.staff']!.get<Json>(`/api/projects/${pid}/statutory-status`);
      expect(res.body).toMatchObject({ finalAcceptanceDue: '2026-11-09', finalAcceptanceOverdue: true });
    });

    it('should refuse the application until the four R22.2 documents are attached', async () => {
      const res = await c['nyj.staff']!.post<{ missing: string[] }>(`/api/projects/${pid}/acceptances/final`);
      expect(res.status).toBe(422);
      expect(res.body.missing).toEqual([
        'acceptance-report',
        'construction-summary',
        'security-assessment',
        'crypto-assessment',
      ]);
      for (const kind of res.body.missing) {
        const up = await c['nyj.staff']!.request('POST', `/api/projects/${pid}/attachments`, {
          body: multipart({ kind }, { name: `${kind}.pdf`, data: files.pdf() }),
        });
        expect(up.status).toBe(201);
      }
      const ok = await c['nyj.staff']!.post<{ stage: string; dueOn: string; late: boolean }[]>(
        `/api/projects/${pid}/acceptances/final`,
      );
      expect(ok.status).toBe(201);
      expect(ok.body[1]).toMatchObject({ stage: 'final', dueOn: '2026-11-09', late: true, result: null });
      expect((await c['nyj.staff']!.get<Json>(`/api/projects/${pid}`)).body.stage).toBe('final-acceptance');
      expect((await c['nyj.staff']!.post(`/api/projects/${pid}/acceptances/final`)).status).toBe(409);
    });

    const items = { productSecurity: true, cryptography: true, securityReview: true, pue: null };

    it('should not pass a final acceptance with an R14 item unmet', async () => {
      const res = await c['jyzx.staff']!.post<{ rule: string; problems: string[] }>(
        `/api/projects/${pid}/acceptances/final/decision`,
        {
          passed: true,
          acceptedOn: '2026-11-10',
          opinion: '同意通过',
          items: { ...items, cryptography: false },
        },
      );
      expect(res.status).toBe(422);
      expect(res.body.rule).toBe('R14');
      expect(res.body.problems).toEqual(['密码应用审查未通过']);
    });

    it('should pass it with the panel opinion and move the project to payment', async () => {
      expect(
        (
          await c['czj.staff']!.post(`/api/projects/${pid}/acceptances/final/decision`, {
            passed: true,
            acceptedOn: '2026-11-10',
            opinion: 'x',
            items,
          })
        ).status,
      ).toBe(403);
      const res = await c['jyzx.staff']!.post<{ stage: string; result: string; items: Json }[]>(
        `/api/projects/${pid}/acceptances/final/decision`,
        {
          passed: true,
          acceptedOn: '2026-11-10',
          opinion: '专家组一致同意通过竣工验收',
          items,
        },
      );
      expect(res.status).toBe(200);
      expect(res.body[1]).toMatchObject({ result: 'passed', acceptedOn: '2026-11-10', items });
      expect((await c['nyj.staff']!.get<Json>(`/api/projects/${pid}`)).body.stage).toBe('payment');
      const status = await c['nyj.staff']!.get<Json>(`/api/projects/${pid}/statutory-status`);
      expect(status.body).toMatchObject({
        finalAcceptanceOverdue: false,
        selfEvaluationDue: '2027-05-10',
        selfEvaluationOverdue: false,
      });
    });

    it('should take the self-evaluation once, with its R23 due date', async () => {
      expect((await c['nyj.staff']!.get(`/api/projects/${pid}/self-evaluation`)).body).toBeNull();
      const res = await c['nyj.staff']!.post<Json>(`/api/projects/${pid}/self-evaluation`, {
        effect: '水质数据实时上报',
        problems: '部分偏远站点信号弱',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ dueOn: '2027-05-10', late: false, submittedOn: '2026-11-10' });
      expect(
        (await c['nyj.staff']!.post(`/api/projects/${pid}/self-evaluation`, { effect: 'x', problems: 'y' })).status,
      ).toBe(409);
    });

    it('should refuse a self-evaluation before final acceptance', async () => {
      const other = (await api.ds.getRepository(ProjectEntity).findOneByOrFail({ name: '叶集区智慧教育云平台扩容' }))
        .id;
      expect(
        (await c['jyj.staff']!.post(`/api/projects/${other}/self-evaluation`, { effect: 'x', problems: 'y' })).status,
      ).toBe(422);
    });
  });

  describe('dashboard', () => {
    type Overview = {
      total: number;
      byStage: { stage: string; count: number }[];
      investment: { requested: string; approved: string; paid: string };
      attention: { project: { name: string; orgCode: string }; status: { missingProgressReports: string[] } }[];
    };

    it('should count stages, add up money exactly and list projects that miss a statutory deadline', async () => {
      const res = await c['sgj.staff']!.get<Overview>('/api/dashboard');
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(12);
      expect(res.body.byStage).toEqual(expect.arrayContaining([{ stage: 'payment', stageName: '经费支付', count: 2 }]));
      expect(res.body.investment).toEqual({ requested: '2876.50', approved: '2163.00', paid: '858.50' });
      const nyj = res.body.attention.find((a) => a.project.orgCode === 'NYJ');
      expect(nyj?.status.missingProgressReports).toEqual(['2026-Q1', '2026-Q2']);
    });

    it('should show a department only its own projects', async () => {
      const res = await c['nyj.staff']!.get<Overview>('/api/dashboard');
      expect(res.body.total).toBe(1);
      expect(res.body.attention.map((a) => a.project.orgCode)).toEqual(['NYJ']);
      expect((await c['nyj.staff']!.get('/api/dashboard?year=20x6')).status).toBe(400);
      expect((await c['nyj.staff']!.get('/api/dashboard?stage=draft')).status).toBe(400);
    });
  });
});
