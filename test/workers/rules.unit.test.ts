/**
 * The rules the workers decide by, on real dates and boundaries: R2.2 (9.8 / 10 / 10.01 万元),
 * R15 construction periods, R7 thresholds and quorum, R20, R22.2/R14, the similarity measure,
 * and every statutory due date on the 2026 working-day calendar (2027 with a labelled fixture).
 */
import { CalendarRangeError, WorkingDayCalendar } from '../../services/calendar';
import { createWorkerConfig } from '../../workers/deps';
import { runJob } from '../../workers/framework';
import { createApplicabilityCheckWorker } from '../../workers/applicability-check';
import { acceptanceDefects, acceptanceDocsInput } from '../../workers/acceptance-docs-check';
import { changeCheckInput, changeProblems } from '../../workers/change-check';
import { computeDueDate, createDueDateWorker, dueDateInput, type DueDateRule } from '../../workers/due-date';
import { r6Schedule } from '../../workers/materials-check';
import { messageTtlMs } from '../../workers/publish-message';
import { aggregateReview, type ExpertScoreSheet } from '../../workers/review-aggregate';
import { bigrams, projectSimilarity } from '../../workers/similarity';
import { toMoney } from '../../workers/support';
import { FIXTURE_2027, job } from './helpers';

const calendar = new WorkingDayCalendar();
const calendar2027 = new WorkingDayCalendar([FIXTURE_2027]);
const config = createWorkerConfig();
const deps = {
  calendar,
  config,
  clock: () => new Date('2026-11-25T10:00:00+08:00'),
  dataSource: {} as never,
  mail: { baseUrl: 'http://localhost', domain: 'localhost' },
};
// pure workers never touch the database
const noDb = { dataSource: {} as never };

describe('R2.2 applicability and R15 quarterly reports (egov.applicability-check)', () => {
  const worker = createApplicabilityCheckWorker(deps);
  const check = (over: Record<string, unknown>) =>
    runJob(
      worker,
      job(worker.type),
      {
        projectId: '1',
        listedInDepartmentBudget: true,
        totalInvestment: 50,
        fundSource: 'fiscal',
        constructionStart: '2027-03',
        constructionEnd: '2027-08',
        ...over,
      },
      noDb,
    );

  it.each([
    [9.8, false],
    [10, false],
    [10.01, true],
    [10.001, true],
  ])('should treat %s 万元 in a department budget as governed=%s (以下 includes 10)', async (total, governed) => {
    const action = await check({ totalInvestment: total });
    expect(action).toMatchObject({ action: 'complete', variables: { governed } });
  });

  it('should govern a small project that is not in a department budget', async () => {
    expect(await check({ totalInvestment: 5, listedInDepartmentBudget: false })).toMatchObject({
      variables: { governed: true },
    });
  });

  it('should tell why a 10万元 project is not governed, in Chinese', async () => {
    const action = await check({ totalInvestment: 10 });
    if (action.action !== 'complete') throw new Error(JSON.stringify(action));
    expect(action.variables.applicabilityReason).toMatch(/10万元以下.*R2\.2/);
  });

  it('should not govern a fund source outside R2.1', async () => {
    const action = await check({ fundSource: 'social-capital', listedInDepartmentBudget: false, totalInvestment: 500 });
    expect(action).toMatchObject({ variables: { governed: false } });
    expect(JSON.stringify(action)).toContain('R2.1');
  });

  it.each([
    ['2027-03', '2027-08', false], // exactly six months: not 超过
    ['2027-03', '2027-09', true],
    ['2027-01', '2027-06', false],
    ['2026-11', '2027-02', true], // spans years
    ['2027-05', '2027-05', false],
  ])('should require quarterly reports for %s – %s: %s', async (constructionStart, constructionEnd, required) => {
    expect(await check({ constructionStart, constructionEnd })).toMatchObject({
      variables: { quarterlyReportsRequired: required },
    });
  });

  it('should fail without retries on a malformed construction month (contract violation)', async () => {
    expect(await check({ constructionStart: '2027-13' })).toMatchObject({ action: 'fail', retries: 0 });
  });
});

