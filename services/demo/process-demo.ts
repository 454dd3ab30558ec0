/**
 * Demo process instances for `npm start`: every submitted sample project of the domain seed gets
 * its real `project-lifecycle` instance, started exactly as the submit endpoint starts it, and is
 * then driven to its place on the 附件3 diagram the way the participants would move it:
 * - the running job workers (workers/index.ts) do every automated step and write the domain;
 * - user tasks are claimed and completed through the task service as the demo user of the
 *   candidate group (so the forms are validated server-side, like the tasklist's submissions);
 * - messages the annual planning would send (`annual-plan-included`) are published when the
 *   instance waits for them.
 * Nothing touches the engine clock: the dates entered in the forms (go-live in May 2025) put the
 * R23 self-evaluation due date in the past, so the overdue task is one the regulation's period
 * produces. The open incident is genuine too: the quarterly reporting (R15) of the project in
 * implementation computes its next window in a year the working-day calendar does not hold yet.
 * The placing is not on the start-up path: `/readyz` answers meanwhile; the log counts
 * `demo: N of M projects placed`.
 *
 * Idempotent: a project that has an instance is not started again, a task is completed only while
 * its instance has not reached its place, messages carry a message id. Runs in the background.
 */
import { IsNull, Not, In } from 'typeorm';
import type { ApiServices } from '../api/services';
import { fromCents, toCents } from '../domain/money';
import {
  ApplicationVersionEntity,
  LedgerEntryEntity,
  OrganisationEntity,
  ProjectEntity,
  UserEntity,
  type Project,
  type ProjectStage,
} from '../domain/entities';
import { candidateGroupsOf } from '../domain/organisations';
import { moveStage } from '../domain/stage-history';
import type { Logger } from '../logger';
import { LIFECYCLE_PROCESS_ID, startProjectProcess } from '../processes/project-start';
import type { DemoProgress } from './demo-state';
import type { TaskActor } from '../tasks/task-service';

/** Stages before submission have no process yet. */
const NOT_STARTED: readonly ProjectStage[] = ['draft'];

/** Where a sample project's instance stops, and the domain stage that goes with that position. */
export interface Placement {
  /** element ids that are active when the project is placed (tokens on the live view) */
  waitAt: readonly string[];
  /** or: the instance has ended at this end event */
  endedAt?: string;
  stage: ProjectStage;
  /** user tasks left open although the flow would pass them */
  hold?: (task: OpenTask) => boolean;
  /** tasks at a `waitAt` element that are completed all the same (some of a parallel review) */
  release?: (task: OpenTask) => boolean;
  /** the form values that differ from the defaults for this project */
  values?: Record<string, Record<string, unknown>>;
  /** why the project stands where it stands (log and docs) */
  story: string;
}

/** By project name (the seed's DEMO_PROJECTS). */
export const PLACEMENTS: Readonly<Record<string, Placement>> = {
  孙岗乡便民服务中心自助终端购置: {
    waitAt: [],
    endedAt: 'EndEvent_NotGoverned',
    stage: 'not-governed',
    story: 'R2.2：列入部门预算且不超过 10 万元，不适用本办法，流程结束',
  },
  叶集区智慧教育云平台扩容: {
    waitAt: ['Task_ReviseApplication'],
    stage: 'returned',
    story: '申报材料审核：缺信息资源目录与 R24 合规项，退回建设单位修改（R6、R9）',
  },
  区人民医院互联网医院信息系统: {
    waitAt: ['Task_ReviewCyberspace', 'Task_ExpertScoring'],
    stage: 'joint-review',
    release: (t) => t.elementId === 'Task_ExpertScoring' && t.assignee === 'expert1',
    story: '联合审查论证：网信办与两位专家尚未提交（R7）',
  },
  雪亮工程视频监控联网平台升级: {
    waitAt: ['Task_KeyProjectApproval'],
    stage: 'approval',
    story: '审查通过的重点项目，待区发改委单独立项',
  },
  就业创业公共服务信息系统: {
    waitAt: ['Gateway_PlanDecision'],
    stage: 'investment-plan',
    story: '已列入政府性投资计划（R21），等待年度建设计划（R8.1）',
  },
  叶集区智慧养老服务平台: {
    waitAt: ['Task_SecurityInspection', 'Task_CryptoReview'],
    stage: 'security-inspection',
    story: '建设完成，网络安全检查（R12）与密码应用审查（R13）同时进行',
  },
  史河街道网格化社会治理平台: {
    waitAt: ['Task_Procurement'],
    stage: 'units-designated',
    story: '已明确监理/等保/测评单位（R18），待政府采购（R14）',
  },
  农村饮水安全信息化监管系统: {
    waitAt: ['Task_Implementation', 'CallActivity_QuarterlyReporting'],
    stage: 'implementation',
    story:
      '项目实施中；下一季度报送期按 2027 年节假日安排计算，工作日历尚未收录该年 → 运维中心可见的事件（添加 config/holidays/2027.json 后重试）',
  },
  应急指挥一体化平台: {
    waitAt: ['Task_FinalAcceptanceReview'],
    stage: 'final-acceptance',
    story: '专家组竣工验收（R22.2、R14）',
  },
  '政务服务“一网通办”数据共享平台': {
    waitAt: ['Task_PaymentApproval'],
    stage: 'payment',
    values: { Task_FinalAcceptanceReview: { goLiveDate: '2026-04-20' } },
    story: '验收合格，尾款支付申请待区数管局审核（R19.2）',
  },
  市场主体智慧监管系统: {
    waitAt: ['Task_SelfEvaluation'],
    stage: 'self-evaluation',
    values: {
      Task_PreliminaryAcceptance: { preliminaryAcceptanceDate: '2025-04-10' },
      Task_FinalAcceptanceReview: { goLiveDate: '2025-05-20' },
    },
    hold: (t) => t.elementId === 'Task_PostEvaluation',
    story: '2025 年 5 月投入运行，绩效自评价已逾期（R23 六个月）',
  },
};

