/**
 * Reviewers in the browser, on the demo's project in joint review (区人民医院互联网医院信息系统: the
 * cyberspace office and two experts have not submitted yet, R7): each opens the task, fills its
 * form-js form and submits; the live view's count on the expert-scoring element drops by itself
 * (no reload) when the last expert completes through the API; then the engine moves on past the
 * joint review.
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
import { LayoutPage } from './pages/LayoutPage';
import { LoginPage } from './pages/LoginPage';
import { TaskPage } from './pages/TaskPage';

jest.setTimeout(600_000);

const PROJECT = '区人民医院互联网医院信息系统';

interface Task {
  key: string;
  name: string;
  elementId: string;
  state: string;
  assignee: string | null;
  processInstanceKey: string;
}
interface Path {
  state: string;
  active: string[];
  timeline: {
    elementId: string;
    state: string;
    actor?: string | null;
    decision?: string | null;
    endDate: string | null;
  }[];
}
interface Stat {
  elementId: string;
  active: number;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 240_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** POST with a signed-in user's session (the browser's way: cookie and CSRF header) */
async function apiPost(baseUrl: string, username: string, password: string, p: string, body: unknown) {
  const login = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
    body: JSON.stringify({ username, password }),
  });
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const res = await fetch(`${baseUrl}${p}`, {
    method: 'POST',
    headers: { Cookie: cookie, 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${p} as ${username}: ${res.status} ${await res.text()}`);
}

describeBrowser('reviewers and the live view (browser)', () => {
  let server: TestServer;
  let browser: Browser;
  let projectId: number;
  let lifecycleKey: string;

  const tasksOf = async (username: string, scope: 'mine' | 'group') => {
    const api = await apiSession(server.baseUrl, username, server.demoPassword);
    const { items } = await api<{ items: Task[] }>(`/api/tasks?scope=${scope}&q=${encodeURIComponent(PROJECT)}`);
    return items;
  };
  const pathOf = async () => {
    const manager = await apiSession(server.baseUrl, 'sgj.manager', server.demoPassword);
    return manager<Path>(`/api/projects/${projectId}/path`);
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    const manager = await apiSession(server.baseUrl, 'sgj.manager', server.demoPassword);
    const defs = await manager<{ processDefinitionId: string; latestKey: string }[]>('/api/process-definitions');
    lifecycleKey = defs.find((d) => d.processDefinitionId === 'project-lifecycle')!.latestKey;
    const { items } = await manager<{ items: { id: number }[] }>(`/api/projects?q=${encodeURIComponent(PROJECT)}`);
    projectId = items[0]!.id;
    // the demo drives the instance to the joint review in the background
    await until('the joint review waiting for the cyberspace office and two experts', async () => {
      const [office, e2, e3] = await Promise.all([
        tasksOf('wxb.staff', 'group'),
        tasksOf('expert2', 'mine'),
        tasksOf('expert3', 'mine'),
      ]);
      return office.some((t) => t.elementId === 'Task_ReviewCyberspace') &&
        e2.some((t) => t.elementId === 'Task_ExpertScoring') &&
        e3.some((t) => t.elementId === 'Task_ExpertScoring')
        ? true
        : undefined;
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signIn(username: string): Promise<{ page: Page; close(): Promise<void> }> {
    const { context, page } = await newPage(browser, server.baseUrl);
    // Vite compiles the UI on first request: a busy machine needs more than the defaults
    page.setDefaultNavigationTimeout(180_000);
    page.setDefaultTimeout(90_000);
    await (await new LoginPage(page).open()).login(username, server.demoPassword);
    await new LayoutPage(page).waitUntilSignedIn();
    return { page, close: () => context.close() };
  }

  it('should let the reviewers complete their tasks through the forms', async () => {
    // the cyberspace office: a group task, claimed, then the review-opinion form
    const [office] = (await tasksOf('wxb.staff', 'group')).filter((t) => t.elementId === 'Task_ReviewCyberspace');
    {
      const { page, close } = await signIn('wxb.staff');
      try {
        const task = new TaskPage(page);
        await task.open(PROJECT, office!.name, '我所在组的任务');
        await task.claim();
        await task.choose('审查结论', '通过');
        await task.fill('意见及理由', '网络安全方案符合等级保护要求，同意通过。');
        await screenshot(page, 'screen-review-form');
        await task.submit();
      } finally {
        await close();
      }
    }
    // an expert: the task is assigned to them; the expert-scoring form
    const [scoring] = (await tasksOf('expert2', 'mine')).filter((t) => t.elementId === 'Task_ExpertScoring');
    {
      const { page, close } = await signIn('expert2');
      try {
        const task = new TaskPage(page);
        await task.open(PROJECT, scoring!.name, '我的任务');
        for (const [label, v] of [
          ['规划科学性', '85'],
          ['资源共享性', '80'],
          ['建设可行性', '88'],
          ['概算合理性', '78'],
          ['密码应用安全性', '82'],
        ]) {
          await task.fill(label!, v!);
        }
        await task.choose('评审建议', '通过');
        await task.fill('专家意见', '方案可行，建议通过。');
        await task.check('本人与该项目无利害关系');
        await screenshot(page, 'screen-expert-form');
        await task.submit();
      } finally {
        await close();
      }
    }
    // then: both tasks are completed in the engine, with who completed them on the project's timeline
    const manager = await apiSession(server.baseUrl, 'sgj.manager', server.demoPassword);
    const wxb = await apiSession(server.baseUrl, 'wxb.staff', server.demoPassword);
    await expect(wxb<Task>(`/api/tasks/${office!.key}`)).resolves.toMatchObject({ state: 'COMPLETED' });
    const e2 = await apiSession(server.baseUrl, 'expert2', server.demoPassword);
    await expect(e2<Task>(`/api/tasks/${scoring!.key}`)).resolves.toMatchObject({ state: 'COMPLETED' });
    const path = await manager<Path>(`/api/projects/${projectId}/path`);
    expect(path.active).not.toContain('Task_ReviewCyberspace');
    const done = path.timeline.filter((t) => t.elementId === 'Task_ReviewCyberspace' && t.state === 'COMPLETED');
    expect(done.length).toBeGreaterThan(0);
    expect(done.some((t) => !!t.actor)).toBe(true);
    expect(await tasksOf('wxb.staff', 'group')).not.toContainEqual(expect.objectContaining({ key: office!.key }));
  });

  it("should change the live view's count by itself when the last expert completes, and the engine moves on", async () => {
    const manager = await apiSession(server.baseUrl, 'sgj.manager', server.demoPassword);
    const stats = await manager<Stat[]>(`/api/process-definitions/${lifecycleKey}/statistics`);
    const before = stats.find((s) => s.elementId === 'Task_ExpertScoring')?.active ?? 0;
    expect(before).toBeGreaterThan(0);
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
      const badge = '.live-badge-count[data-element-id="Task_ExpertScoring"]';
      await page.waitForFunction(
        ([sel, n]) => document.querySelector(sel)?.textContent === String(n),
        [badge, before] as const,
        { timeout: 30_000 },
      );
      await screenshot(page, 'screen-live-before');
      // a marker that a reload would wipe
      await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

      // when: the last expert completes in the background, through the API
      const [last] = (await tasksOf('expert3', 'mine')).filter((t) => t.elementId === 'Task_ExpertScoring');
      await apiPost(server.baseUrl, 'expert3', server.demoPassword, `/api/tasks/${last!.key}/complete`, {
        variables: {
          scorePlanning: 90,
          scoreSharing: 84,
          scoreFeasibility: 86,
          scoreBudget: 80,
          scoreCrypto: 85,
          recommendation: 'pass',
          expertComment: '同意通过。',
          noConflictOfInterest: true,
        },
      });
      const completedAt = Date.now();

      // then: the badge shows one less (or is gone) within a few seconds, in the same document
      await page.waitForFunction(
        ([sel, n]) => {
          const el = document.querySelector(sel);
          return n - 1 === 0 ? !el || el.textContent === '0' : el?.textContent === String(n - 1);
        },
        [badge, before] as const,
        { timeout: 10_000 },
      );
      const waited = Date.now() - completedAt;
      console.warn(`[e2e] live count ${before} → ${before - 1} after ${waited} ms`);
      await expect(
        page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument),
      ).resolves.toBe(true);
      await screenshot(page, 'screen-live-after');
    } finally {
      await close();
    }
    // and the engine moved on past the joint review
    const path = await until(
      'the instance to leave the joint review',
      async () => {
        const p = await pathOf();
        return p.active.includes('Task_ExpertScoring') || p.active.includes('Task_ReviewCyberspace') ? undefined : p;
      },
      60_000,
    );
    expect(
      path.timeline.filter((t) => t.elementId === 'Task_ExpertScoring' && t.state === 'COMPLETED').length,
    ).toBeGreaterThan(0);
    expect(path.state === 'COMPLETED' || path.active.length > 0).toBe(true);
  });
});
