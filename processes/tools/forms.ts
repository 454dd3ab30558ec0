/**
 * Writes processes/forms/*.form (form-js 1.x JSON) from the compact definitions below.
 * A tool, not a build step: the committed .form files are the source of truth and may be
 * edited in the Camunda Modeler afterwards. Run: `npx tsx processes/tools/forms.ts [--out <dir>]`
 * (default processes/forms). A form the Modeler has saved (another `exporter`) is left alone;
 * test/processes/forms.unit.test.ts checks that every form naming this generator as exporter is
 * exactly what it writes, so running it never reverts an edit.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** form-js 1.23 writes schemaVersion 19. */
const SCHEMA_VERSION = 19;

/** Mainland landline (区号-号码[-分机]) or mobile number. */
export const PHONE_PATTERN = '^(1[3-9]\\d{9}|0\\d{2,3}-?\\d{7,8}(-\\d{1,6})?)$';
const FAX_PATTERN = '^0\\d{2,3}-?\\d{7,8}$';
const MOBILE_PATTERN = '^1[3-9]\\d{9}$';
const MONTH_PATTERN = '^\\d{4}-(0[1-9]|1[0-2])$';

type Validate = {
  required?: boolean;
  maxLength?: number;
  minLength?: number;
  min?: number;
  max?: number;
  pattern?: string;
  validationType?: 'email' | 'phone';
};
type Option = { label: string; value: string };
type Component = Record<string, unknown>;

let counter = 0;
const fieldId = (key: string) => `Field_${key.replace(/[^A-Za-z0-9]/g, '_')}_${(counter++).toString(36)}`;

const req = (required: boolean | undefined): Validate => (required === false ? {} : { required: true });

function text(md: string): Component {
  return { type: 'text', text: md, id: fieldId('text') };
}
function textfield(key: string, label: string, v: Validate = { required: true }, extra: Component = {}): Component {
  return { type: 'textfield', key, label, id: fieldId(key), validate: v, ...extra };
}
function textarea(key: string, label: string, v: Validate = { required: true }, extra: Component = {}): Component {
  return { type: 'textarea', key, label, id: fieldId(key), validate: v, ...extra };
}
/** Amounts in 万元: never negative, two decimals. */
function money(key: string, label: string, required = true, extra: Component = {}): Component {
  return {
    type: 'number',
    key,
    label,
    id: fieldId(key),
    decimalDigits: 2,
    appearance: { suffixAdornment: '万元' },
    validate: { ...req(required), min: 0 },
    ...extra,
  };
}
function num(key: string, label: string, min: number, max?: number, required = true): Component {
  return {
    type: 'number',
    key,
    label,
    id: fieldId(key),
    validate: { ...req(required), min, ...(max === undefined ? {} : { max }) },
  };
}
function date(key: string, label: string, required = true): Component {
  return { type: 'datetime', key, subtype: 'date', dateLabel: label, id: fieldId(key), validate: req(required) };
}
function radio(key: string, label: string, values: Option[], required = true): Component {
  return { type: 'radio', key, label, id: fieldId(key), values, validate: req(required) };
}
function select(key: string, label: string, values: Option[], required = true): Component {
  return { type: 'select', key, label, id: fieldId(key), values, validate: req(required) };
}
function checkbox(key: string, label: string, required = false): Component {
  return { type: 'checkbox', key, label, id: fieldId(key), validate: req(required) };
}
function checklist(key: string, label: string, values: Option[], required = true): Component {
  return { type: 'checklist', key, label, id: fieldId(key), values, validate: req(required) };
}
function phone(key: string, label: string, required = true): Component {
  return textfield(
    key,
    label,
    { ...req(required), pattern: PHONE_PATTERN },
    { description: '手机号或座机（区号-号码）' },
  );
}
function email(key: string, label: string, required = true): Component {
  return textfield(key, label, { ...req(required), validationType: 'email', maxLength: 100 });
}
function doc(key: string, label: string, required = true): Component {
  return textfield(
    key,
    label,
    { ...req(required), maxLength: 100 },
    { description: '附件编号（在“附件”中上传后填写）' },
  );
}
function group(label: string, components: Component[]): Component {
  return { type: 'group', label, id: fieldId('group'), showOutline: true, components };
}
function dynamiclist(path: string, label: string, components: Component[]): Component {
  return {
    type: 'dynamiclist',
    path,
    label,
    id: fieldId(path),
    isRepeating: true,
    allowAddRemove: true,
    defaultRepetitions: 1,
    showOutline: true,
    components,
  };
}
/** Shown for reference; the value comes from the process, so it is not required — bounds stay. */
function readonly(c: Component): Component {
  const { required: _required, ...bounds } = (c.validate ?? {}) as Validate;
  return { ...c, readonly: true, validate: bounds };
}