describe('money from process variables', () => {
  it('should round fractions of a cent up, so an amount above a threshold stays above it', () => {
    expect(toMoney(10)).toBe('10.00');
    expect(toMoney(9.8)).toBe('9.80');
    expect(toMoney(10.001)).toBe('10.01');
    expect(toMoney(0.1 + 0.2)).toBe('0.30');
  });
});

describe('R7 review aggregation', () => {
  const pass = { decision: 'pass' as const, reason: '' };
  const bodies = {
    dataBureauReview: pass,
    financeReview: pass,
    drcReview: pass,
    cryptoReview: pass,
    cyberspaceReview: pass,
  };
  const sheet = (
    expert: string,
    s: number,
    recommendation: 'pass' | 'fail' = 'pass',
    crypto = s,
  ): ExpertScoreSheet => ({
    expert,
    planning: s,
    sharing: s,
    feasibility: s,
    budget: s,
    crypto,
    recommendation,
  });
  const three = (s: number) => [sheet('e1', s), sheet('e2', s), sheet('e3', s)];

  it('should pass when all bodies pass and the experts reach the marks', () => {
    const r = aggregateReview({ ...bodies, expertScores: three(80), totalInvestment: 120 }, config);
    expect(r).toMatchObject({ reviewOutcome: 'pass', reviewPassed: true, reviewScore: 80, isKeyProject: false });
    expect(r.reviewReason).toMatch(/通过（R7）/);
  });

  it('should pass at exactly the overall mark and fail just below it', () => {
    expect(aggregateReview({ ...bodies, expertScores: three(70), totalInvestment: 1 }, config).reviewOutcome).toBe(
      'pass',
    );
    const r = aggregateReview(
      { ...bodies, expertScores: [sheet('a', 70), sheet('b', 70), sheet('c', 69)], totalInvestment: 1 },
      config,
    );
    expect(r.reviewScore).toBe(69.7);
    expect(r.reviewOutcome).toBe('fail');
    expect(r.reviewReason).toContain('低于通过线 70');
  });

  it('should fail when one criterion is below its floor even with a high overall mean', () => {
    const scores = [sheet('a', 90, 'pass', 59), sheet('b', 90, 'pass', 59), sheet('c', 90, 'pass', 59)];
    const r = aggregateReview({ ...bodies, expertScores: scores, totalInvestment: 1 }, config);
    expect(r.reviewOutcome).toBe('fail');
    expect(r.reviewReason).toContain('密码应用安全性（59，最低 60）');
    expect(r.reviewCriterionMeans).toMatchObject({ crypto: 59, planning: 90 });
  });

  it('should use configured per-criterion floors', () => {
    const strict = createWorkerConfig({ reviewCriterionFloors: { budget: 85 } });
    const r = aggregateReview({ ...bodies, expertScores: three(80), totalInvestment: 1 }, strict);
    expect(r.reviewOutcome).toBe('fail');
    expect(r.reviewReason).toContain('概算合理性');
  });

  it('should return for a new panel when fewer experts than the quorum scored (nulls ignored)', () => {
    const r = aggregateReview(
      { ...bodies, expertScores: [sheet('a', 90), null, sheet('b', 90)], totalInvestment: 1 },
      config,
    );
    expect(r.reviewOutcome).toBe('return');
    expect(r.reviewReason).toContain('未达到法定人数 3 人');
  });

  it('should fail when the majority of experts recommends failing, not when a minority does', () => {
    const two = [sheet('a', 80, 'fail'), sheet('b', 80, 'fail'), sheet('c', 80)];
    expect(aggregateReview({ ...bodies, expertScores: two, totalInvestment: 1 }, config).reviewOutcome).toBe('fail');
    const one = [sheet('a', 80, 'fail'), sheet('b', 80), sheet('c', 80)];
    expect(aggregateReview({ ...bodies, expertScores: one, totalInvestment: 1 }, config).reviewOutcome).toBe('pass');
  });

  it('should not count an empty recommendation against the project', () => {
    const scores = [sheet('a', 80, 'fail'), { ...sheet('b', 80), recommendation: null }, sheet('c', 80)];
    expect(aggregateReview({ ...bodies, expertScores: scores, totalInvestment: 1 }, config).reviewOutcome).toBe('pass');
  });

  it('should fail on any body failing, and return when a body returns (fail wins over return)', () => {
    const ret = { decision: 'return' as const, reason: '概算偏高，请细化' };
    const fail = { decision: 'fail' as const, reason: '与已建系统重复' };
    const r1 = aggregateReview({ ...bodies, financeReview: ret, expertScores: three(80), totalInvestment: 1 }, config);
    expect(r1.reviewOutcome).toBe('return');
    expect(r1.reviewReason).toContain('区财政局（概算偏高，请细化）');
    const r2 = aggregateReview(
      { ...bodies, financeReview: ret, drcReview: fail, expertScores: three(80), totalInvestment: 1 },
      config,
    );
    expect(r2.reviewOutcome).toBe('fail');
    expect(r2.reviewReason).toContain('区发改委（与已建系统重复）');
  });

  it('should mark key projects from the configured investment (inclusive) or the flag', () => {
    const at = (t: number, flag = false) =>
      aggregateReview({ ...bodies, expertScores: three(80), totalInvestment: t }, config, flag).isKeyProject;
    expect(at(999.99)).toBe(false);
    expect(at(1000)).toBe(true);
    expect(at(10, true)).toBe(true);
  });
});

