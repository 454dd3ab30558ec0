/**
 * Authoring tool for the process models. The committed .bpmn files are the source of truth that
 * the process owner edits in the Camunda Modeler; this script only produced their first version
 * (semantic XML + grid layout). The models have been edited by hand since (project-lifecycle.bpmn
 * no longer matches this script), so it writes only into another directory.
 * Run: `npx tsx processes/tools/generate.ts --out <dir>`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProcessBuilder } from './bpmn-builder';
import type { NodeOptions } from './bpmn-builder';

/** Candidate groups (regulation.md, R5). */
const G = {
  dataBureau: 'data-bureau',
  finance: 'finance',
  drc: 'drc',
  tradingCenter: 'trading-center',
  crypto: 'crypto-bureau',
  cyberspace: 'cyberspace-office',
  audit: 'audit',
  government: 'government',
  experts: 'experts',
  /** The applying department: a process variable holding "dept:<code>". */
  department: '=[departmentGroup]',
} as const;

function dsl(p: ProcessBuilder, container?: string) {
  const o = (opts: NodeOptions = {}): NodeOptions => ({ container, ...opts });
  return {
    start: (id: string, name: string, c: number, r: number, opts?: NodeOptions) =>
      p.node('startEvent', id, name, c, r, o(opts)),
    end: (id: string, name: string, c: number, r: number, opts?: NodeOptions) =>
      p.node('endEvent', id, name, c, r, o(opts)),
    svc: (id: string, name: string, c: number, r: number, jobType: string, opts?: NodeOptions) =>
      p.node('serviceTask', id, name, c, r, o({ jobType, ...opts })),
    send: (id: string, name: string, c: number, r: number, jobType: string, opts?: NodeOptions) =>
      p.node('sendTask', id, name, c, r, o({ jobType, ...opts })),
    user: (id: string, name: string, c: number, r: number, groups: string, formId: string, opts?: NodeOptions) =>
      p.node('userTask', id, name, c, r, o({ candidateGroups: groups, formId, ...opts })),
    call: (id: string, name: string, c: number, r: number, calledElement: string, opts?: NodeOptions) =>
      p.node('callActivity', id, name, c, r, o({ calledElement, ...opts })),
    xor: (id: string, name: string, c: number, r: number, opts?: NodeOptions) =>
      p.node('exclusiveGateway', id, name, c, r, o(opts)),
    and: (id: string, c: number, r: number, opts?: NodeOptions) => p.node('parallelGateway', id, '', c, r, o(opts)),
    events: (id: string, name: string, c: number, r: number, opts?: NodeOptions) =>
      p.node('eventBasedGateway', id, name, c, r, o(opts)),
    catchMessage: (id: string, name: string, c: number, r: number, messageRef: string, opts?: NodeOptions) =>
      p.node('intermediateCatchEvent', id, name, c, r, o({ event: { type: 'message', messageRef }, ...opts })),
    catchTimer: (id: string, name: string, c: number, r: number, timeDate: string, opts?: NodeOptions) =>
      p.node('intermediateCatchEvent', id, name, c, r, o({ event: { type: 'timer', timeDate }, ...opts })),
    timerOn: (id: string, name: string, host: string, timeDate: string, opts?: NodeOptions) =>
      p.node('boundaryEvent', id, name, 0, 0, { attachedTo: host, event: { type: 'timer', timeDate }, ...opts }),
    errorOn: (id: string, name: string, host: string, errorRef: string, opts?: NodeOptions) =>
      p.node('boundaryEvent', id, name, 0, 0, { attachedTo: host, event: { type: 'error', errorRef }, ...opts }),
    sub: (id: string, name: string, opts?: NodeOptions) => p.node('subProcess', id, name, 0, 0, o(opts)),
    /** egov.notify: one explicit notice (e-mail via the outbox) per element; template and recipients in headers. */
    notify: (id: string, name: string, c: number, r: number, template: string, recipients: string, doc: string) =>
      p.node('serviceTask', id, name, c, r, o({ jobType: 'egov.notify', headers: { template, recipients }, doc })),
    /** egov.due-date: statutory date on the working-day calendar; `dueDate` mapped to a named variable. */
    due: (
      id: string,
      name: string,
      c: number,
      r: number,
      rule: string,
      outputs: [string, string][],
      doc: string,
      inputs: [string, string][] = [],
    ) =>
      p.node(
        'serviceTask',
        id,
        name,
        c,
        r,
        o({ jobType: 'egov.due-date', headers: { rule }, io: { inputs, outputs }, doc }),
      ),
  };
}

// ---------------------------------------------------------------------------------------------
// project-lifecycle
// ---------------------------------------------------------------------------------------------

