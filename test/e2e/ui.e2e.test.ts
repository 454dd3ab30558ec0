/**
 * The UI in a real browser against the real app (Vite dev mode, as `npm start` serves it, under
 * the app's CSP): login, menus by role, every main screen renders (screenshots in
 * test-artifacts/), department scope on a direct project URL.
 */
import type { Browser } from 'playwright-core';
import {
  apiSession,
  describeBrowser,
  launchBrowser,
  newPage,
  screenshot,
  startTestServer,
  type TestServer,
} from '../support/browser';
import { LoginPage } from './pages/LoginPage';
import { LayoutPage } from './pages/LayoutPage';
import { ProjectPage } from './pages/ProjectPage';

jest.setTimeout(420_000);

/** Browser console errors that are not defects: the answers of endpoints that are not built yet. */
const expected = (p: string) => /Failed to load resource: the server responded with a status of (401|404)/.test(p);

describeBrowser('web UI (browser)', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('should render the login page under the CSP and reject a bad password', async () => {
    const { context, page, problems } = await newPage(browser, server.baseUrl);
    try {
      // given
      const login = await new LoginPage(page).open();
      await expect(login.heading().innerText()).resolves.toContain('全生命周期管理');
      await screenshot(page, 'login');
      // when
      await login.login('sgj.staff', 'wrong-password-1');
      // then
      await login.error().waitFor();
      await expect(login.error().innerText()).resolves.toMatch(/用户名或密码|密码/);
      await screenshot(page, 'login-rejected');
      expect(problems.filter((p) => !expected(p))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  const roles: { username: string; menu: string[]; screens: string[] }[] = [
    {
      username: 'admin',
      menu: ['tasks', 'dashboard', 'live', 'annual-plan', 'modeler', 'operations'],
      screens: ['operations'],
    },
    { username: 'sgj.owner', menu: ['tasks', 'dashboard', 'live', 'modeler'], screens: ['live'] },
    {
      username: 'sgj.manager',
      menu: ['tasks', 'dashboard', 'live', 'annual-plan'],
      screens: ['dashboard', 'annual-plan'],
    },
    // the annual plan is bureau-wide (the API answers 403 to a department): not in a department's menu
    { username: 'jyj.staff', menu: ['tasks', 'dashboard'], screens: ['tasks'] },
    { username: 'sjj.auditor', menu: ['tasks', 'dashboard', 'live', 'annual-plan'], screens: [] },
    { username: 'expert1', menu: ['tasks'], screens: [] },
  ];

  it.each(roles)(
    'should log in as $username and show only the screens of the role',
    async ({ username, menu, screens }) => {
      const { context, page, problems } = await newPage(browser, server.baseUrl);
      try {
        await (await new LoginPage(page).open()).login(username, server.demoPassword);
        const layout = new LayoutPage(page);
        await layout.waitUntilSignedIn();
        expect(await layout.menu()).toEqual(menu);
        for (const screen of screens) {
          await layout.go(screen);
          await page.locator('.el-main .page, .el-main .modeler-page').first().waitFor();
          await page.waitForLoadState('networkidle');
          await screenshot(page, `screen-${screen}`);
        }
        // a screen not in the role's menu is refused even by direct URL
        if (!menu.includes('operations')) {
          await layout.goTo('/operations');
          await page.locator('[data-test="not-found"]').waitFor();
        }
        expect(problems.filter((p) => !expected(p))).toEqual([]);
      } finally {
        await context.close();
      }
    },
  );

  it('should show the dashboard with stage counts, overdue projects, the project table and the Excel export', async () => {
    const { context, page } = await newPage(browser, server.baseUrl);
    try {
      await (await new LoginPage(page).open()).login('sgj.manager', server.demoPassword);
      const layout = new LayoutPage(page);
      await layout.waitUntilSignedIn();
      await layout.go('dashboard');
      // the overview: total and per-stage cards, and the statutory-deadline table
      await page.locator('[data-test="stage-cards"]').waitFor();
      await expect(page.locator('[data-test="stage-cards"] .stage-name').first().innerText()).resolves.toBe('项目总数');
      // the demo data has projects behind on their R15 quarterly reports: they are listed with their rule
      const attention = page.locator('[data-test="attention"] .el-table__body tr');
      await attention.first().waitFor();
      await expect(attention.first().innerText()).resolves.toMatch(/（R15）|（R22\.2|（R23|（R26）/);
      const rows = page.locator('[data-test="project-table"] .el-table__body tr');
      await rows.first().waitFor();
      expect(await rows.count()).toBeGreaterThan(1);
      // days in stage (calendar days, said in the header) and the stage-duration chart from the stage history
      await expect(page.locator('[data-test="days-in-stage-head"]').innerText()).resolves.toContain('自然日');
      const days = await page
        .locator('[data-test="project-table"] .el-table__body tr td:nth-child(5)')
        .allInnerTexts();
      expect(days.length).toBeGreaterThan(1);
      for (const d of days) expect(d.trim()).toMatch(/^\d+$/);
      await page.locator('[data-test="duration-chart"] canvas').waitFor();
      const href = await page.locator('[data-test="export"]').getAttribute('href');
      expect(href).toMatch(/^\/api\/projects\/export\.xlsx/);
      const xlsx = await page.request.get(href!);
      expect(xlsx.status()).toBe(200);
      expect(xlsx.headers()['content-type']).toContain('spreadsheetml');
      await screenshot(page, 'screen-dashboard-manager');
    } finally {
      await context.close();
    }
  });

  it("should not open another department's project, from the UI or by direct URL", async () => {
    // given: a project of 区卫健委 (WJW), found by a bureau manager, and a user of 区教育局 (JYJ)
    const bureau = await apiSession(server.baseUrl, 'sgj.manager', server.demoPassword);
    const { items } = await bureau<{ items: { id: number; name: string }[] }>('/api/projects?orgCode=WJW');
    const other = items[0]!;
    expect(other).toBeDefined();
    const { context, page } = await newPage(browser, server.baseUrl);
    try {
      await (await new LoginPage(page).open()).login('jyj.staff', server.demoPassword);
      const layout = new LayoutPage(page);
      await layout.waitUntilSignedIn();
      // the department's list does not contain it
      await layout.go('dashboard');
      await page.locator('[data-test="project-table"]').waitFor();
      await page.waitForLoadState('networkidle');
      const names = await page.locator('[data-test="project-table"] .el-table__body tr td:first-child').allInnerTexts();
      expect(names.length).toBeGreaterThan(0);
      expect(names).not.toContain(other.name);
      // when: opened by direct URL
      const project = new ProjectPage(page);
      await project.open(other.id);
      // then
      await project.forbidden().waitFor();
      await expect(project.head().count()).resolves.toBe(0);
      await screenshot(page, 'project-forbidden');
    } finally {
      await context.close();
    }
  });
});