describe('R20 change eligibility', () => {
  const base = changeCheckInput.parse({
    projectId: '1',
    changeCase: 'case-2',
    changeWithinBudget: true,
    changeGoalsUnchanged: true,
    changeTotalInvestment: 100,
    approvedInvestment: 100,
  });
  it('should accept a case (一)–(三) change within budget with unchanged goals (equal amount is within)', () => {
    expect(changeProblems(base)).toEqual([]);
  });
  it.each([
    [{ changeCase: 'none' as const }, '三种可调整情形'],
    [{ changeWithinBudget: false }, '超出概算批复'],
    [{ changeTotalInvestment: 100.01 }, '超过批复投资'],
    [{ changeGoalsUnchanged: false }, '建设目标发生变化'],
  ])('should refuse %o', (over, text) => {
    expect(changeProblems({ ...base, ...over }).join()).toContain(text);
  });
});

describe('R22.2 / R14 acceptance documents', () => {
  const complete = acceptanceDocsInput.parse({
    projectId: '1',
    classifiedSystem: false,
    securityReportType: 'classified-protection',
    docAcceptanceApplication: 'a.pdf',
    docConstructionSummary: 'b.pdf',
    docSecurityRiskReport: 'c.pdf',
    docCryptoAssessmentReport: 'd.pdf',
    productSecurityStatus: '均为安全可靠产品',
    cryptoApplicationStatus: '已通过密评',
    securityReviewStatus: '已通过网络安全检查',
    hasHardwareOrDataCentre: false,
  });
  it('should accept the four documents and the R14 items', () => {
    expect(acceptanceDefects(complete)).toEqual([]);
  });
  it('should require the secrecy assessment for a classified system', () => {
    expect(acceptanceDefects({ ...complete, classifiedSystem: true }).join()).toContain('保密测评报告');
    expect(acceptanceDefects({ ...complete, classifiedSystem: true, securityReportType: 'secrecy' })).toEqual([]);
  });
  it('should require a PUE for hardware or a data centre', () => {
    expect(acceptanceDefects({ ...complete, hasHardwareOrDataCentre: true }).join()).toContain('PUE');
    expect(acceptanceDefects({ ...complete, hasHardwareOrDataCentre: true, pue: 1.4 })).toEqual([]);
  });
  it('should list each missing document', () => {
    const d = acceptanceDefects({ ...complete, docAcceptanceApplication: '', docCryptoAssessmentReport: null });
    expect(d).toEqual(['R22.2 缺少验收申请报告', 'R22.2 缺少密码应用安全性评估报告']);
  });
});

describe('duplicate-construction similarity (character bigrams)', () => {
  it('should ignore generic words and punctuation', () => {
    expect([...bigrams('叶集区智慧校园管理平台建设项目').keys()]).toEqual(['智慧', '慧校', '校园']);
  });
  it('should score near-identical names high and unrelated names low', () => {
    const a = { name: '叶集区教育局智慧校园管理平台', description: '校园安全、教务和家校沟通' };
    expect(projectSimilarity(a, { name: '叶集区智慧校园平台二期', description: '校园安全与家校沟通' })).toBeGreaterThan(
      0.7,
    );
    expect(projectSimilarity(a, { name: '农村饮水安全监测系统', description: '水质在线监测' })).toBeLessThan(0.2);
  });
});

