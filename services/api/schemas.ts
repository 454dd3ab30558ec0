/** Request and response schemas of the API (strict: unknown keys are rejected). */
import { z } from 'zod';
import {
  ATTACHMENT_KINDS,
  BUDGET_RECOMMENDATIONS,
  CHANGE_CASES,
  PROCUREMENT_METHODS,
  PROJECT_STAGES,
  SHARE_TYPES,
  UNIT_KINDS,
} from '../domain/entities';
import { acceptanceItemsSchema } from '../domain/lifecycle';
import { moneySchema } from '../domain/money';
import { ORG_TYPES, ROLES } from '../domain/organisations';
import { PROJECT_SORT_FIELDS } from '../domain/project-service';
import { CRITERIA } from '../domain/review';

export const emptyQuery = z.strictObject({});
export const emptyBody = z.strictObject({});

const pageFields = {
  page: z.coerce.number().int().min(1).max(100000).default(1).describe('page number, from 1'),
  pageSize: z.coerce.number().int().min(1).max(100).default(20).describe('items per page, at most 100'),
};

/** `field:asc|desc` over an allow-list; anything else is a 400. */
export function sortParam<const F extends readonly [string, ...string[]]>(fields: F) {
  const re = new RegExp(`^(${fields.join('|')})(:(asc|desc))?$`);
  return z
    .string()
    .regex(re, `排序字段只允许：${fields.join(', ')}（格式 field:asc|desc）`)
    .transform((s) => {
      const [field, dir] = s.split(':');
      return { field: field as F[number], dir: (dir ?? 'asc') as 'asc' | 'desc' };
    })
    .describe(`sort as field:asc|desc; fields: ${fields.join(', ')}`);
}

const projectFilterFields = {
  stage: z.enum(PROJECT_STAGES).optional().describe('current stage'),
  orgCode: z
    .string()
    .regex(/^[A-Za-z][A-Za-z-]{1,39}$/, '单位代码格式不正确')
    .optional()
    .describe('lead organisation code'),
  year: z.coerce.number().int().min(2000).max(2100).optional().describe('plan year'),
  q: z.string().trim().min(1).max(100).optional().describe('search in name and code'),
  sort: sortParam(PROJECT_SORT_FIELDS).optional(),
};

export const projectListQuery = z.strictObject({ ...projectFilterFields, ...pageFields });
export const projectExportQuery = z.strictObject(projectFilterFields);
export const dashboardQuery = z.strictObject({ year: projectFilterFields.year, orgCode: projectFilterFields.orgCode });

export const loginBody = z.strictObject({
  username: z.string().trim().min(1).max(60),
  password: z.string().min(1).max(128),
});

export const passwordBody = z.strictObject({
  currentPassword: z.string().min(1).max(128),
  newPassword: z.string().min(1).max(128),
});

export const meResponse = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  email: z.string().nullable(),
  orgCode: z.string(),
  orgName: z.string(),
  orgType: z.enum(ORG_TYPES),
  roles: z.array(z.enum(ROLES)),
  groups: z.array(z.string()),
});

export const userListQuery = z.strictObject({
  orgCode: z
    .string()
    .regex(/^[A-Za-z][A-Za-z-]{1,39}$/)
    .optional(),
});

export const createUserBody = z.strictObject({
  username: z.string().regex(/^[a-z][a-z0-9._-]{2,59}$/, '用户名为 3–60 位小写字母、数字、点、下划线或连字符'),
  displayName: z.string().trim().min(1).max(60),
  email: z.email().max(120).nullable().optional(),
  phone: z
    .string()
    .regex(/^[\d-]{7,20}$/)
    .nullable()
    .optional(),
  orgCode: z.string().min(2).max(40),
  roles: z.array(z.enum(ROLES)).min(1).max(6),
  password: z.string().min(1).max(128),
});