/** Who acts for a candidate group (the demo users of seed.ts). */
const GROUP_USER: Readonly<Record<string, string>> = {
  'data-bureau': 'sgj.staff',
  finance: 'czj.staff',
  drc: 'fgw.staff',
  'trading-center': 'jyzx.staff',
  'crypto-bureau': 'mmj.staff',
  'cyberspace-office': 'wxb.staff',
  government: 'zf.staff',
  experts: 'expert1',
};

export interface OpenTask {
  key: string;
  elementId: string;
  assignee: string | null;
  candidateGroups: string[];
}

export interface ProcessDemoResult {
  started: number;
  skipped: number;
  failed: number;
  /** instances at their place (tokens where PLACEMENTS says) */
  placed: number;
  /** instances that did not get there in time (logged with where they stand) */
  unplaced: number;
}

interface Context {
  services: ApiServices;
  project: Project;
  org: { code: string; name: string };
  placement: Placement;
  /** the project's application (附件1) as the seed stored it */
  form: Record<string, unknown>;
  actors: Map<string, TaskActor>;
  log?: Logger;
}

const consistency = { consistency: { waitUpToMs: 0 } };
const money = (s: string | null | undefined) => Number(s ?? 0);
const chinaToday = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);

async function actorOf(ctx: Context, username: string): Promise<TaskActor> {
  const cached = ctx.actors.get(username);
  if (cached) return cached;
  const ds = ctx.services.dataSource;
  const user = await ds.getRepository(UserEntity).findOneByOrFail({ username });
  const org = await ds.getRepository(OrganisationEntity).findOneByOrFail({ id: user.orgId });
  const actor: TaskActor = {
    username,
    displayName: user.displayName,
    roles: user.roles,
    groups: candidateGroupsOf(org, user.roles),
  };
  ctx.actors.set(username, actor);
  return actor;
}

/** The demo user who takes a task: its assignee, else the user of its first known candidate group. */
async function userFor(ctx: Context, t: OpenTask): Promise<string | null> {
  if (t.assignee) return t.assignee;
  for (const g of t.candidateGroups) {
    if (g === `dept:${ctx.org.code}`) {
      // the department's first staff member (jyj.staff, nyj.clerk …)
      const users = await ctx.services.dataSource
        .getRepository(UserEntity)
        .find({ where: { orgId: ctx.project.orgId, disabled: false }, order: { id: 'ASC' } });
      const staff = users.find((u) => u.roles.includes('staff'));
      if (staff) return staff.username;
    }
    if (GROUP_USER[g]) return GROUP_USER[g];
  }
  return null;
}

async function paidSoFar(ctx: Context): Promise<number> {
  const rows = await ctx.services.dataSource.getRepository(LedgerEntryEntity).findBy({ projectId: ctx.project.id });
  let paid = 0n;
  for (const r of rows) if (r.kind === 'payment') paid += toCents(r.amount);
  return Number(fromCents(paid));
}

