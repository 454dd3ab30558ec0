/**
 * Mail templates (zh-CN). Each returns subject, plain text and HTML; every value is escaped in
 * the HTML and stripped of line breaks in the subject (address.ts), so project names or reasons
 * typed by users cannot inject markup or headers.
 */
import { sanitizeHeader } from '../address';
import { html, projectLink, type SafeHtml } from './render';

export { escapeHtml, html, projectLink } from './render';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const SIGNATURE = '叶集区数据资源管理局 政务信息化项目管理系统（系统邮件，请勿直接回复）';

function layout(title: string, rows: [string, string][], link: string, note?: string): { text: string; html: string } {
  const text = [
    title,
    '',
    ...rows.map(([k, v]) => `${k}：${v}`),
    ...(note ? ['', note] : []),
    '',
    `查看项目：${link}`,
    '',
    `—— ${SIGNATURE}`,
  ].join('\n');
  const body: SafeHtml = html`<!doctype html>
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <title>${title}</title>
      </head>
      <body style="font-family: 'PingFang SC', 'Microsoft YaHei', sans-serif; color: #1f2329;">
        <h2 style="font-size: 18px;">${title}</h2>
        <table style="border-collapse: collapse;">
          ${rows.map(
            ([k, v]) =>
              html`<tr>
                <th style="text-align: left; padding: 4px 12px 4px 0; color: #646a73;">${k}</th>
                <td style="padding: 4px 0;">${v}</td>
              </tr>`,
          )}
        </table>
        ${note ? html`<p>${note}</p>` : ''}
        <p><a href="${link}">查看项目</a></p>
        <p style="color: #8f959e; font-size: 12px;">${SIGNATURE}</p>
      </body>
    </html>`;
  return { text, html: body.value };
}

export type DecisionKind = 'approved' | 'rejected' | 'returned' | 'decided';

export const DECISION_WORDS: Record<DecisionKind, string> = {
  approved: '通过',
  rejected: '未通过',
  returned: '退回',
  decided: '已决定',
};

export interface GatewayMailData {
  baseUrl: string;
  projectId: string;
  projectName: string;
  /** the gateway's name, e.g. "联合审查是否通过" (or its id) */
  gatewayName: string;
  /** the label of the flow taken, e.g. "不通过" */
  decision: string;
  kind: DecisionKind;
  /** next element(s) names, e.g. "区发改委：重点项目单独立项" */
  nextSteps: string[];
  /** who has the next step, e.g. "区发展和改革委员会" */
  nextAssignees: string[];
  /** rejection / return reason */
  reason?: string | null;
}

/** Mail at a gateway (issue 6): decision, next step, and for a rejection or return the reason. */
export function gatewayMail(d: GatewayMailData): RenderedMail {
  const link = projectLink(d.baseUrl, d.projectId);
  const verb = DECISION_WORDS[d.kind];
  const subject = sanitizeHeader(`【项目进展】${d.projectName}：${d.gatewayName} — ${d.decision || verb}`, 300);
  const rows: [string, string][] = [
    ['项目名称', d.projectName],
    ['环节', d.gatewayName],
    ['结果', d.decision || verb],
    ['下一步', d.nextSteps.length ? d.nextSteps.join('、') : '流程结束'],
  ];
  if (d.nextAssignees.length) rows.push(['办理单位', d.nextAssignees.join('、')]);
  if (d.kind === 'rejected' || d.kind === 'returned')
    rows.push([d.kind === 'rejected' ? '未通过原因' : '退回原因', d.reason?.trim() || '（未填写）']);
  const title = `项目“${d.projectName}”${d.gatewayName}：${d.decision || verb}`;
  return { subject, ...layout(title, rows, link) };
}

export type DeadlineRule = 'R6' | 'R7' | 'R15' | 'R22.2' | 'R22.3' | 'R23' | 'R26';

/** What each deadline asks for, in the regulation's words. */
export const DEADLINE_TITLES: Record<DeadlineRule, string> = {
  R6: '下一年度项目申报（10月前报区数据资源管理局）',
  R7: '10月至12月集中审查论证',
  R15: '季度建设进度报告（每季度首月前5个工作日内报送附件2）',
  'R22.2': '初步验收后1个月内申请竣工验收',
  'R22.3': '合同约定验收日期（不能按期验收须提前申请延期）',
  R23: '验收上线后6个月内报送绩效自评报告',
  R26: '限期整改',
};

export interface DeadlineMailData {
  baseUrl: string;
  projectId: string;
  projectName: string;
  rule: DeadlineRule;
  /** the last day, YYYY-MM-DD */
  dueDate: string;
  /** working days left (reminder) or overdue (escalation) */
  workingDays: number;
  departmentName?: string;
  /** escalation: the people who have not acted yet (names from user records) */
  pending?: string[];
}

/** Who the data bureau is asked to press, per rule (R7 is the reviewers', not the department's). */
const ESCALATION_NOTES: Partial<Record<DeadlineRule, string>> = {
  R7: '请督促评审单位和专家尽快完成审查论证。',
};

export function reminderMail(d: DeadlineMailData): RenderedMail {
  const title = DEADLINE_TITLES[d.rule];
  const when = d.workingDays === 0 ? '今天到期' : `还剩 ${d.workingDays} 个工作日`;
  return {
    subject: sanitizeHeader(`【到期提醒】${d.projectName}：${title}，${d.dueDate} 截止（${when}）`, 300),
    ...layout(
      `到期提醒：${d.projectName}`,
      [
        ['项目名称', d.projectName],
        ['事项', `${title}（${d.rule}）`],
        ['截止日期', d.dueDate],
        ['剩余', when],
      ],
      projectLink(d.baseUrl, d.projectId),
      '请在截止日期前办理；如已办理，请忽略本提醒。',
    ),
  };
}

export function escalationMail(d: DeadlineMailData): RenderedMail {
  const title = DEADLINE_TITLES[d.rule];
  const rows: [string, string][] = [
    ['项目名称', d.projectName],
    ['事项', `${title}（${d.rule}）`],
    ['截止日期', d.dueDate],
    ['逾期', `${d.workingDays} 个工作日`],
  ];
  if (d.departmentName) rows.splice(1, 0, ['建设单位', d.departmentName]);
  if (d.pending?.length) rows.push(['尚未办理', d.pending.join('、')]);
  const note = ESCALATION_NOTES[d.rule] ?? '请督促建设单位尽快办理。';
  return {
    subject: sanitizeHeader(`【逾期督办】${d.projectName}：${title} 已逾期 ${d.workingDays} 个工作日`, 300),
    ...layout(`逾期督办：${d.projectName}`, rows, projectLink(d.baseUrl, d.projectId), note),
  };
}

export interface UrgeMailData {
  baseUrl: string;
  projectId: string;
  projectName: string;
  /** what is being urged, e.g. the open task's name */
  matter: string;
  managerName: string;
  message?: string | null;
  dueDate?: string | null;
}

/** 催办: a manager urges the people who hold an open step. */
export function urgeMail(d: UrgeMailData): RenderedMail {
  const rows: [string, string][] = [
    ['项目名称', d.projectName],
    ['待办事项', d.matter],
    ['催办人', d.managerName],
  ];
  if (d.dueDate) rows.push(['截止日期', d.dueDate]);
  if (d.message?.trim()) rows.push(['催办说明', d.message.trim()]);
  return {
    subject: sanitizeHeader(`【催办】${d.projectName}：${d.matter}`, 300),
    ...layout(`催办：${d.projectName}`, rows, projectLink(d.baseUrl, d.projectId), '请尽快办理。'),
  };
}