export const updateUserBody = z.strictObject({
  displayName: z.string().trim().min(1).max(60).optional(),
  email: z.email().max(120).nullable().optional(),
  roles: z.array(z.enum(ROLES)).min(1).max(6).optional(),
  disabled: z.boolean().optional(),
  unlock: z.literal(true).optional(),
});

export const attachmentFields = z.strictObject({
  kind: z.enum(ATTACHMENT_KINDS).describe('material kind'),
});

export const openReviewBody = z.strictObject({
  expertIds: z.array(z.number().int().positive()).min(1).max(30),
});

export const scoreBody = z.strictObject({
  ...(Object.fromEntries(CRITERIA.map((c) => [c, z.number().int().min(0).max(100)])) as Record<
    (typeof CRITERIA)[number],
    z.ZodNumber
  >),
  opinion: z.string().trim().min(1).max(2000),
});

const isoDate = z.iso.date('日期格式为 YYYY-MM-DD');

export const ledgerBody = z.strictObject({
  amount: moneySchema,
  valueDate: isoDate,
  note: z.string().trim().max(500).optional(),
});

export const approvedAmountBody = z.strictObject({ amount: moneySchema });

export const issueRectificationBody = z.strictObject({
  issue: z.string().trim().min(1).max(2000),
  deadline: isoDate,
  orderRule: z.enum(['R26', 'R27']).optional().describe('R26 限期整改（默认）；R27 严重逾期等，并压缩下一年度预算'),
});

/**
 * The department's rectification report. With an engine it completes `Task_Rectify`
 * (rectification-report form): `response` → 整改措施, `completedDate` → 整改完成日期 (today when
 * absent), `evidence` → 整改佐证材料 (the form requires it), `remaining` → 遗留问题.
 */
export const respondRectificationBody = z.strictObject({
  response: z.string().trim().min(1).max(2000),
  completedDate: isoDate.optional(),
  evidence: z.string().trim().min(1).max(100).optional(),
  remaining: z.string().trim().max(1000).optional(),
});
/** With an engine it completes `Task_RectificationVerify` (review-opinion: `note` → 意见及理由, required there). */
export const reviewRectificationBody = z.strictObject({
  accepted: z.boolean(),
  note: z.string().trim().max(2000).optional(),
});

export const auditLogQuery = z.strictObject({
  actor: z.string().max(100).optional(),
  action: z.string().max(100).optional(),
  ...pageFields,
});

export const versionParam = z.coerce.number().int().min(1).max(100000);

export const idParam = z.coerce.number().int().min(1).max(2_000_000_000);

export const changeRequestBody = z.strictObject({
  changeCase: z
    .enum(CHANGE_CASES)
    .describe(
      'R20 情形：(一) 上级部署 deployment，(二) 技术方案优化 optimisation，(三) 批复框架内业务需要 business-need',
    ),
  description: z.string().trim().min(1).max(2000),
  newAmount: moneySchema.describe('变更后金额（万元），不得超过批复金额'),
});

/** 202 of a decision route: the row as it stands (still pending) and that the process task was completed. */
export const taskCompletedPending = z.looseObject({
  id: z.number().int(),
  status: z.string(),
  taskCompleted: z.literal(true),
});

export const decisionBody = z.strictObject({
  approved: z.boolean(),
  note: z.string().trim().max(1000).optional(),
});

export const delayRequestBody = z.strictObject({
  contractedDate: isoDate.describe('合同约定验收日期'),
  requestedDate: isoDate.describe('申请延期至'),
  reason: z.string().trim().min(1).max(2000),
});

export const preliminaryAcceptanceBody = z.strictObject({
  acceptedOn: isoDate,
  passed: z.boolean(),
  opinion: z.string().trim().min(1).max(2000),
});

export const finalDecisionBody = z.strictObject({
  passed: z.boolean(),
  acceptedOn: isoDate,
  opinion: z.string().trim().min(1).max(4000).describe('专家组验收意见'),
  items: acceptanceItemsSchema,
});

