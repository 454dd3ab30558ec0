/**
 * The project's records as the UI lists them (acceptance attempts, R12/R13 rounds, the R5
 * approval, R26/R27 orders, R20/R22.3 requests, the annual plan's allocations): the columns of
 * each list — the same columns for the table, the search and the CSV export (exporting.ts).
 */
import type {
  AcceptanceAttempt,
  AnnualPlan,
  ChangeRequest,
  ComplianceCheck,
  DelayRequest,
  KeyProjectApproval,
  RectificationOrder,
  UserRef,
} from './api';
import type { Column } from './exporting';

/** A list column: its CSV/search value, and how wide the table shows it. */
export interface RecordColumn<T> extends Column<T> {
  width?: number;
  minWidth?: number;
}

/** "孙敏（区数据资源管理局）"; "—" when nobody is named (recorded by the process, or not decided yet). */
export function who(u: UserRef | null | undefined): string {
  if (!u) return '—';
  const name = u.displayName || u.username;
  return u.orgName ? `${name}（${u.orgName}）` : name;
}

/** "YYYY-MM-DD" of a date or an ISO time, in China's time zone (the day a record was made there). */
export function day(v: string | null | undefined): string {
  if (!v) return '—';
  if (/^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
  const t = new Date(v);
  if (Number.isNaN(t.getTime())) return v;
  return new Date(t.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** money in 万元 as the API gives it ("120.00") → "120.00"; missing → "—" */
export function wan(v: string | number | null | undefined): string {
  if (v === null || v === undefined || v === '') return '—';
  const n = Number(v);
  return Number.isFinite(n) ? n.toFixed(2) : String(v);
}

export const CHECK_KIND_NAMES: Record<ComplianceCheck['kind'], string> = {
  'security-inspection': '网络安全检查（R12）',
  'crypto-review': '密码应用审查（R13）',
};
const CHECK_BODY: Record<ComplianceCheck['kind'], string> = {
  'security-inspection': '区委网信办',
  'crypto-review': '区委机要局',
};

export const RECTIFICATION_STATUS_NAMES: Record<RectificationOrder['status'], string> = {
  open: '待整改',
  responded: '已报告，待复核',
  closed: '整改合格，已关闭',
};

export const REQUEST_STATUS_NAMES: Record<ChangeRequest['status'], string> = {
  submitted: '待审批',
  approved: '批准',
  rejected: '不予批准',
};

export const CHANGE_CASE_NAMES: Record<string, string> = {
  deployment: '（一）上级部署',
  optimisation: '（二）技术方案优化',
  'business-need': '（三）批复框架内业务需要',
};

export const attemptColumns: RecordColumn<AcceptanceAttempt>[] = [
  { label: '评审次数', value: (a) => `第 ${a.attempt} 次`, width: 100 },
  { label: '结论', value: (a) => a.resultName, width: 90 },
  { label: '评审日期', value: (a) => a.decidedOn, width: 120 },
  { label: '专家组意见', value: (a) => a.opinion ?? '—', minWidth: 220 },
  {
    label: '未通过的验收事项（R14）',
    value: (a) => (a.failedItems.length ? a.failedItems.map((i) => i.name).join('、') : '—'),
    minWidth: 200,
  },
  { label: '验收专家组', value: (a) => a.panel ?? '—', minWidth: 160 },
  { label: '决定人', value: (a) => who(a.decidedBy), minWidth: 160 },
];

export const checkColumns: RecordColumn<ComplianceCheck>[] = [
  { label: '检查类别', value: (c) => CHECK_KIND_NAMES[c.kind] ?? c.kind, width: 170 },
  { label: '轮次', value: (c) => (c.round ? `第 ${c.round} 轮` : '—'), width: 90 },
  { label: '结论', value: (c) => (c.passed ? '通过' : '未通过'), width: 90 },
  { label: '检查日期', value: (c) => c.checkedOn, width: 120 },
  { label: '发现的问题', value: (c) => c.findings ?? '—', minWidth: 220 },
  { label: '检查人', value: (c) => (c.inspector ? who(c.inspector) : CHECK_BODY[c.kind]), minWidth: 160 },
];

export const approvalColumns: RecordColumn<KeyProjectApproval>[] = [
  { label: '审批结论', value: (a) => a.decisionName, width: 100 },
  { label: '审批日期', value: (a) => a.decidedOn, width: 120 },
  { label: '审批人', value: (a) => who(a.approvedBy), minWidth: 180 },
  { label: '审批单位', value: (a) => a.approver.name, minWidth: 140 },
  { label: '文号', value: (a) => a.documentNo ?? '—', minWidth: 160 },
  { label: '核定投资（万元）', value: (a) => wan(a.approvedInvestment), width: 140 },
  { label: '理由', value: (a) => a.reason ?? '—', minWidth: 160 },
];

export const rectificationColumns: RecordColumn<RectificationOrder>[] = [
  { label: '下达单位', value: (o) => o.issuedBy.name, minWidth: 140 },
  { label: '下达日期', value: (o) => day(o.issuedAt), width: 110 },
  { label: '整改问题', value: (o) => o.issue, minWidth: 200 },
  { label: '整改期限', value: (o) => o.deadline, width: 110 },
  { label: '状态', value: (o) => RECTIFICATION_STATUS_NAMES[o.status] + (o.overdue ? '（逾期）' : ''), width: 150 },
  { label: '整改报告', value: (o) => o.response ?? '—', minWidth: 200 },
  { label: '报告人', value: (o) => who(o.respondedBy), minWidth: 160 },
  { label: '报告日期', value: (o) => day(o.respondedAt), width: 110 },
  { label: '复核关闭人', value: (o) => who(o.closedBy), minWidth: 160 },
  { label: '关闭日期', value: (o) => day(o.closedAt), width: 110 },
];

export const changeColumns: RecordColumn<ChangeRequest>[] = [
  { label: '申请日期', value: (r) => day(r.requestedAt), width: 110 },
  { label: '变更情形（R20）', value: (r) => CHANGE_CASE_NAMES[r.changeCase] ?? r.changeCase, minWidth: 170 },
  { label: '变更内容', value: (r) => r.description, minWidth: 220 },
  { label: '变更后金额（万元）', value: (r) => wan(r.newAmount), width: 150 },
  { label: '审批结论', value: (r) => REQUEST_STATUS_NAMES[r.status] ?? r.status, width: 100 },
  { label: '审批意见', value: (r) => r.decisionNote ?? '—', minWidth: 160 },
  { label: '审批人', value: (r) => who(r.decider), minWidth: 160 },
  { label: '审批日期', value: (r) => day(r.decidedAt), width: 110 },
];

export const delayColumns: RecordColumn<DelayRequest>[] = [
  { label: '申请日期', value: (r) => day(r.requestedAt), width: 110 },
  { label: '合同约定验收日期', value: (r) => r.contractedDate, width: 150 },
  { label: '申请延期至', value: (r) => r.requestedDate, width: 120 },
  { label: '延期理由', value: (r) => r.reason, minWidth: 220 },
  { label: '审批结论', value: (r) => REQUEST_STATUS_NAMES[r.status] ?? r.status, width: 100 },
  { label: '审批意见', value: (r) => r.decisionNote ?? '—', minWidth: 160 },
  { label: '审批人', value: (r) => who(r.decider), minWidth: 160 },
  { label: '审批日期', value: (r) => day(r.decidedAt), width: 110 },
];

export type PlanEntry = AnnualPlan['entries'][number];

export const planEntryColumns: RecordColumn<PlanEntry>[] = [
  { label: '项目编号', value: (e) => e.code, width: 150 },
  { label: '项目名称', value: (e) => e.name, minWidth: 220 },
  { label: '建设单位', value: (e) => e.orgName, minWidth: 150 },
  { label: '总投资（万元）', value: (e) => wan(e.totalInvestment), width: 130 },
  { label: '本年度计划（万元）', value: (e) => wan(e.amount), width: 150 },
  { label: '临时追加（R8.2）', value: (e) => (e.urgent ? '是' : '否'), width: 130 },
  { label: '资金安排（万元）', value: (e) => (e.allocation ? wan(e.allocation.amount) : '未安排'), width: 140 },
  { label: '资金安排批准人', value: (e) => (e.allocation ? who(e.allocation.approvedBy) : '—'), minWidth: 180 },
  { label: '安排日期', value: (e) => day(e.allocation?.allocatedAt), width: 110 },
];