function projectLifecycle(): ProcessBuilder {
  const p = new ProcessBuilder(
    'project-lifecycle',
    '政务信息化项目全生命周期（附件3）',
    '叶政办〔2020〕19号 附件3 管理流程：一个项目一个实例，从项目申报到项目后评价。' +
      '启动变量：projectId, departmentGroup ("dept:<code>"), departmentCode, projectName, planYear, ' +
      'totalInvestment (万元), listedInDepartmentBudget, crossDepartment, urgentAdHoc, classifiedSystem, ' +
      'constructionStart, constructionEnd ("YYYY-MM")。',
  );
  const mReviewOpened = p.message('Message_JointReviewOpened', 'joint-review-opened', '=projectId');
  const mIncluded = p.message('Message_AnnualPlanIncluded', 'annual-plan-included', '=projectId');
  const mNotIncluded = p.message('Message_AnnualPlanNotIncluded', 'annual-plan-not-included', '=projectId');
  const mChange = p.message('Message_ChangeRequested', 'change-requested', '=projectId');
  const mDelay = p.message('Message_AcceptanceDelayRequested', 'acceptance-delay-requested', '=projectId');
  const mRect = p.message('Message_RectificationOrdered', 'rectification-ordered', '=projectId');
  const eTerminated = p.error('Error_ProjectTerminated', '项目终止', 'ERR_PROJECT_TERMINATED');
  const ePayment = p.error('Error_PaymentExceedsApproved', '支付超出批复投资', 'ERR_PAYMENT_EXCEEDS_APPROVED');

  const d = dsl(p);

  // --- 项目申报 (R2, R6, R9, R10, R14, R16, R24) ---------------------------------------------
  d.start('StartEvent_Application', '建设单位：项目申报', 0, 1, {
    doc: 'R6：建设单位提交《项目申报表》（附件1）及建设依据、建设方案、概算、可研报告。API 校验表单后启动实例。',
  });
  d.svc('Task_ApplicabilityCheck', '适用范围判定', 1, 1, 'egov.applicability-check', {
    doc: 'R2.1 适用范围；R2.2 列入部门预算的10万元以下（含10万元）项目不适用本办法。同时按建设年度计算 quarterlyReportsRequired（R15：超过6个月或跨年度）。',
  });
  d.xor('Gateway_Governed', '适用本办法？', 2, 1);
  d.notify(
    'Task_NotifyNotGoverned',
    '告知不适用本办法（可分散采购）',
    3,
    2,
    'not-governed',
    'department',
    'R2.2：当即告知申报单位本项目不适用本办法，可通过分散采购方式实施；不进入审查流程。',
  );
  d.end('EndEvent_NotGoverned', '不适用本办法', 4, 2, { doc: 'R2.2' });
  d.xor('Gateway_CrossDepartment', '跨部门项目？', 5, 1, { doc: 'R10' });
  d.user('Task_FrameworkPlan', '牵头单位：编制统一框架方案', 6, 2, G.department, 'framework-plan', {
    doc: 'R10：牵头单位会同参建单位形成统一框架方案（参建单位、目标、主体内容、子项目、业务流、数据流、接口、初步数据目录、无重复交叉）后联合报区数管局。',
  });
  d.xor('Gateway_CrossDepartmentMerge', '', 7, 1);
  d.xor('Gateway_MaterialsMerge', '', 8, 1);
  d.svc('Task_MaterialsCheck', '申报材料完整性与合规性审核', 9, 1, 'egov.materials-check', {
    doc: 'R6 材料齐全（建设依据、建设方案、概算、可研报告、附件1 及主管部门盖章）；R9 信息资源共享分析与信息资源目录；R14 产品安全可靠说明；R16 依托政务云和电子政务外网；R24 汇聚、互联互通、共享、协同、国产密码、网络安全。不合格 → 退回修改。同时判定申报期（R6：9月30日前）并给出 awaitReviewWindow。',
  });
  d.svc('Task_DuplicateCheck', '重复建设与共享性检查', 10, 1, 'egov.duplicate-check', {
    doc: 'R9 不得仅向特定企业开放；R10 跨部门项目各单位内容无重复交叉；R16 不再重复建设数据中心和专网。',
  });
  d.xor('Gateway_MaterialsOk', '材料齐全合规？', 11, 1);
  d.user('Task_ReviseApplication', '建设单位：退回修改', 9, 2, G.department, 'application-form', {
    doc: '退回修改（R6、R9、R14、R24，或联合审查意见为退回修改）：建设单位补正《项目申报表》（附件1）及材料后重新提交。',
  });
  d.xor('Gateway_ReviseMerge', '', 10, 2);
  d.xor('Gateway_AwaitReviewWindow', '等待集中审查期？', 12, 1);
  d.catchMessage('Event_JointReviewOpened', '集中审查论证开始（10月）', 13, 2, mReviewOpened, {
    doc: 'R6/R7：9月30日申报截止后，annual-planning 在10月初逐项目发布 joint-review-opened（按 projectId 关联）。',
  });
  d.xor('Gateway_ReviewWindowMerge', '', 14, 1);

  // --- 联合审查论证 (R7) ----------------------------------------------------------------------
  d.due(
    'Task_ReviewDueDate',
    '计算审查论证期限',
    15,
    1,
    'R7.review-end',
    [['=dueDate', 'reviewDueDate']],
    'R7：集中审查论证在每年10—12月；期限为审查年度12月最后一个工作日（临时确需项目 R8.2 为启动后20个工作日）。',
  );
  d.svc('Task_ExpertPanel', '抽取评审专家', 16, 1, 'egov.expert-panel', {
    doc: 'R7：区数管局组织专家；输出 expertPanel（专家用户 id 列表）。',
  });
  d.and('Gateway_ReviewSplit', 17, 1, {
    doc: 'R7：区数管局会同区财政局、区发改委、区委机要局、区委网信办联合审查，专家评分，并行进行。',
  });
  const reviewOut = (v: string): NodeOptions => ({
    dueDate: '=reviewDueDate',
    io: { outputs: [['={decision: decision, reason: reason}', v]] },
  });
  d.user('Task_ReviewDataBureau', '区数管局：审查论证', 18, -1, G.dataBureau, 'review-opinion', {
    doc: 'R5/R7：区数管局审查可行性和建设方案。',
    ...reviewOut('dataBureauReview'),
  });
  d.user('Task_ReviewFinance', '区财政局：审查论证', 18, 0, G.finance, 'review-opinion', {
    doc: 'R7：区财政局参加集中审查（概算合理性）。',
    ...reviewOut('financeReview'),
  });
  d.user('Task_ReviewDrc', '区发改委：审查论证', 18, 1, G.drc, 'review-opinion', {
    doc: 'R7：区发改委参加集中审查。',
    ...reviewOut('drcReview'),
  });
  d.user('Task_ReviewCrypto', '区委机要局：密码应用审查论证', 18, 2, G.crypto, 'review-opinion', {
    doc: 'R7/R13：密码应用安全性。',
    ...reviewOut('cryptoReview'),
  });
  d.user('Task_ReviewCyberspace', '区委网信办：网络安全审查论证', 18, 3, G.cyberspace, 'review-opinion', {
    doc: 'R7/R12：网络安全审查。',
    ...reviewOut('cyberspaceReview'),
  });
  d.user('Task_ExpertScoring', '专家：五项评分', 18, 4, G.experts, 'expert-scoring', {
    doc: 'R7 五项评审内容：规划科学性、资源共享性、建设可行性、概算合理性、密码应用安全性。每位专家一个任务（多实例）。',
    assignee: '=expert',
    dueDate: '=reviewDueDate',
    multiInstance: {
      inputCollection: '=expertPanel',
      inputElement: 'expert',
      outputCollection: 'expertScores',
      outputElement: '=expertScore',
    },
    io: {
      inputs: [['=null', 'expertScore']],
      outputs: [
        [
          '={expert: expert, planning: scorePlanning, sharing: scoreSharing, feasibility: scoreFeasibility, budget: scoreBudget, crypto: scoreCrypto, recommendation: recommendation}',
          'expertScore',
        ],
      ],
    },
  });
  d.and('Gateway_ReviewJoin', 19, 1);
  d.svc('Task_ReviewAggregate', '汇总审查论证意见', 20, 1, 'egov.review-aggregate', {
    doc: 'R7：汇总五部门意见和专家评分，得出 reviewOutcome（pass / fail / return）与 isKeyProject（附件3 重点项目）。',
  });
  d.xor('Gateway_ReviewOutcome', '审查论证结论', 21, 1);
  d.notify(
    'Task_NotifyReviewFailed',
    '通知审查不通过',
    22,
    0,
    'review-failed',
    'department',
    'R7 / 附件3：联合审查论证不通过 → 结束。',
  );
  d.end('EndEvent_ReviewFailed', '审查不通过', 23, 0, { doc: '附件3：不通过 → 结束（R7）。' });

  // --- 重点项目单独立项、投资计划 (R5, R21) ------------------------------------------------------
  d.xor('Gateway_KeyProject', '重点项目？', 22, 1);
  d.user('Task_KeyProjectApproval', '区发改委：重点项目单独立项', 23, 2, G.drc, 'key-project-approval', {
    doc: '附件3 / R5：重点项目由区发改委单独立项审批。',
  });
  d.xor('Gateway_KeyProjectApproved', '准予立项？', 24, 2);
  d.notify(
    'Task_NotifyKeyProjectRejected',
    '通知不予立项',
    25,
    3,
    'key-project-rejected',
    'department,data-bureau',
    'R5：区发改委不予立项。',
  );
  d.end('EndEvent_KeyProjectRejected', '不予立项', 26, 3);
  d.xor('Gateway_KeyProjectMerge', '', 25, 1);
  d.user('Task_InvestmentPlan', '区发改委：列入区本级政府性投资计划', 26, 1, G.drc, 'investment-plan', {
    doc: 'R5：区发改委立项审批并列入年度区本级政府性投资计划；R21：列入前不安排建设投资。',
  });
  d.svc('Task_InvestmentPlanRegister', '登记政府性投资计划', 27, 1, 'egov.investment-plan-register', {
    doc: 'R21：登记投资计划文号与计划投资；此后方可进入建设（项目启动前的唯一路径）。',
  });

  // --- 年度建设计划 (R8.1, R8.2) --------------------------------------------------------------
  d.xor('Gateway_AdHoc', '临时确需项目？', 28, 1);
  d.user('Task_AdHocApproval', '区政府：临时确需项目报批', 29, 0, G.government, 'adhoc-approval', {
    doc: 'R8.2：因临时确需建设的项目按程序报批后增列入年度专项资金安排计划。',
  });
  d.xor('Gateway_AdHocApproved', '批准增列？', 30, 0);
  d.svc('Task_AdHocPlanAdd', '增列入年度专项资金安排计划', 31, 0, 'egov.plan-add-adhoc', { doc: 'R8.2' });
  d.notify(
    'Task_NotifyAdHocRejected',
    '通知不予增列',
    31,
    -1,
    'adhoc-rejected',
    'department,data-bureau',
    'R8.2：临时项目未获批准。',
  );
  d.end('EndEvent_AdHocRejected', '不予增列', 32, -1);
  d.xor('Gateway_PlanWaitMerge', '', 29, 1);
  d.events('Gateway_PlanDecision', '年度建设计划结果', 30, 1, {
    doc: 'R8.1：等待 annual-planning 发布的 annual-plan-included / annual-plan-not-included（按 projectId 关联）。',
  });
  d.catchMessage('Event_PlanIncluded', '纳入年度建设计划', 31, 1, mIncluded, {
    doc: 'R8.1：区政府批准的年度政务信息化项目建设计划包含本项目。',
  });
  d.catchMessage('Event_PlanNotIncluded', '未纳入年度建设计划', 31, 2, mNotIncluded, {
    doc: 'R8.1：未纳入计划的项目原则上不安排财政资金。',
  });
  d.user('Task_NotInPlanDecision', '建设单位：顺延或撤回', 32, 2, G.department, 'not-in-plan-decision', {
    doc: 'R8.1：未纳入计划 → 顺延至下一计划年度，或撤回申报。',
  });
  d.xor('Gateway_CarryOver', '顺延？', 33, 2);
  d.svc('Task_PlanCarryOver', '顺延至下一计划年度', 32, 3, 'egov.plan-carry-over', {
    doc: 'R8.1：planYear + 1，等待下一年度计划。',
  });
  d.notify(
    'Task_NotifyWithdrawn',
    '通知撤回申报',
    34,
    2,
    'withdrawn',
    'department,data-bureau',
    'R8.1：建设单位撤回申报。',
  );
  d.end('EndEvent_Withdrawn', '撤回申报', 35, 2);
  d.xor('Gateway_PlanMerge', '', 35, 1);
  d.due(
    'Task_YearEndCheckDate',
    '计算年度实施检查日',
    36,
    1,
    'R19.3.year-end-check',
    [['=dueDate', 'yearEndCheckAt']],
    'R19.3：计划年度12月第一个工作日检查是否按计划实施。',
  );

  // --- 项目建设 (R11–R21, R26, R27) ----------------------------------------------------------
  d.sub('SubProcess_Construction', '项目建设', {
    anchorRow: 1,
    doc: '附件3：项目启动 → 明确监理/等保/测评单位 → 政府采购 → 项目实施 → 网络安全检查 → 密码应用审查。事件子流程：变更申请（R20）、延期验收申请（R22.3）、限期整改（R26/R27）、年度未实施说明（R19.3）。',
  });
  const c = dsl(p, 'SubProcess_Construction');
  c.start('StartEvent_Construction', '建设开始', 38, 1);
  c.user('Task_ProjectStart', '建设单位：项目启动', 39, 1, G.department, 'project-start', {
    doc: 'R11：确定项目责任人，健全项目管理制度；涉密系统执行保密规定。R21：此前已列入投资计划。',
  });
  c.user('Task_UnitsDesignation', '区数管局：明确监理/等保/测评单位', 40, 1, G.dataBureau, 'units-designation', {
    doc: 'R18：从年度招标确定的单位中指定监理、等保测评、第三方评测单位。',
  });
  c.svc('Task_UnitsDesignate', '登记并通知监理/等保/测评单位', 41, 1, 'egov.units-designate', { doc: 'R18' });
  c.xor('Gateway_ProcurementMerge', '', 42, 1);
  c.user(
    'Task_Procurement',
    '区数管局/公共资源交易中心/建设单位：政府采购',
    43,
    1,
    '=["trading-center", "data-bureau", departmentGroup]',
    'procurement-record',
    { doc: 'R14：按招标投标法、政府采购法执行，区公共资源交易中心负责招标（R5）；R11 涉密采购执行保密规定。' },
  );
  c.svc('Task_ProcurementRecord', '登记采购与合同', 44, 1, 'egov.procurement-record', {
    doc: 'R14：合同金额不超过批复投资（R19.1）、产品安全可靠；记录合同约定验收日期（R22.3）。',
  });
  c.xor('Gateway_ProcurementOk', '采购合规？', 45, 1);

  c.sub('SubProcess_Implementation', '项目实施', {
    anchorRow: 1,
    doc: '附件3 项目实施。建设完成（终止结束事件）时，季度进度报送分支一并结束。',
  });
  const im = dsl(p, 'SubProcess_Implementation');
  im.start('StartEvent_Implementation', '实施开始', 46, 1);
  im.and('Gateway_ImplementationSplit', 47, 1);
  im.user('Task_Implementation', '建设单位：项目实施', 48, 1, G.department, 'implementation-report', {
    doc: 'R19.1：严格按照批复的专家审查论证意见和投资概算实施；R16 依托政务云；完成后确认建设完成。',
  });
  im.xor('Gateway_CrossDepartmentImplementation', '跨部门项目？', 48, 2);
  im.call('CallActivity_SubProjects', '参建单位子项目建设', 49, 3, 'cross-department-subproject', {
    doc: 'R10：框架方案确定后，各参建单位按项目管理要求申请并建设本部门参建内容；全部完成后方可验收。',
    multiInstance: {
      inputCollection: '=participants',
      inputElement: 'participant',
      outputCollection: 'subProjectResults',
      outputElement: '=subProjectResult',
    },
    io: {
      inputs: [['=null', 'subProjectResult']],
      outputs: [
        ['={department: participant.departmentCode, completedDate: subProjectCompletedDate}', 'subProjectResult'],
      ],
    },
  });
  im.xor('Gateway_CrossDepartmentImplementationMerge', '', 50, 2);
  im.and('Gateway_ImplementationJoin', 51, 1);
  im.end('EndEvent_ConstructionCompleted', '建设完成', 52, 1, {
    event: { type: 'terminate' },
    doc: '终止结束事件：结束本子流程内仍在等待的季度报送。',
  });
  im.xor('Gateway_QuarterlyReportsRequired', '须报送季度进度？', 48, 4);
  im.call('CallActivity_QuarterlyReporting', '季度进度报送', 49, 4, 'quarterly-reporting', {
    doc: 'R15：建设时间超过6个月或跨年度的项目，每季度第一个月前5个工作日内报送上一季度进度（附件2）。',
  });
  im.end('EndEvent_ReportingEnded', '季度报送结束', 50, 4);
  im.end('EndEvent_NoQuarterlyReports', '无须季度报送', 49, 5);

  c.and('Gateway_InspectionSplit', 54, 1, { doc: '附件3：网络安全检查与密码应用审查。' });
  c.xor('Gateway_SecurityMerge', '', 55, 1);
  c.svc('Task_SecurityGate', '网络安全检查材料核验', 56, 1, 'egov.security-gate', {
    doc: 'R12：网络安全管理制度、等保测评报告（涉密系统为保密测评）、检测与风险评估记录齐全。',
  });
  c.xor('Gateway_SecurityDocsOk', '材料齐全？', 57, 1);
  c.user('Task_SecuritySupplement', '建设单位：补正网络安全材料', 56, 2, G.department, 'supplement-materials', {
    doc: 'R12 材料门槛未通过 → 补正。',
  });
  c.xor('Gateway_SecurityInspectionMerge', '', 58, 1);
  c.xor('Gateway_CryptoInspectionMerge', '', 58, 3);
  c.user('Task_SecurityInspection', '区委网信办：网络安全检查', 59, 1, G.cyberspace, 'security-inspection', {
    doc: 'R5/R12：区委网信办负责网络安全审查与检查。',
  });
  c.xor('Gateway_SecurityPassed', '检查通过？', 60, 1);
  c.svc('Task_SecurityInspectionFailedRecord', '记录网络安全检查不合格意见', 60, 2, 'egov.check-failed-record', {
    headers: { kind: 'security-inspection' },
    doc: 'R12：检查未通过的一轮连同发现问题记入检查记录（第 n 轮），再交建设单位整改。',
  });
  c.user('Task_SecurityRectify', '建设单位：网络安全整改', 59, 2, G.department, 'rectification-report', {
    doc: 'R12/R26：检查发现问题 → 整改后重新检查。',
  });
  c.xor('Gateway_CryptoMerge', '', 55, 3);
  c.svc('Task_CryptoGate', '密码应用材料核验', 56, 3, 'egov.crypto-gate', {
    doc: 'R13：密码应用方案、同步建设情况、密码应用安全性评估（密评）材料齐全。',
  });
  c.xor('Gateway_CryptoDocsOk', '材料齐全？', 57, 3);
  c.user('Task_CryptoSupplement', '建设单位：补正密码应用材料', 56, 4, G.department, 'supplement-materials', {
    doc: 'R13 材料门槛未通过 → 补正。',
  });
  c.user('Task_CryptoReview', '区委机要（密码管理）局：密码应用审查', 59, 3, G.crypto, 'crypto-review', {
    doc: 'R5/R13：国产密码同步规划、同步建设、同步运行。',
  });
  c.xor('Gateway_CryptoPassed', '审查通过？', 60, 3);
  c.svc('Task_CryptoReviewFailedRecord', '记录密码应用审查不合格意见', 60, 4, 'egov.check-failed-record', {
    headers: { kind: 'crypto-review' },
    doc: 'R13：审查未通过的一轮连同发现问题记入审查记录（第 n 轮），再交建设单位整改。',
  });
  c.user('Task_CryptoRectify', '建设单位：密码应用整改', 59, 4, G.department, 'rectification-report', {
    doc: 'R13/R26：审查发现问题 → 整改后重新审查。',
  });
  c.and('Gateway_InspectionJoin', 61, 1);
  c.end('EndEvent_ConstructionDone', '建设阶段完成', 62, 1);

  // Event sub-process: change request (R20)
  c.sub('SubProcess_ChangeRequest', '项目变更申请（R20）', {
    triggeredByEvent: true,
    doc: 'R20：实施期间任何时候可申请调整主要建设内容（不中断实施）。',
  });
  const ch = dsl(p, 'SubProcess_ChangeRequest');
  ch.start('StartEvent_ChangeRequested', '变更申请', 39, 7, {
    isInterrupting: false,
    event: { type: 'message', messageRef: mChange },
    doc: 'API 在建设单位发起变更时发布 change-requested（correlationKey = projectId）。',
  });
  ch.user('Task_ChangeRequestForm', '建设单位：填写变更申请', 40, 7, G.department, 'change-request', {
    doc: 'R20：选择情形（一）（二）（三），说明原内容、调整内容、理由。',
  });
  ch.svc('Task_ChangeCheck', '变更条件核验', 41, 7, 'egov.change-check', {
    doc: 'R20：投资不超概算批复、建设目标不变、符合情形之一 → changeEligible。',
  });
  ch.xor('Gateway_ChangeEligible', '符合R20情形？', 42, 7);
  ch.notify(
    'Task_NotifyChangeIneligible',
    '通知须重新履行审批手续',
    43,
    8,
    'change-ineligible',
    'department,data-bureau',
    'R20：不符合上述情形的，须按照有关规定履行相应手续（重新申报）。',
  );
  ch.end('EndEvent_ChangeIneligible', '不符合变更条件', 44, 8);
  ch.user('Task_ChangeApproval', '区政府：审批变更申请', 44, 7, G.government, 'review-opinion', {
    doc: 'R20：向区政府申请调整。',
    io: {
      outputs: [
        ['=decision', 'changeDecision'],
        ['=reason', 'changeApprovalReason'],
      ],
    },
  });
  ch.xor('Gateway_ChangeApproved', '批准变更？', 45, 7);
  ch.svc('Task_ChangeFile', '向区数管局备案', 46, 7, 'egov.change-file', { doc: 'R20：同时向区数管局备案。' });
  ch.end('EndEvent_ChangeApproved', '变更已备案', 47, 7);
  ch.notify(
    'Task_NotifyChangeRejected',
    '通知变更未获批准',
    46,
    8,
    'change-rejected',
    'department',
    'R20：区政府不同意调整。',
  );
  ch.end('EndEvent_ChangeRejected', '变更未批准', 47, 8);

  // Event sub-process: delay of acceptance (R22.3)
  c.sub('SubProcess_DelayRequest', '延期验收申请（R22.3）', {
    triggeredByEvent: true,
    doc: 'R22.3：不能按合同约定时间验收的，须提前向区数管局申请延期验收（不中断实施）。',
  });
  const dl = dsl(p, 'SubProcess_DelayRequest');
  dl.start('StartEvent_DelayRequested', '延期验收申请', 50, 7, {
    isInterrupting: false,
    event: { type: 'message', messageRef: mDelay },
    doc: 'API 仅在合同约定验收日期之前发布 acceptance-delay-requested（R22.3“提前”）。',
  });
  dl.user('Task_DelayRequestForm', '建设单位：填写延期验收申请', 51, 7, G.department, 'delay-request', {
    doc: 'R22.3',
  });
  dl.user('Task_DelayReview', '区数管局：审核延期验收申请', 52, 7, G.dataBureau, 'review-opinion', {
    doc: 'R22.3',
    io: {
      outputs: [
        ['=decision', 'delayDecision'],
        ['=reason', 'delayReviewReason'],
      ],
    },
  });
  dl.xor('Gateway_DelayApproved', '同意延期？', 53, 7);
  dl.svc('Task_AcceptanceDateUpdate', '更新约定验收日期', 54, 7, 'egov.acceptance-date-update', { doc: 'R22.3' });
  dl.end('EndEvent_DelayApproved', '已延期', 55, 7);
  dl.notify(
    'Task_NotifyDelayRejected',
    '通知不同意延期',
    54,
    8,
    'delay-rejected',
    'department',
    'R22.3：延期验收申请未获同意。',
  );
  dl.end('EndEvent_DelayRejected', '未同意延期', 55, 8);

  // Event sub-process: rectification order (R26, R27)
  c.sub('SubProcess_Rectification', '限期整改（R26、R27）', {
    triggeredByEvent: true,
    doc: 'R26：监督部门发现违反规定或批复要求 → 限期整改；逾期不整改或整改后仍不符合 → 暂缓投资计划、暂停建设直至终止。R27：严重逾期、随意变更、重大损失 → 整改或暂停，并压缩下一年度预算。',
  });
  const rc = dsl(p, 'SubProcess_Rectification');
  rc.start('StartEvent_RectificationOrdered', '整改通知', 39, 10, {
    isInterrupting: false,
    event: { type: 'message', messageRef: mRect },
    doc: '监督部门（R26 所列）在系统中下达整改通知 → API 发布 rectification-ordered（变量 rectificationIssues, rectificationDays, orderedBy, orderRule = R26|R27）。',
  });
  rc.svc('Task_RectificationRegister', '登记整改通知', 40, 10, 'egov.rectification-register', {
    doc: 'R26/R27：登记整改事项；R27 时记录压缩下一年度预算。',
  });
  rc.due(
    'Task_RectificationDueDate',
    '计算整改期限',
    41,
    10,
    'R26.rectification',
    [['=dueDate', 'rectificationDueDate']],
    'R26：整改期限按通知的期限（工作日）在工作日历上计算。',
  );
  rc.user('Task_Rectify', '建设单位：限期整改', 42, 10, G.department, 'rectification-report', {
    doc: 'R26：在期限内整改并报告。',
    dueDate: '=rectificationDueDate',
  });
  rc.timerOn('Timer_RectificationOverdue', '整改逾期', 'Task_Rectify', '=rectificationDueDate', {
    doc: 'R26：逾期不整改 → 暂缓投资计划、暂停建设。',
  });
  rc.user('Task_RectificationVerify', '监督部门：整改复核', 43, 10, G.dataBureau, 'review-opinion', {
    doc: 'R26：整改后仍不符合要求 → 暂停。',
    io: {
      outputs: [
        ['=decision', 'rectificationDecision'],
        ['=reason', 'rectificationVerifyReason'],
      ],
    },
  });
  rc.xor('Gateway_RectificationAccepted', '整改合格？', 44, 10);
  rc.notify('Task_NotifyRectified', '通知整改合格', 45, 10, 'rectified', 'department,data-bureau', 'R26：整改完成。');
  rc.end('EndEvent_Rectified', '整改完成', 46, 10);
  rc.xor('Gateway_SuspendMerge', '', 44, 11);
  rc.svc('Task_ProjectSuspend', '暂缓投资计划、暂停项目建设', 45, 11, 'egov.project-suspend', {
    doc: 'R26/R27：暂缓安排投资计划、暂停项目建设；通知建设单位与区发改委、区财政局。',
  });
  rc.user('Task_SuspensionDecision', '区数管局：暂停期处理决定', 46, 11, G.dataBureau, 'suspension-decision', {
    doc: 'R26：恢复建设或终止项目。',
  });
  rc.xor('Gateway_SuspensionDecision', '恢复还是终止？', 47, 11);
  rc.svc('Task_ProjectResume', '恢复项目建设', 48, 11, 'egov.project-resume', { doc: 'R26' });
  rc.end('EndEvent_Resumed', '恢复建设', 49, 11);
  rc.svc('Task_ProjectTerminate', '终止项目', 48, 12, 'egov.project-terminate', {
    doc: 'R26：终止项目；资金按规定收回。',
  });
  rc.end('EndEvent_ProjectTerminated', '项目终止', 49, 12, {
    event: { type: 'error', errorRef: eTerminated },
    doc: '抛出 ERR_PROJECT_TERMINATED，由“项目建设”子流程边界事件捕获并结束整个项目。',
  });

  // Event sub-process: not carried out in its year (R19.3)
  c.sub('SubProcess_YearEndCheck', '年度未按计划实施（R19.3）', {
    triggeredByEvent: true,
    doc: 'R19.3：项目当年度未按计划实施的，建设单位书面说明原因，资金视情收回。',
  });
  const ye = dsl(p, 'SubProcess_YearEndCheck');
  ye.start('StartEvent_YearEndCheck', '年度实施检查日', 51, 10, {
    isInterrupting: false,
    event: { type: 'timer', timeDate: '=yearEndCheckAt' },
    doc: 'R19.3：yearEndCheckAt 由 egov.due-date 计算（计划年度12月第一个工作日）。',
  });
  ye.svc('Task_ImplementationStatusCheck', '核查年度实施情况', 52, 10, 'egov.implementation-status-check', {
    doc: 'R19.3 → carriedOutAsPlanned。',
  });
  ye.xor('Gateway_CarriedOut', '按计划实施？', 53, 10);
  ye.end('EndEvent_OnPlan', '按计划实施', 54, 10);
  ye.user('Task_YearEndExplanation', '建设单位：书面说明未实施原因', 54, 11, G.department, 'year-end-explanation', {
    doc: 'R19.3：书面向区数管局说明原因。',
  });
  ye.user('Task_FundRecoveryDecision', '区数管局：资金收回决定', 55, 11, G.dataBureau, 'fund-recovery-decision', {
    doc: 'R19.3：项目资金视情收回。',
  });
  ye.xor('Gateway_FundRecovery', '收回资金？', 56, 11);
  ye.svc('Task_FundRecovery', '收回项目资金', 57, 11, 'egov.fund-recovery', { doc: 'R19.3（区财政局执行）。' });
  ye.end('EndEvent_FundRecovered', '资金已收回', 58, 11);
  ye.end('EndEvent_FundKept', '继续实施', 57, 12);

  d.errorOn('Boundary_ProjectTerminated', '项目终止', 'SubProcess_Construction', eTerminated, { at: 0.93 });
  d.notify(
    'Task_NotifyTerminated',
    '通知项目终止',
    62,
    14,
    'project-terminated',
    'department,data-bureau,finance,drc',
    'R26：终止项目。',
  );
  d.end('EndEvent_Terminated', '项目终止', 63, 14);

  // --- 验收 (R22, R14) ------------------------------------------------------------------------
  d.xor('Gateway_PreliminaryMerge', '', 64, 1);
  d.user('Task_PreliminaryAcceptance', '建设单位：初步验收', 65, 1, G.department, 'preliminary-acceptance', {
    doc: 'R22.1：初步验收由项目建设单位自行组织。',
  });
  d.xor('Gateway_PreliminaryPassed', '初验合格？', 66, 1);
  d.user('Task_PreliminaryRectify', '建设单位：初验问题整改', 65, 2, G.department, 'rectification-report', {
    doc: 'R22.1：初步验收不合格 → 整改后重新初验。',
  });
  d.due(
    'Task_FinalApplicationDueDate',
    '计算竣工验收申请期限',
    67,
    1,
    'R22.2.final-acceptance-application',
    [['=dueDate', 'finalApplicationDueDate']],
    'R22.2：初步验收合格后1个月内（民法典第200—204条：次日起算，月末对应日，遇法定节假日顺延）。',
    [['=preliminaryAcceptanceDate', 'anchorDate']],
  );
  d.user(
    'Task_FinalAcceptanceApplication',
    '建设单位：提出竣工验收申请',
    68,
    1,
    G.department,
    'final-acceptance-application',
    {
      doc: 'R22.2：提交验收申请报告、项目建设总结、安全风险评估报告、密码应用安全性评估报告；R14 验收重要内容（产品安全可靠、密码应用和安全审查、能源利用效率 PUE）。',
      dueDate: '=finalApplicationDueDate',
    },
  );
  d.timerOn(
    'Timer_FinalApplicationOverdue',
    '逾期未申请',
    'Task_FinalAcceptanceApplication',
    '=finalApplicationDueDate',
    {
      cancelActivity: false,
      side: 'top',
      doc: 'R22.2：超过1个月未提出竣工验收申请 → 升级提醒区数管局（任务继续）。',
    },
  );
  d.notify(
    'Task_NotifyFinalApplicationOverdue',
    '逾期升级提醒',
    69,
    0,
    'final-application-overdue',
    'department,data-bureau',
    'R22.2：竣工验收申请逾期。',
  );
  d.end('EndEvent_FinalApplicationEscalated', '已提醒', 70, 0);
  d.xor('Gateway_ReacceptanceMerge', '', 69, 1);
  d.xor('Gateway_AcceptanceDocsMerge', '', 70, 1);
  d.svc('Task_AcceptanceDocsCheck', '竣工验收材料核验', 71, 1, 'egov.acceptance-docs-check', {
    doc: 'R22.2 四项材料（涉密系统为保密测评报告，否则为等保测评报告）；R14 验收内容（含硬件/数据中心 PUE）。',
  });
  d.xor('Gateway_AcceptanceDocsOk', '材料齐全？', 72, 1);
  d.user('Task_AcceptanceDocsSupplement', '建设单位：补正验收材料', 71, 2, G.department, 'supplement-materials', {
    doc: 'R22.2：材料不全 → 补正。',
  });
  d.user(
    'Task_AcceptanceOrganisation',
    '区数管局/区公共资源交易中心：组织竣工验收',
    73,
    1,
    '=["data-bureau", "trading-center"]',
    'acceptance-organisation',
    { doc: 'R22.2：区数管局会同区公共资源交易中心组织专家开展竣工验收。' },
  );
  d.user('Task_FinalAcceptanceReview', '专家组：竣工验收', 74, 1, G.experts, 'final-acceptance-opinion', {
    doc: 'R22.2：专家组出具验收意见；R14 逐项验收。',
  });
  d.xor('Gateway_FinalAcceptancePassed', '验收合格？', 75, 1);
  d.svc('Task_FinalAcceptanceFailedRecord', '记录验收不合格意见', 75, 3, 'egov.acceptance-failed-record', {
    doc: 'R22.2/R14：竣工验收不合格的一次（第 n 次）连同专家组意见和不合格的 R14 验收事项记入验收记录，再交建设单位整改。',
  });
  d.user('Task_AcceptanceRectify', '建设单位：验收整改', 74, 3, G.department, 'rectification-report', {
    doc: 'R22.2/R26：竣工验收不合格 → 整改后重新验收。',
  });
  d.svc('Task_AcceptanceRecord', '登记验收意见与投入运行', 76, 1, 'egov.acceptance-record', {
    doc: 'R22.2：记录验收意见、投入运行日期（R23 起算日）。R17：建成后由建设单位运行维护。',
  });

  // --- 经费支付 (R5, R19.2) -------------------------------------------------------------------
  d.xor('Gateway_PaymentMerge', '', 77, 1);
  d.user('Task_PaymentRequest', '建设单位：经费支付申请', 78, 1, G.department, 'payment-request', {
    doc: 'R19.2：支付不超过批复投资；可申请纳入审计计划（R5、R28）。',
  });
  d.user(
    'Task_PaymentApproval',
    '区数管局/区财政局：审核支付',
    79,
    1,
    '=["finance", "data-bureau"]',
    'payment-approval',
    {
      doc: 'R5：区财政局按批准的资金分配方案拨付，区数管局配合资金支付。',
    },
  );
  d.xor('Gateway_PaymentApproved', '同意支付？', 80, 1);
  d.svc('Task_Payment', '经费支付', 81, 1, 'egov.payment', {
    doc: 'R19.2：累计支付 ≤ 批复投资，否则抛出 ERR_PAYMENT_EXCEEDS_APPROVED；计算 surplusAmount。',
  });
  d.errorOn('Boundary_PaymentExceedsApproved', '超出批复投资', 'Task_Payment', ePayment, { at: 0.5 });
  d.xor('Gateway_PaymentReturnMerge', '', 80, 2);
  d.xor('Gateway_Surplus', '有结余资金？', 82, 1);
  d.user('Task_SurplusReturn', '建设单位：退回结余资金', 83, 2, G.department, 'surplus-return', {
    doc: 'R19.2：建设目标和内容不变，总投资有结余的，按规定退回结余资金。',
  });
  d.svc('Task_SurplusReturnRecord', '登记结余资金退回', 84, 2, 'egov.surplus-return-record', { doc: 'R19.2' });
  d.xor('Gateway_SurplusMerge', '', 85, 1);

  // --- 绩效评价、后评价、审计 (R23, R29, R28) --------------------------------------------------
  d.and('Gateway_EvaluationSplit', 86, 1);
  d.due(
    'Task_SelfEvaluationDueDate',
    '计算绩效自评价期限',
    87,
    1,
    'R23.self-evaluation',
    [['=dueDate', 'selfEvaluationDueDate']],
    'R23：通过验收并投入运行后6个月内。',
    [['=goLiveDate', 'anchorDate']],
  );
  d.user('Task_SelfEvaluation', '建设单位：绩效自评价', 88, 1, G.department, 'self-evaluation', {
    doc: 'R23：运行效果及遇到的问题，报区数管局和区财政局。',
    dueDate: '=selfEvaluationDueDate',
  });
  d.timerOn('Timer_SelfEvaluationOverdue', '自评价逾期', 'Task_SelfEvaluation', '=selfEvaluationDueDate', {
    cancelActivity: false,
    side: 'top',
    doc: 'R23：6个月期满未报送 → 升级提醒区数管局、区财政局（任务继续）。',
  });
  d.notify(
    'Task_NotifySelfEvaluationOverdue',
    '自评价逾期提醒',
    89,
    0,
    'self-evaluation-overdue',
    'department,data-bureau,finance',
    'R23',
  );
  d.end('EndEvent_SelfEvaluationEscalated', '已提醒', 90, 0);
  d.svc('Task_SelfEvaluationSubmit', '报送区数管局和区财政局', 89, 1, 'egov.self-evaluation-submit', {
    doc: 'R23：评价报告报送至区数管局和区财政局。',
  });
  d.due(
    'Task_PostEvaluationDate',
    '计算后评价时点',
    90,
    1,
    'R29.post-evaluation-start',
    [['=dueDate', 'postEvaluationStartAt']],
    'R29：竣工验收后运行一段时间（默认投入运行满12个月后的第一个工作日，可配置）。',
    [['=goLiveDate', 'anchorDate']],
  );
  d.catchTimer('Event_PostEvaluationStart', '运行一段时间后', 91, 1, '=postEvaluationStartAt', { doc: 'R29' });
  d.user('Task_PostEvaluation', '区数管局：项目后评价', 92, 1, G.dataBureau, 'post-evaluation', {
    doc: 'R29：结合自评价，对系统运行效率、使用效果评价，提出整改意见。R27：严重问题压缩下一年度预算。',
  });
  d.svc('Task_PostEvaluationRecord', '登记后评价结果', 93, 1, 'egov.post-evaluation-record', {
    doc: 'R29：评价结果作为下一年度安排政府投资和运维经费的重要依据；R27 预算压缩。',
  });
  d.xor('Gateway_AuditRequested', '纳入审计计划？', 87, 3);
  d.user('Task_Audit', '区审计局：专项审计', 88, 4, G.audit, 'audit-report', {
    doc: 'R5：按建设单位要求纳入部门年度审计计划；R28：审计监督专项资金。',
  });
  d.svc('Task_AuditRecord', '登记审计报告', 89, 4, 'egov.audit-record', { doc: 'R28' });
  d.xor('Gateway_AuditMerge', '', 90, 3);
  d.and('Gateway_EvaluationJoin', 94, 1);
  d.svc('Task_Archive', '项目归档', 95, 1, 'egov.archive', { doc: 'R25：如实留存项目资料以备监督、评价、审计。' });
  d.end('EndEvent_Completed', '结束', 96, 1);

  // --- flows -----------------------------------------------------------------------------------
  p.chain('StartEvent_Application', 'Task_ApplicabilityCheck', 'Gateway_Governed');
  p.flow('Gateway_Governed', 'Task_NotifyNotGoverned', { name: '否', isDefault: true });
  p.flow('Task_NotifyNotGoverned', 'EndEvent_NotGoverned');
  p.flow('Gateway_Governed', 'Gateway_CrossDepartment', { name: '是', condition: '=governed = true' });
  p.flow('Gateway_CrossDepartment', 'Task_FrameworkPlan', { name: '是', condition: '=crossDepartment = true' });
  p.flow('Gateway_CrossDepartment', 'Gateway_CrossDepartmentMerge', { name: '否', isDefault: true });
  p.flow('Task_FrameworkPlan', 'Gateway_CrossDepartmentMerge');
  p.chain('Gateway_CrossDepartmentMerge', 'Gateway_MaterialsMerge', 'Task_MaterialsCheck', 'Task_DuplicateCheck');
  p.flow('Task_DuplicateCheck', 'Gateway_MaterialsOk');
  p.flow('Gateway_MaterialsOk', 'Gateway_ReviseMerge', { name: '否', isDefault: true });
  p.flow('Gateway_ReviseMerge', 'Task_ReviseApplication');
  p.flow('Task_ReviseApplication', 'Gateway_MaterialsMerge');
  p.flow('Gateway_MaterialsOk', 'Gateway_AwaitReviewWindow', {
    name: '是',
    condition: '=materialsComplete = true and duplicateFound = false',
  });
  p.flow('Gateway_AwaitReviewWindow', 'Event_JointReviewOpened', {
    name: '是',
    condition: '=awaitReviewWindow = true',
  });
  p.flow('Gateway_AwaitReviewWindow', 'Gateway_ReviewWindowMerge', { name: '否', isDefault: true });
  p.flow('Event_JointReviewOpened', 'Gateway_ReviewWindowMerge');
  p.chain('Gateway_ReviewWindowMerge', 'Task_ReviewDueDate', 'Task_ExpertPanel', 'Gateway_ReviewSplit');
  for (const t of [
    'Task_ReviewDataBureau',
    'Task_ReviewFinance',
    'Task_ReviewDrc',
    'Task_ReviewCrypto',
    'Task_ReviewCyberspace',
    'Task_ExpertScoring',
  ]) {
    p.flow('Gateway_ReviewSplit', t);
    p.flow(t, 'Gateway_ReviewJoin');
  }
  p.chain('Gateway_ReviewJoin', 'Task_ReviewAggregate', 'Gateway_ReviewOutcome');
  p.flow('Gateway_ReviewOutcome', 'Task_NotifyReviewFailed', { name: '不通过', isDefault: true });
  p.flow('Task_NotifyReviewFailed', 'EndEvent_ReviewFailed');
  p.flow('Gateway_ReviewOutcome', 'Gateway_ReviseMerge', {
    name: '退回修改',
    condition: '=reviewOutcome = "return"',
    route: { via: 5.5 },
  });
  p.flow('Gateway_ReviewOutcome', 'Gateway_KeyProject', { name: '通过', condition: '=reviewOutcome = "pass"' });
  p.flow('Gateway_KeyProject', 'Task_KeyProjectApproval', { name: '是', condition: '=isKeyProject = true' });
  p.flow('Gateway_KeyProject', 'Gateway_KeyProjectMerge', { name: '否', isDefault: true });
  p.flow('Task_KeyProjectApproval', 'Gateway_KeyProjectApproved');
  p.flow('Gateway_KeyProjectApproved', 'Gateway_KeyProjectMerge', {
    name: '准予',
    condition: '=keyApprovalDecision = "approve"',
    route: 'hv',
  });
  p.flow('Gateway_KeyProjectApproved', 'Task_NotifyKeyProjectRejected', { name: '不予', isDefault: true });
  p.flow('Task_NotifyKeyProjectRejected', 'EndEvent_KeyProjectRejected');
  p.chain('Gateway_KeyProjectMerge', 'Task_InvestmentPlan', 'Task_InvestmentPlanRegister', 'Gateway_AdHoc');
  p.flow('Gateway_AdHoc', 'Task_AdHocApproval', { name: '是', condition: '=urgentAdHoc = true' });
  p.flow('Gateway_AdHoc', 'Gateway_PlanWaitMerge', { name: '否', isDefault: true });
  p.flow('Task_AdHocApproval', 'Gateway_AdHocApproved');
  p.flow('Gateway_AdHocApproved', 'Task_AdHocPlanAdd', { name: '批准', condition: '=adHocDecision = "approve"' });
  p.flow('Gateway_AdHocApproved', 'Task_NotifyAdHocRejected', { name: '不批准', isDefault: true });
  p.flow('Task_NotifyAdHocRejected', 'EndEvent_AdHocRejected');
  p.flow('Task_AdHocPlanAdd', 'Gateway_PlanMerge', { route: 'hv' });
  p.flow('Gateway_PlanWaitMerge', 'Gateway_PlanDecision');
  p.flow('Gateway_PlanDecision', 'Event_PlanIncluded');
  p.flow('Gateway_PlanDecision', 'Event_PlanNotIncluded');
  p.flow('Event_PlanIncluded', 'Gateway_PlanMerge');
  p.flow('Event_PlanNotIncluded', 'Task_NotInPlanDecision');
  p.flow('Task_NotInPlanDecision', 'Gateway_CarryOver');
  p.flow('Gateway_CarryOver', 'Task_PlanCarryOver', { name: '顺延', condition: '=notInPlanDecision = "carry-over"' });
  p.flow('Gateway_CarryOver', 'Task_NotifyWithdrawn', { name: '撤回', isDefault: true });
  p.flow('Task_NotifyWithdrawn', 'EndEvent_Withdrawn');
  p.flow('Task_PlanCarryOver', 'Gateway_PlanWaitMerge', { route: 'hv' });
  p.chain('Gateway_PlanMerge', 'Task_YearEndCheckDate', 'SubProcess_Construction');

  p.chain(
    'StartEvent_Construction',
    'Task_ProjectStart',
    'Task_UnitsDesignation',
    'Task_UnitsDesignate',
    'Gateway_ProcurementMerge',
    'Task_Procurement',
    'Task_ProcurementRecord',
    'Gateway_ProcurementOk',
  );
  p.flow('Gateway_ProcurementOk', 'Gateway_ProcurementMerge', { name: '否', isDefault: true, route: { via: 1.75 } });
  p.flow('Gateway_ProcurementOk', 'SubProcess_Implementation', {
    name: '是',
    condition: '=procurementCompliant = true',
  });
  p.chain(
    'StartEvent_Implementation',
    'Gateway_ImplementationSplit',
    'Task_Implementation',
    'Gateway_ImplementationJoin',
  );
  p.flow('Gateway_ImplementationSplit', 'Gateway_CrossDepartmentImplementation');
  p.flow('Gateway_CrossDepartmentImplementation', 'CallActivity_SubProjects', {
    name: '是',
    condition: '=crossDepartment = true',
  });
  p.flow('Gateway_CrossDepartmentImplementation', 'Gateway_CrossDepartmentImplementationMerge', {
    name: '否',
    isDefault: true,
  });
  p.flow('CallActivity_SubProjects', 'Gateway_CrossDepartmentImplementationMerge');
  p.flow('Gateway_CrossDepartmentImplementationMerge', 'Gateway_ImplementationJoin');
  p.flow('Gateway_ImplementationJoin', 'EndEvent_ConstructionCompleted');
  p.flow('Gateway_ImplementationSplit', 'Gateway_QuarterlyReportsRequired');
  p.flow('Gateway_QuarterlyReportsRequired', 'CallActivity_QuarterlyReporting', {
    name: '是',
    condition: '=quarterlyReportsRequired = true',
  });
  p.flow('Gateway_QuarterlyReportsRequired', 'EndEvent_NoQuarterlyReports', { name: '否', isDefault: true });
  p.flow('CallActivity_QuarterlyReporting', 'EndEvent_ReportingEnded');
  p.flow('SubProcess_Implementation', 'Gateway_InspectionSplit');
  p.flow('Gateway_InspectionSplit', 'Gateway_SecurityMerge');
  p.chain('Gateway_SecurityMerge', 'Task_SecurityGate', 'Gateway_SecurityDocsOk');
  p.flow('Gateway_SecurityDocsOk', 'Task_SecuritySupplement', { name: '否', isDefault: true });
  p.flow('Task_SecuritySupplement', 'Gateway_SecurityMerge');
  p.flow('Gateway_SecurityDocsOk', 'Gateway_SecurityInspectionMerge', {
    name: '是',
    condition: '=securityDocsComplete = true',
  });
  p.chain('Gateway_SecurityInspectionMerge', 'Task_SecurityInspection', 'Gateway_SecurityPassed');
  p.flow('Gateway_SecurityPassed', 'Task_SecurityInspectionFailedRecord', { name: '否', isDefault: true });
  p.flow('Task_SecurityInspectionFailedRecord', 'Task_SecurityRectify');
  p.flow('Task_SecurityRectify', 'Gateway_SecurityInspectionMerge');
  p.flow('Gateway_SecurityPassed', 'Gateway_InspectionJoin', {
    name: '是',
    condition: '=securityInspectionResult = "pass"',
  });
  p.flow('Gateway_InspectionSplit', 'Gateway_CryptoMerge');
  p.chain('Gateway_CryptoMerge', 'Task_CryptoGate', 'Gateway_CryptoDocsOk');
  p.flow('Gateway_CryptoDocsOk', 'Task_CryptoSupplement', { name: '否', isDefault: true });
  p.flow('Task_CryptoSupplement', 'Gateway_CryptoMerge');
  p.flow('Gateway_CryptoDocsOk', 'Gateway_CryptoInspectionMerge', {
    name: '是',
    condition: '=cryptoDocsComplete = true',
  });
  p.chain('Gateway_CryptoInspectionMerge', 'Task_CryptoReview', 'Gateway_CryptoPassed');
  p.flow('Gateway_CryptoPassed', 'Task_CryptoReviewFailedRecord', { name: '否', isDefault: true });
  p.flow('Task_CryptoReviewFailedRecord', 'Task_CryptoRectify');
  p.flow('Task_CryptoRectify', 'Gateway_CryptoInspectionMerge');
  p.flow('Gateway_CryptoPassed', 'Gateway_InspectionJoin', {
    name: '是',
    condition: '=cryptoReviewResult = "pass"',
    route: 'hv',
  });
  p.flow('Gateway_InspectionJoin', 'EndEvent_ConstructionDone');

  p.chain('StartEvent_ChangeRequested', 'Task_ChangeRequestForm', 'Task_ChangeCheck', 'Gateway_ChangeEligible');
  p.flow('Gateway_ChangeEligible', 'Task_NotifyChangeIneligible', { name: '否', isDefault: true });
  p.flow('Task_NotifyChangeIneligible', 'EndEvent_ChangeIneligible');
  p.flow('Gateway_ChangeEligible', 'Task_ChangeApproval', { name: '是', condition: '=changeEligible = true' });
  p.flow('Task_ChangeApproval', 'Gateway_ChangeApproved');
  p.flow('Gateway_ChangeApproved', 'Task_ChangeFile', { name: '批准', condition: '=changeDecision = "pass"' });
  p.flow('Task_ChangeFile', 'EndEvent_ChangeApproved');
  p.flow('Gateway_ChangeApproved', 'Task_NotifyChangeRejected', { name: '不批准', isDefault: true });
  p.flow('Task_NotifyChangeRejected', 'EndEvent_ChangeRejected');

  p.chain('StartEvent_DelayRequested', 'Task_DelayRequestForm', 'Task_DelayReview', 'Gateway_DelayApproved');
  p.flow('Gateway_DelayApproved', 'Task_AcceptanceDateUpdate', { name: '同意', condition: '=delayDecision = "pass"' });
  p.flow('Task_AcceptanceDateUpdate', 'EndEvent_DelayApproved');
  p.flow('Gateway_DelayApproved', 'Task_NotifyDelayRejected', { name: '不同意', isDefault: true });
  p.flow('Task_NotifyDelayRejected', 'EndEvent_DelayRejected');

  p.chain(
    'StartEvent_RectificationOrdered',
    'Task_RectificationRegister',
    'Task_RectificationDueDate',
    'Task_Rectify',
    'Task_RectificationVerify',
    'Gateway_RectificationAccepted',
  );
  p.flow('Gateway_RectificationAccepted', 'Task_NotifyRectified', {
    name: '合格',
    condition: '=rectificationDecision = "pass"',
  });
  p.flow('Task_NotifyRectified', 'EndEvent_Rectified');
  p.flow('Gateway_RectificationAccepted', 'Gateway_SuspendMerge', { name: '不合格', isDefault: true });
  p.flow('Timer_RectificationOverdue', 'Gateway_SuspendMerge');
  p.chain('Gateway_SuspendMerge', 'Task_ProjectSuspend', 'Task_SuspensionDecision', 'Gateway_SuspensionDecision');
  p.flow('Gateway_SuspensionDecision', 'Task_ProjectResume', {
    name: '恢复',
    condition: '=suspensionDecision = "resume"',
  });
  p.flow('Task_ProjectResume', 'EndEvent_Resumed');
  p.flow('Gateway_SuspensionDecision', 'Task_ProjectTerminate', { name: '终止', isDefault: true });
  p.flow('Task_ProjectTerminate', 'EndEvent_ProjectTerminated');

  p.chain('StartEvent_YearEndCheck', 'Task_ImplementationStatusCheck', 'Gateway_CarriedOut');
  p.flow('Gateway_CarriedOut', 'EndEvent_OnPlan', { name: '是', condition: '=carriedOutAsPlanned = true' });
  p.flow('Gateway_CarriedOut', 'Task_YearEndExplanation', { name: '否', isDefault: true });
  p.chain('Task_YearEndExplanation', 'Task_FundRecoveryDecision', 'Gateway_FundRecovery');
  p.flow('Gateway_FundRecovery', 'Task_FundRecovery', { name: '收回', condition: '=fundRecoveryDecision = "recover"' });
  p.flow('Task_FundRecovery', 'EndEvent_FundRecovered');
  p.flow('Gateway_FundRecovery', 'EndEvent_FundKept', { name: '不收回', isDefault: true });

  p.flow('Boundary_ProjectTerminated', 'Task_NotifyTerminated');
  p.flow('Task_NotifyTerminated', 'EndEvent_Terminated');

  p.chain(
    'SubProcess_Construction',
    'Gateway_PreliminaryMerge',
    'Task_PreliminaryAcceptance',
    'Gateway_PreliminaryPassed',
  );
  p.flow('Gateway_PreliminaryPassed', 'Task_PreliminaryRectify', { name: '否', isDefault: true });
  p.flow('Task_PreliminaryRectify', 'Gateway_PreliminaryMerge');
  p.flow('Gateway_PreliminaryPassed', 'Task_FinalApplicationDueDate', {
    name: '是',
    condition: '=preliminaryResult = "pass"',
  });
  p.chain('Task_FinalApplicationDueDate', 'Task_FinalAcceptanceApplication', 'Gateway_ReacceptanceMerge');
  p.flow('Timer_FinalApplicationOverdue', 'Task_NotifyFinalApplicationOverdue');
  p.flow('Task_NotifyFinalApplicationOverdue', 'EndEvent_FinalApplicationEscalated');
  p.chain(
    'Gateway_ReacceptanceMerge',
    'Gateway_AcceptanceDocsMerge',
    'Task_AcceptanceDocsCheck',
    'Gateway_AcceptanceDocsOk',
  );
  p.flow('Gateway_AcceptanceDocsOk', 'Task_AcceptanceDocsSupplement', { name: '否', isDefault: true });
  p.flow('Task_AcceptanceDocsSupplement', 'Gateway_AcceptanceDocsMerge');
  p.flow('Gateway_AcceptanceDocsOk', 'Task_AcceptanceOrganisation', {
    name: '是',
    condition: '=acceptanceDocsComplete = true',
  });
  p.chain('Task_AcceptanceOrganisation', 'Task_FinalAcceptanceReview', 'Gateway_FinalAcceptancePassed');
  p.flow('Gateway_FinalAcceptancePassed', 'Task_FinalAcceptanceFailedRecord', { name: '不合格', isDefault: true });
  p.flow('Task_FinalAcceptanceFailedRecord', 'Task_AcceptanceRectify');
  p.flow('Task_AcceptanceRectify', 'Gateway_ReacceptanceMerge');
  p.flow('Gateway_FinalAcceptancePassed', 'Task_AcceptanceRecord', {
    name: '合格',
    condition: '=finalAcceptanceResult = "pass"',
  });
  p.chain('Task_AcceptanceRecord', 'Gateway_PaymentMerge', 'Task_PaymentRequest', 'Task_PaymentApproval');
  p.flow('Task_PaymentApproval', 'Gateway_PaymentApproved');
  p.flow('Gateway_PaymentApproved', 'Task_Payment', { name: '同意', condition: '=paymentDecision = "approve"' });
  p.flow('Gateway_PaymentApproved', 'Gateway_PaymentReturnMerge', { name: '退回', isDefault: true });
  p.flow('Boundary_PaymentExceedsApproved', 'Gateway_PaymentReturnMerge');
  p.flow('Gateway_PaymentReturnMerge', 'Gateway_PaymentMerge');
  p.flow('Task_Payment', 'Gateway_Surplus');
  p.flow('Gateway_Surplus', 'Task_SurplusReturn', { name: '是', condition: '=surplusAmount > 0' });
  p.flow('Gateway_Surplus', 'Gateway_SurplusMerge', { name: '否', isDefault: true });
  p.flow('Task_SurplusReturn', 'Task_SurplusReturnRecord');
  p.flow('Task_SurplusReturnRecord', 'Gateway_SurplusMerge');
  p.flow('Gateway_SurplusMerge', 'Gateway_EvaluationSplit');
  p.flow('Gateway_EvaluationSplit', 'Task_SelfEvaluationDueDate');
  p.chain('Task_SelfEvaluationDueDate', 'Task_SelfEvaluation', 'Task_SelfEvaluationSubmit', 'Task_PostEvaluationDate');
  p.chain('Task_PostEvaluationDate', 'Event_PostEvaluationStart', 'Task_PostEvaluation', 'Task_PostEvaluationRecord');
  p.flow('Task_PostEvaluationRecord', 'Gateway_EvaluationJoin');
  p.flow('Timer_SelfEvaluationOverdue', 'Task_NotifySelfEvaluationOverdue');
  p.flow('Task_NotifySelfEvaluationOverdue', 'EndEvent_SelfEvaluationEscalated');
  p.flow('Gateway_EvaluationSplit', 'Gateway_AuditRequested');
  p.flow('Gateway_AuditRequested', 'Task_Audit', { name: '是', condition: '=auditRequested = true' });
  p.flow('Gateway_AuditRequested', 'Gateway_AuditMerge', { name: '否', isDefault: true });
  p.flow('Task_Audit', 'Task_AuditRecord');
  p.flow('Task_AuditRecord', 'Gateway_AuditMerge');
  p.flow('Gateway_AuditMerge', 'Gateway_EvaluationJoin');
  p.chain('Gateway_EvaluationJoin', 'Task_Archive', 'EndEvent_Completed');
  return p;
}

