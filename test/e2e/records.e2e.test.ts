/**
 * The project's records on the project page and the annual plan screen, on the demo's running
 * system, driven on from where the demo placed the instances (services/demo/process-demo.ts):
 * - 应急指挥一体化平台 has its R22.2 application on file: the data bureau's decision route fails it
 *   (R14 item), the department re-applies with the documents, the second decision passes → two
 *   attempts; its R12/R13 rounds were recorded on the way there;
 * - 雪亮工程 waits at Task_KeyProjectApproval: the DRC's fgw.staff approves → the R5 approver;
 * - 农村饮水安全 is in construction: the data bureau orders rectification (R26), the department
 *   reports, the data bureau finds it satisfactory → reporter and closer;
 * - the annual plan of the demo's plan year with its entries, amounts and 资金安排 column (the demo
 *   writes its plans through the domain, so no entry has an allocation: the column says 未安排).
 * Everything through the API and the task service as the users of the candidate groups.
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
import { ProjectPage } from './pages/ProjectPage';

jest.setTimeout(600_000);

const ACCEPTANCE = '应急指挥一体化平台';
const KEY_PROJECT = '雪亮工程视频监控联网平台升级';
const CONSTRUCTION = '农村饮水安全信息化监管系统';

interface Task {
  key: string;
  elementId: string;
  assignee: string | null;
  processInstanceKey: string;
}
interface UserRef {
  username: string;
  displayName: string;
  orgName?: string;
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

/** today in China (the forms' dates must not lie in the future) */
const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
const inDays = (n: number) => new Date(Date.now() + 8 * 3600_000 + n * 86_400_000).toISOString().slice(0, 10);

/** "孙敏（区数据资源管理局）" as the UI names a user (modeler-ui/src/records.ts who) */
/** the sign-in page asks who is signed in first (401); nothing else may fail */
const expected = (p: string) => /Failed to load resource: the server responded with a status of 401/.test(p);

const named = (u: UserRef) => (u.orgName ? `${u.displayName || u.username}（${u.orgName}）` : u.displayName);