const yesNo: Option[] = [
  { label: '是', value: 'yes' },
  { label: '否', value: 'no' },
];
const passFail: Option[] = [
  { label: '通过', value: 'pass' },
  { label: '不通过', value: 'fail' },
];
const approveReject: Option[] = [
  { label: '批准', value: 'approve' },
  { label: '不予批准', value: 'reject' },
];

/** 附件1 申报表 fields plus the R2/R3/R6/R9/R10/R14/R16/R24 declarations the review needs. */
const applicationComponents: Component[] = [
  text('## 六安市叶集区政务信息化项目申报表（附件1）\n本表由项目建设单位填写，主管部门盖章（R6）。'),
  group('基本信息', [
    textfield('serialNo', '序号', { maxLength: 20 }),
    textfield('departmentName', '建设单位', { required: true, maxLength: 100 }),
    textfield('projectName', '项目名称', { required: true, maxLength: 100 }),
    textarea(
      'summary',
      '项目简要说明及建设依据',
      { required: true, maxLength: 200 },
      { description: '字数控制在200字以内（附件1 说明2）' },
    ),
    textfield(
      'constructionStart',
      '建设年度（起，XX年XX月）',
      { required: true, pattern: MONTH_PATTERN },
      { description: '格式：2027-01' },
    ),
    textfield(
      'constructionEnd',
      '建设年度（止，XX年XX月）',
      { required: true, pattern: MONTH_PATTERN },
      { description: '格式：2027-12' },
    ),
    select('projectCategory', '项目类别（R3）', [
      { label: '云服务平台（含各类数据库系统）', value: 'cloud-platform' },
      { label: '信息化应用系统（办公自动化、管理信息、应用集成等）', value: 'application-system' },
      { label: '电子政务基础设施（含数据中心、机房）', value: 'infrastructure' },
      { label: '信息网络', value: 'network' },
      { label: '信息资源开发利用', value: 'information-resource' },
      { label: '信息安全', value: 'information-security' },
      { label: '运行维护', value: 'operation-maintenance' },
    ]),
    radio('constructionType', '建设性质（R3）', [
      { label: '新建', value: 'new' },
      { label: '扩建', value: 'expansion' },
      { label: '改造升级', value: 'upgrade' },
    ]),
    select('fundSource', '资金性质（R2.1）', [
      { label: '财政性资金', value: 'fiscal' },
      { label: '上级转移支付资金', value: 'transfer' },
      { label: '自筹资金', value: 'self-raised' },
    ]),
    checkbox('listedInDepartmentBudget', '已列入部门预算（R2.2：10万元以下的部门预算项目不适用本办法）'),
    checkbox('crossDepartment', '跨部门共建共享项目（R10）'),
    checkbox('urgentAdHoc', '因临时确需建设的项目（R8.2）'),
    checkbox('classifiedSystem', '涉密信息系统（R11、R22.2）'),
  ]),
  group('项目投资（万元）', [
    money('totalInvestment', '项目投资合计'),
    money('fundFiscal', '资金筹措：财政资金'),
    money('fundBankLoan', '资金筹措：银行贷款'),
    money('fundSelfRaised', '资金筹措：自筹'),
    money('fundOther', '资金筹措：其他'),
  ]),
  group('联系方式', [
    textfield('responsiblePerson', '负责人', { required: true, maxLength: 50 }),
    textfield('contactPerson', '联系人', { required: true, maxLength: 50 }),
    phone('contactPhone', '联系电话'),
    email('contactEmail', '电子邮箱'),
    textarea('remarks', '备注', { maxLength: 500 }),
  ]),
  group('申报材料（R6）', [
    doc('docConstructionBasis', '项目建设依据'),
    doc('docConstructionPlan', '项目建设方案'),
    doc('docBudgetEstimate', '项目概算'),
    doc('docFeasibilityStudy', '项目可行性研究报告'),
    checkbox('sharingAnalysisIncluded', '可研报告和建设方案包含信息资源共享分析（R9）', true),
    doc('docResourceCatalogue', '信息资源目录（R9）'),
    textarea('productSecurityStatement', '软硬件产品安全可靠情况说明（R14）', { required: true, maxLength: 1000 }),
    checklist('r24Compliance', '建设要求符合情况（R16、R24，须全部满足）', [
      { label: '依托区政务云数据中心和电子政务外网，不新建数据中心和专网（R16）', value: 'gov-cloud' },
      { label: '可在区政务云数据中心汇聚相关数据', value: 'data-aggregation' },
      { label: '实现互联互通', value: 'interconnection' },
      { label: '实现数据共享，不仅向特定企业、社会组织开放（R9）', value: 'data-sharing' },
      { label: '实现业务协同', value: 'business-collaboration' },
      { label: '国产密码应用同步规划（R13）', value: 'domestic-crypto' },
      { label: '满足网络安全要求（R12）', value: 'network-security' },
    ]),
  ]),
  group('项目主管部门意见', [
    textarea('supervisorOpinion', '项目主管部门意见', { required: true, maxLength: 500 }),
    checkbox('supervisorSealed', '已加盖主管部门公章', true),
    date('supervisorOpinionDate', '意见日期'),
  ]),
];

