/**
 * egov.notify — the notices of the models (R2.2 not governed, R7 review failed, R8.1/R8.2, R20,
 * R22.2/R22.3, R23, R26, R15 reminders and escalations, the R6 call for applications). Mail goes
 * into the transactional outbox in the same transaction as the job's idempotency record, to the
 * users on record only (header `recipients`: `department`, `all-departments` or group ids such as
 * `data-bureau`), with the templates of services/notify.
 */
import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { z } from 'zod';
import { chinaDate } from '../services/calendar';
import { OrganisationEntity, UserEntity, type Project } from '../services/domain/entities';
import { dedupeKey, enqueueMail, type MailPurpose } from '../services/notify/outbox';
import { recipientFromUser, uniqueRecipients, type Recipient } from '../services/notify/recipients';
import {
  escalationMail,
  gatewayMail,
  html,
  reminderMail,
  type DeadlineRule,
  type DecisionKind,
  type RenderedMail,
} from '../services/notify/templates';
import { sanitizeHeader } from '../services/notify/address';
import type { WorkerDeps } from './deps';
import { complete, defineWorker, type JobInfo } from './framework';
import type { ChangeCase } from '../services/domain/entities';
import {
  closeRectificationOrder,
  dayOf,
  recordKeyProjectApproval,
  recordRefusedRequest,
} from '../services/domain/process-records';
import { findProject, todayIn, toMoney } from './support';
import { taskDecider } from '../services/domain/task-completions';

type Decision = {
  kind: 'decision';
  gatewayName: string;
  decision: string;
  decisionKind: DecisionKind;
  reasonVariable?: string;
  nextSteps?: string[];
};
type Deadline = { kind: 'reminder' | 'escalation'; rule: DeadlineRule; dueVariable: string };
type Call = { kind: 'application-call' };

/** Every `template` header the models use. */
export const NOTICES: Record<string, Decision | Deadline | Call> = {
  'not-governed': {
    kind: 'decision',
    gatewayName: '适用范围判定（R2.2）',
    decision: '不适用本办法，可按分散采购方式自行采购',
    decisionKind: 'decided',
    reasonVariable: 'applicabilityReason',
  },
  'review-failed': {
    kind: 'decision',
    gatewayName: '联合审查论证（R7）',
    decision: '不通过',
    decisionKind: 'rejected',
    reasonVariable: 'reviewReason',
  },
  'key-project-rejected': {
    kind: 'decision',
    gatewayName: '区发改委重点项目单独立项',
    decision: '不予立项',
    decisionKind: 'rejected',
    reasonVariable: 'keyApprovalReason',
  },
  'adhoc-rejected': {
    kind: 'decision',
    gatewayName: '临时确需项目报批（R8.2）',
    decision: '不予增列',
    decisionKind: 'rejected',
    reasonVariable: 'adHocReason',
  },
  withdrawn: {
    kind: 'decision',
    gatewayName: '未纳入年度建设计划（R8.1）',
    decision: '建设单位撤回申报',
    decisionKind: 'decided',
    reasonVariable: 'notInPlanReason',
  },
  'change-ineligible': {
    kind: 'decision',
    gatewayName: '项目变更条件核验（R20）',
    decision: '不符合调整情形，须按规定重新履行审批手续',
    decisionKind: 'rejected',
    reasonVariable: 'changeIneligibleReason',
  },
  'change-rejected': {
    kind: 'decision',
    gatewayName: '区政府审批变更申请（R20）',
    decision: '不批准',
    decisionKind: 'rejected',
    reasonVariable: 'changeApprovalReason',
  },
  'delay-rejected': {
    kind: 'decision',
    gatewayName: '延期验收申请（R22.3）',
    decision: '不同意延期',
    decisionKind: 'rejected',
    reasonVariable: 'delayReviewReason',
  },
  rectified: {
    kind: 'decision',
    gatewayName: '整改复核（R26）',
    decision: '整改合格',
    decisionKind: 'approved',
    nextSteps: ['继续项目建设'],
  },
  'project-terminated': {
    kind: 'decision',
    gatewayName: '暂停期处理决定（R26）',
    decision: '终止项目',
    decisionKind: 'rejected',
    reasonVariable: 'suspensionReason',
  },
  'final-application-overdue': { kind: 'escalation', rule: 'R22.2', dueVariable: 'finalApplicationDueDate' },
  'self-evaluation-overdue': { kind: 'escalation', rule: 'R23', dueVariable: 'selfEvaluationDueDate' },
  'progress-report-reminder': { kind: 'reminder', rule: 'R15', dueVariable: 'reportDueDate' },
  'progress-report-overdue': { kind: 'escalation', rule: 'R15', dueVariable: 'reportDueDate' },
  'application-call': { kind: 'application-call' },
};

