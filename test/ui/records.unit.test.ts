/** The project records' columns (table, search and CSV alike) and how they name people and days. */
import type { AcceptanceAttempt, AnnualPlan, ComplianceCheck, RectificationOrder } from '../../modeler-ui/src/api';
import { toCsv } from '../../modeler-ui/src/exporting';
import {
  attemptColumns,
  checkColumns,
  day,
  planEntryColumns,
  rectificationColumns,
  wan,
  who,
} from '../../modeler-ui/src/records';

const sgj = {
  id: 3,
  username: 'sgj.staff',
  displayName: '李经办',
  orgCode: 'data-bureau',
  orgName: '区数据资源管理局',
};

describe('project records', () => {
  it('should name a user with the organisation, or without it when the view has none, and nobody as —', () => {
    expect(who(sgj)).toBe('李经办（区数据资源管理局）');
    expect(who({ id: 9, username: 'nyj.clerk', displayName: '钱站长' })).toBe('钱站长');
    expect(who({ id: 9, username: 'nyj.clerk', displayName: '' })).toBe('nyj.clerk');
    expect(who(null)).toBe('—');
    expect(who(undefined)).toBe('—');
  });

  it("should give an ISO time as China's day, keep a plain date, and mark a missing one", () => {
    // 2026-11-25 17:30 UTC is already the 26th in China
    expect(day('2026-11-25T17:30:00.000Z')).toBe('2026-11-26');
    expect(day('2026-11-25T15:59:59.000Z')).toBe('2026-11-25');
    expect(day('2026-03-01')).toBe('2026-03-01');
    expect(day(null)).toBe('—');
    expect(day('not a date')).toBe('not a date');
  });

  it('should show 万元 with two decimals and — when there is no amount', () => {
    expect(wan('120')).toBe('120.00');
    expect(wan(95.5)).toBe('95.50');
    expect(wan(null)).toBe('—');
    expect(wan('')).toBe('—');
  });

  it('should export failed and passed acceptance attempts with the R14 items and who decided', () => {
    const attempts: AcceptanceAttempt[] = [
      {
        id: 1,
        stage: 'final',
        attempt: 1,
        result: 'failed',
        resultName: '不合格',
        opinion: '等保测评未覆盖, 限期整改',
        failedItems: [
          { code: 'securityReview', name: '网络安全审查' },
          { code: 'cryptography', name: '密码应用' },
        ],
        panel: null,
        decidedOn: '2026-11-20',
        decidedBy: { id: 7, username: 'expert1', displayName: '张教授', orgName: '区政务信息化专家库' },
        processInstanceKey: '1',
        recordedAt: '2026-11-20T02:00:00.000Z',
      },
      {
        id: 2,
        stage: 'final',
        attempt: 2,
        result: 'passed',
        resultName: '合格',
        opinion: '同意通过',
        failedItems: [],
        panel: '张教授（组长）',
        decidedOn: '2026-11-25',
        decidedBy: null,
        processInstanceKey: null,
        recordedAt: '2026-11-25T02:00:00.000Z',
      },
    ];
    expect(toCsv(attemptColumns, attempts).split('\r\n')).toEqual([
      '\uFEFF评审次数,结论,评审日期,专家组意见,未通过的验收事项（R14）,验收专家组,决定人',
      '第 1 次,不合格,2026-11-20,"等保测评未覆盖, 限期整改",网络安全审查、密码应用,—,张教授（区政务信息化专家库）',
      '第 2 次,合格,2026-11-25,同意通过,—,张教授（组长）,—',
      '',
    ]);
  });

  it("should name an R12 round's inspector, or the checking body when the process recorded it", () => {
    const base = { passed: false, findings: '未开展等保测评', checkedOn: '2026-10-10', recordedAt: '' };
    const cells = (c: ComplianceCheck) => checkColumns.map((col) => col.value(c));
    expect(
      cells({ ...base, id: 1, kind: 'security-inspection', round: 1, inspector: { ...sgj, orgName: '区委网信办' } }),
    ).toEqual(['网络安全检查（R12）', '第 1 轮', '未通过', '2026-10-10', '未开展等保测评', '李经办（区委网信办）']);
    expect(cells({ ...base, id: 2, kind: 'crypto-review', passed: true, findings: null, inspector: null })).toEqual([
      '密码应用审查（R13）',
      '—',
      '通过',
      '2026-10-10',
      '—',
      '区委机要局',
    ]);
  });

  it('should show who reported and who closed a rectification order, and an overdue one', () => {
    const order: RectificationOrder = {
      id: 1,
      issuedBy: { code: 'data-bureau', name: '区数据资源管理局' },
      issue: '季度报告未报送',
      deadline: '2026-12-01',
      status: 'closed',
      overdue: false,
      response: '已补报',
      respondedAt: '2026-11-24T03:00:00.000Z',
      respondedBy: { id: 9, username: 'nyj.clerk', displayName: '钱站长' },
      closedAt: '2026-11-25T03:00:00.000Z',
      closedBy: sgj,
      issuedAt: '2026-11-20T03:00:00.000Z',
    };
    const row = (o: RectificationOrder) => Object.fromEntries(rectificationColumns.map((c) => [c.label, c.value(o)]));
    expect(row(order)).toMatchObject({
      状态: '整改合格，已关闭',
      报告人: '钱站长',
      报告日期: '2026-11-24',
      复核关闭人: '李经办（区数据资源管理局）',
      关闭日期: '2026-11-25',
    });
    expect(
      row({ ...order, status: 'open', overdue: true, respondedBy: null, closedBy: null, closedAt: null }),
    ).toMatchObject({
      状态: '待整改（逾期）',
      报告人: '—',
      复核关闭人: '—',
      关闭日期: '—',
    });
  });

  it("should show a plan entry's fund allocation and its approver, or 未安排", () => {
    const entry: AnnualPlan['entries'][number] = {
      projectId: 1,
      code: 'YJ-2026-001',
      name: '政务云',
      orgName: '区教育局',
      totalInvestment: '150',
      amount: '120',
      urgent: false,
      addedAt: '',
      allocation: { amount: '100', allocatedAt: '2026-01-05T01:00:00.000Z', approvedBy: sgj, approvedAt: null },
    };
    const row = (e: typeof entry) => Object.fromEntries(planEntryColumns.map((c) => [c.label, c.value(e)]));
    expect(row(entry)).toMatchObject({
      '本年度计划（万元）': '120.00',
      '资金安排（万元）': '100.00',
      资金安排批准人: '李经办（区数据资源管理局）',
      安排日期: '2026-01-05',
    });
    expect(row({ ...entry, allocation: null })).toMatchObject({
      '资金安排（万元）': '未安排',
      资金安排批准人: '—',
      安排日期: '—',
    });
  });
});
