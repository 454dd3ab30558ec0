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

jest.setTimeout(300_000);

const expected = (p: string) => /Failed to load resource: the server responded with a status of (401|404)/.test(p);

interface Project {
  id: number;
  name: string;
  stage: string;
  processInstanceKey: string | null;
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
      expect(items[0]).toMatchObject({ name, stage: 'submitted', processInstanceKey: expect.stringMatching(/^\d+$/) });
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