const reason = z.string().max(5000).nullish();
export const notifyInput = z.object({
  projectId: z.string().min(1).nullish(),
  planYear: z.number().int().nullish(),
  applicationDeadline: z.string().nullish(),
  applicabilityReason: reason,
  reviewReason: reason,
  keyApprovalReason: reason,
  /** form `key-project-approval` (R5), recorded with the 不予立项 notice */
  approvalDocumentNo: z.string().trim().max(100).nullish(),
  keyApprovedInvestment: z.number().nonnegative().nullish(),
  adHocReason: reason,
  /** the decisions a notice records in the domain (R20, R22.3, R26) */
  rectificationId: z.string().nullish(),
  /** the requests the API filed (local to their event sub-process): the one a refusal decides */
  changeRequestId: z.number().int().positive().nullish(),
  delayRequestId: z.number().int().positive().nullish(),
  changeCase: z.string().nullish(),
  changeNewContent: z.string().max(5000).nullish(),
  changeTotalInvestment: z.number().nonnegative().nullish(),
  requestedAcceptanceDate: z.string().nullish(),
  contractedAcceptanceDate: z.string().nullish(),
  delayReason: z.string().max(5000).nullish(),
  notInPlanReason: reason,
  changeIneligibleReason: reason,
  changeApprovalReason: reason,
  delayReviewReason: reason,
  suspensionReason: reason,
  finalApplicationDueDate: z.string().nullish(),
  selfEvaluationDueDate: z.string().nullish(),
  reportDueDate: z.string().nullish(),
});
type NotifyInput = z.output<typeof notifyInput>;

export const notifyOutput = z.object({});

/** A misconfigured element (unknown template, no project): an incident, not something to retry forever. */
export class NotifyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotifyConfigError';
  }
}

async function usersOf(m: EntityManager, orgIds: number[]): Promise<Recipient[]> {
  if (orgIds.length === 0) return [];
  const users = await m
    .getRepository(UserEntity)
    .find({ where: { orgId: In(orgIds), disabled: false }, order: { id: 'ASC' } });
  return users
    .map((u) => recipientFromUser({ id: u.id, name: u.displayName, email: u.email }))
    .filter((r): r is Recipient => r !== null);
}

/** The header's recipient list → users on record (never an address from a variable). */
export async function resolveRecipients(m: EntityManager, spec: string, project: Project | null): Promise<Recipient[]> {
  const out: Recipient[] = [];
  const orgs = m.getRepository(OrganisationEntity);
  for (const raw of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (raw === 'department') {
      if (!project) throw new NotifyConfigError('收件人 department 需要 projectId');
      out.push(...(await usersOf(m, [project.orgId])));
    } else if (raw === 'all-departments') {
      out.push(
        ...(await usersOf(
          m,
          (await orgs.findBy({ type: 'department' })).map((o) => o.id),
        )),
      );
    } else {
      const code = raw.startsWith('dept:') ? raw.slice(5) : raw;
      const org = await orgs.findOneBy({ code });
      if (!org) throw new NotifyConfigError(`未知的收件组：${raw}`);
      out.push(...(await usersOf(m, [org.id])));
    }
  }
  return uniqueRecipients(out);
}