/** The form values a participant enters at each user task (validated by the task service). */
async function answer(
  ctx: Context,
  elementId: string,
  vars: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const p = ctx.project;
  const f = ctx.form as {
    summary: string;
    kind: string;
    constructionPeriod: { start: string; end: string };
    investment: { fiscal: string; loan: string; selfRaised: string; other: string };
    responsiblePerson: string;
    contactPerson: string;
    contactPhone: string;
    email: string;
  };
  const total = money(p.totalInvestment);
  const end = f.constructionPeriod.end;
  const endDay = `${end}-28`;
  const opinion = (body: string) => ({ decision: 'pass', reason: `${body}：项目建设必要，方案可行，同意通过。` });
  switch (elementId) {
    case 'Task_ReviseApplication': {
      const docs = (kind: string) => `${p.name}-${kind}.docx`;
      return {
        departmentName: ctx.org.name,
        projectName: p.name,
        summary: f.summary,
        constructionStart: f.constructionPeriod.start,
        constructionEnd: end,
        projectCategory: p.category,
        constructionType: f.kind,
        fundSource: vars.fundSource ?? 'fiscal',
        listedInDepartmentBudget: p.departmentBudget,
        crossDepartment: false,
        urgentAdHoc: false,
        classifiedSystem: false,
        totalInvestment: total,
        fundFiscal: money(f.investment.fiscal),
        fundBankLoan: money(f.investment.loan),
        fundSelfRaised: money(f.investment.selfRaised),
        fundOther: money(f.investment.other),
        responsiblePerson: f.responsiblePerson,
        contactPerson: f.contactPerson,
        contactPhone: f.contactPhone,
        contactEmail: f.email,
        docConstructionBasis: docs('建设依据'),
        docConstructionPlan: docs('建设方案'),
        docBudgetEstimate: docs('概算'),
        docFeasibilityStudy: docs('可行性研究报告'),
        sharingAnalysisIncluded: true,
        docResourceCatalogue: `${ctx.org.name}政务信息资源目录（${p.planYear} 年版）`,
        productSecurityStatement: '拟采购的服务器、操作系统和数据库均为安全可靠产品（R14）。',
        r24Compliance: [
          'gov-cloud',
          'data-aggregation',
          'interconnection',
          'data-sharing',
          'business-collaboration',
          'domestic-crypto',
          'network-security',
        ],
        supervisorOpinion: '情况属实，同意申报。',
        supervisorSealed: true,
        supervisorOpinionDate: chinaToday(ctx.services.now()),
      };
    }
    case 'Task_ReviewDataBureau':
      return opinion('区数管局');
    case 'Task_ReviewFinance':
      return opinion('区财政局');
    case 'Task_ReviewDrc':
      return opinion('区发改委');
    case 'Task_ReviewCrypto':
      return opinion('区委机要局');
    case 'Task_ReviewCyberspace':
      return opinion('区委网信办');
    case 'Task_ExpertScoring':
      return {
        scorePlanning: 86,
        scoreSharing: 82,
        scoreFeasibility: 88,
        scoreBudget: 80,
        scoreCrypto: 84,
        recommendation: 'pass',
        expertComment: '建设目标明确，技术路线成熟，建议通过。',
        noConflictOfInterest: true,
      };
    case 'Task_KeyProjectApproval':
      return {
        keyApprovalDecision: 'approve',
        approvalDocumentNo: `叶发改审批〔${p.planYear - 1}〕${10 + p.id}号`,
        keyApprovedInvestment: total,
        keyApprovalReason: '符合重点项目立项条件，同意立项。',
      };
    case 'Task_InvestmentPlan':
      return {
        investmentPlanYear: Number(vars.planYear ?? p.planYear),
        investmentPlanNo: `叶发改投资〔${p.planYear - 1}〕${20 + p.id}号`,
        approvedInvestment: total,
      };
    case 'Task_ProjectStart':
      return {
        projectResponsiblePerson: f.responsiblePerson,
        projectResponsiblePhone: f.contactPhone,
        projectStartDate: `${f.constructionPeriod.start}-05`,
        managementSystems: [
          'project-management',
          'procurement',
          'supervision',
          'contract',
          'classified-protection',
          'network-security',
        ],
      };
    case 'Task_UnitsDesignation':
      return {
        supervisionUnit: '安徽省信息工程监理有限公司',
        classifiedProtectionUnit: '六安市网络安全等级保护测评中心',
        thirdPartyTestingUnit: '安徽省软件评测中心',
      };
    case 'Task_Procurement':
      return {
        procurementMethod: total >= 100 ? 'open-tender' : 'competitive-consultation',
        tenderNo: `YJCG-${f.constructionPeriod.start.slice(0, 4)}-${String(p.id).padStart(3, '0')}`,
        supplierName: '安徽皖通数字科技有限公司',
        contractNo: `YJHT-${f.constructionPeriod.start.slice(0, 4)}-${String(p.id).padStart(3, '0')}`,
        contractAmount: Math.round(total * 95) / 100,
        contractSignedDate: `${f.constructionPeriod.start}-20`,
        contractedAcceptanceDate: endDay,
        productsSecureAndReliable: true,
      };
    case 'Task_Implementation':
      return {
        constructionCompletedDate: endDay,
        implementationSummary: '按批复内容完成建设，系统部署于区政务云，试运行正常。',
        builtAsApproved: true,
        deployedOnGovCloud: true,
        investedAmount: Math.round(total * 95) / 100,
      };
    case 'Task_SecurityInspection':
      return { securityInspectionResult: 'pass', classifiedProtectionLevel: '2', riskAssessmentDate: endDay };
    case 'Task_CryptoReview':
      return { cryptoReviewResult: 'pass', cryptoSynchronised: ['planned', 'built', 'running'] };
    case 'Task_PreliminaryAcceptance':
      return {
        preliminaryAcceptanceDate: endDay,
        preliminaryResult: 'pass',
        preliminaryParticipants: '建设单位、监理单位、承建单位',
        docPreliminaryReport: `${p.name}-初步验收报告.docx`,
      };
    case 'Task_FinalAcceptanceApplication':
      return {
        docAcceptanceApplication: `${p.name}-验收申请报告.docx`,
        docConstructionSummary: `${p.name}-建设总结.docx`,
        securityReportType: 'classified-protection',
        docSecurityRiskReport: `${p.name}-安全风险评估报告（等保测评报告）.docx`,
        docCryptoAssessmentReport: `${p.name}-密码应用安全性评估报告.docx`,
        productSecurityStatus: '所用产品均为安全可靠产品。',
        cryptoApplicationStatus: '已按商用密码应用要求同步规划、建设、运行。',
        securityReviewStatus: '已通过网络安全检查。',
        hasHardwareOrDataCentre: false,
      };
    case 'Task_AcceptanceOrganisation':
      return {
        finalAcceptanceMeetingDate: endDay,
        finalAcceptancePanel: '张教授（组长）、林高工、高研究员',
        finalAcceptanceVenue: '区数据资源管理局三楼会议室',
        // Task_FinalAcceptanceReview is assigned to the lead (张教授): the expert who completes it
        finalAcceptancePanelLead: GROUP_USER.experts,
      };
    case 'Task_FinalAcceptanceReview':
      return {
        itemProductSecurity: 'pass',
        itemCryptography: 'pass',
        itemSecurityReview: 'pass',
        itemEnergyEfficiency: 'not-applicable',
        finalAcceptanceResult: 'pass',
        finalAcceptanceOpinion: '项目按批复完成建设，文档齐全，同意通过竣工验收。',
      };
    case 'Task_PaymentRequest': {
      const paid = await paidSoFar(ctx);
      const approved = money(p.approvedAmount ?? p.totalInvestment);
      // the balance, less a small surplus that goes back to the treasury (R19.2)
      const requested = Math.max(Math.round((approved - paid) * 96) / 100, 0.01);
      return {
        requestedAmount: requested,
        paidSoFar: paid,
        docInvoice: `${p.name}-尾款发票.pdf`,
        auditRequested: false,
      };
    }
    case 'Task_PaymentApproval':
      return {
        paymentDecision: 'approve',
        paymentApprovedAmount: Number(vars.requestedAmount ?? 0),
        paymentOpinion: '经审核，支付申请与合同、验收结论一致，同意支付。',
      };
    case 'Task_SurplusReturn':
      return {
        returnedAmount: Number(vars.surplusAmount ?? 0),
        surplusReturnedDate: chinaToday(ctx.services.now()),
        surplusVoucherNo: `JK-${p.id}-${chinaToday(ctx.services.now()).replace(/-/g, '')}`,
      };
    case 'Task_SelfEvaluation':
      return {
        operationEffect: '系统运行稳定，业务办理效率明显提升。',
        problemsMet: '部分基层单位使用培训不足，已组织专项培训。',
        docSelfEvaluationReport: `${p.name}-绩效自评价报告.docx`,
      };
    case 'Task_PostEvaluation':
      return {
        scoreOperationEfficiency: 88,
        scoreUsageEffect: 85,
        postEvaluationGrade: 'good',
        budgetRecommendation: 'normal',
      };
    default:
      return {};
  }
}