// ---------------------------------------------------------------------------------------------
// annual-planning
// ---------------------------------------------------------------------------------------------

function annualPlanning(): ProcessBuilder {
  const p = new ProcessBuilder(
    'annual-planning',
    '年度政务信息化项目建设计划编制',
    '一个计划年度一个实例（启动变量 planYear）：申报截止（R6）→ 集中审查论证（R7）→ 编制年度建设计划和资金分配方案（R5、R8.1）→ 区政府批准 → 逐项目通知（按 projectId 关联 project-lifecycle）。',
  );
  const d = dsl(p);
  d.start('StartEvent_PlanYear', '年度计划编制启动', 0, 1, { doc: '启动变量：planYear（计划建设年度）。' });
  d.svc('Task_PlanCalendar', '计算申报与审查期限', 1, 1, 'egov.due-date', {
    headers: { rule: 'R6.application-deadline' },
    io: {
      outputs: [
        ['=dueDate', 'applicationDeadline'],
        ['=reviewWindowEnd', 'reviewWindowEnd'],
      ],
    },
    doc: 'R6：申报截止为计划年度前一年10月1日0时（9月30日前申报）；R7：审查期至12月31日。',
  });
  d.notify(
    'Task_NotifyApplicationCall',
    '发布项目申报通知',
    2,
    1,
    'application-call',
    'all-departments',
    'R6：通知各建设单位于10月份前申报下一年度项目。',
  );
  d.catchTimer('Event_ApplicationDeadline', '申报截止（9月30日）', 3, 1, '=applicationDeadline', { doc: 'R6' });
  d.svc('Task_ApplicationWindowClose', '汇总申报项目', 4, 1, 'egov.application-window-close', {
    doc: 'R6：截止后汇总已提交并通过材料审核的申报 → appliedProjectIds；截止后提交的顺延至下一年度。',
  });
  d.send('Task_PublishReviewOpened', '通知项目进入集中审查论证', 5, 1, 'egov.publish-message', {
    headers: { messageName: 'joint-review-opened' },
    multiInstance: { inputCollection: '=appliedProjectIds', inputElement: 'projectId' },
    doc: 'R7：10—12月集中审查论证；每个项目一条消息（correlationKey = projectId）。',
  });
  d.catchTimer('Event_ReviewWindowEnd', '集中审查论证期结束', 6, 1, '=reviewWindowEnd', { doc: 'R7：10—12月。' });
  d.svc('Task_PlanCandidates', '汇总审查通过并列入投资计划的项目', 7, 1, 'egov.plan-compile', {
    doc: 'R8.1：从通过审查论证（R7）并列入政府性投资计划（R5、R21）的项目中统筹 → candidateProjects。',
  });
  d.xor('Gateway_PlanMerge', '', 8, 1);
  d.user(
    'Task_CompileAnnualPlan',
    '区数管局/区财政局：编制年度建设计划',
    9,
    1,
    '=["data-bureau", "finance"]',
    'annual-plan',
    { doc: 'R8.1：区数管局编制年度政务信息化项目建设计划；R5：区财政局会同区数管局提出专项资金年度分配方案。' },
  );
  d.user('Task_GovernmentApproval', '区政府：审定年度建设计划', 10, 1, G.government, 'review-opinion', {
    doc: 'R5/R8.1：报区政府批准后实施。',
    io: {
      outputs: [
        ['=decision', 'planDecision'],
        ['=reason', 'planDecisionReason'],
      ],
    },
  });
  d.xor('Gateway_PlanApproved', '批准？', 11, 1);
  d.svc('Task_PlanPublish', '下达年度建设计划', 12, 1, 'egov.plan-publish', {
    doc: 'R8.1：登记批准的计划 → includedProjectIds / excludedProjectIds。',
  });
  d.and('Gateway_NotifySplit', 13, 1);
  d.send('Task_PublishIncluded', '通知纳入计划的项目', 14, 0, 'egov.publish-message', {
    headers: { messageName: 'annual-plan-included' },
    multiInstance: { inputCollection: '=includedProjectIds', inputElement: 'projectId' },
    doc: 'R8.1：每个纳入计划的项目一条 annual-plan-included（correlationKey = projectId）。',
  });
  d.send('Task_PublishNotIncluded', '通知未纳入计划的项目', 14, 2, 'egov.publish-message', {
    headers: { messageName: 'annual-plan-not-included' },
    multiInstance: { inputCollection: '=excludedProjectIds', inputElement: 'projectId' },
    doc: 'R8.1：未纳入计划的项目原则上不安排财政资金。',
  });
  d.and('Gateway_NotifyJoin', 15, 1);
  d.svc('Task_FundAllocation', '拨付资金指标', 16, 1, 'egov.fund-allocate', {
    doc: 'R5：区财政局按区政府审批的年度资金分配方案将资金指标拨付项目建设单位。',
  });
  d.end('EndEvent_PlanIssued', '年度计划已下达', 17, 1);

  p.chain(
    'StartEvent_PlanYear',
    'Task_PlanCalendar',
    'Task_NotifyApplicationCall',
    'Event_ApplicationDeadline',
    'Task_ApplicationWindowClose',
    'Task_PublishReviewOpened',
    'Event_ReviewWindowEnd',
    'Task_PlanCandidates',
    'Gateway_PlanMerge',
    'Task_CompileAnnualPlan',
    'Task_GovernmentApproval',
    'Gateway_PlanApproved',
  );
  p.flow('Gateway_PlanApproved', 'Task_PlanPublish', { name: '批准', condition: '=planDecision = "pass"' });
  p.flow('Gateway_PlanApproved', 'Gateway_PlanMerge', { name: '退回', isDefault: true, route: { via: 2 } });
  p.chain('Task_PlanPublish', 'Gateway_NotifySplit');
  p.flow('Gateway_NotifySplit', 'Task_PublishIncluded');
  p.flow('Gateway_NotifySplit', 'Task_PublishNotIncluded');
  p.flow('Task_PublishIncluded', 'Gateway_NotifyJoin');
  p.flow('Task_PublishNotIncluded', 'Gateway_NotifyJoin');
  p.chain('Gateway_NotifyJoin', 'Task_FundAllocation', 'EndEvent_PlanIssued');
  return p;
}