const reviewOpinion: Component[] = [
  text('## 审查意见'),
  radio('decision', '审查结论', [
    { label: '通过', value: 'pass' },
    { label: '不通过', value: 'fail' },
    { label: '退回修改', value: 'return' },
  ]),
  textarea('reason', '意见及理由', { required: true, maxLength: 2000 }),
];

/** Each criterion 0–100, as the domain's score API and egov.review-aggregate expect (0–20 failed every review). */
const scoring = (key: string, label: string) =>
  ({ ...num(key, `${label}（0—100分）`, 0, 100), decimalDigits: 1 }) as Component;

const forms: Record<string, { title: string; components: Component[] }> = {
  'application-form': { title: '项目申报表（附件1）', components: applicationComponents },
  'expert-scoring': {
    title: '专家评分表（R7）',
    components: [
      text('## 集中审查论证专家评分表（R7）\n五项评审内容各按百分制（0—100分）评分。'),
      readonly(textfield('projectName', '项目名称')),
      scoring('scorePlanning', '规划科学性'),
      scoring('scoreSharing', '资源共享性'),
      scoring('scoreFeasibility', '建设可行性'),
      scoring('scoreBudget', '概算合理性'),
      scoring('scoreCrypto', '密码应用安全性'),
      radio('recommendation', '评审建议', passFail),
      textarea('expertComment', '专家意见', { required: true, maxLength: 2000 }),
      checkbox('noConflictOfInterest', '本人与该项目无利害关系', true),
    ],
  },
  'review-opinion': { title: '审查意见', components: reviewOpinion },
  'key-project-approval': {
    title: '重点项目单独立项（区发改委）',
    components: [
      text('## 重点项目单独立项（附件3，R5）'),
      readonly(textfield('projectName', '项目名称')),
      radio('keyApprovalDecision', '立项审批结论', approveReject),
      textfield('approvalDocumentNo', '立项批复文号', { maxLength: 100 }),
      money('keyApprovedInvestment', '批复投资', false),
      textarea('keyApprovalReason', '审批意见', { required: true, maxLength: 2000 }),
    ],
  },
  'investment-plan': {
    title: '列入区本级政府性投资计划（区发改委）',
    components: [
      text('## 列入年度区本级政府性投资计划（R5、R21）\n未列入前，原则上不安排项目建设投资。'),
      readonly(textfield('projectName', '项目名称')),
      num('investmentPlanYear', '投资计划年度', 2000, 2100),
      textfield('investmentPlanNo', '投资计划文号', { required: true, maxLength: 100 }),
      money('approvedInvestment', '计划安排投资'),
    ],
  },
  'adhoc-approval': {
    title: '临时确需项目报批（R8.2）',
    components: [
      text('## 临时确需建设项目增列审批（R8.2）'),
      readonly(textfield('projectName', '项目名称')),
      radio('adHocDecision', '审批结论', approveReject),
      textfield('adHocApprovalNo', '批准文号', { maxLength: 100 }),
      textarea('adHocReason', '审批意见', { required: true, maxLength: 2000 }),
    ],
  },
  'not-in-plan-decision': {
    title: '未纳入年度建设计划的处理（R8.1）',
    components: [
      text('## 项目未纳入年度政务信息化项目建设计划\n未纳入计划的项目原则上不安排财政资金（R8.1）。'),
      radio('notInPlanDecision', '处理方式', [
        { label: '顺延至下一计划年度', value: 'carry-over' },
        { label: '撤回申报', value: 'withdraw' },
      ]),
      textarea('notInPlanReason', '说明', { maxLength: 1000 }),
    ],
  },
  'framework-plan': {
    title: '跨部门项目统一框架方案（R10）',
    components: [
      text('## 跨部门共建共享项目统一框架方案（R10）\n由牵头单位会同参建单位共同编制，联合报区数据资源管理局。'),
      textfield('leadUnit', '牵头单位', { required: true, maxLength: 100 }),
      textarea('buildGoals', '建设目标', { required: true, maxLength: 2000 }),
      textarea('mainContent', '主体内容', { required: true, maxLength: 2000 }),
      dynamiclist('participants', '参建单位及子项目', [
        textfield('departmentCode', '参建单位代码', { required: true, maxLength: 50 }),
        textfield('departmentName', '参建单位名称', { required: true, maxLength: 100 }),
        textfield('subProjectName', '子项目名称', { required: true, maxLength: 100 }),
        textarea('subProjectContent', '子项目建设内容', { required: true, maxLength: 1000 }),
        money('subProjectBudget', '子项目概算'),
      ]),
      textarea('businessFlow', '业务流', { required: true, maxLength: 2000 }),
      textarea('dataFlow', '数据流', { required: true, maxLength: 2000 }),
      textarea('systemInterfaces', '系统接口', { required: true, maxLength: 2000 }),
      doc('docInitialDataCatalogue', '初步数据目录'),
      checkbox('noOverlapDeclared', '各单位建设内容无重复交叉', true),
    ],
  },
  'project-start': {
    title: '项目启动（R11）',
    components: [
      text('## 项目启动（附件3，R11）'),
      textfield('projectResponsiblePerson', '项目责任人', { required: true, maxLength: 50 }),
      phone('projectResponsiblePhone', '项目责任人电话'),
      date('projectStartDate', '启动日期'),
      checklist('managementSystems', '已建立的管理制度（R11）', [
        { label: '项目管理制度', value: 'project-management' },
        { label: '招标投标、政府采购制度', value: 'procurement' },
        { label: '工程监理制度', value: 'supervision' },
        { label: '合同管理制度', value: 'contract' },
        { label: '等保测评制度', value: 'classified-protection' },
        { label: '网络安全管理制度（R12）', value: 'network-security' },
      ]),
      checkbox('secrecyRulesApplied', '涉密信息系统已执行保密法律法规（R11，如适用）'),
    ],
  },
  'units-designation': {
    title: '明确监理/等保/测评单位（R18）',
    components: [
      text('## 明确监理/等保/测评单位（附件3，R18）\n从区数管局年度招标确定的单位中指定。'),
      textfield('supervisionUnit', '工程监理单位', { required: true, maxLength: 100 }),
      textfield('classifiedProtectionUnit', '等保测评单位', { required: true, maxLength: 100 }),
      textfield('thirdPartyTestingUnit', '第三方评测单位', { required: true, maxLength: 100 }),
    ],
  },
  'procurement-record': {
    title: '政府采购记录（R14）',
    components: [
      text('## 政府采购（附件3，R11、R14）'),
      select('procurementMethod', '采购方式', [
        { label: '公开招标', value: 'open-tender' },
        { label: '邀请招标', value: 'invited-tender' },
        { label: '竞争性谈判', value: 'competitive-negotiation' },
        { label: '竞争性磋商', value: 'competitive-consultation' },
        { label: '单一来源采购', value: 'single-source' },
        { label: '询价', value: 'inquiry' },
        { label: '框架协议采购', value: 'framework-agreement' },
      ]),
      textfield('tenderNo', '招标（采购）项目编号', { required: true, maxLength: 100 }),
      textfield('supplierName', '中标（成交）供应商', { required: true, maxLength: 200 }),
      textfield('contractNo', '合同编号', { required: true, maxLength: 100 }),
      money('contractAmount', '合同金额'),
      date('contractSignedDate', '合同签订日期'),
      date('contractedAcceptanceDate', '合同约定验收日期'),
      checkbox('productsSecureAndReliable', '所采购软硬件产品安全可靠（R14）', true),
      checkbox('secrecyProcurement', '涉密采购已执行保密规定（R11，如适用）'),
    ],
  },
  'implementation-report': {
    title: '项目实施完成（R19.1）',
    components: [
      text('## 项目实施（附件3）\n须严格按照批复的专家审查论证意见和投资概算实施（R19.1）。'),
      date('constructionCompletedDate', '建设完成日期'),
      textarea('implementationSummary', '实施情况', { required: true, maxLength: 2000 }),
      checkbox('builtAsApproved', '按批复的审查论证意见和概算实施（R19.1）', true),
      checkbox('deployedOnGovCloud', '部署于区政务云、电子政务外网（R16）', true),
      money('investedAmount', '已完成投资'),
    ],
  },
  'progress-report': {
    title: '项目进度情况表（附件2）',
    components: [
      text('## 六安市叶集区政务信息化项目进度情况表（附件2）\n每季度第一个月前5个工作日内报送上一季度进展（R15）。'),
      readonly(textfield('reportQuarter', '报告期（季度）')),
      textfield('reportDepartmentName', '项目建设单位名称（盖章）', { required: true, maxLength: 100 }),
      textfield('reportResponsiblePerson', '负责人', { required: true, maxLength: 50 }),
      date('reportDate', '填报日期'),
      textfield('reportFax', '传真', { pattern: FAX_PATTERN }),
      textfield('reportContactPerson', '联系人', { required: true, maxLength: 50 }),
      phone('reportPhone', '电话'),
      textfield('reportMobile', '手机', { required: true, pattern: MOBILE_PATTERN }),
      email('reportEmail', 'E-MAIL'),
      textfield('reportProjectName', '项目名称', { required: true, maxLength: 100 }),
      textarea('reportMainContent', '主要内容', { required: true, maxLength: 2000 }),
      textfield('reportConstructionUnit', '建设单位', { required: true, maxLength: 100 }),
      textarea('reportProgress', '建设进度', { required: true, maxLength: 2000 }),
      date('expectedCompletionDate', '预计完成时间（附件2 说明2）'),
      money('reportTotalInvestment', '总投资'),
      money('reportInvestedAmount', '已投资'),
    ],
  },
  'change-request': {
    title: '项目变更申请（R20）',
    components: [
      text('## 项目主要建设内容调整申请（R20）\n投资规模未超出概算批复、建设目标不变，且符合下列情形之一。'),
      radio('changeCase', '调整情形', [
        { label: '（一）根据省委省政府、市委市政府部署，确需改变建设内容', value: 'case-1' },
        { label: '（二）确需对原项目技术方案进行完善优化', value: 'case-2' },
        { label: '（三）根据业务发展需要，在已批复建设规划框架下调整建设内容及进度', value: 'case-3' },
        { label: '不符合上述情形（须重新履行相应手续）', value: 'none' },
      ]),
      textarea('changeOriginalContent', '原建设内容', { required: true, maxLength: 2000 }),
      textarea('changeNewContent', '调整后建设内容', { required: true, maxLength: 2000 }),
      textarea('changeReason', '调整理由', { required: true, maxLength: 2000 }),
      money('changeTotalInvestment', '调整后总投资'),
      checkbox('changeGoalsUnchanged', '建设目标不变'),
      checkbox('changeWithinBudget', '投资规模未超出概算批复'),
    ],
  },
  'delay-request': {
    title: '延期验收申请（R22.3）',
    components: [
      text('## 延期验收申请（R22.3）\n不能按合同约定时间验收的，须提前申请。'),
      readonly(textfield('contractedAcceptanceDate', '合同约定验收日期')),
      date('requestedAcceptanceDate', '申请延期至'),
      textarea('delayReason', '延期理由', { required: true, maxLength: 2000 }),
    ],
  },
  'rectification-report': {
    title: '整改报告（R26）',
    components: [
      text('## 整改情况报告（R26、R22.2）'),
      readonly(textarea('rectificationIssues', '整改事项')),
      textarea('rectificationMeasures', '整改措施', { required: true, maxLength: 2000 }),
      date('rectificationCompletedDate', '整改完成日期'),
      doc('docRectificationEvidence', '整改佐证材料'),
      textarea('rectificationRemaining', '遗留问题', { maxLength: 1000 }),
    ],
  },
  'suspension-decision': {
    title: '暂停期处理决定（R26）',
    components: [
      text('## 逾期未整改或整改后仍不符合要求（R26）\n已暂缓安排投资计划、暂停项目建设。'),
      radio('suspensionDecision', '处理决定', [
        { label: '整改到位，恢复建设', value: 'resume' },
        { label: '终止项目', value: 'terminate' },
      ]),
      textarea('suspensionReason', '决定理由', { required: true, maxLength: 2000 }),
    ],
  },
  'year-end-explanation': {
    title: '未按计划实施书面说明（R19.3）',
    components: [
      text('## 项目当年度未按计划实施的书面说明（R19.3）'),
      textarea('notCarriedOutReason', '未按计划实施原因', { required: true, maxLength: 2000 }),
      textarea('notCarriedOutPlan', '后续实施安排', { required: true, maxLength: 2000 }),
    ],
  },
  'fund-recovery-decision': {
    title: '项目资金收回决定（R19.3）',
    components: [
      text('## 项目资金视情收回（R19.3）'),
      radio('fundRecoveryDecision', '处理决定', [
        { label: '收回项目资金', value: 'recover' },
        { label: '不收回，继续实施', value: 'keep' },
      ]),
      money('fundRecoveryAmount', '收回金额', false),
      textarea('fundRecoveryReason', '理由', { required: true, maxLength: 2000 }),
    ],
  },
  'supplement-materials': {
    title: '补正材料',
    components: [
      text('## 补正材料'),
      readonly(textarea('materialsDefectsText', '需补正事项')),
      textarea('supplementDescription', '补正说明', { required: true, maxLength: 2000 }),
      doc('docSupplement', '补正材料'),
    ],
  },
  'security-inspection': {
    title: '网络安全检查（R12）',
    components: [
      text('## 区委网信办：网络安全检查（R12）'),
      radio('securityInspectionResult', '检查结论', passFail),
      select('classifiedProtectionLevel', '等级保护级别', [
        { label: '第一级', value: '1' },
        { label: '第二级', value: '2' },
        { label: '第三级', value: '3' },
        { label: '第四级', value: '4' },
      ]),
      date('riskAssessmentDate', '最近一次网络安全检测与风险评估日期'),
      textarea('securityIssues', '发现问题及整改要求', { maxLength: 2000 }),
    ],
  },
  'crypto-review': {
    title: '密码应用审查（R13）',
    components: [
      text('## 区委机要（密码管理）局：密码应用审查（R13）\n密码保障系统须同步规划、同步建设、同步运行。'),
      radio('cryptoReviewResult', '审查结论', passFail),
      checklist('cryptoSynchronised', '同步情况', [
        { label: '同步规划', value: 'planned' },
        { label: '同步建设', value: 'built' },
        { label: '同步运行', value: 'running' },
      ]),
      textarea('cryptoIssues', '发现问题及整改要求', { maxLength: 2000 }),
    ],
  },
  'preliminary-acceptance': {
    title: '初步验收（R22.1）',
    components: [
      text('## 初步验收（R22.1）\n由项目建设单位自行组织。'),
      date('preliminaryAcceptanceDate', '初步验收日期'),
      radio('preliminaryResult', '初步验收结论', [
        { label: '合格', value: 'pass' },
        { label: '不合格', value: 'fail' },
      ]),
      textarea('preliminaryParticipants', '参加验收单位及人员', { required: true, maxLength: 1000 }),
      textarea('preliminaryIssues', '存在问题', { maxLength: 2000 }),
      doc('docPreliminaryReport', '初步验收报告'),
    ],
  },
  'final-acceptance-application': {
    title: '竣工验收申请（R22.2）',
    components: [
      text('## 竣工验收申请（R22.2）\n初步验收合格后1个月内提出，并提交下列材料。'),
      doc('docAcceptanceApplication', '验收申请报告'),
      doc('docConstructionSummary', '项目建设总结'),
      radio('securityReportType', '安全风险评估报告类型', [
        { label: '涉密信息系统安全保密测评报告', value: 'secrecy' },
        { label: '非涉密信息系统网络安全等级保护测评报告', value: 'classified-protection' },
      ]),
      doc('docSecurityRiskReport', '安全风险评估报告'),
      doc('docCryptoAssessmentReport', '密码应用安全性评估报告'),
      group('验收重要内容（R14）', [
        textarea('productSecurityStatus', '软硬件产品安全可靠情况', { required: true, maxLength: 2000 }),
        textarea('cryptoApplicationStatus', '密码应用情况', { required: true, maxLength: 2000 }),
        textarea('securityReviewStatus', '安全审查情况', { required: true, maxLength: 2000 }),
        checkbox('hasHardwareOrDataCentre', '含硬件设备或数据中心'),
        {
          ...num('pue', '数据中心能源利用效率 PUE', 1, 5, false),
          decimalDigits: 2,
          conditional: { hide: '=not(hasHardwareOrDataCentre)' },
        },
        textarea('energyEfficiencyStatus', '硬件设备能源利用效率情况', { maxLength: 2000 }),
      ]),
    ],
  },
  'acceptance-organisation': {
    title: '组织竣工验收（R22.2）',
    components: [
      text('## 区数管局会同区公共资源交易中心组织专家竣工验收（R22.2）'),
      date('finalAcceptanceMeetingDate', '验收会日期'),
      textarea('finalAcceptancePanel', '验收专家组成员', { required: true, maxLength: 1000 }),
      textfield('finalAcceptanceVenue', '地点', { required: true, maxLength: 200 }),
      // Task_FinalAcceptanceReview is assigned to this expert (assignee="=finalAcceptancePanelLead"):
      // the tasklist shows an expert only the projects of tasks assigned to them. The server checks
      // it names an active expert (services/tasks/element-checks.ts). A fixed id, not fieldId():
      // the counter would renumber the fields of every later form.
      {
        type: 'textfield',
        key: 'finalAcceptancePanelLead',
        label: '验收专家组组长（专家账号）',
        id: 'Field_finalAcceptancePanelLead',
        validate: { required: true, maxLength: 60 },
        description: '组长的系统用户名（专家角色），竣工验收任务将指派给组长',
      },
    ],
  },
  'final-acceptance-opinion': {
    title: '竣工验收意见（R22.2、R14）',
    components: [
      text('## 竣工验收专家组意见（R22.2）\n验收重要内容见R14。'),
      radio('itemProductSecurity', '软硬件产品安全可靠', passFail),
      radio('itemCryptography', '密码应用', passFail),
      radio('itemSecurityReview', '安全审查', passFail),
      radio('itemEnergyEfficiency', '硬件设备和数据中心能源利用效率（PUE）', [
        ...passFail,
        { label: '不适用', value: 'not-applicable' },
      ]),
      radio('finalAcceptanceResult', '验收结论', [
        { label: '验收合格', value: 'pass' },
        { label: '验收不合格，限期整改后重新验收', value: 'fail' },
      ]),
      textarea('finalAcceptanceOpinion', '验收意见', { required: true, maxLength: 4000 }),
      date('goLiveDate', '投入运行日期', false),
    ],
  },
  'payment-request': {
    title: '经费支付申请（R19.2）',
    components: [
      text('## 经费支付申请（R19.2）\n支付金额不得超过批复投资；有结余的按规定退回。'),
      readonly(money('approvedInvestment', '批复投资', false)),
      money('requestedAmount', '本次申请支付'),
      money('paidSoFar', '已支付'),
      doc('docInvoice', '发票及合同付款凭证'),
      checkbox('auditRequested', '申请将本项目纳入区审计局年度审计计划（R5、R28）'),
    ],
  },
  'payment-approval': {
    title: '经费支付审核',
    components: [
      text('## 区数管局/区财政局：经费支付审核（R5、R19.2）'),
      radio('paymentDecision', '审核结论', [
        { label: '同意支付', value: 'approve' },
        { label: '退回', value: 'reject' },
      ]),
      money('paymentApprovedAmount', '核定支付金额'),
      textarea('paymentOpinion', '审核意见', { required: true, maxLength: 2000 }),
    ],
  },
  'surplus-return': {
    title: '结余资金退回（R19.2）',
    components: [
      text('## 结余资金退回（R19.2）'),
      readonly(money('surplusAmount', '结余资金', false)),
      money('returnedAmount', '退回金额'),
      date('surplusReturnedDate', '退回日期'),
      textfield('surplusVoucherNo', '缴款凭证号', { required: true, maxLength: 100 }),
    ],
  },
  'self-evaluation': {
    title: '绩效自评价（R23）',
    components: [
      text('## 政务信息化项目建设管理绩效自评价（R23）\n通过验收并投入运行后6个月内报区数管局和区财政局。'),
      readonly(textfield('goLiveDate', '投入运行日期')),
      textarea('operationEffect', '运行效果', { required: true, maxLength: 4000 }),
      textarea('problemsMet', '遇到的问题', { required: true, maxLength: 4000 }),
      doc('docSelfEvaluationReport', '绩效自评价报告'),
    ],
  },
  'post-evaluation': {
    title: '项目后评价（R29）',
    components: [
      text('## 项目后评价（R29）\n评价结果作为下一年度安排政府投资和运行维护经费的重要依据。'),
      num('scoreOperationEfficiency', '系统运行效率（0—100分）', 0, 100),
      num('scoreUsageEffect', '使用效果（0—100分）', 0, 100),
      select('postEvaluationGrade', '评价等级', [
        { label: '优', value: 'excellent' },
        { label: '良', value: 'good' },
        { label: '中', value: 'fair' },
        { label: '差', value: 'poor' },
      ]),
      textarea('postEvaluationProblems', '存在问题', { maxLength: 4000 }),
      textarea('rectificationSuggestions', '整改意见', { maxLength: 4000 }),
      radio('budgetRecommendation', '对下一年度投资和运维经费的建议', [
        { label: '正常安排', value: 'normal' },
        { label: '压缩', value: 'reduce' },
        { label: '不安排', value: 'none' },
      ]),
      checkbox('r27BudgetCut', '存在严重逾期、随意变更或重大损失，压缩下一年度预算规模（R27）'),
    ],
  },
  'audit-report': {
    title: '专项审计（R28）',
    components: [
      text('## 区审计局：政务信息化项目专项资金审计（R5、R28）'),
      textfield('auditReportNo', '审计报告文号', { required: true, maxLength: 100 }),
      textarea('auditFindings', '审计发现', { required: true, maxLength: 4000 }),
      textarea('auditDecision', '审计决定', { maxLength: 4000 }),
    ],
  },
  'annual-plan': {
    title: '年度政务信息化项目建设计划（R8.1）',
    components: [
      text('## 编制年度政务信息化项目建设计划及专项资金年度分配方案（R5、R8.1）'),
      readonly(num('planYear', '计划年度', 2000, 2100)),
      dynamiclist('planItems', '计划项目', [
        textfield('projectId', '项目编号', { required: true, maxLength: 64 }),
        textfield('projectName', '项目名称', { required: true, maxLength: 100 }),
        radio('included', '是否纳入计划', yesNo),
        money('allocatedFunds', '安排资金'),
      ]),
      money('planTotalFunds', '专项资金合计'),
    ],
  },
  'subproject-application': {
    title: '参建单位子项目申请（R10）',
    components: [
      text('## 参建单位申请建设本部门参建内容（R10）'),
      textfield('subProjectName', '子项目名称', { required: true, maxLength: 100 }),
      textarea('subProjectContent', '建设内容（须与框架方案一致、无重复交叉）', { required: true, maxLength: 2000 }),
      money('subProjectBudget', '子项目概算'),
      textfield('subProjectResponsiblePerson', '子项目责任人', { required: true, maxLength: 50 }),
      phone('subProjectPhone', '联系电话'),
    ],
  },
  'subproject-completion': {
    title: '子项目建设完成',
    components: [
      text('## 参建单位子项目建设完成（R10）'),
      date('subProjectCompletedDate', '完成日期'),
      textarea('subProjectSummary', '建设情况（含接口、数据流对接情况）', { required: true, maxLength: 2000 }),
      money('subProjectInvested', '已完成投资'),
    ],
  },
};