describe('organisation names do not make projects alike', () => {
  it('should not find two projects of 区教育局 similar because both names say 教育局', () => {
    const a = { name: '区教育局会议室预约小程序' };
    const b = { name: '区教育局智慧校园管理平台' };
    expect(projectSimilarity(a, b)).toBeGreaterThan(0.2);
    expect(projectSimilarity(a, b, ['区教育局', '教育局'])).toBe(0);
  });
});

describe('R6 calendar (egov.materials-check)', () => {
  it('should keep an application of 30 September 2026 in plan year 2027 and wait for the October review', () => {
    expect(r6Schedule({ calendar }, 2027, false, '2026-09-30', '2026-09-30')).toMatchObject({
      planYear: 2027,
      moved: false,
      awaitReviewWindow: true,
    });
  });
  it('should move an application of 8 October 2026 to plan year 2028', () => {
    expect(r6Schedule({ calendar }, 2027, false, '2026-10-08', '2026-10-08')).toMatchObject({
      planYear: 2028,
      moved: true,
      awaitReviewWindow: true,
    });
  });
  it('should not wait inside the Oct–Dec window (a 退回修改 loop of an on-time application)', () => {
    expect(r6Schedule({ calendar }, 2027, false, '2026-09-20', '2026-11-25')).toMatchObject({
      planYear: 2027,
      awaitReviewWindow: false,
    });
  });
  it('should neither move nor wait an urgent (R8.2) project', () => {
    expect(r6Schedule({ calendar }, 2027, true, '2026-11-25', '2026-11-25')).toMatchObject({
      planYear: 2027,
      moved: false,
      awaitReviewWindow: false,
    });
  });
});