// ---------------------------------------------------------------------------------------------
// quarterly-reporting (called from project-lifecycle, R15)
// ---------------------------------------------------------------------------------------------

function quarterlyReporting(): ProcessBuilder {
  const p = new ProcessBuilder(
    'quarterly-reporting',
    '季度进度报送（附件2）',
    'R15：建设时间超过6个月或跨年度的项目，每季度第一个月前5个工作日内填写附件2，报上一季度进展。由 project-lifecycle 调用；项目实施完成时被终止。',
  );
  const d = dsl(p);
  d.start('StartEvent_Reporting', '开始季度报送', 0, 1);
  d.xor('Gateway_NextQuarter', '', 1, 1);
  d.due(
    'Task_NextReportWindow',
    '计算下一报送期',
    2,
    1,
    'R15.next-quarter',
    [
      ['=dueDate', 'reportDueDate'],
      ['=windowOpensAt', 'reportWindowOpensAt'],
      ['=reminderAt', 'reportReminderAt'],
      ['=quarter', 'reportQuarter'],
    ],
    'R15：下一季度第一个月的第1个工作日开放，第5个工作日24时截止（含调休上班日，不含法定节假日）；提醒为第4个工作日9时。',
    [['=lastReportedQuarter', 'lastReportedQuarter']],
  );
  d.catchTimer('Event_ReportWindowOpens', '报送期开始', 3, 1, '=reportWindowOpensAt', { doc: 'R15' });
  d.user('Task_ProgressReport', '建设单位：填报进度情况表', 4, 1, G.department, 'progress-report', {
    doc: 'R15 / 附件2：报上一季度项目进展，报区数管局备案。',
    dueDate: '=reportDueDate',
  });
  d.timerOn('Timer_ReportReminder', '截止前提醒', 'Task_ProgressReport', '=reportReminderAt', {
    cancelActivity: false,
    side: 'top',
    doc: 'R15：截止前一工作日提醒（任务继续）。',
  });
  d.timerOn('Timer_ReportOverdue', '逾期', 'Task_ProgressReport', '=reportDueDate', {
    cancelActivity: false,
    doc: 'R15：前5个工作日内未报 → 升级至区数管局（任务继续）。',
  });
  d.notify('Task_NotifyReportReminder', '提醒报送', 6, 0, 'progress-report-reminder', 'department', 'R15');
  d.end('EndEvent_Reminded', '已提醒', 7, 0);
  d.notify(
    'Task_NotifyReportOverdue',
    '逾期升级',
    6,
    2,
    'progress-report-overdue',
    'department,data-bureau',
    'R15；R27 严重逾期可下达整改。',
  );
  d.end('EndEvent_OverdueEscalated', '已升级', 7, 2);
  d.svc('Task_ProgressReportRecord', '报区数管局备案', 5, 1, 'egov.progress-report-record', {
    doc: 'R15：登记附件2，lastReportedQuarter = reportQuarter。',
  });

  p.chain(
    'StartEvent_Reporting',
    'Gateway_NextQuarter',
    'Task_NextReportWindow',
    'Event_ReportWindowOpens',
    'Task_ProgressReport',
    'Task_ProgressReportRecord',
  );
  p.flow('Task_ProgressReportRecord', 'Gateway_NextQuarter', { route: { via: 3 } });
  p.flow('Timer_ReportReminder', 'Task_NotifyReportReminder');
  p.flow('Task_NotifyReportReminder', 'EndEvent_Reminded');
  p.flow('Timer_ReportOverdue', 'Task_NotifyReportOverdue');
  p.flow('Task_NotifyReportOverdue', 'EndEvent_OverdueEscalated');
  return p;
}