function applicationCallMail(baseUrl: string, planYear: number, deadline: string): RenderedMail {
  const title = `关于申报 ${planYear} 年度政务信息化项目的通知`;
  const lines = [
    `请各单位于 ${deadline} 前（R6：10月份前）向区数据资源管理局申报 ${planYear} 年度政务信息化项目，`,
    '报送建设依据、建设方案、概算、可行性研究报告和《政务信息化项目申报表》（附件1，主管部门盖章）。',
    '可研报告和建设方案须包含信息资源共享分析（R9）；10—12月集中审查论证（R7）。',
  ];
  const body = html`<!doctype html>
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <title>${title}</title>
      </head>
      <body style="font-family: 'PingFang SC', 'Microsoft YaHei', sans-serif;">
        <h2 style="font-size: 18px;">${title}</h2>
        ${lines.map((l) => html`<p>${l}</p>`)}
        <p><a href="${baseUrl}">登录系统申报</a></p>
      </body>
    </html>`;
  return {
    subject: sanitizeHeader(`【项目申报通知】${title}`, 300),
    text: [title, '', ...lines, '', `登录系统申报：${baseUrl}`].join('\n'),
    html: body.value,
  };
}

const CHANGE_CASES: Record<string, ChangeCase> = {
  'case-1': 'deployment',
  'case-2': 'optimisation',
  'case-3': 'business-need',
};

