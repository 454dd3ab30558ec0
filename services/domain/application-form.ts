/**
 * 附件1 政务信息化项目申报表 (R6) as a strict schema, and the field-level diff between two
 * versions so that a resubmission shows what changed.
 */
import { z } from 'zod';
import { PROJECT_CATEGORIES, PROJECT_KINDS } from './entities';
import { addMoney, moneySchema } from './money';
import { R24_ITEMS, R24_KEYS, type R24Item } from './r24-items';

export { R24_ITEMS, R24_KEYS, type R24Item };

const month = z.string().regex(/^20\d{2}-(0[1-9]|1[0-2])$/, '月份格式为 YYYY-MM');
const chars = (max: number) => (s: string) => [...s].length <= max;

export const investmentSchema = z.strictObject({
  fiscal: moneySchema.describe('财政资金（万元）'),
  loan: moneySchema.describe('银行贷款（万元）'),
  selfRaised: moneySchema.describe('自筹（万元）'),
  other: moneySchema.describe('其他（万元）'),
});

export const applicationFormSchema = z
  .strictObject({
    serialNo: z.string().trim().max(20).optional().describe('序号'),
    projectName: z.string().trim().min(2).max(200).describe('项目名称'),
    category: z.enum(PROJECT_CATEGORIES).describe('项目类别（R3）'),
    kind: z.enum(PROJECT_KINDS).describe('建设性质：新建/扩建/升级改造（R3）'),
    summary: z
      .string()
      .trim()
      .min(1)
      .refine(chars(200), '简要说明及建设依据不超过 200 字')
      .describe('简要说明及建设依据（≤ 200 字）'),
    constructionPeriod: z
      .strictObject({ start: month, end: month })
      .refine((p) => p.start <= p.end, '建设年度的结束月份不得早于开始月份')
      .describe('建设年度：XX年XX月至XX年XX月'),
    investment: investmentSchema.describe('项目投资（万元）'),
    responsiblePerson: z.string().trim().min(1).max(60).describe('负责人（项目责任人，R11）'),
    contactPerson: z.string().trim().min(1).max(60).describe('联系人'),
    contactPhone: z
      .string()
      .regex(/^(1\d{10}|0\d{2,3}-?\d{7,8})$/, '联系电话须为手机号或固定电话（含区号）')
      .describe('联系电话'),
    email: z.email('电子邮箱格式不正确').max(120).describe('电子邮箱'),
    remarks: z.string().trim().max(500).optional().describe('备注'),
    supervisorOpinion: z.string().trim().max(500).optional().describe('主管部门意见'),
    supervisorSealed: z.boolean().default(false).describe('主管部门已盖章'),
    planYear: z.number().int().min(2020).max(2100).describe('计划年度'),
    keyProject: z.boolean().default(false).describe('重点项目（发改委单独立项）'),
    departmentBudget: z.boolean().default(false).describe('列入部门预算（R2.2 判定用）'),
    urgent: z.boolean().default(false).describe('临时确需追加项目（R8.2）'),
    participantOrgCodes: z
      .array(z.string().regex(/^[A-Z]{2,10}$/))
      .max(20)
      .default([])
      .refine((a) => new Set(a).size === a.length, '参与单位不得重复')
      .describe('跨部门项目的参与单位代码（R10）'),
    sharingAnalysis: z.string().trim().min(1).max(2000).describe('信息资源共享分析（R9）'),
    procuresProducts: z
      .boolean()
      .default(true)
      .describe('项目采购软硬件产品（服务器、网络与安全设备、操作系统、数据库、中间件、商用软件等；R14）'),
    securityStatement: z
      .string()
      .trim()
      .max(2000)
      .optional()
      .describe('产品安全可靠说明（R14：采购软硬件产品的项目必填）'),
    r24Compliance: z
      .array(z.enum(R24_KEYS))
      .max(R24_KEYS.length)
      .default([])
      .refine((a) => new Set(a).size === a.length, '建设要求符合情况不得重复勾选')
      .describe('建设要求符合情况（R16、R24，逐项勾选；未全部满足的项目原则上不予审批）'),
  })
  .describe('附件1 政务信息化项目申报表');