// ---------------------------------------------------------------------------------------------
// cross-department-subproject (called per participant, R10)
// ---------------------------------------------------------------------------------------------

function crossDepartmentSubproject(): ProcessBuilder {
  const p = new ProcessBuilder(
    'cross-department-subproject',
    '跨部门项目参建单位子项目',
    'R10：统一框架方案确定后，各参建单位按项目管理要求申请建设本部门参建内容。输入变量：projectId, participant {departmentCode, departmentName, subProjectName, subProjectContent, subProjectBudget}（统一框架方案 participants 的一项）。',
  );
  const d = dsl(p);
  const group = '=["dept:" + participant.departmentCode]';
  d.start('StartEvent_SubProject', '子项目开始', 0, 1);
  d.xor('Gateway_SubProjectMerge', '', 1, 1);
  d.user('Task_SubProjectApplication', '参建单位：申请本部门参建内容', 2, 1, group, 'subproject-application', {
    doc: 'R10：申请内容须与框架方案一致。',
  });
  d.svc('Task_SubProjectRegister', '核验并登记子项目', 3, 1, 'egov.subproject-register', {
    doc: 'R10：与框架方案一致、各单位内容无重复交叉 → subProjectAccepted。',
  });
  d.xor('Gateway_SubProjectOk', '符合框架方案？', 4, 1);
  d.user('Task_SubProjectImplementation', '参建单位：子项目建设', 5, 1, group, 'subproject-completion', {
    doc: 'R10/R19.1：按框架方案的业务流、数据流、接口建设。',
  });
  d.end('EndEvent_SubProjectDone', '子项目完成', 6, 1);
  p.chain(
    'StartEvent_SubProject',
    'Gateway_SubProjectMerge',
    'Task_SubProjectApplication',
    'Task_SubProjectRegister',
    'Gateway_SubProjectOk',
  );
  p.flow('Gateway_SubProjectOk', 'Task_SubProjectImplementation', {
    name: '是',
    condition: '=subProjectAccepted = true',
  });
  p.flow('Gateway_SubProjectOk', 'Gateway_SubProjectMerge', { name: '否', isDefault: true, route: { via: 2 } });
  p.flow('Task_SubProjectImplementation', 'EndEvent_SubProjectDone');
  return p;
}

export const builders = {
  'project-lifecycle': projectLifecycle,
  'annual-planning': annualPlanning,
  'quarterly-reporting': quarterlyReporting,
  'cross-department-subproject': crossDepartmentSubproject,
};

if (require.main === module) {
  // The committed models are edited by hand now (project-lifecycle since the event sub-processes got
  // their local variables and the rectification report record): writing into processes/ would drop
  // those edits, so the generator only writes into a directory given with --out (to diff or start over).
  const i = process.argv.indexOf('--out');
  const out = i > 0 ? process.argv[i + 1] : undefined;
  if (!out) {
    console.error(
      'usage: npx tsx processes/tools/generate.ts --out <dir>  (never into processes/: the .bpmn files are the source)',
    );
    process.exit(2);
  }
  mkdirSync(out, { recursive: true });
  for (const [id, build] of Object.entries(builders)) {
    writeFileSync(join(out, `${id}.bpmn`), build().toXml());
  }
}