/** One step towards the placement; returns true when the project is placed. */
async function step(ctx: Context, key: string): Promise<boolean> {
  const engine = ctx.services.engine!;
  const tasksService = ctx.services.tasks!;
  const pl = ctx.placement;
  if (pl.endedAt) {
    const instance = (await engine.getProcessInstance({ processInstanceKey: key } as never, consistency)) as {
      state?: string;
    };
    if (instance.state === 'COMPLETED') return true;
  }
  const active = (await engine.searchElementInstances(
    { filter: { processInstanceKey: key, state: 'ACTIVE' }, page: { limit: 100 } } as never,
    consistency,
  )) as { items: { elementId: string }[] };
  const activeIds = new Set(active.items.map((e) => e.elementId));
  const open = await openTasks(ctx, key);
  // placed when the places hold tokens and nothing but held tasks is left to do there
  if (!pl.endedAt && pl.waitAt.every((id) => activeIds.has(id)) && open.every((t) => !shouldComplete(ctx, t)))
    return true;
  if (activeIds.has('Gateway_PlanDecision') && !pl.waitAt.includes('Gateway_PlanDecision')) {
    // the annual planning process publishes this when the year's plan is issued (R8.1)
    const year = Number(chinaToday(ctx.services.now()).slice(0, 4));
    await engine.publishMessage({
      name: 'annual-plan-included',
      correlationKey: String(ctx.project.id),
      messageId: `demo:annual-plan-included:${ctx.project.id}`,
      timeToLive: 0,
      variables: { planYear: year },
    } as never);
    ctx.log?.debug({ project: ctx.project.code, planYear: year }, 'demo: annual-plan-included published');
    return false;
  }
  for (const t of open) {
    if (!shouldComplete(ctx, t)) continue;
    const username = await userFor(ctx, t);
    if (!username) continue;
    const actor = await actorOf(ctx, username);
    if (!t.assignee) await tasksService.claim(actor, t.key);
    const vars = await tasksService.variables(actor, t.key);
    const values = { ...(await answer(ctx, t.elementId, vars)), ...(pl.values?.[t.elementId] ?? {}) };
    await tasksService.complete(actor, t.key, values);
    ctx.log?.debug({ project: ctx.project.code, task: t.elementId, by: username }, 'demo: task completed');
  }
  return false;
}