describe('statutory due dates (egov.due-date) on the 2026 working-day calendar', () => {
  const today = '2026-11-25';
  const due = (rule: DueDateRule, v: Record<string, unknown>, cal = calendar, on = today) =>
    computeDueDate({ calendar: cal, config }, rule, dueDateInput.parse(v), on);

  it('R6: applications close at midnight after 30 September; the review window ends 31 December', () => {
    expect(due('R6.application-deadline', { planYear: 2027 })).toEqual({
      dueDate: '2026-10-01T00:00:00+08:00',
      reviewWindowEnd: '2026-12-31T23:59:59+08:00',
    });
  });
  it('R7: the last working day of December; R8.2 ad hoc 20 working days from today', () => {
    expect(due('R7.review-end', { planYear: 2027 }).dueDate).toBe('2026-12-31T17:30:00+08:00');
    expect(due('R7.review-end', { planYear: 2027, urgentAdHoc: true }).dueDate).toBe('2026-12-23T17:30:00+08:00');
  });
  it('R19.3: the first working day of December of the plan year', () => {
    expect(due('R19.3.year-end-check', { planYear: 2026 }).dueDate).toBe('2026-12-01T09:00:00+08:00');
  });
  it('R26: working days from today, or a deadline moved past the National Day holiday', () => {
    expect(due('R26.rectification', { rectificationDays: 10 }).dueDate).toBe('2026-12-09T23:59:59+08:00');
    expect(due('R26.rectification', { rectificationDeadline: '2026-10-03' }).dueDate).toBe('2026-10-08T23:59:59+08:00');
  });
  it('R22.2: one month, month-end when no corresponding day, a holiday end moves to the next working day', () => {
    expect(due('R22.2.final-acceptance-application', { anchorDate: '2026-08-31' }).dueDate).toBe(
      '2026-09-30T23:59:59+08:00',
    );
    expect(due('R22.2.final-acceptance-application', { anchorDate: '2026-09-01' }).dueDate).toBe(
      '2026-10-08T23:59:59+08:00',
    );
    // a form-js date-time anchor is the day in China
    expect(due('R22.2.final-acceptance-application', { anchorDate: '2026-08-31T20:00:00Z' }).dueDate).toBe(
      '2026-10-08T23:59:59+08:00',
    );
  });
  it('R23: six months after going live', () => {
    expect(due('R23.self-evaluation', { anchorDate: '2026-03-31' }).dueDate).toBe('2026-09-30T23:59:59+08:00');
    expect(due('R23.self-evaluation', { anchorDate: '2026-04-04' }).dueDate).toBe('2026-10-08T23:59:59+08:00');
  });
  it('R29: the first working day after 12 months of operation (configurable)', () => {
    expect(due('R29.post-evaluation-start', { anchorDate: '2025-10-08' }).dueDate).toBe('2026-10-08T09:00:00+08:00');
    expect(due('R29.post-evaluation-start', { anchorDate: '2025-10-01' }).dueDate).toBe('2026-10-08T09:00:00+08:00');
  });
  it('R15: the first 5 working days of the next quarter’s first month, counting the 10 October make-up day', () => {
    expect(due('R15.next-quarter', { lastReportedQuarter: '2026Q2' })).toEqual({
      quarter: '2026Q3',
      windowOpensAt: '2026-10-08T00:00:00+08:00',
      reminderAt: '2026-10-12T09:00:00+08:00',
      dueDate: '2026-10-13T23:59:59+08:00',
    });
    expect(due('R15.next-quarter', { lastReportedQuarter: '2026Q1' }).dueDate).toBe('2026-07-07T23:59:59+08:00');
  });
  it('R15: the current quarter when nothing was reported yet; January 2027 needs the 2027 arrangement', () => {
    expect(() => due('R15.next-quarter', { lastReportedQuarter: null })).toThrow(CalendarRangeError);
    expect(due('R15.next-quarter', { lastReportedQuarter: null }, calendar2027)).toEqual({
      quarter: '2026Q4',
      windowOpensAt: '2027-01-04T00:00:00+08:00',
      reminderAt: '2027-01-07T09:00:00+08:00',
      dueDate: '2027-01-08T23:59:59+08:00',
    });
  });

  it('should read the rule from the task header and fail the job (retried, then an incident) outside the calendar', async () => {
    const worker = createDueDateWorker(deps);
    const ok = await runJob(
      worker,
      job(worker.type, { customHeaders: { rule: 'R19.3.year-end-check' } }),
      { planYear: 2026 },
      noDb,
    );
    expect(ok).toEqual({ action: 'complete', variables: { dueDate: '2026-12-01T09:00:00+08:00' } });
    const outside = await runJob(
      worker,
      job(worker.type, { customHeaders: { rule: 'R15.next-quarter' } }),
      { lastReportedQuarter: '2026Q3' },
      noDb,
    );
    expect(outside).toMatchObject({ action: 'fail', retries: 2 });
    expect((outside as { errorMessage: string }).errorMessage).toMatch(/2027/);
    const unknown = await runJob(worker, job(worker.type, { customHeaders: { rule: 'R99' } }), {}, noDb);
    expect(unknown).toMatchObject({ action: 'fail' });
  });
});

describe('message time to live (egov.publish-message)', () => {
  it('should keep joint-review-opened until the review window ends and plan messages until the plan year ends', () => {
    const now = new Date('2026-10-01T00:00:00+08:00');
    expect(messageTtlMs('joint-review-opened', 2027, '2026-12-31T23:59:59+08:00', now)).toBe(
      Date.parse('2026-12-31T23:59:59+08:00') - now.getTime(),
    );
    expect(messageTtlMs('annual-plan-included', 2027, null, now)).toBe(
      Date.parse('2027-12-31T23:59:59+08:00') - now.getTime(),
    );
    expect(messageTtlMs('joint-review-opened', 2026, null, now)).toBe(60_000);
  });
});

describe('R6 calendar for a year the calendar does not cover yet', () => {
  it('should decide an application for 2029 made in 2026 without the 2027/2028 arrangements', () => {
    expect(r6Schedule({ calendar }, 2029, false, '2026-11-25', '2026-11-25')).toMatchObject({
      planYear: 2029,
      moved: false,
      awaitReviewWindow: true,
    });
  });
});