export const selfEvaluationBody = z.strictObject({
  effect: z.string().trim().min(1).max(4000).describe('运行效果'),
  problems: z.string().trim().min(1).max(4000).describe('存在的问题'),
});

export const procurementBody = z.strictObject({
  method: z.enum(PROCUREMENT_METHODS).describe('采购方式'),
  justification: z.string().trim().max(2000).optional().describe('采用该方式的理由（单一来源必填）'),
  announcedOn: isoDate.describe('采购公告日期'),
});

export const awardBody = z.strictObject({
  awardedOn: isoDate,
  supplier: z.string().trim().min(1).max(200),
  amount: moneySchema,
});

export const contractBody = z.strictObject({
  procurementId: z.number().int().positive().optional(),
  supplier: z.string().trim().min(1).max(200),
  amount: moneySchema,
  signedOn: isoDate,
  acceptanceDue: isoDate.describe('合同约定验收日期（R22.3）'),
});

export const unitListQuery = z.strictObject({ year: z.coerce.number().int().min(2000).max(2100).optional() });

export const serviceUnitBody = z.strictObject({
  year: z.number().int().min(2000).max(2100),
  kind: z.enum(UNIT_KINDS),
  name: z.string().trim().min(1).max(200),
  contact: z.string().trim().max(120).optional(),
});

export const designationBody = z.strictObject({ kind: z.enum(UNIT_KINDS), unitId: z.number().int().positive() });

export const complianceCheckBody = z.strictObject({
  passed: z.boolean(),
  findings: z.string().trim().max(4000).optional(),
  checkedOn: isoDate,
});

export const postEvaluationBody = z.strictObject({
  score: z.number().int().min(0).max(100),
  conclusion: z.string().trim().min(1).max(4000),
  recommendation: z.enum(BUDGET_RECOMMENDATIONS).describe('对下一年度投资和运维资金的建议（R29）'),
  evaluatedOn: isoDate,
});

export const yearQuery = z.strictObject({ year: z.coerce.number().int().min(2000).max(2100) });

export const yearParam = z.coerce.number().int().min(2000).max(2100);

export const compilePlanBody = z.strictObject({ year: z.number().int().min(2000).max(2100) });

export const planEntryBody = z.strictObject({
  projectId: z.number().int().positive(),
  amount: moneySchema.describe('本年度计划金额（万元）'),
  urgent: z.boolean().default(false).describe('批准后临时确需追加（R8.2）'),
});

export const investmentPlanBody = z.strictObject({
  year: z.number().int().min(2000).max(2100),
  amount: moneySchema,
  approvedOn: isoDate.describe('列入投资计划（立项）日期'),
});

export const optionalYearQuery = z.strictObject({ year: z.coerce.number().int().min(2000).max(2100).optional() });

export const catalogueQuery = z.strictObject({
  orgCode: z
    .string()
    .regex(/^[A-Za-z][A-Za-z-]{1,39}$/)
    .optional(),
});

export const catalogueBody = z.strictObject({
  name: z.string().trim().min(1).max(200).describe('信息资源名称'),
  description: z.string().trim().min(1).max(2000).describe('摘要'),
  dataItems: z.array(z.string().trim().min(1).max(100)).min(1).max(200).describe('信息项'),
  shareType: z.enum(SHARE_TYPES).describe('共享类型：无条件/有条件/不予共享'),
  shareBasis: z.string().trim().max(2000).optional().describe('共享条件或不予共享的依据'),
  recipients: z.array(z.string().min(1).max(100)).max(50).default([]).describe('有条件共享的对象（政府部门代码）'),
  updateCycle: z.string().trim().min(1).max(40).describe('更新周期'),
  sourceProjectId: z.number().int().positive().optional().describe('来源项目'),
});

export const quarterParam = z.string().regex(/^20\d{2}-Q[1-4]$/, '季度格式为 YYYY-Qn');