function shouldComplete(ctx: Context, t: OpenTask): boolean {
  if (ctx.placement.hold?.(t)) return false;
  return !ctx.placement.waitAt.includes(t.elementId) || (ctx.placement.release?.(t) ?? false);
}

async function openTasks(ctx: Context, key: string): Promise<OpenTask[]> {
  const res = (await ctx.services.engine!.searchUserTasks(
    { filter: { processInstanceKey: key, state: 'CREATED' }, page: { limit: 100 } } as never,
    consistency,
  )) as { items: { userTaskKey: unknown; elementId?: string; assignee?: string; candidateGroups?: string[] }[] };
  return res.items.map((t) => ({
    key: String(t.userTaskKey),
    elementId: String(t.elementId ?? ''),
    assignee: t.assignee ?? null,
    candidateGroups: t.candidateGroups ?? [],
  }));
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

async function place(ctx: Context, key: string, deadline: number, signal?: AbortSignal): Promise<boolean> {
  let lastError: unknown = null;
  while (Date.now() < deadline && !signal?.aborted) {
    try {
      if (await step(ctx, key)) {
        await reconcileStage(ctx);
        return true;
      }
      lastError = null;
    } catch (err) {
      // a task completed by a worker's follow-up or a read before the write: try again shortly
      lastError = err;
    }
    await sleep(300, signal);
  }
  ctx.log?.warn({ project: ctx.project.code, err: lastError }, 'demo project not placed in time');
  return false;
}

/**
 * The stage of the project's position. Workers write the stages they own (review, investment plan,
 * units, acceptance …); where none writes it yet, the position decides and the log says so.
 */
async function reconcileStage(ctx: Context): Promise<void> {
  const repo = ctx.services.dataSource.getRepository(ProjectEntity);
  const now = await repo.findOneByOrFail({ id: ctx.project.id });
  if (now.stage !== ctx.placement.stage) {
    const to = ctx.placement.stage;
    await ctx.services.dataSource.transaction((m) => moveStage(m, now.id, to, ctx.services.now()));
    ctx.log?.info(
      { project: now.code, from: now.stage, to: ctx.placement.stage },
      'demo: stage of the position set (no worker writes it yet)',
    );
  }
}

export async function runProcessDemo(
  services: ApiServices,
  opts: { logger?: Logger; signal?: AbortSignal; timeoutMs?: number; progress?: DemoProgress } = {},
): Promise<ProcessDemoResult> {
  const result: ProcessDemoResult = { started: 0, skipped: 0, failed: 0, placed: 0, unplaced: 0 };
  if (!services.engine || !services.tasks) return result;
  const projects = await services.dataSource
    .getRepository(ProjectEntity)
    .find({ where: { stage: Not(In([...NOT_STARTED])) }, order: { id: 'ASC' } });
  const toPlace: { ctx: Context; key: string }[] = [];
  const actors = new Map<string, TaskActor>();
  for (const p of projects) {
    if (opts.signal?.aborted) break;
    try {
      if (!p.processInstanceKey) await adoptInstance(services, p, opts.logger);
      const { started, processInstanceKey } = await startProjectProcess(services.dataSource, services.engine, p.id);
      if (started) result.started++;
      else result.skipped++;
      opts.logger?.info({ project: p.code, processInstanceKey, started }, 'demo instance');
      const placement = PLACEMENTS[p.name];
      if (!placement) continue;
      const org = await services.dataSource.getRepository(OrganisationEntity).findOneByOrFail({ id: p.orgId });
      const form = await applicationOf(services, p);
      const ctx: Context = { services, project: p, org, placement, form, actors, log: opts.logger };
      toPlace.push({ ctx, key: processInstanceKey });
    } catch (err) {
      result.failed++;
      opts.logger?.warn({ project: p.code, err }, 'demo instance not started');
    }
  }
  // a safety net: on a busy 2-core machine with MariaDB the placing can take minutes
  const deadline = Date.now() + (opts.timeoutMs ?? 600_000);
  const total = toPlace.length;
  await Promise.all(
    toPlace.map(async ({ ctx, key }) => {
      const ok = await place(ctx, key, deadline, opts.signal);
      if (ok) await opts.progress?.mark(`placed:${ctx.project.name}`, services.now());
      if (ok) result.placed++;
      else result.unplaced++;
      opts.logger?.info(
        { project: ctx.project.code, at: ctx.placement.endedAt ?? ctx.placement.waitAt, story: ctx.placement.story },
        ok
          ? `demo: ${result.placed} of ${total} projects placed`
          : `demo: ${ctx.project.code} not placed (${result.placed} of ${total} placed)`,
      );
    }),
  );
  opts.logger?.info(result, 'demo instances ready');
  return result;
}

/**
 * A start interrupted between the engine's answer and the project's row (the first `npm start`
 * killed) leaves an instance the project does not know: it is the project's instance (found by its
 * `projectId` start variable) rather than a second one beside it.
 */
async function adoptInstance(services: ApiServices, p: Project, log?: Logger): Promise<void> {
  const found = (await services.engine!.searchProcessInstances(
    {
      filter: {
        processDefinitionId: LIFECYCLE_PROCESS_ID,
        variables: [{ name: 'projectId', value: JSON.stringify(String(p.id)) }],
      },
      sort: [{ field: 'processInstanceKey', order: 'ASC' }],
      page: { limit: 10 },
    } as never,
    consistency,
  )) as { items: { processInstanceKey: unknown }[] };
  const key = found.items[0]?.processInstanceKey;
  if (key === undefined) return;
  const res = await services.dataSource
    .getRepository(ProjectEntity)
    .update({ id: p.id, processInstanceKey: IsNull() }, { processInstanceKey: String(key) });
  if (res.affected) {
    p.processInstanceKey = String(key);
    log?.info({ project: p.code, processInstanceKey: String(key) }, 'demo: instance of an interrupted start adopted');
  }
}

async function applicationOf(services: ApiServices, p: Project): Promise<Record<string, unknown>> {
  const row = await services.dataSource
    .getRepository(ApplicationVersionEntity)
    .findOneBy({ projectId: p.id, version: p.currentVersion });
  return row ? (JSON.parse(row.data) as Record<string, unknown>) : {};
}