export function buildForm(id: string, components: Component[]): Record<string, unknown> {
  return {
    executionPlatform: 'Camunda Cloud',
    executionPlatformVersion: '8.8.0',
    exporter: { name: GENERATOR_EXPORTER, version: '1.0.0' },
    schemaVersion: SCHEMA_VERSION,
    id,
    components,
    type: 'default',
  };
}

/** The generator's name in `exporter`: forms saved by the Modeler name the Modeler instead. */
export const GENERATOR_EXPORTER = 'yeji processes/tools/forms.ts';

/** File name → content of every form this generator writes. */
export function generatedForms(): Map<string, string> {
  return new Map(
    Object.entries(forms).map(([id, { components }]) => [
      `${id}.form`,
      JSON.stringify(buildForm(id, components), null, 2) + '\n',
    ]),
  );
}

/** `npx tsx processes/tools/forms.ts [--out <dir>]` (default processes/forms). */
function main(): void {
  const at = process.argv.indexOf('--out');
  const dir = at > 0 && process.argv[at + 1] ? process.argv[at + 1]! : join(__dirname, '..', 'forms');
  mkdirSync(dir, { recursive: true });
  for (const [file, content] of generatedForms()) {
    const target = join(dir, file);
    const exporter = existsSync(target)
      ? (JSON.parse(readFileSync(target, 'utf8')) as { exporter?: { name?: string } }).exporter?.name
      : GENERATOR_EXPORTER;
    if (exporter !== GENERATOR_EXPORTER) {
      console.warn(`${file}: saved by ${exporter ?? 'another tool'}, left as it is`);
      continue;
    }
    writeFileSync(target, content);
  }
}

if (require.main === module) main();
