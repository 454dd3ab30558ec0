/**
 * A department submits an application (附件1) in the browser: fills the form, attaches real files
 * for the R6 materials, submits; the project is then in the department's list, its process is
 * started, and the attachment downloads with the bytes that were uploaded.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import {
  apiSession,
  describeBrowser,
  launchBrowser,
  newPage,
  screenshot,
  startTestServer,
  type TestServer,
} from '../support/browser';
import { R24_ITEMS, R24_KEYS } from '../../services/domain/r24-items';
import { ApplyPage } from './pages/ApplyPage';
import { LayoutPage } from './pages/LayoutPage';
import { LoginPage } from './pages/LoginPage';
import { ProjectPage } from './pages/ProjectPage';
import { R9_NO_CATALOGUE } from '../../workers/materials-check';
import { Client, files as sampleFiles, multipart, sampleForm } from '../services/support/api';

jest.setTimeout(300_000);

const expected = (p: string) => /Failed to load resource: the server responded with a status of (401|404)/.test(p);

interface Project {
  id: number;
  name: string;
  stage: string;
  processInstanceKey: string | null;
  returnReasons: string[];
}

describeBrowser('application submission (browser)', () => {
  let server: TestServer;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-apply-'));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Vite compiles the UI on first request: on a busy machine that takes longer than the defaults */
  function slowMachine(page: Page): void {
    page.setDefaultNavigationTimeout(180_000);
    page.setDefaultTimeout(90_000);
  }

  /** a small but real PDF document per material */
  function pdf(name: string, text: string): string {
    const body = `%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n% ${text}\ntrailer << /Root 1 0 R >>\n%%EOF\n`;
    const file = path.join(dir, name);
    fs.writeFileSync(file, body);
    return file;
  }

  it('should let a department fill 附件1, attach the materials and submit, starting the process', async () => {
    const { context, page, problems } = await newPage(browser, server.baseUrl);
    slowMachine(page);
    const name = `浏览器申报测试项目 ${Date.now()}`;
    try {
      await (await new LoginPage(page).open()).login('jyj.staff', server.demoPassword);
      const layout = new LayoutPage(page);
      await layout.waitUntilSignedIn();
      await layout.go('dashboard');
      const apply = new ApplyPage(page);
      await apply.openFromDashboard();
      await apply.fill({
        projectName: name,
        summary: '建设智慧校园统一身份认证平台，依据区教育信息化规划。',
        fundFiscal: '80.5',
        fundSelf: '19.5',
        responsiblePerson: '王五',
        contactPerson: '赵六',
        contactPhone: '0564-6667788',
        email: 'jyj.apply@yeji.gov.cn',
        sharingAnalysis: '身份数据接入区共享交换平台（R9）。',
        securityStatement: '采购的服务器与数据库均为安全可靠产品（R14）。',
      });
      await apply.choose('升级改造');
      // R16/R24: the hint names what is not ticked until every item is
      const hint = page.locator('[data-test="r24-hint"]');
      await expect(hint.innerText()).resolves.toContain(R24_ITEMS['domestic-crypto']);
      for (const label of Object.values(R24_ITEMS)) {
        await page.locator('[data-test="r24-compliance"] .el-checkbox').filter({ hasText: label }).first().click();
      }
      await hint.waitFor({ state: 'detached' });
      // R6: the supervising department's opinion and seal
      await apply.fill({ supervisorOpinion: '同意申报' });
      await page.locator('[data-test="supervisor-sealed"]').click();
      await expect(page.locator('[data-test="investment-total"]').innerText()).resolves.toBe('100.00');
      const files: Record<string, string> = {};
      for (const kind of ['construction-basis', 'construction-plan', 'budget-estimate', 'feasibility-report']) {
        files[kind] = pdf(`${kind}.pdf`, `${name} ${kind}`);
        await apply.attach(kind, files[kind]);
      }
      await screenshot(page, 'screen-apply');
      await apply.submit();

      // then: the project page of the new project, with its attachments
      const project = new ProjectPage(page);
      await project.head().waitFor({ timeout: 60_000 });
      await expect(project.head().innerText()).resolves.toContain(name);
      const links = page.locator('[data-test="attachments"] [data-test="attachment-link"]');
      await links.nth(3).waitFor();
      expect(await links.count()).toBe(4);

      // the department's list has it, submitted, with its process started
      const api = await apiSession(server.baseUrl, 'jyj.staff', server.demoPassword);
      const { items } = await api<{ items: Project[] }>(`/api/projects?q=${encodeURIComponent(name)}`);
      expect(items).toHaveLength(1);
      expect(items[0]).toMatchObject({ name, processInstanceKey: expect.stringMatching(/^\d+$/) });
      // the demo's 教育局 keeps no 信息资源目录: the materials check returns the application for R9
      // alone — what was ticked on the screen satisfies R16/R24
      let checked = items[0]!;
      for (let i = 0; i < 120 && checked.stage === 'submitted'; i++) {
        await new Promise((r) => setTimeout(r, 250));
        checked = await api<Project>(`/api/projects/${items[0]!.id}`);
      }
      expect(checked).toMatchObject({ stage: 'returned', returnReasons: [R9_NO_CATALOGUE] });
      const pathOf = await api<{ processInstanceKey: string; timeline: unknown[] }>(
        `/api/projects/${items[0]!.id}/path`,
      );
      expect(pathOf.processInstanceKey).toBe(items[0]!.processInstanceKey);
      expect(pathOf.timeline.length).toBeGreaterThan(0);
      // what was ticked and stated on the screen is in version 1 of 附件1
      const v1 = await api<{ form: { r24Compliance: string[]; procuresProducts: boolean; securityStatement: string } }>(
        `/api/projects/${items[0]!.id}/applications/1`,
      );
      expect(v1.form).toMatchObject({
        r24Compliance: R24_KEYS,
        procuresProducts: true,
        securityStatement: '采购的服务器与数据库均为安全可靠产品（R14）。',
      });

      // the attachment downloads with the uploaded bytes (through the browser's session)
      const link = links.filter({ hasText: 'feasibility-report.pdf' });
      const href = await link.getAttribute('href');
      const res = await page.request.get(href!);
      expect(res.status()).toBe(200);
      expect(Buffer.from(await res.body()).equals(fs.readFileSync(files['feasibility-report']!))).toBe(true);
      await page.locator('.djs-container').first().waitFor({ timeout: 30_000 });
      await screenshot(page, 'screen-project-submitted');
      expect(problems.filter((p) => !expected(p))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('should show a returned application (退回修改) with its reasons, let the department edit 附件1 and resubmit, and show version 2 with its changes', async () => {
    // the department applies over HTTP without the R16/R24 ticks: the materials check returns it
    const name = `退回修改浏览器测试 ${Date.now()}`;
    const client = new Client(server.baseUrl);
    await client.login('jyj.staff', server.demoPassword);
    // R6: a plan year still open for applications (as the application screen proposes)
    const now = new Date();
    const planYear = now.getMonth() >= 9 ? now.getFullYear() + 2 : now.getFullYear() + 1;
    const created = await client.post<{ project: { id: number } }>(
      '/api/projects',
      sampleForm({
        projectName: name,
        planYear,
        constructionPeriod: { start: `${planYear}-03`, end: `${planYear}-10` },
        securityStatement: '采购产品均为安全可靠产品（R14）。',
        supervisorSealed: true,
      }),
    );
    expect(created.status).toBe(201);
    const id = created.body.project.id;
    for (const kind of ['construction-basis', 'construction-plan', 'budget-estimate', 'feasibility-report']) {
      const up = await client.request('POST', `/api/projects/${id}/attachments`, {
        body: multipart({ kind }, { name: `${kind}.pdf`, data: sampleFiles.pdf(), type: 'application/pdf' }),
      });
      expect(up.status).toBe(201);
    }
    expect((await client.post(`/api/projects/${id}/submit`)).status).toBe(200);
    const api = await apiSession(server.baseUrl, 'jyj.staff', server.demoPassword);
    const waitForStage = async (stage: string) => {
      for (let i = 0; i < 120; i++) {
        const p = await api<{ stage: string; returnReasons: string[] }>(`/api/projects/${id}`);
        if (p.stage === stage) return p;
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`project ${id} never reached ${stage}`);
    };
    const returned = await waitForStage('returned');
    expect(returned.returnReasons.some((r) => r.startsWith('R16/R24'))).toBe(true);

    const { context, page, problems } = await newPage(browser, server.baseUrl);
    slowMachine(page);
    try {
      await (await new LoginPage(page).open()).login('jyj.staff', server.demoPassword);
      await new LayoutPage(page).waitUntilSignedIn();
      const project = new ProjectPage(page);
      await project.open(id);
      await project.returned().waitFor();
      await expect(project.returned().innerText()).resolves.toContain('R16/R24');
      await project.revise();
      // the form holds version 1 and the reasons; tick the R16/R24 items, add the R9 catalogue
      await expect(page.locator('[data-test="application-form"] input[name="projectName"]').inputValue()).resolves.toBe(
        name,
      );
      for (const label of Object.values(R24_ITEMS)) {
        await page.locator('[data-test="r24-compliance"] .el-checkbox').filter({ hasText: label }).first().click();
      }
      await page.locator('[data-test="r24-hint"]').waitFor({ state: 'detached' });
      const apply = new ApplyPage(page);
      await apply.fill({ remarks: '已按退回意见逐项落实建设要求，补充信息资源目录。' });
      await apply.attach('resource-catalogue', pdf('resource-catalogue.pdf', `${name} 信息资源目录`));
      await screenshot(page, 'screen-apply-revise');
      await apply.submit();

      // back on the project page: version 2 with its changes; the process checks the materials again
      await project.head().waitFor({ timeout: 60_000 });
      const changes = project.versions().locator('[data-test="version-changes"]');
      await changes.waitFor();
      await expect(project.versions().locator('[data-test="version-head"]').innerText()).resolves.toContain('第 2 版');
      await expect(changes.innerText()).resolves.toContain('建设要求符合情况（R16、R24）');
      await expect(changes.innerText()).resolves.toContain('已按退回意见逐项落实建设要求');
      await screenshot(page, 'screen-project-resubmitted');
      expect(problems.filter((p) => !expected(p))).toEqual([]);
    } finally {
      await context.close();
    }
    const submitted = await waitForStage('submitted');
    expect(submitted.returnReasons).toEqual([]);
    const v2 = await api<{ form: { r24Compliance: string[] }; changes: { field: string }[] }>(
      `/api/projects/${id}/applications/2`,
    );
    expect(v2.form.r24Compliance).toEqual(R24_KEYS);
    expect(v2.changes.map((c) => c.field)).toEqual(['remarks', 'r24Compliance']);
    // the process passed 退回修改 and checked the materials a second time, which passed
    const done = async (el: string) =>
      (await api<{ timeline: { elementId: string; state: string }[] }>(`/api/projects/${id}/path`)).timeline.filter(
        (t) => t.elementId === el && t.state === 'COMPLETED',
      ).length;
    expect(await done('Task_ReviseApplication')).toBe(1);
    for (let i = 0; i < 80 && (await done('Gateway_MaterialsOk')) < 2; i++)
      await new Promise((r) => setTimeout(r, 250));
    expect(await done('Task_MaterialsCheck')).toBe(2);
    expect(await done('Gateway_MaterialsOk')).toBe(2);
    expect((await api<{ stage: string }>(`/api/projects/${id}`)).stage).toBe('submitted');
  });

  it('should refuse a submission without the R6 materials, in the form', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    slowMachine(page);
    try {
      await (await new LoginPage(page).open()).login('jyj.staff', server.demoPassword);
      const layout = new LayoutPage(page);
      await layout.waitUntilSignedIn();
      await layout.go('dashboard');
      const apply = new ApplyPage(page);
      await apply.openFromDashboard();
      await apply.fill({ projectName: '缺材料的申报' });
      await apply.submit();
      await apply.error().waitFor();
      await expect(apply.error().innerText()).resolves.toContain('R6');
      // R14: a project that buys products states that they are 安全可靠; one that buys none need not
      for (const kind of ['construction-basis', 'construction-plan', 'budget-estimate', 'feasibility-report']) {
        await apply.attach(kind, pdf(`r14-${kind}.pdf`, kind));
      }
      await apply.submit();
      await page.locator('[data-test="apply-error"]', { hasText: 'R14' }).waitFor();
    } finally {
      await context.close();
    }
  });
});
