/**
 * What the process records, read over real HTTP: the DRC investment plan as Excel (R21) and a key
 * project's separate approval (R5, written by egov.investment-plan-register / the 不予立项 notice),
 * with the department seeing only its own project's record.
 */
import ExcelJS from 'exceljs';
import { InvestmentPlanEntryEntity, OrganisationEntity, ProjectEntity } from '../../services/domain/entities';
import { recordKeyProjectApproval } from '../../services/domain/process-records';
import { recordTaskCompletion } from '../../services/domain/task-completions';
import { startTestApi, type Client, type TestApi } from './support/api';

const PASSWORD = 'Yeji@2026test';

describe('process records API (R5, R21)', () => {
  let api: TestApi;
  const c: Record<string, Client> = {};
  let projectId = 0;

  beforeAll(async () => {
    api = await startTestApi();
    for (const [username, orgCode, roles] of [
      ['rec.sgj', 'data-bureau', ['staff']],
      ['rec.fgw', 'drc', ['staff']],
      ['rec.jyj', 'JYJ', ['staff']],
      ['rec.wjw', 'WJW', ['staff']],
    ] as const) {
      await api.services.identity.createUser({
        username,
        displayName: username,
        orgCode,
        roles: [...roles],
        password: PASSWORD,
      });
      c[username] = api.client();
      expect((await c[username].login(username, PASSWORD)).status).toBe(200);
    }
    const jyj = await api.ds.getRepository(OrganisationEntity).findOneByOrFail({ code: 'JYJ' });
    const res = await api.ds.getRepository(ProjectEntity).insert({
      code: 'YJ2027-0901',
      name: '叶集区智慧教育云平台',
      category: 'cloud-platform',
      kind: 'new',
      orgId: jyj.id,
      responsiblePerson: '刘老师',
      startMonth: '2027-03',
      endMonth: '2027-12',
      fundFiscal: '1500.00',
      fundLoan: '0',
      fundSelf: '0',
      fundOther: '0',
      totalInvestment: '1500.00',
      approvedAmount: '1400.00',
      keyProject: true,
      departmentBudget: false,
      stage: 'investment-plan',
      planYear: 2027,
      processInstanceKey: null,
      currentVersion: 1,
      createdBy: 1,
      createdAt: '2026-09-01T00:00:00.000Z',
      updatedAt: '2026-09-01T00:00:00.000Z',
    });
    projectId = Number(res.identifiers[0]!.id);
    await api.ds.getRepository(InvestmentPlanEntryEntity).insert({
      projectId,
      year: 2027,
      amount: '1400.00',
      approvedOn: '2026-11-20',
      planNo: '叶发改投〔2026〕12号',
      recordedBy: 0,
      recordedAt: '2026-11-20T02:00:00.000Z',
    });
    // rec.fgw completed Task_KeyProjectApproval through the tasklist on 18 November (TaskService
    // writes this row before the engine completes the task; a form variable cannot name the approver)
    await recordTaskCompletion(
      api.ds,
      {
        userTaskKey: '2251799813685300',
        elementId: 'Task_KeyProjectApproval',
        processInstanceKey: '2251799813685249',
        processDefinitionId: 'project-lifecycle',
      },
      'rec.fgw',
      'complete',
      new Date('2026-11-18T07:30:00Z'),
    );
    await api.ds.transaction((m) =>
      recordKeyProjectApproval(
        m,
        projectId,
        {
          decision: 'approve',
          documentNo: '叶发改〔2026〕88号',
          approvedInvestment: '1450.00',
          reason: '同意单独立项',
          decidedOn: '2026-11-20',
          processInstanceKey: '2251799813685249',
        },
        new Date('2026-11-20T02:00:00Z'),
      ),
    );
  });
  afterAll(() => api?.close());

  it('should export the investment plan of a year as Excel for the bureaus, not for departments', async () => {
    const xlsx = await c['rec.sgj']!.get('/api/investment-plan/2027/export.xlsx');
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.raw as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(1).getCell(1).value).toContain('2027 年度区本级政府性投资计划');
    expect([3, 4, 5, 6, 7, 8].map((i) => ws.getRow(3).getCell(i).value)).toEqual([
      '叶集区智慧教育云平台',
      '区教育局',
      1500,
      1400,
      '叶发改投〔2026〕12号',
      '2026-11-20',
    ]);
    expect(ws.getRow(4).getCell(6).value).toBe(1400);
    expect((await c['rec.fgw']!.get('/api/investment-plan/2027/export.xlsx')).status).toBe(200);
    expect((await c['rec.jyj']!.get('/api/investment-plan/2027/export.xlsx')).status).toBe(403);
    const bad = await c['rec.sgj']!.get('/api/investment-plan/20x7/export.xlsx');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
  });

  it('should show the DRC’s key-project approval to the bureaus and the own department only', async () => {
    for (const who of ['rec.fgw', 'rec.sgj', 'rec.jyj']) {
      const res = await c[who]!.get<Record<string, unknown>[]>(`/api/projects/${projectId}/key-project-approval`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([
        expect.objectContaining({
          decision: 'approve',
          decisionName: '批准',
          documentNo: '叶发改〔2026〕88号',
          approvedInvestment: '1450.00',
          approver: { code: 'drc', name: '区发展和改革委员会' },
          // who approved, and when: the task's completion, not the worker's day
          approverUser: 'rec.fgw',
          approvedBy: expect.objectContaining({ username: 'rec.fgw', orgCode: 'drc', orgName: '区发展和改革委员会' }),
          decidedOn: '2026-11-18',
          decidedAt: '2026-11-18T07:30:00.000Z',
        }),
      ]);
    }
    expect([403, 404]).toContain((await c['rec.wjw']!.get(`/api/projects/${projectId}/key-project-approval`)).status);
    expect((await c['rec.fgw']!.get('/api/projects/999999/key-project-approval')).status).toBe(404);
  });
});