export type ApplicationForm = z.output<typeof applicationFormSchema>;

export function totalInvestment(form: Pick<ApplicationForm, 'investment'>): string {
  const i = form.investment;
  return addMoney(i.fiscal, i.loan, i.selfRaised, i.other);
}

/** Chinese field labels of 附件1, for diffs and printable documents. */
export const FIELD_LABELS: Record<string, string> = {
  serialNo: '序号',
  projectName: '项目名称',
  category: '项目类别',
  kind: '建设性质',
  summary: '简要说明及建设依据',
  'constructionPeriod.start': '建设年度（起）',
  'constructionPeriod.end': '建设年度（止）',
  'investment.fiscal': '项目投资-财政资金',
  'investment.loan': '项目投资-银行贷款',
  'investment.selfRaised': '项目投资-自筹',
  'investment.other': '项目投资-其他',
  responsiblePerson: '负责人',
  contactPerson: '联系人',
  contactPhone: '联系电话',
  email: '电子邮箱',
  remarks: '备注',
  supervisorOpinion: '主管部门意见',
  supervisorSealed: '主管部门盖章',
  planYear: '计划年度',
  keyProject: '重点项目',
  departmentBudget: '列入部门预算',
  urgent: '临时确需追加',
  participantOrgCodes: '参与单位',
  sharingAnalysis: '信息资源共享分析',
  procuresProducts: '采购软硬件产品',
  securityStatement: '产品安全可靠说明',
  r24Compliance: '建设要求符合情况（R16、R24）',
};

/** R14: the application must explain that the products it buys are 安全可靠 (not needed when it buys none). */
export function needsSecurityStatement(form: { procuresProducts?: unknown }): boolean {
  return form.procuresProducts !== false;
}

/** The R16/R24 items not ticked, in the official order, as Chinese labels. */
export function missingR24Items(ticked: unknown): string[] {
  const set = new Set(Array.isArray(ticked) ? ticked.map(String) : []);
  return R24_KEYS.filter((k) => !set.has(k)).map((k) => R24_ITEMS[k]);
}

export interface FieldChange {
  field: string;
  label: string;
  before: unknown;
  after: unknown;
}

function flatten(value: unknown, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out[prefix] = value;
  }
  return out;
}

/** The ticked R16/R24 items as their Chinese labels (for diffs); null stays null. */
function r24Labels(v: unknown): unknown {
  return Array.isArray(v) ? v.map((k) => R24_ITEMS[k as R24Item] ?? String(k)) : v;
}

/** Field-level differences between two versions of 附件1 (arrays compare as wholes). */
export function diffApplications(
  before: Partial<ApplicationForm> | null,
  after: Partial<ApplicationForm>,
): FieldChange[] {
  const a = flatten(before ?? {});
  const b = flatten(after);
  const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  const order = Object.keys(FIELD_LABELS);
  fields.sort((x, y) => (order.indexOf(x) + 1 || 999) - (order.indexOf(y) + 1 || 999) || x.localeCompare(y));
  const changes: FieldChange[] = [];
  for (const field of fields) {
    const x = a[field] ?? null;
    const y = b[field] ?? null;
    if (JSON.stringify(x) !== JSON.stringify(y)) {
      const shown = (v: unknown) => (field === 'r24Compliance' ? r24Labels(v) : v);
      changes.push({ field, label: FIELD_LABELS[field] ?? field, before: shown(x), after: shown(y) });
    }
  }
  return changes;
}

/**
 * R6: applications for next year's projects are due before October (by 30 September of the year
 * before the plan year); R8.2 lets an urgent ad-hoc project in later.
 */
export function applicationDeadline(planYear: number): string {
  return `${planYear - 1}-09-30`;
}

export function isApplicationLate(planYear: number, today: string): boolean {
  return today > applicationDeadline(planYear);
}