export function createNotifyWorker(deps: WorkerDeps) {
  /**
   * The decisions whose branch reaches no worker but this notice: a refused change (R20) or delay
   * (R22.3) request, and a rectification found satisfactory (R26, the order is closed).
   */
  const recordDecision = async (
    m: EntityManager,
    template: string,
    v: NotifyInput,
    project: Project,
    today: string,
    job: JobInfo,
  ) => {
    const now = deps.clock();
    // who decided: the user who completed the deciding task in the tasklist (task_completion);
    // an ineligible change was refused by the check, not by a person (the process, 0)
    // — of this request's task (its id), not of another order's task completed a moment later
    const deciderOf = async (elementId: string, requestId: string | number | null | undefined) =>
      (await taskDecider(m, job.processInstanceKey, elementId, requestId))?.userId ?? null;
    if (template === 'rectified' && v.rectificationId && /^\d+$/.test(v.rectificationId))
      await closeRectificationOrder(
        m,
        Number(v.rectificationId),
        now,
        await deciderOf('Task_RectificationVerify', v.rectificationId),
      );
    if (template === 'change-rejected' || template === 'change-ineligible') {
      const note = template === 'change-rejected' ? v.changeApprovalReason : v.changeIneligibleReason;
      const changeCase = v.changeCase ? CHANGE_CASES[v.changeCase] : undefined;
      await recordRefusedRequest(
        m,
        project.id,
        'change',
        {
          note: note?.trim() || null,
          requestId: v.changeRequestId ?? null,
          decidedBy: template === 'change-rejected' ? await deciderOf('Task_ChangeApproval', v.changeRequestId) : null,
          change:
            v.changeNewContent && changeCase
              ? {
                  changeCase,
                  description: v.changeNewContent,
                  newAmount:
                    v.changeTotalInvestment != null
                      ? toMoney(v.changeTotalInvestment)
                      : (project.approvedAmount ?? project.totalInvestment),
                }
              : undefined,
        },
        now,
      );
    }
    if (template === 'delay-rejected') {
      const requestedDate = dayOf(v.requestedAcceptanceDate);
      await recordRefusedRequest(
        m,
        project.id,
        'delay',
        {
          note: v.delayReviewReason?.trim() || null,
          requestId: v.delayRequestId ?? null,
          decidedBy: await deciderOf('Task_DelayReview', v.delayRequestId),
          delay: requestedDate
            ? {
                contractedDate: dayOf(v.contractedAcceptanceDate) ?? today,
                requestedDate,
                reason: v.delayReason?.trim() || '（流程中申请）',
              }
            : undefined,
        },
        now,
      );
    }
  };

  const render = (
    template: string,
    v: NotifyInput,
    project: Project | null,
    today: string,
  ): { mail: RenderedMail; purpose: MailPurpose } => {
    const notice = NOTICES[template];
    if (!notice) throw new NotifyConfigError(`未知的通知模板：${template}`);
    const baseUrl = deps.mail.baseUrl;
    if (notice.kind === 'application-call') {
      const year = v.planYear ?? Number(today.slice(0, 4)) + 1;
      const deadline = v.applicationDeadline
        ? chinaDate(new Date(Date.parse(v.applicationDeadline) - 1000))
        : deps.calendar.deadlineOn(`${year - 1}-09-30`);
      return { mail: applicationCallMail(baseUrl, year, deadline), purpose: 'reminder' };
    }
    if (!project) throw new NotifyConfigError(`通知 ${template} 需要 projectId`);
    const projectId = String(project.id);
    if (notice.kind === 'decision') {
      const r = notice.reasonVariable
        ? (v[notice.reasonVariable as keyof NotifyInput] as string | null | undefined)
        : null;
      return {
        mail: gatewayMail({
          baseUrl,
          projectId,
          projectName: project.name,
          gatewayName: notice.gatewayName,
          decision: notice.decision,
          kind: notice.decisionKind,
          nextSteps: notice.nextSteps ?? [],
          nextAssignees: [],
          reason: r ?? null,
        }),
        purpose: 'gateway',
      };
    }
    const dueRaw = v[notice.dueVariable as keyof NotifyInput] as string | null | undefined;
    if (!dueRaw || Number.isNaN(Date.parse(dueRaw)))
      throw new NotifyConfigError(`通知 ${template} 需要变量 ${notice.dueVariable}`);
    const dueDate = chinaDate(new Date(dueRaw));
    const data = { baseUrl, projectId, projectName: project.name, rule: notice.rule, dueDate };
    if (notice.kind === 'reminder')
      return {
        mail: reminderMail({ ...data, workingDays: Math.max(deps.calendar.workingDaysBetween(today, dueDate), 0) }),
        purpose: 'reminder',
      };
    return {
      mail: escalationMail({ ...data, workingDays: Math.max(deps.calendar.workingDaysBetween(dueDate, today), 1) }),
      purpose: 'escalation',
    };
  };

  const send = async (m: EntityManager, job: JobInfo, v: NotifyInput) => {
    const template = String(job.customHeaders.template ?? '');
    const spec = String(job.customHeaders.recipients ?? '');
    const project = v.projectId ? await findProject(m, v.projectId) : null;
    if (v.projectId && !project) throw new NotifyConfigError(`项目不存在：${v.projectId}`);
    const today = todayIn(deps.clock);
    const { mail, purpose } = render(template, v, project, today);
    if (project) await recordDecision(m, template, v, project, today, job);
    if (template === 'key-project-rejected' && project) {
      // R5: the rejected branch of Gateway_KeyProjectApproved reaches no other worker, so the
      // notice records 区发改委's decision (the approved branch: egov.investment-plan-register)
      await recordKeyProjectApproval(
        m,
        project.id,
        {
          decision: 'reject',
          documentNo: v.approvalDocumentNo?.trim() || null,
          approvedInvestment: null,
          reason: v.keyApprovalReason?.trim() || null,
          decidedOn: today,
          processInstanceKey: job.processInstanceKey,
        },
        deps.clock(),
      );
    }
    const recipients = await resolveRecipients(m, spec, project);
    let queued = 0;
    for (const recipient of recipients) {
      const inserted = await enqueueMail(
        m,
        {
          dedupeKey: dedupeKey('notify', job.processInstanceKey, job.elementInstanceKey, template, recipient.userId),
          recipient,
          ...mail,
          purpose,
          projectId: project ? String(project.id) : null,
        },
        { domain: deps.mail.domain, now: deps.clock() },
      );
      if (inserted) queued++;
    }
    return { template, recipients: recipients.length, queued };
  };

  return defineWorker({
    type: 'egov.notify',
    description:
      'Notices (header template × recipients): R2.2, R7, R8.1, R8.2, R20, R22.2, R22.3, R23, R26, R15, R6 — mail in the outbox, same transaction, recipients from user records',
    input: notifyInput,
    output: notifyOutput,
    async handle(ctx) {
      await ctx.once((m) => send(m, ctx.job, ctx.variables));
      return complete({});
    },
  });
}
