/**
 * Projects, applications (附件1) and attachments over real HTTP: creation, versioned resubmission
 * with diff, submission (R2.2, R6, R8.2), lists with allow-listed filters/sorting and department
 * scope, Excel export, and bad input of every kind → 4xx problem+json with nothing stored.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { files, multipart, sampleForm, startTestApi, type Client, type TestApi } from './support/api';

const PASSWORD = 'Project#Pass2026';
type Json = Record<string, unknown>;

describe('projects API', () => {
  let api: TestApi;
  let jyj: Client;
  let jyj2: Client;
  let wjw: Client;
  let bureau: Client;
  let auditor: Client;
  // before the R6 deadline for plan year 2027
  const clock = { now: Date.parse('2026-09-15T02:00:00Z') };

  beforeAll(async () => {
    api = await startTestApi({ services: { now: () => new Date(clock.now) } });
    const mk = (username: string, orgCode: string, roles: ('staff' | 'manager' | 'auditor')[]) =>
      api.services.identity.createUser({ username, displayName: username, orgCode, roles, password: PASSWORD });
    await mk('jyj.a', 'JYJ', ['staff']);
    await mk('jyj.b', 'JYJ', ['manager']);
    await mk('wjw.a', 'WJW', ['staff']);
    await mk('sgj.a', 'data-bureau', ['staff']);
    await mk('aud.a', 'audit', ['auditor']);
    [jyj, jyj2, wjw, bureau, auditor] = [api.client(), api.client(), api.client(), api.client(), api.client()];
    await jyj.login('jyj.a', PASSWORD);
    await jyj2.login('jyj.b', PASSWORD);
    await wjw.login('wjw.a', PASSWORD);
    await bureau.login('sgj.a', PASSWORD);
    await auditor.login('aud.a', PASSWORD);
  });
  afterAll(() => api?.close());

  const count = async (table: string) =>
    Number(((await api.ds.query(`SELECT COUNT(*) AS n FROM ${table}`)) as { n: number }[])[0]!.n);
  const upload = (c: Client, projectId: number, kind: string, file: { name: string; data: Buffer }) =>
    c.request('POST', `/api/projects/${projectId}/attachments`, { body: multipart({ kind }, file) });

  describe('create and read', () => {
    it('should create a draft with version 1, a project code and exact money', async () => {
      const res = await jyj.post<{ project: Json; version: number }>('/api/projects', sampleForm());
      expect(res.status).toBe(201);
      expect(res.body.version).toBe(1);
      expect(res.body.project).toMatchObject({
        code: expect.stringMatching(/^YJ2027-\d{4}$/),
        name: '测试项目：政务数据中台',
        orgCode: 'JYJ',
        orgName: '区教育局',
        stage: 'draft',
        stageName: '草稿',
        categoryName: '应用系统',
        investment: { fiscal: '120.50', loan: '0.00', selfRaised: '30.00', other: '0.25', total: '150.75' },
        constructionPeriod: { start: '2027-03', end: '2027-10' },
        currentVersion: 1,
      });
      const got = await jyj.get(`/api/projects/${res.body.project.id}`);
      expect(got.body).toEqual(res.body.project);
    });

    it('should store DECIMAL(14,2) and read it back exactly at the largest amount', async () => {
      const big = sampleForm({
        projectName: '大额项目',
        investment: { fiscal: '999999999999.99', loan: '0', selfRaised: '0', other: '0' },
      });
      const res = await jyj.post<{ project: { id: number; investment: Json } }>('/api/projects', big);
      expect(res.status).toBe(201);
      const got = await jyj.get<{ investment: Json }>(`/api/projects/${res.body.project.id}`);
      expect(got.body.investment).toMatchObject({ fiscal: '999999999999.99', total: '999999999999.99' });
    });

    it('should record participants of a cross-department project and show it to them (R10)', async () => {
      const res = await jyj.post<{ project: { id: number; participants: Json[] } }>(
        '/api/projects',
        sampleForm({ projectName: '跨部门：学生健康档案共享', participantOrgCodes: ['WJW'] }),
      );
      expect(res.status).toBe(201);
      expect(res.body.project.participants).toEqual([{ code: 'WJW', name: '区卫生健康委员会' }]);
      expect((await wjw.get(`/api/projects/${res.body.project.id}`)).status).toBe(200);
      const bad = await jyj.post('/api/projects', sampleForm({ participantOrgCodes: ['JYJ'] }));
      expect(bad.status).toBe(400);
      const unknown = await jyj.post('/api/projects', sampleForm({ participantOrgCodes: ['NOPE'] }));
      expect(unknown.status).toBe(400);
    });

    it('should hide another department’s project behind 404', async () => {
      const mine = await jyj.post<{ project: { id: number } }>(
        '/api/projects',
        sampleForm({ projectName: '仅教育局可见' }),
      );
      const res = await wjw.get(`/api/projects/${mine.body.project.id}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      expect((await wjw.get('/api/projects/999999')).status).toBe(404);
      expect((await wjw.get('/api/projects/abc')).status).toBe(400);
    });
  });

  describe('bad input', () => {
    it('should reject unknown fields, wrong types and missing fields with problem+json and store nothing', async () => {
      const before = await count('project');
      for (const body of [
        sampleForm({ isAdmin: true }),
        sampleForm({ investment: { fiscal: 120.5, loan: '0', selfRaised: '0', other: '0' } }),
        sampleForm({ investment: { fiscal: '-1', loan: '0', selfRaised: '0', other: '0' } }),
        sampleForm({ planYear: '2027' }),
        sampleForm({ category: 'blockchain' }),
        { projectName: '缺字段' },
        [],
        'text',
      ]) {
        const res = await jyj.post('/api/projects', body);
        expect({ status: res.status, type: res.headers.get('content-type') }).toEqual({
          status: 400,
          type: expect.stringMatching(/problem\+json/),
        });
      }
      expect(await count('project')).toBe(before);
    });

    it('should reject a body that is not JSON (415) and one that is too large (413)', async () => {
      const before = await count('project');
      const form = await jyj.request('POST', '/api/projects', {
        body: 'projectName=x',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      });
      expect(form.status).toBe(415);
      const huge = await jyj.post('/api/projects', sampleForm({ remarks: 'x'.repeat(300_000) }));
      expect(huge.status).toBe(413);
      expect(await count('project')).toBe(before);
    });

    it('should keep injection strings in filters and searches as data', async () => {
      for (const q of ["' OR 1=1 --", '%', '_', '!', '"; DROP TABLE project; --', '\\']) {
        const res = await jyj.get<{ items: unknown[]; total: number }>(`/api/projects?q=${encodeURIComponent(q)}`);
        expect(res.status).toBe(200);
        expect(res.body.total).toBe(0);
      }
      expect(await count('project')).toBeGreaterThan(0);
    });

    it('should reject unknown or malicious sort fields, unknown filters and bad paging with 400', async () => {
      for (const qs of [
        'sort=password',
        'sort=name;DROP TABLE project',
        'sort=name:sideways',
        'sort=(SELECT 1)',
        'stage=nope',
        'orgCode=JYJ%27--',
        'year=20x7',
        'page=0',
        'pageSize=1000',
        'limit=5',
        'sort=name&sort=code',
      ]) {
        const res = await jyj.get(`/api/projects?${qs}`);
        expect({ qs, status: res.status }).toEqual({ qs, status: 400 });
        expect(res.headers.get('content-type')).toMatch(/problem\+json/);
      }
    });
  });

  describe('lists', () => {
    beforeAll(async () => {
      await wjw.post('/api/projects', sampleForm({ projectName: '卫健委：全民健康信息平台', planYear: 2028 }));
      await wjw.post('/api/projects', sampleForm({ projectName: '卫健委：家庭医生签约系统', planYear: 2027 }));
    });

    it('should show a department only its own and shared projects', async () => {
      const res = await wjw.get<{ items: { orgCode: string; participants: { code: string }[] }[]; total: number }>(
        '/api/projects?pageSize=100',
      );
      expect(res.body.total).toBe(3);
      expect(res.body.items.every((p) => p.orgCode === 'WJW' || p.participants.some((x) => x.code === 'WJW'))).toBe(
        true,
      );
    });

    it('should show the bureaus and the auditor everything', async () => {
      const all = await count('project');
      expect((await bureau.get<{ total: number }>('/api/projects')).body.total).toBe(all);
      expect((await auditor.get<{ total: number }>('/api/projects')).body.total).toBe(all);
    });

    it('should filter by stage, organisation, year and text, and page', async () => {
      const byOrg = await bureau.get<{ items: { orgCode: string }[]; total: number }>('/api/projects?orgCode=WJW');
      expect(byOrg.body.total).toBe(2);
      const byYear = await bureau.get<{ total: number }>('/api/projects?orgCode=WJW&year=2028');
      expect(byYear.body.total).toBe(1);
      const byText = await bureau.get<{ items: { name: string }[] }>(
        `/api/projects?q=${encodeURIComponent('家庭医生')}`,
      );
      expect(byText.body.items.map((p) => p.name)).toEqual(['卫健委：家庭医生签约系统']);
      const byStage = await bureau.get<{ total: number }>('/api/projects?stage=submitted');
      expect(byStage.body.total).toBe(0);
      const page = await bureau.get<{ items: unknown[]; total: number; page: number; pageSize: number }>(
        '/api/projects?pageSize=2&page=2',
      );
      expect(page.body).toMatchObject({ page: 2, pageSize: 2 });
      expect(page.body.items).toHaveLength(2);
    });

    it('should sort by allow-listed fields in both directions', async () => {
      const asc = await bureau.get<{ items: { totalInvestment?: string; investment: { total: string } }[] }>(
        '/api/projects?sort=totalInvestment:asc&pageSize=100',
      );
      const totals = asc.body.items.map((p) => Number(p.investment.total));
      expect(totals).toEqual([...totals].sort((a, b) => a - b));
      const desc = await bureau.get<{ items: { name: string }[] }>('/api/projects?sort=name:desc&pageSize=100');
      const names = desc.body.items.map((p) => p.name);
      expect(names[0]! >= names[names.length - 1]!).toBe(true);
    });

    it('should export the same filtered list as Excel', async () => {
      const res = await bureau.get('/api/projects/export.xlsx?orgCode=WJW&sort=name:asc');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/spreadsheetml/);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.raw as unknown as ArrayBuffer);
      const ws = wb.getWorksheet('项目清单')!;
      expect(ws.getRow(1).getCell(2).value).toBe('项目名称');
      expect(ws.rowCount).toBe(3);
      // code-point order, as both SQLite (binary) and utf8mb4_unicode_ci order CJK ideographs
      expect([ws.getRow(2).getCell(2).value, ws.getRow(3).getCell(2).value]).toEqual([
        '卫健委：全民健康信息平台',
        '卫健委：家庭医生签约系统',
      ]);
      expect(ws.getRow(2).getCell(13).value).toBe(150.75);
      // a department's export contains only what it can see
      const own = await wjw.get('/api/projects/export.xlsx');
      const wb2 = new ExcelJS.Workbook();
      await wb2.xlsx.load(own.raw as unknown as ArrayBuffer);
      expect(wb2.getWorksheet('项目清单')!.rowCount).toBe(4);
      expect((await wjw.get('/api/projects/export.xlsx?sort=password')).status).toBe(400);
    });
  });

  describe('versions and submission', () => {
    let id: number;
    beforeAll(async () => {
      id = (await jyj.post<{ project: { id: number } }>('/api/projects', sampleForm({ projectName: '智慧校园安防' })))
        .body.project.id;
    });

    it('should create version n+1 on resubmission and return the field-level diff', async () => {
      const res = await jyj2.post<{ version: number; changes: Json[]; project: Json }>(
        `/api/projects/${id}/applications`,
        sampleForm({
          projectName: '智慧校园安防（修订）',
          investment: { fiscal: '100.00', loan: '0', selfRaised: '30', other: '0.25' },
        }),
      );
      expect(res.status).toBe(201);
      expect(res.body.version).toBe(2);
      expect(res.body.changes).toEqual([
        { field: 'projectName', label: '项目名称', before: '智慧校园安防', after: '智慧校园安防（修订）' },
        { field: 'investment.fiscal', label: '项目投资-财政资金', before: '120.50', after: '100.00' },
      ]);
      expect(res.body.project).toMatchObject({
        name: '智慧校园安防（修订）',
        currentVersion: 2,
        investment: { total: '130.25' },
      });
      const versions = await jyj.get<{ version: number }[]>(`/api/projects/${id}/applications`);
      expect(versions.body.map((v) => v.version)).toEqual([1, 2]);
      const v2 = await jyj.get<{ changes: Json[]; form: Json }>(`/api/projects/${id}/applications/2`);
      expect(v2.body.changes).toHaveLength(2);
      expect(v2.body.form).toMatchObject({ projectName: '智慧校园安防（修订）' });
      expect((await jyj.get(`/api/projects/${id}/applications/9`)).status).toBe(404);
    });

    it('should print a version of 附件1 as a Word document with the form filled in', async () => {
      const res = await jyj.get(`/api/projects/${id}/applications/2/print.docx`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/wordprocessingml/);
      const zip = await JSZip.loadAsync(res.raw);
      const xml = await zip.file('word/document.xml')!.async('string');
      for (const text of [
        '附件1',
        '2027年度政务信息化项目申报表',
        '智慧校园安防（修订）',
        '区教育局',
        '130.25',
        '100.00',
        '2027年03月至2027年10月',
        '第 2 版',
      ]) {
        expect(xml).toContain(text);
      }
      expect((await wjw.get(`/api/projects/${id}/applications/2/print.docx`)).status).toBe(404);
      expect((await jyj.get(`/api/projects/${id}/applications/7/print.docx`)).status).toBe(404);
    });

    it('should refuse submission until the R6 materials are attached', async () => {
      const res = await jyj.post<{ missing: string[]; rule: string }>(`/api/projects/${id}/submit`);
      expect(res.status).toBe(422);
      expect(res.body.rule).toBe('R6');
      expect(res.body.missing).toEqual([
        'construction-basis',
        'construction-plan',
        'budget-estimate',
        'feasibility-report',
      ]);
    });

    it('should submit once the materials are there, then lock the form', async () => {
      for (const kind of ['construction-basis', 'construction-plan', 'budget-estimate', 'feasibility-report']) {
        expect((await upload(jyj, id, kind, { name: `${kind}.pdf`, data: files.pdf() })).status).toBe(201);
      }
      const res = await jyj.post<{ project: Json; applicability: Json }>(`/api/projects/${id}/submit`);
      expect(res.status).toBe(200);
      expect(res.body.project).toMatchObject({ stage: 'submitted' });
      expect(res.body.applicability).toMatchObject({ governed: true, rule: 'R2.1' });
      expect((await jyj.post(`/api/projects/${id}/submit`)).status).toBe(409);
      expect((await jyj.post(`/api/projects/${id}/applications`, sampleForm())).status).toBe(409);
    });

    it('should recognise a department-budget project of 10万元 or less as not governed (R2.2)', async () => {
      const small = await jyj.post<{ project: { id: number } }>(
        '/api/projects',
        sampleForm({
          projectName: '办公电脑',
          departmentBudget: true,
          investment: { fiscal: '10.00', loan: '0', selfRaised: '0', other: '0' },
        }),
      );
      const res = await jyj.post<{ project: Json; applicability: { governed: boolean; reason: string } }>(
        `/api/projects/${small.body.project.id}/submit`,
      );
      expect(res.status).toBe(200);
      expect(res.body.applicability.governed).toBe(false);
      expect(res.body.applicability.reason).toMatch(/R2\.2/);
      expect(res.body.project).toMatchObject({ stage: 'not-governed' });
    });

    it('should refuse a late application unless it is urgent (R6, R8.2)', async () => {
      clock.now = Date.parse('2026-10-08T02:00:00Z');
      await jyj.login('jyj.a', PASSWORD); // three weeks later: the old session is long idle
      try {
        const late = await jyj.post<{ project: { id: number } }>(
          '/api/projects',
          sampleForm({ projectName: '迟报项目' }),
        );
        const lateId = late.body.project.id;
        for (const kind of ['construction-basis', 'construction-plan', 'budget-estimate', 'feasibility-report']) {
          await upload(jyj, lateId, kind, { name: 'x.pdf', data: files.pdf() });
        }
        const res = await jyj.post<{ rule: string }>(`/api/projects/${lateId}/submit`);
        expect(res.status).toBe(422);
        expect(res.body.rule).toBe('R6');
        await jyj.post(`/api/projects/${lateId}/applications`, sampleForm({ projectName: '迟报项目', urgent: true }));
        expect((await jyj.post(`/api/projects/${lateId}/submit`)).status).toBe(200);
      } finally {
        clock.now = Date.parse('2026-09-15T02:00:00Z');
        await jyj.login('jyj.a', PASSWORD);
      }
    });
  });

  describe('attachments', () => {
    let id: number;
    beforeAll(async () => {
      id = (await jyj.post<{ project: { id: number } }>('/api/projects', sampleForm({ projectName: '附件测试' }))).body
        .project.id;
    });
    const storedFiles = () => fs.readdirSync(api.uploadDir);

    it('should store under a generated name with an SM3 digest and serve it back intact', async () => {
      const data = files.pdf();
      const res = await upload(jyj, id, 'feasibility-report', { name: '可行性研究报告.pdf', data });
      expect(res.status).toBe(201);
      const a = res.body as { id: number; originalName: string; sm3: string; mediaType: string; size: number };
      expect(a).toMatchObject({ originalName: '可行性研究报告.pdf', mediaType: 'application/pdf', size: data.length });
      expect(a.sm3).toMatch(/^[0-9a-f]{64}$/);
      expect(storedFiles().some((f) => /^[0-9a-f-]{36}\.pdf$/.test(f))).toBe(true);
      const dl = await jyj.get(`/api/attachments/${a.id}/content`);
      expect(dl.status).toBe(200);
      expect(dl.raw.equals(data)).toBe(true);
      expect(dl.headers.get('content-disposition')).toContain(encodeURIComponent('可行性研究报告.pdf'));
      expect((await wjw.get(`/api/attachments/${a.id}/content`)).status).toBe(404);
      const list = await bureau.get<unknown[]>(`/api/projects/${id}/attachments`);
      expect(list.body).toHaveLength(1);
    });

    it('should decide the type by content: a PNG named .pdf is a PNG, an EXE named .pdf is refused', async () => {
      const png = await upload(jyj, id, 'other', { name: 'scan.pdf', data: files.png() });
      expect(png.status).toBe(201);
      expect(png.body).toMatchObject({ mediaType: 'image/png' });
      const before = storedFiles().length;
      const exe = await upload(jyj, id, 'other', { name: 'report.pdf', data: files.exe() });
      expect(exe.status).toBe(415);
      expect(exe.headers.get('content-type')).toMatch(/problem\+json/);
      expect(storedFiles()).toHaveLength(before);
    });

    it('should neutralise path traversal in file names', async () => {
      const res = await upload(jyj, id, 'other', { name: '../../../../etc/cron.d/evil.pdf', data: files.pdf() });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ originalName: 'evil.pdf' });
      expect(fs.existsSync('/etc/cron.d/evil.pdf')).toBe(false);
      expect(storedFiles().every((f) => /^[0-9a-f-]{36}\.\w+$/.test(f))).toBe(true);
    });

    it('should refuse oversize files (413), missing files, unknown kinds and extra fields, storing nothing', async () => {
      const rows = await count('attachment');
      const onDisk = storedFiles().length;
      const big = Buffer.concat([files.pdf(), Buffer.alloc(api.config.UPLOAD_MAX_BYTES)]);
      const tooBig = await upload(jyj, id, 'other', { name: 'big.pdf', data: big });
      expect(tooBig.status).toBe(413);
      expect((await upload(jyj, id, 'malware', { name: 'a.pdf', data: files.pdf() })).status).toBe(400);
      expect(
        (await jyj.request('POST', `/api/projects/${id}/attachments`, { body: multipart({ kind: 'other' }) })).status,
      ).toBe(400);
      expect(
        (
          await jyj.request('POST', `/api/projects/${id}/attachments`, {
            body: multipart({ kind: 'other', path: '/tmp' }, { name: 'a.pdf', data: files.pdf() }),
          })
        ).status,
      ).toBe(400);
      expect((await jyj.post(`/api/projects/${id}/attachments`, { kind: 'other' })).status).toBe(415);
      expect(await count('attachment')).toBe(rows);
      expect(storedFiles()).toHaveLength(onDisk);
    });

    it('should not let another department upload to the project', async () => {
      const res = await upload(wjw, id, 'other', { name: 'a.pdf', data: files.pdf() });
      expect(res.status).toBe(404);
    });

    it('should notice a file changed on disk (SM3 mismatch)', async () => {
      const res = await upload(jyj, id, 'other', { name: 'tamper.pdf', data: files.pdf() });
      const a = res.body as { id: number };
      const stored = storedFiles().map((f) => `${api.uploadDir}/${f}`);
      const row = (await api.ds.query('SELECT stored_name FROM attachment WHERE id = ?', [a.id])) as {
        stored_name: string;
      }[];
      fs.appendFileSync(
        stored.find((p) => p.endsWith(row[0]!.stored_name))!,
        'x',
      );
      const dl = await jyj.get(`/api/attachments/${a.id}/content`);
      expect(dl.status).toBe(500);
      expect(dl.headers.get('content-type')).toMatch(/problem\+json/);
    });
  });

  it('should audit every write', async () => {
    const rows = (await api.ds.query(
      "SELECT action, COUNT(*) AS n FROM audit_log WHERE outcome = 'success' GROUP BY action",
    )) as {
      action: string;
      n: number;
    }[];
    const actions = Object.fromEntries(rows.map((r) => [r.action, Number(r.n)]));
    expect(actions).toMatchObject({
      'projects.create': expect.any(Number),
      'applications.resubmit': expect.any(Number),
      'projects.submit': expect.any(Number),
      'attachments.upload': expect.any(Number),
    });
    expect(await api.services.audit.verify()).toBeNull();
  });
});