describeBrowser('project records and the annual plan (browser)', () => {
  let server: TestServer;
  let browser: Browser;
  const ids: Record<string, number> = {};
  /** the project's process instance: an expert's task list does not name the project */
  const instances: Record<string, string> = {};

  /** a signed-in user's POST (cookie and CSRF header, as the browser sends them) */
  async function post(username: string, p: string, body: unknown): Promise<{ status: number; body: unknown }> {
    const login = await fetch(`${server.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
      body: JSON.stringify({ username, password: server.demoPassword }),
    });
    if (!login.ok) throw new Error(`login as ${username}: ${login.status}`);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const res = await fetch(`${server.baseUrl}${p}`, {
      method: 'POST',
      headers: { Cookie: cookie, 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
  }
  /** a department user's upload of a (small, real) PDF as an attachment of the given kind */
  async function upload(username: string, pid: number, kind: string, name: string) {
    const login = await fetch(`${server.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
      body: JSON.stringify({ username, password: server.demoPassword }),
    });
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const form = new FormData();
    form.append('kind', kind);
    form.append('file', new Blob([`%PDF-1.4\n% ${kind}\n%%EOF\n`], { type: 'application/pdf' }), name);
    const res = await fetch(`${server.baseUrl}/api/projects/${pid}/attachments`, {
      method: 'POST',
      headers: { Cookie: cookie, 'X-Requested-With': 'XMLHttpRequest' },
      body: form,
    });
    return { status: res.status, body: (await res.json()) as unknown };
  }
  const get = async <T>(username: string, p: string) =>
    (await apiSession(server.baseUrl, username, server.demoPassword))<T>(p);

  /** the user of the candidate group claims (if needed) and completes the project's open task */
  async function complete(username: string, project: string, elementId: string, variables: Record<string, unknown>) {
    const where = async () =>
      (await get<{ active: string[] }>('sgj.manager', `/api/projects/${ids[project]}/path`)).active.join(', ');
    const task = await until(`${elementId} of ${project} for ${username}`, async () => {
      for (const scope of ['mine', 'group']) {
        const { items } = await get<{ items: Task[] }>(username, `/api/tasks?scope=${scope}&pageSize=100`);
        const t = items.find((x) => x.elementId === elementId && x.processInstanceKey === instances[project]);
        if (t) return t;
      }
      return undefined;
    }).catch(async (err: Error) => {
      throw new Error(`${err.message} (the instance is at: ${await where()})`);
    });
    if (!task.assignee) {
      const claimed = await post(username, `/api/tasks/${task.key}/claim`, {});
      if (claimed.status >= 300)
        throw new Error(`claim ${elementId}: ${claimed.status} ${JSON.stringify(claimed.body)}`);
    }
    const done = await post(username, `/api/tasks/${task.key}/complete`, { variables });
    if (done.status >= 300) throw new Error(`complete ${elementId}: ${done.status} ${JSON.stringify(done.body)}`);
  }

  async function signIn(username: string): Promise<{ page: Page; problems: string[]; close(): Promise<void> }> {
    const { context, page, problems } = await newPage(browser, server.baseUrl);
    await (await new LoginPage(page).open()).login(username, server.demoPassword);
    await new LayoutPage(page).waitUntilSignedIn();
    return { page, problems, close: () => context.close() };
  }

  /** the cells of a record list's rows, by column label */
  async function rowsOf(page: Page, testId: string): Promise<Record<string, string>[]> {
    const table = page.locator(`[data-test="${testId}-table"]`);
    await table.locator('.el-table__body tr').first().waitFor();
    const labels = await table.locator('.el-table__header th .cell').allInnerTexts();
    const rows = await table
      .locator('.el-table__body tr')
      .evaluateAll((trs) =>
        trs.map((tr) => Array.from(tr.querySelectorAll('td .cell'), (td) => td.textContent?.trim() ?? '')),
      );
    return rows.map((cells) => Object.fromEntries(labels.map((l, i) => [l.trim(), cells[i] ?? ''])));
  }

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    for (const name of [ACCEPTANCE, KEY_PROJECT, CONSTRUCTION]) {
      const { items } = await get<{ items: { id: number; name: string }[] }>(
        'sgj.manager',
        `/api/projects?q=${encodeURIComponent(name)}`,
      );
      ids[name] = items.find((p) => p.name === name)!.id;
      const p = await get<{ processInstanceKey: string | null }>('sgj.manager', `/api/projects/${ids[name]}`);
      instances[name] = p.processInstanceKey!;
    }
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('should show a failed then a passed final acceptance, with the R14 item and who decided, and the R12/R13 rounds', async () => {
    // given: the demo's project whose R22.2 application is on file (egov.acceptance-docs-check), reviewed
    // through the API's decision route (the acceptance panel's body, R14 items): failed on the R12
    // item, re-applied by the department with the documents, then passed. (Its process task
    // Task_FinalAcceptanceReview is assigned to the panel lead the organiser named — expert1 in
    // the demo; test/processes/acceptance-panel-e2e.test.ts takes that path through the tasklist.)
    const pid = ids[ACCEPTANCE]!;
    await until('the R22.2 application on file', async () => {
      const rows = await get<{ stage: string; appliedOn: string | null; result: string | null }[]>(
        'sgj.manager',
        `/api/projects/${pid}/acceptances`,
      );
      return rows.some((a) => a.stage === 'final' && a.appliedOn && a.result === null) ? true : undefined;
    });
    const decide = async (passed: boolean, opinion: string) => {
      const r = await post('sgj.staff', `/api/projects/${pid}/acceptances/final/decision`, {
        passed,
        acceptedOn: today(),
        opinion,
        items: { productSecurity: true, cryptography: true, securityReview: passed, pue: null },
      });
      if (r.status !== 200) throw new Error(`decision: ${r.status} ${JSON.stringify(r.body)}`);
    };
    await decide(false, '网络安全审查意见未落实，视频会商模块未纳入等保测评，限期整改。');
    for (const kind of ['acceptance-report', 'construction-summary', 'security-assessment', 'crypto-assessment']) {
      const r = await upload('yjj.clerk', pid, kind, `${kind}.pdf`);
      if (r.status !== 201) throw new Error(`upload ${kind}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    const again = await post('yjj.clerk', `/api/projects/${pid}/acceptances/final`, {});
    if (again.status !== 200 && again.status !== 201)
      throw new Error(`re-application: ${again.status} ${JSON.stringify(again.body)}`);
    await decide(true, '整改到位，同意通过竣工验收。');
    const attempts = await until('two acceptance attempts', async () => {
      const list = await get<{ attempt: number; result: string; decidedBy: UserRef | null }[]>(
        'sgj.manager',
        `/api/projects/${pid}/acceptances/attempts`,
      );
      return list.length === 2 ? list : undefined;
    });
    expect(attempts.map((a) => [a.attempt, a.result])).toEqual([
      [1, 'failed'],
      [2, 'passed'],
    ]);
    const checks = await get<{ items: { kind: string; passed: boolean; inspector: UserRef | null }[] }>(
      'sgj.manager',
      `/api/projects/${pid}/compliance-checks`,
    );
    const r12 = checks.items.filter((c) => c.kind === 'security-inspection');
    expect(r12.length).toBeGreaterThan(0);

    // when: the department's staff open the project
    const s = await signIn('yjj.clerk');
    try {
      const project = new ProjectPage(s.page);
      await project.open(pid);
      await project.head().waitFor();

      // then: the timeline says failed, then passed, with the opinion, the R14 item and the expert
      const timeline = s.page.locator('[data-test="acceptance-attempt"]');
      await timeline.nth(1).waitFor();
      const steps = await timeline.allInnerTexts();
      expect(steps).toHaveLength(2);
      expect(steps[0]).toContain('第 1 次评审：不合格');
      expect(steps[0]).toContain('视频会商模块未纳入等保测评');
      expect(steps[0]).toMatch(/未通过的验收事项：.*安全/);
      expect(steps[1]).toContain('第 2 次评审：合格');
      expect(steps[1]).toContain(named(attempts[1]!.decidedBy!));
      // and the list of attempts, sortable, filterable
      const rows = await rowsOf(s.page, 'acceptance-attempts');
      expect(rows.map((r) => [r['评审次数'], r['结论']])).toEqual([
        ['第 1 次', '不合格'],
        ['第 2 次', '合格'],
      ]);
      expect(rows[0]!['决定人']).toBe(named(attempts[0]!.decidedBy!));
      await s.page
        .locator('input[data-test="acceptance-attempts-search"], [data-test="acceptance-attempts-search"] input')
        .fill('不合格');
      await expect(rowsOf(s.page, 'acceptance-attempts')).resolves.toHaveLength(1);
      // the R12 round(s) with their result and inspector
      const checkRows = await rowsOf(s.page, 'compliance-checks');
      const shownR12 = checkRows.filter((r) => r['检查类别'] === '网络安全检查（R12）');
      expect(shownR12).toHaveLength(r12.length);
      expect(shownR12[shownR12.length - 1]!['结论']).toBe(r12[r12.length - 1]!.passed ? '通过' : '未通过');
      expect(shownR12[0]!['检查人']).toBe(r12[0]!.inspector ? named(r12[0]!.inspector) : '区委网信办');
      // the export gives the shown rows as CSV
      const [download] = await Promise.all([
        s.page.waitForEvent('download'),
        s.page.locator('[data-test="compliance-checks-export"]').click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^安全检查与密码审查-\d{8}-\d{4}\.csv$/);
      await screenshot(s.page, 'project-acceptance-attempts');
      expect(s.problems.filter((p) => !expected(p))).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('should show the key-project approval (R5) with the DRC user who approved it and the day', async () => {
    const pid = ids[KEY_PROJECT]!;
    const total = Number(
      (await get<{ investment?: { total: string | number } }>('sgj.manager', `/api/projects/${pid}`)).investment!.total,
    );
    await complete('fgw.staff', KEY_PROJECT, 'Task_KeyProjectApproval', {
      keyApprovalDecision: 'approve',
      approvalDocumentNo: '叶发改审批〔2026〕88号',
      keyApprovedInvestment: total,
      keyApprovalReason: '符合重点项目立项条件，同意立项。',
    });
    // the approval is on file once the DRC has put the project in the investment plan (egov.investment-plan-register)
    await complete('fgw.staff', KEY_PROJECT, 'Task_InvestmentPlan', {
      investmentPlanYear: 2027,
      investmentPlanNo: '叶发改投资〔2026〕31号',
      approvedInvestment: total,
    });
    const [approval] = await until('the R5 approval row', async () => {
      const rows = await get<{ decidedOn: string; approvedBy: UserRef | null }[]>(
        'sgj.manager',
        `/api/projects/${pid}/key-project-approval`,
      );
      return rows.length && rows[0]!.approvedBy ? rows : undefined;
    });
    expect(approval!.approvedBy!.username).toBe('fgw.staff');

    const s = await signIn('gaj.clerk');
    try {
      await new ProjectPage(s.page).open(pid);
      const head = s.page.locator('[data-test="key-project-approval-head"]');
      await head.waitFor();
      await expect(head.innerText()).resolves.toContain(
        `重点项目单独立项（R5）：批准，审批人 ${named(approval!.approvedBy!)}，${approval!.decidedOn}`,
      );
      const [row] = await rowsOf(s.page, 'key-project-approval');
      expect(row).toMatchObject({
        审批结论: '批准',
        审批人: named(approval!.approvedBy!),
        审批日期: approval!.decidedOn,
        文号: '叶发改审批〔2026〕88号',
      });
      expect(row!['审批人']).toContain('区发展和改革委员会');
      await screenshot(s.page, 'project-key-approval');
      expect(s.problems.filter((p) => !expected(p))).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('should show a rectification order with who reported and who closed it', async () => {
    const pid = ids[CONSTRUCTION]!;
    // given: the data bureau orders rectification of the project in construction (R26) …
    const issue = '季度进度报告未按期报送，监管平台水质数据接入率不足，限期整改。';
    const issued = await until('the order (construction sub-process active)', async () => {
      const r = await post('sgj.staff', `/api/projects/${pid}/rectifications`, { issue, deadline: inDays(20) });
      if (r.status === 201) return r.body as { id: number };
      if (r.status !== 409) throw new Error(`issue: ${r.status} ${JSON.stringify(r.body)}`);
      return undefined;
    });
    // … the department reports (Task_Rectify) and the data bureau finds it satisfactory (Task_RectificationVerify)
    await until('the report taken', async () => {
      const r = await post('nyj.clerk', `/api/rectifications/${issued.id}/response`, {
        response: '已补报第三季度进度报告，水质监测点全部接入',
        evidence: '整改报告.pdf',
      });
      if (r.status === 200 || r.status === 202) return true;
      if (r.status !== 409) throw new Error(`response: ${r.status} ${JSON.stringify(r.body)}`);
      return undefined;
    });
    await until('the review taken', async () => {
      const r = await post('sgj.staff', `/api/rectifications/${issued.id}/review`, {
        accepted: true,
        note: '整改到位',
      });
      if (r.status === 200 || r.status === 202) return true;
      if (r.status !== 409) throw new Error(`review: ${r.status} ${JSON.stringify(r.body)}`);
      return undefined;
    });
    const order = await until('the order closed with reporter and closer', async () => {
      const rows = await get<{ id: number; status: string; respondedBy: UserRef | null; closedBy: UserRef | null }[]>(
        'sgj.manager',
        `/api/projects/${pid}/rectifications`,
      );
      const o = rows.find((x) => x.id === issued.id);
      return o?.status === 'closed' && o.respondedBy && o.closedBy ? o : undefined;
    });
    expect([order.respondedBy!.username, order.closedBy!.username]).toEqual(['nyj.clerk', 'sgj.staff']);

    // then: the department's clerk sees the order with both names
    const s = await signIn('nyj.clerk');
    try {
      await new ProjectPage(s.page).open(pid);
      const rows = await rowsOf(s.page, 'rectifications');
      const row = rows.find((r) => r['整改问题'] === issue);
      expect(row).toMatchObject({
        下达单位: '区数据资源管理局',
        状态: '整改合格，已关闭',
        整改报告: '已补报第三季度进度报告，水质监测点全部接入',
        报告人: named(order.respondedBy!),
        复核关闭人: named(order.closedBy!),
      });
      await screenshot(s.page, 'project-rectification');
      expect(s.problems.filter((p) => !expected(p))).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('should show the annual plan with its entries, amounts and the fund allocation column', async () => {
    // the demo's approved plan of 2026 (services/demo/seed.ts: projects past the annual plan)
    const plan = await get<{
      year: number;
      total: string;
      allocatedTotal: string;
      entries: {
        code: string;
        name: string;
        amount: string;
        allocation: { amount: string; approvedBy: UserRef | null } | null;
      }[];
    }>('sgj.manager', '/api/annual-plans/2026');
    expect(plan.entries.length).toBeGreaterThan(0);

    const s = await signIn('sgj.manager');
    try {
      const layout = new LayoutPage(s.page);
      await layout.go('annual-plan');
      await s.page.locator('[data-test="plan-year"]').click();
      await s.page.locator('.el-select-dropdown__item', { hasText: '2026 年' }).click();
      await expect(s.page.locator('[data-test="plan-total"]').innerText()).resolves.toBe(Number(plan.total).toFixed(2));
      await expect(s.page.locator('[data-test="plan-allocated-total"]').innerText()).resolves.toBe(
        Number(plan.allocatedTotal).toFixed(2),
      );
      const rows = await rowsOf(s.page, 'plan-entries');
      expect(rows.map((r) => r['项目编号'])).toEqual(plan.entries.map((e) => e.code));
      for (const [i, e] of plan.entries.entries()) {
        expect(rows[i]).toMatchObject({
          项目名称: e.name,
          '本年度计划（万元）': Number(e.amount).toFixed(2),
          '资金安排（万元）': e.allocation ? Number(e.allocation.amount).toFixed(2) : '未安排',
          资金安排批准人: e.allocation?.approvedBy ? named(e.allocation.approvedBy) : '—',
        });
      }
      await screenshot(s.page, 'annual-plan');
      expect(s.problems.filter((p) => !expected(p))).toEqual([]);
    } finally {
      await s.close();
    }
  });

  it('should let the data bureau start the annual-planning process of a year without a plan, once', async () => {
    const s = await signIn('sgj.manager');
    try {
      const layout = new LayoutPage(s.page);
      await layout.go('annual-plan');
      await s.page.locator('[data-test="plan-year"]').click();
      await s.page.locator('.el-select-dropdown__item', { hasText: '2027 年' }).click();
      await s.page.locator('[data-test="plan-none"]').waitFor();
      await s.page.locator('[data-test="plan-process-start"]').click();
      const tag = s.page.locator('[data-test="plan-process-state"]');
      await tag.waitFor();
      const started = await get<{ year: number; processInstanceKey: string; state: string }>(
        'sgj.manager',
        '/api/annual-plans/2027/process',
      );
      expect(started).toMatchObject({ year: 2027, state: 'ACTIVE' });
      await expect(tag.innerText()).resolves.toBe(`编制流程进行中（实例 ${started.processInstanceKey}）`);
      // choosing the year again shows the running instance instead of the button
      await s.page.locator('[data-test="plan-year"]').click();
      await s.page.locator('.el-select-dropdown__item', { hasText: '2026 年' }).click();
      await s.page.locator('[data-test="plan-entries"]').waitFor();
      await s.page.locator('[data-test="plan-year"]').click();
      await s.page.locator('.el-select-dropdown__item', { hasText: '2027 年' }).click();
      await tag.waitFor();
      await expect(tag.innerText()).resolves.toContain(started.processInstanceKey);
      await expect(s.page.locator('[data-test="plan-process-start"]').count()).resolves.toBe(0);
      // the year has no plan yet: its plan and its process answer 404 before the start
      const notFound = /Failed to load resource: the server responded with a status of 404/;
      expect(s.problems.filter((p) => !expected(p) && !notFound.test(p))).toEqual([]);
    } finally {
      await s.close();
    }
  });
});
