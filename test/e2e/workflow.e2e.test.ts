/**
 * The screens on the running system (bootstrap deploys the models, runs the workers and starts the
 * sample projects' instances): the live view's counts and the projects behind a badge, a
 * project's position and timeline, and a tasklist with the task's form-js form, claim and unclaim.
 */
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
import { LoginPage } from './pages/LoginPage';
import { LayoutPage } from './pages/LayoutPage';

jest.setTimeout(420_000);

interface Task {
  key: string;
  name: string;
  assignee: string | null;
  project: { id: number; name: string } | null;
}
interface Stat {
  elementId: string;
  active: number;
  incidents: number;
}
interface AtElement {
  processInstanceKey: string;
  project: { id: number; name: string } | null;
}

const USERS = ['sgj.staff', 'sgj.manager', 'fgw.staff', 'czj.staff', 'zf.staff', 'jyj.staff', 'wjw.staff', 'expert1'];

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 240_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

describeBrowser('workflow screens (browser)', () => {
  let server: TestServer;
  let browser: Browser;
  let lifecycleKey: string;
  let busiest: Stat;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    // the sample instances start in the background; wait until one waits at a user task
    const manager = await apiSession(server.baseUrl, 'sgj.manager', server.demoPassword);
    const defs = await manager<{ processDefinitionId: string; latestKey: string }[]>('/api/process-definitions');
    lifecycleKey = defs.find((d) => d.processDefinitionId === 'project-lifecycle')!.latestKey;
    // the busiest element where projects wait (a task or event: containers such as the construction
    // sub-process count their tokens too, but nobody waits *at* the container itself)
    busiest = await until('a token at an element of project-lifecycle', async () => {
      const stats = await manager<Stat[]>(`/api/process-definitions/${lifecycleKey}/statistics`);
      for (const s of stats.filter((x) => x.active > 0).sort((a, b) => b.active - a.active)) {
        const at = await manager<AtElement[]>(
          `/api/process-definitions/${lifecycleKey}/elements/${s.elementId}/projects`,
        );
        if (at.some((a) => a.project)) return s;
      }
      return undefined;
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signIn(username: string): Promise<{ page: Page; close(): Promise<void> }> {
    const { context, page } = await newPage(browser, server.baseUrl);
    await (await new LoginPage(page).open()).login(username, server.demoPassword);
    await new LayoutPage(page).waitUntilSignedIn();
    return { page, close: () => context.close() };
  }

  it('should draw the live counts and list the projects behind a badge', async () => {
    const manager = await apiSession(server.baseUrl, 'sgj.manager', server.demoPassword);
    const { page, close } = await signIn('sgj.manager');
    try {
      await new LayoutPage(page).go('live');
      await page.locator('[data-test="live-process"]').click();
      await page
        .locator('.el-select-dropdown__item')
        .filter({ hasText: '最新' })
        .filter({ hasText: /全生命周期|project-lifecycle/ })
        .first()
        .click();
      // the badge on the element with the most tokens shows what the API counts (polled, ≤ 2 s)
      const badge = page.locator(`.live-badge-count[data-element-id="${busiest.elementId}"]`);
      await badge.waitFor({ timeout: 15_000 });
      const now = await manager<Stat[]>(`/api/process-definitions/${lifecycleKey}/statistics`);
      const expected = now.find((s) => s.elementId === busiest.elementId)?.active ?? 0;
      await page.waitForFunction(
        ([id, n]) => document.querySelector(`.live-badge-count[data-element-id="${id}"]`)?.textContent === String(n),
        [busiest.elementId, expected] as const,
      );
      await expect(page.locator('.djs-element.live-bucket-4').count()).resolves.toBeGreaterThan(0);
      await screenshot(page, 'screen-live-counts');
      // clicking the element lists its projects
      await page.locator(`.djs-element[data-element-id="${busiest.elementId}"]`).first().click({ force: true });
      const rows = page.locator('[data-test="projects-at-element"] .el-table__body tr');
      await rows.first().waitFor();
      const at = await manager<AtElement[]>(
        `/api/process-definitions/${lifecycleKey}/elements/${busiest.elementId}/projects`,
      );
      expect(await rows.count()).toBe(at.length);
      await screenshot(page, 'screen-live-projects');
    } finally {
      await close();
    }
  });

  it("should show a project's current position, path and timeline", async () => {
    const manager = await apiSession(server.baseUrl, 'sgj.manager', server.demoPassword);
    const at = await manager<AtElement[]>(
      `/api/process-definitions/${lifecycleKey}/elements/${busiest.elementId}/projects`,
    );
    const project = at.find((a) => a.project)!.project!;
    const { page, close } = await signIn('sgj.manager');
    try {
      await new LayoutPage(page).goTo(`/projects/${project.id}`);
      await page.locator('[data-test="project-head"]').waitFor();
      await page.locator(`.djs-element.path-active[data-element-id="${busiest.elementId}"]`).waitFor();
      await expect(page.locator('.djs-element.path-done').count()).resolves.toBeGreaterThan(0);
      await expect(page.locator('.djs-connection.path-flow').count()).resolves.toBeGreaterThan(0);
      await expect(page.locator('[data-test="timeline"] .el-timeline-item').count()).resolves.toBeGreaterThan(1);
      await screenshot(page, 'screen-project');
    } finally {
      await close();
    }
  });

  it('should show a tasklist with the form beside the diagram, and claim and unclaim', async () => {
    // given: someone among the demo users with an open task
    const found = await until('a user with a task', async () => {
      for (const u of USERS) {
        const api = await apiSession(server.baseUrl, u, server.demoPassword);
        const { items } = await api<{ items: Task[] }>('/api/tasks?scope=group');
        if (items.length) return { user: u, task: items[0]! };
      }
      return undefined;
    });
    const { page, close } = await signIn(found.user);
    try {
      await new LayoutPage(page).go('tasks');
      await page.locator('[data-test="task-scope"]').getByText('我所在组的任务').click();
      const row = page
        .locator('[data-test="task-table"] .el-table__body tr')
        .filter({ hasText: found.task.name })
        .first();
      await row.waitFor();
      await screenshot(page, 'screen-tasklist');
      // when the task is opened
      await row.click();
      // then its form is rendered by form-js (read-only until claimed) and the diagram is beside it
      await page.locator('[data-test="task-form"] .fjs-form').waitFor();
      const editable = () =>
        page
          .locator('[data-test="task-form"] input:not([readonly]), [data-test="task-form"] textarea:not([readonly])')
          .count();
      const before = await editable();
      // the diagram needs GET /api/process-definitions/:key/xml, which the API grants to process
      // viewers only so far (API-NEEDS.md): a staff member then sees the placeholder, not an error
      const diagram = page.locator('[data-test="diagram"] .djs-container');
      const placeholder = page.locator('.mini-diagram .el-empty');
      await Promise.race([diagram.waitFor(), placeholder.waitFor()]);
      if (!(await diagram.isVisible()))
        console.warn(`[e2e] ${found.user} cannot load the process XML: diagram placeholder shown`);
      // claim, then unclaim
      await page.locator('[data-test="claim"]').click();
      await page.locator('[data-test="complete"]').waitFor();
      // claimed: the form becomes editable in place
      await page.waitForFunction(
        (n) =>
          document.querySelectorAll(
            '[data-test="task-form"] input:not([readonly]), [data-test="task-form"] textarea:not([readonly])',
          ).length > n,
        before,
      );
      await screenshot(page, 'screen-task');
      const me = await apiSession(server.baseUrl, found.user, server.demoPassword);
      await expect(me<Task>(`/api/tasks/${found.task.key}`)).resolves.toMatchObject({ assignee: found.user });
      await page.locator('[data-test="unclaim"]').click();
      await page.locator('[data-test="claim"]').waitFor();
      await expect(me<Task>(`/api/tasks/${found.task.key}`)).resolves.toMatchObject({ assignee: null });
    } finally {
      await close();
    }
  });
});
