/**
 * THE route table: every endpoint of /api, who may call it and under which scope rule. The
 * Express router (router.ts), the OpenAPI document (openapi.ts) and the authorisation matrix test
 * are generated from it; an endpoint that is not in this table does not exist.
 */
import type { Response } from 'express';
import type { Access } from './types';
import { route, type AnyRoute } from './types';
import * as s from './schemas';
import { applicationFormSchema } from '../domain/application-form';
import { progressReportSchema } from '../domain/lifecycle';
import { applicationFormDocx, progressReportDocx } from '../domain/printable';
import { HttpError } from '../http/problem';
import { exportProjects } from './export';
import { keyProjectApprovalView } from '../domain/process-records';
import { buildOpenApi } from './openapi';
import { attachmentView } from '../domain/attachments';
import { sessionCookie, SESSION_COOKIE } from './session-cookie';
import { processRoutes, submitAndStart } from './process-routes';
import { annualPlanningOf, planYearOf, startAnnualPlanning } from '../processes/annual-planning-start';
import { reviseApplication } from '../processes/application-revision';
import {
  assertInConstruction,
  publishChangeRequested,
  publishDelayRequested,
  publishRectificationOrdered,
} from './request-messages';
import {
  decideRequestThroughProcess,
  processInstanceOf,
  respondThroughProcess,
  reviewThroughProcess,
} from './request-decisions';

// ------------------------------------------------------------------ who

/**
 * Sends a file as an attachment: an ASCII fallback name for old clients and the real (Chinese)
 * name in RFC 5987 form.
 */
function sendDownload(
  res: Response,
  buf: Buffer | Uint8Array,
  f: { type: string; asciiName: string; name: string; headers?: Record<string, string> },
): void {
  res
    .status(200)
    .type(f.type)
    .setHeader(
      'Content-Disposition',
      `attachment; filename="${f.asciiName}"; filename*=UTF-8''${encodeURIComponent(f.name)}`,
    );
  for (const [k, v] of Object.entries(f.headers ?? {})) res.setHeader(k, v);
  res.send(buf);
}

/**
 * A decision route's answer through the process (request-decisions.ts): 200 with the decided row,
 * or 202 with the row still pending when the worker has not written it yet.
 */
function send(res: Response, a: { status: 200 | 202; body: Record<string, unknown> }) {
  if (a.status === 200) return a.body;
  res.status(202).json(a.body);
  return undefined;
}

const ANYONE: Access = { roles: 'any' };
/** departments' own staff: apply, upload, resubmit, respond */
const DEPARTMENT: Access = { roles: ['staff', 'manager'], orgTypes: ['department'] };
/** everyone who reads project data: departments (own), bureaus (all), the audit bureau (read-only) */
const PROJECT_READERS: Access = {
  roles: ['staff', 'manager', 'process-owner', 'admin', 'auditor'],
  orgTypes: ['department', 'bureau'],
};
const DATA_BUREAU: Access = { roles: ['staff', 'manager'], orgCodes: ['data-bureau'] };
const DATA_BUREAU_READERS: Access = { roles: ['staff', 'manager', 'admin', 'auditor'], orgTypes: ['bureau'] };
const DATA_BUREAU_MANAGER: Access = { roles: ['manager'], orgCodes: ['data-bureau'] };
/** R6/R7/R8.1: who starts the plan year's annual-planning process — the data bureau's staff and process owner */
const PLAN_PROCESS_STARTERS: Access = { roles: ['staff', 'manager', 'process-owner'], orgCodes: ['data-bureau'] };
/** R19.2: the finance bureau disburses and books returned surplus */
const FINANCE: Access = { roles: ['staff', 'manager'], orgCodes: ['finance'] };
/**
 * R26: the supervising bodies that may order rectification — the model's list (R5 bodies with a
 * supervising duty, `SUPERVISING_BODIES` of egov.rectification-register): with the audit bureau
 * (R28 audit supervision; its auditors are read-only everywhere else) and the trading center.
 */
const SUPERVISORS: Access = {
  roles: ['staff', 'manager', 'auditor'],
  orgCodes: ['data-bureau', 'finance', 'drc', 'audit', 'trading-center', 'cyberspace-office', 'crypto-bureau'],
  auditorSupervision: true,
};
/** R20: the district government approves change requests */
const GOVERNMENT: Access = { roles: ['staff', 'manager'], orgCodes: ['government'] };
/** R22.2: the data bureau and the trading center organise the final acceptance */
const ACCEPTANCE_PANEL: Access = { roles: ['staff', 'manager'], orgCodes: ['data-bureau', 'trading-center'] };
/** R14: the public resource trading center runs tendering and records awards */
const TRADING_CENTER: Access = { roles: ['staff', 'manager'], orgCodes: ['trading-center'] };
/** R12, R13: network-security inspection and cryptography review */
const CHECKERS: Access = { roles: ['staff', 'manager'], orgCodes: ['cyberspace-office', 'crypto-bureau'] };
/** R29: bodies that use post-evaluations for next year's budget, and the audit bureau */
const BUDGET_READERS: Access = {
  roles: ['staff', 'manager', 'auditor'],
  orgCodes: ['data-bureau', 'finance', 'drc', 'audit'],
};
/** R5, R21: the DRC approves projects and keeps the district government investment plan */
const DRC: Access = { roles: ['staff', 'manager'], orgCodes: ['drc'] };
const ADMIN: Access = { roles: ['admin'], orgTypes: ['bureau'] };
const ADMIN_OR_AUDITOR: Access = { roles: ['admin', 'auditor'], orgTypes: ['bureau'] };
const EXPERT: Access = { roles: ['expert'], orgTypes: ['expert'] };

// ------------------------------------------------------------------ answers beyond the usual ones

const ENGINE_DOWN_503 = '流程引擎不可达，未作任何处理，可重试 (process engine unreachable, nothing written; retryable)';
/** The "at any time" requests (R20, R22.3, R26) publish their message with the row (request-messages.ts). */
const REQUEST_MESSAGE_RESPONSES = {
  409: '项目不在建设实施阶段（有流程时），消息无处接收 (with a process: SubProcess_Construction is not active)',
  503: ENGINE_DOWN_503,
};
/** The decision routes complete the process's user task (request-decisions.ts). */
const DECISION_RESPONSES = {
  202: {
    description:
      '任务已办结，记录尚待流程写入：返回当前记录与 taskCompleted: true (task completed; the worker has not written the row within the wait)',
    schema: s.taskCompletedPending,
  },
  409: '没有可办理的流程任务（流程未到此环节或已办结），或记录已处理 (no open task of this step for the row, or the row was decided already)',
  503: ENGINE_DOWN_503,
};

// ------------------------------------------------------------------ what

export const routes: AnyRoute[] = [
  // ---- authentication (等保 level 3)
  route({
    id: 'auth.login',
    method: 'post',
    path: '/auth/login',
    summary: '登录',
    tag: 'auth',
    access: ANYONE,
    scope: 'public',
    body: s.loginBody,
    response: s.meResponse,
    audit: false,
    handler: async ({ body, res, ip, services }) => {
      const { token, principal } = await services.auth.login(body.username, body.password, ip);
      res.cookie(SESSION_COOKIE, token, sessionCookie(services.config));
      return { user: principal };
    },
  }),
  route({
    id: 'auth.logout',
    method: 'post',
    path: '/auth/logout',
    summary: '退出登录',
    tag: 'auth',
    access: ANYONE,
    scope: 'authenticated',
    body: s.emptyBody,
    audit: false,
    successStatus: 204,
    handler: async ({ req, res, principal, ip, services }) => {
      await services.auth.logout(req.cookies?.[SESSION_COOKIE], principal, ip);
      res.clearCookie(SESSION_COOKIE, { ...sessionCookie(services.config), maxAge: undefined });
      return null;
    },
  }),
  route({
    id: 'auth.me',
    method: 'get',
    path: '/auth/me',
    summary: '当前用户',
    tag: 'auth',
    access: ANYONE,
    scope: 'authenticated',
    response: s.meResponse,
    handler: async ({ principal }) => principal,
  }),
  route({
    id: 'auth.password',
    method: 'post',
    path: '/auth/password',
    summary: '修改本人密码',
    tag: 'auth',
    access: ANYONE,
    scope: 'authenticated',
    body: s.passwordBody,
    audit: false,
    successStatus: 204,
    handler: async ({ req, principal, body, ip, services }) => {
      await services.auth.changePassword(
        principal,
        body.currentPassword,
        body.newPassword,
        req.cookies?.[SESSION_COOKIE],
        ip,
      );
      return null;
    },
  }),

  // ---- organisations and users
  route({
    id: 'organisations.list',
    method: 'get',
    path: '/organisations',
    summary: '单位列表（R5 各部门、建设单位、专家库）',
    tag: 'organisations',
    access: ANYONE,
    scope: 'authenticated',
    handler: async ({ services }) =>
      (await services.identity.listOrganisations()).map(({ code, name, type }) => ({ code, name, type })),
  }),
  route({
    id: 'users.list',
    method: 'get',
    path: '/users',
    summary: '用户列表',
    tag: 'users',
    access: ADMIN_OR_AUDITOR,
    scope: 'bureau-wide',
    query: s.userListQuery,
    handler: async ({ query, services }) => services.identity.listUsers(query.orgCode),
  }),
  route({
    id: 'users.create',
    method: 'post',
    path: '/users',
    summary: '新建用户',
    tag: 'users',
    access: ADMIN,
    scope: 'bureau-wide',
    body: s.createUserBody,
    successStatus: 201,
    handler: async ({ body, services }) => services.identity.createUser(body),
  }),
  route({
    id: 'users.update',
    method: 'patch',
    path: '/users/:id',
    summary: '修改用户（角色、停用、解锁）',
    tag: 'users',
    access: ADMIN,
    scope: 'bureau-wide',
    resource: 'user',
    body: s.updateUserBody,
    handler: async ({ resource, body, services }) => services.identity.updateUser(resource!.id, body),
  }),
  route({
    id: 'experts.list',
    method: 'get',
    path: '/experts',
    summary: '评审专家列表（R7）',
    tag: 'reviews',
    access: DATA_BUREAU_READERS,
    scope: 'bureau-wide',
    handler: async ({ services }) =>
      (await services.identity.listUsers('experts'))
        .filter((u) => !u.disabled)
        .map(({ id, displayName, email }) => ({ id, displayName, email })),
  }),

  // ---- projects and applications (R2, R3, R6, R9, R10)
  route({
    id: 'projects.list',
    method: 'get',
    path: '/projects',
    summary: '项目列表（筛选、排序、分页）',
    tag: 'projects',
    access: PROJECT_READERS,
    scope: 'own-department',
    query: s.projectListQuery,
    handler: async ({ query, visibility, services }) => {
      const { items, total } = await services.projects.list(query, visibility);
      return { items, total, page: query.page, pageSize: query.pageSize };
    },
  }),
  route({
    id: 'projects.export',
    method: 'get',
    path: '/projects/export.xlsx',
    summary: '导出项目清单（Excel，筛选同列表）',
    tag: 'projects',
    access: PROJECT_READERS,
    scope: 'own-department',
    query: s.projectExportQuery,
    produces: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    handler: async ({ query, visibility, services, res }) => {
      const items = await services.projects.listAll(query, visibility);
      const buf = await exportProjects(items);
      sendDownload(res, buf, {
        type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        asciiName: 'projects.xlsx',
        name: '项目清单.xlsx',
      });
      return undefined;
    },
  }),
  route({
    id: 'projects.create',
    method: 'post',
    path: '/projects',
    summary: '新建项目申报（附件1 第 1 版，草稿）',
    tag: 'projects',
    access: DEPARTMENT,
    scope: 'own-department',
    body: applicationFormSchema,
    successStatus: 201,
    handler: async ({ principal, body, services }) => {
      const org = await services.identity.organisationByCode(principal.orgCode);
      return services.projects.create(org, principal.id, body);
    },
  }),
  route({
    id: 'projects.get',
    method: 'get',
    path: '/projects/:id',
    summary: '项目详情',
    tag: 'projects',
    access: PROJECT_READERS,
    scope: 'own-department',
    resource: 'project',
    handler: async ({ resource, services }) => services.projects.view(resource!.id),
  }),
  route({
    id: 'applications.list',
    method: 'get',
    path: '/projects/:id/applications',
    summary: '申报表版本列表',
    tag: 'projects',
    access: PROJECT_READERS,
    scope: 'own-department',
    resource: 'project',
    handler: async ({ resource, services }) => services.projects.applicationVersions(resource!.id),
  }),
  route({
    id: 'applications.get',
    method: 'get',
    path: '/projects/:id/applications/:version',
    summary: '申报表某一版本及与上一版本的逐字段差异',
    tag: 'projects',
    access: PROJECT_READERS,
    scope: 'own-department',
    resource: 'project',
    handler: async ({ resource, params, services }) =>
      services.projects.applicationWithDiff(resource!.id, s.versionParam.parse(params.version)),
  }),
  route({
    id: 'applications.print',
    method: 'get',
    path: '/projects/:id/applications/:version/print.docx',
    summary: '打印申报表（附件1，Word，官方版式）',
    tag: 'projects',
    access: PROJECT_READERS,
    scope: 'own-department',
    resource: 'project',
    produces: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    handler: async ({ resource, params, services, res }) => {
      const version = s.versionParam.parse(params.version);
      const { form } = await services.projects.application(resource!.id, version);
      const project = await services.projects.view(resource!.id);
      const buf = await applicationFormDocx({ form, unitName: project.orgName, version });
      sendDownload(res, buf, {
        type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        asciiName: `application-${project.code}-v${version}.docx`,
        name: `附件1-${project.name}-第${version}版.docx`,
      });
      return undefined;
    },
  }),
  route({
    id: 'applications.resubmit',
    method: 'post',
    path: '/projects/:id/applications',
    summary: '修改后重新提交申报表（生成新版本，返回逐字段差异）',
    tag: 'projects',
    access: DEPARTMENT,
    scope: 'own-department',
    resource: 'project',
    body: applicationFormSchema,
    successStatus: 201,
    responses: {
      409: '项目未处于退回修改，或退回修改任务已不在办理中 (not returned, or Task_ReviseApplication is no longer open: nothing resubmitted)',
      503: ENGINE_DOWN_503,
    },
    handler: async ({ resource, principal, body, services }) =>
      reviseApplication(services, principal, resource!.id, { kind: 'application', form: body }),
  }),
  route({
    id: 'projects.submit',
    method: 'post',
    path: '/projects/:id/submit',
    summary: '提交申报（R2.2 适用性判定、R6 材料与时限）',
    tag: 'projects',
    access: DEPARTMENT,
    scope: 'own-department',
    resource: 'project',
    body: s.emptyBody,
    handler: async ({ resource, services }) => submitAndStart(services, resource!.id),
  }),
  route({
    id: 'attachments.list',
    method: 'get',
    path: '/projects/:id/attachments',
    summary: '项目附件列表',
    tag: 'attachments',
    access: PROJECT_READERS,
    scope: 'own-department',
    resource: 'project',
    handler: async ({ resource, services }) => services.attachments.list(resource!.id),
  }),
  route({
    id: 'attachments.upload',
    method: 'post',
    path: '/projects/:id/attachments',
    summary: '上传附件（按内容识别类型：PDF、OFD、DOCX、XLSX、PNG、JPEG）',
    tag: 'attachments',
    access: DEPARTMENT,
    scope: 'own-department',
    resource: 'project',
    upload: true,
    body: s.attachmentFields,
    successStatus: 201,
    handler: async ({ resource, principal, body, file, services }) => {
      if (!file) throw new HttpError(400, '缺少文件字段 file');
      return services.attachments.store(resource!.id, body.kind, file, principal.id);
    },
  }),
  route({
    id: 'attachments.content',
    method: 'get',
    path: '/attachments/:id/content',
    summary: '下载附件',
    tag: 'attachments',
    access: PROJECT_READERS,
    scope: 'own-department',
    resource: 'attachment',
    produces: 'application/octet-stream',
    handler: async ({ resource, services, res }) => {
      const a = await services.attachments.get(resource!.id);
      const buf = await services.attachments.content(a);
      sendDownload(res, buf, {
        type: a.mediaType,
        asciiName: 'download',
        name: a.originalName,
        headers: { Digest: `sm3=${a.sm3}` },
      });
      return undefined;
    },
  }),
  route({
    id: 'attachments.get',
    method: 'get',
    path: '/attachments/:id',
    summary: '附件信息',
    tag: 'attachments',
    access: PROJECT_READERS,
    scope: 'own-department',
    resource: 'attachment',
    handler: async ({ resource, services }) => attachmentView(await services.attachments.get(resource!.id)),
  }),

  // ---- joint review (R7)
  route({
    id: 'reviews.listOfProject',
    method: 'get',
    path: '/projects/:id/review-rounds',
    summary: '项目的联合审查轮次（建设单位只见结论，不见专家个人评分）',
    tag: 'reviews',
    access: PROJECT_READERS,
    scope: 'own-department',
    resource: 'project',
    handler: async ({ resource, principal, services }) =>
      services.reviews.roundsOf(resource!.id, principal.orgType === 'bureau'),
  }),
  route({
    id: 'reviews.open',
    method: 'post',
    path: '/projects/:id/review-rounds',
    summary: '组织专家联合审查（R7）',
    tag: 'reviews',
    access: DATA_BUREAU,
    scope: 'bureau-wide',
    resource: 'project',
    body: s.openReviewBody,
    successStatus: 201,
    handler: async ({ resource, principal, body, services }) =>
      services.reviews.open(resource!.id, body.expertIds, principal.id),
  }),
  route({
    id: 'reviews.close',
    method: 'post',
    path: '/review-rounds/:id/close',
    summary: '汇总评分并作出审查结论（R7；不通过则项目结束）',
    tag: 'reviews',
    access: DATA_BUREAU_MANAGER,
    scope: 'bureau-wide',
    resource: 'reviewRound',
    body: s.emptyBody,
    handler: async ({ resource, services }) => services.reviews.close(resource!.id),
  }),
  route({
    id: 'reviews.assigned',
    method: 'get',
    path: '/reviews/assigned',
    summary: '分配给我的评审',
    tag: 'reviews',
    access: EXPERT,
    scope: 'assigned-expert',
    handler: async ({ principal, services }) => services.reviews.assignedTo(principal.id),
  }),
  route({
    id: 'reviews.get',
    method: 'get',
    path: '/review-rounds/:id',
    summary: '评审轮次（专家视图：申报表与本人评分）',
    tag: 'reviews',
    access: EXPERT,
    scope: 'assigned-expert',
    resource: 'reviewRound',
    handler: async ({ resource, principal, services }) => services.reviews.expertView(resource!.id, principal.id),
  }),
  route({
    id: 'reviews.score',
    method: 'put',
    path: '/review-rounds/:id/my-score',
    summary: '提交/修改本人评分（R7 五项指标）',
    tag: 'reviews',
    access: EXPERT,
    scope: 'assigned-expert',
    resource: 'reviewRound',
    body: s.scoreBody,
    handler: async ({ resource, principal, body, services }) =>
      services.reviews.score(resource!.id, principal.id, body),
  }),

  // ---- budget ledger (R19)
  route({
    id: 'ledger.get',
    method: 'get',
    path: '/projects/:id/ledger',
    summary: '经费台账：批复、已付、退回、余额（R19.2）',
    tag: 'ledger',
    access: PROJECT_READERS,
    scope: 'own-department',
    resource: 'project',
    handler: async ({ resource, services }) => services.ledger.ledger(resource!.id),
  }),
  route({
    id: 'ledger.approve',
    method: 'put',
    path: '/projects/:id/approved-amount',
    summary: '核定批复金额（R19.1）',
    tag: 'ledger',
    access: DATA_BUREAU_MANAGER,
    scope: 'bureau-wide',
    resource: 'project',
    body: s.approvedAmountBody,
    handler: async ({ resource, body, services }) => services.ledger.setApproved(resource!.id, body.amount),
  }),
  route({
    id: 'ledger.pay',
    method: 'post',
    path: '/projects/:id/ledger/payments',
    summary: '登记支付（累计不超过批复金额，R19.2）',
    tag: 'ledger',
    access: FINANCE,
    scope: 'bureau-wide',
    resource: 'project',
    body: s.ledgerBody,
    successStatus: 201,
    handler: async ({ resource, principal, body, services }) =>
      services.ledger.book(resource!.id, 'payment', body, principal.id),
  }),
  route({
    id: 'ledger.returnSurplus',
    method: 'post',
    path: '/projects/:id/ledger/surplus-returns',
    summary: '登记结余资金退回（R19.2）',
    tag: 'ledger',
    access: FINANCE,
    scope: 'bureau-wide',
    resource: 'project',
    body: s.ledgerBody,
    successStatus: 201,
    handler: async ({ resource, principal, body, services }) =>
      services.ledger.book(resource!.id, 'surplus-return', body, principal.id),
  }),

  // ---- rectification orders (R26)
  route({
    id: 'rectifications.listOfProject',
    method: 'get',
    path: '/projects/:id/rectifications',
    summary: '项目的整改通知（含是否逾期，R26）',
    tag: 'rectifications',
    access: PROJECT_READERS,
    scope: 'own-department',
    resource: 'project',
    handler: async ({ resource, services }) => services.rectifications.listOf(resource!.id),
  }),
  route({
    id: 'rectifications.issue',
    method: 'post',
    path: '/projects/:id/rectifications',
    summary: '下达限期整改通知（R26）',
    tag: 'rectifications',
    access: SUPERVISORS,
    scope: 'bureau-wide',
    resource: 'project',
    body: s.issueRectificationBody,
    successStatus: 201,
    // with an engine: 409 unless in construction, row + `rectification-ordered` in one transaction
    // (services/api/request-messages.ts)
    responses: REQUEST_MESSAGE_RESPONSES,
    handler: async ({ resource, principal, body, services }) => {
      const { orderRule: _rule, ...order } = body; // the rule travels with the message only
      const engine = services.engine;
      if (engine) await assertInConstruction(engine, services.dataSource, resource!.id, '整改通知');
      return services.rectifications.issue(
        resource!.id,
        principal.orgId,
        principal.id,
        order,
        engine ? publishRectificationOrdered(engine, resource!.id, principal.orgId, body) : undefined,
      );
    },
  }),
  route({
    id: 'rectifications.respond',
    method: 'post',
    path: '/rectifications/:id/response',
    summary: '建设单位回复整改情况',
    tag: 'rectifications',
    access: DEPARTMENT,
    scope: 'own-department',
    resource: 'rectification',
    body: s.respondRectificationBody,
    // with a process: completes the order's Task_Rectify as the caller; 200 with the order once
    // egov.rectification-report-record has recorded the report, 202 if it has not within
    // DECISION_WAIT_MS (request-decisions.ts)
    responses: DECISION_RESPONSES,
    handler: async ({ resource, principal, visibility, body, services, res }) => {
      const order = services.engine ? await services.rectifications.get(resource!.id) : null;
      const pik = order ? await processInstanceOf(services, order.projectId) : null;
      if (pik) return send(res, await respondThroughProcess(services, principal, visibility, pik, resource!.id, body));
      return services.rectifications.respond(resource!.id, body.response, principal.id);
    },
  }),
  route({
    id: 'rectifications.review',
    method: 'post',
    path: '/rectifications/:id/review',
    summary: '整改复核（有流程：合格则关闭，不合格则暂停项目建设；无流程：合格则关闭，否则退回）',
    tag: 'rectifications',
    access: SUPERVISORS,
    scope: 'bureau-wide',
    resource: 'rectification',
    body: s.reviewRectificationBody,
    // with a process: completes the order's Task_RectificationVerify as the caller; 200 with the
    // order once the worker has closed it (合格) or reopened it and suspended the project (不合格),
    // 202 if it has not within DECISION_WAIT_MS (request-decisions.ts)
    responses: DECISION_RESPONSES,
    handler: async ({ resource, principal, visibility, body, services, res }) => {
      const order = services.engine ? await services.rectifications.get(resource!.id) : null;
      const pik = order ? await processInstanceOf(services, order.projectId) : null;
      if (!pik) return services.rectifications.review(resource!.id, principal.orgId, body.accepted, principal.id);
      return send(res, await reviewThroughProcess(services, principal, visibility, pik, resource!.id, body));
    },
  }),

  // ---- construction: progress reports 附件2 (R15), changes (R20), delays (R22.3)
  route({
    id: 'progressReports.list',
    method: 'get',
    path: '/projects/:id/progress-reports',
    summary: '季度进度报告（附件2，R15）',
    tag: 'construction',
    access: PROJECT_READERS,
    scope: 'own-department',
    resource: 'project',
    handler: async ({ resource, services }) => services.lifecycle.progressReports(resource!.id),
  }),
  route({
    id: 'progressReports.print',
    method: 'get',
    path: '/projects/:id/progress-reports/:quarter/print.docx',
    summary: '打印季度进度报告（附件2，Word）',
    tag: 'construction',
    access: PROJECT_READERS,
    scope: 'own-department',
    resource: 'project',
    produces: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    handler: async ({ resource, params, services, res }) => {
      const quarter = s.quarterParam.parse(params.quarter);
      const report = await services.lifecycle.progressReport(resource!.id, quarter);
      const project = await services.projects.view(resource!.id);
      const buf = await progressReportDocx({ ...report, unitName: project.orgName, projectName: project.name });
      sendDownload(res, buf, {
        type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        asciiName: `progress-${project.code}-${quarter}.docx`,
        name: `附件2-${project.name}-${quarter}.docx`,
      });
      return undefined;
    },
  }),
  route({
    id: 'progressReports.submit',
    method: 'post',
    path: '/projects/:id/progress-reports',
    summary: '报送季度进度报告（每季度首月前 5 个工作日内，R15）',
    tag: 'construction',
    access: DEPARTMENT,
    scope: 'own-department',
    resource: 'project',
    body: progressReportSchema,
    successStatus: 201,
    handler: async ({ resource, principal, body, services }) =>
      services.lifecycle.submitProgressReport(resource!.id, principal.id, body),
  }),
  route({
    id: 'changeRequests.list',
    method: 'get',
    path: '/projects/:id/change-requests',
    summary: '变更申请（R20）',
    tag: 'construction',
    access: PROJECT_READERS,
    scope: 'own-department',
    resource: 'project',
    handler: async ({ resource, services }) => services.lifecycle.changeRequests(resource!.id),
  }),
  route({
    id: 'changeRequests.create',
    method: 'post',
    path: '/projects/:id/change-requests',
    summary: '申请变更主要建设内容（批复预算内，R20 三种情形）',
    tag: 'construction',
    access: DEPARTMENT,
    scope: 'own-department',
    resource: 'project',
    body: s.changeRequestBody,
    successStatus: 201,
    // with an engine: 409 unless in construction, row + `change-requested` in one transaction
    responses: REQUEST_MESSAGE_RESPONSES,
    handler: async ({ resource, principal, body, services }) => {
      const engine = services.engine;
      if (engine) await assertInConstruction(engine, services.dataSource, resource!.id, '变更申请');
      return services.lifecycle.requestChange(
        resource!.id,
        principal.id,
        body,
        engine ? publishChangeRequested(engine, resource!.id) : undefined,
      );
    },
  }),
  route({
    id: 'changeRequests.decide',
    method: 'post',
    path: '/projects/:id/change-requests/:changeId/decision',
    summary: '区政府审批变更申请（R20）',
    tag: 'construction',
    access: GOVERNMENT,
    scope: 'bureau-wide',
    resource: 'project',
    body: s.decisionBody,
    // with a process: completes the request's Task_ChangeApproval as the caller (request-decisions.ts)
    responses: DECISION_RESPONSES,
    handler: async ({ resource, params, principal, visibility, body, services, res }) => {
      const changeId = s.idParam.parse(params.changeId);
      const pik = services.engine ? await processInstanceOf(services, resource!.id) : null;
      if (!pik) return services.lifecycle.decideChange(resource!.id, changeId, principal.id, body);
      return send(
        res,
        await decideRequestThroughProcess(services, principal, visibility, pik, 'change', resource!.id, changeId, body),
      );
    },
  }),
  route({
    id: 'delayRequests.list',
    method: 'get',
    path: '/projects/:id/delay-requests',
    summary: '延期验收申请（R22.3）',
    tag: 'construction',
    access: PROJECT_READERS,
    scope: 'own-department',
    resource: 'project',
    handler: async ({ resource, services }) => services.lifecycle.delayRequests(resource!.id),
  }),
  route({
    id: 'delayRequests.create',
    method: 'post',
    path: '/projects/:id/delay-requests',
    summary: '提前申请延期验收（R22.3）',
    tag: 'construction',
    access: DEPARTMENT,
    scope: 'own-department',
    resource: 'project',
    body: s.delayRequestBody,
    successStatus: 201,
    // with an engine: 409 unless in construction, row + `acceptance-delay-requested` in one transaction
    responses: REQUEST_MESSAGE_RESPONSES,
    handler: async ({ resource, principal, body, services }) => {
      const engine = services.engine;
      if (engine) await assertInConstruction(engine, services.dataSource, resource!.id, '延期验收申请');
      return services.lifecycle.requestDelay(
        resource!.id,
        principal.id,
        body,
        engine ? publishDelayRequested(engine, resource!.id) : undefined,
      );
    },
  }),
  route({
    id: 'delayRequests.decide',
    method: 'post',
    path: '/projects/:id/delay-requests/:delayId/decision',
    summary: '数管局审批延期申请（R22.3）',
    tag: 'construction',
    access: DATA_BUREAU,
    scope: 'bureau-wide',
    resource: 'project',
    body: s.decisionBody,
    // with a process: completes the request's Task_DelayReview as the caller (request-decisions.ts)
    responses: DECISION_RESPONSES,
    handler: async ({ resource, params, principal, visibility, body, services, res }) => {
      const delayId = s.idParam.parse(params.delayId);
      const pik = services.engine ? await processInstanceOf(services, resource!.id) : null;
      if (!pik) return services.lifecycle.decideDelay(resource!.id, delayId, principal.id, body);
      return send(
        res,
        await decideRequestThroughProcess(services, principal, visibility, pik, 'delay', resource!.id, delayId, body),
      );
    },
  }),

  // ---- acceptance (R14, R22) and self-evaluation (R23)
  route({
    id: 'acceptances.list',
    method: 'get',
    path: '/projects/:id/acceptances',
    summary: '初步验收与竣工验收（R22）',
    tag: 'acceptance',
    access: PROJECT_READERS,
    scope: 'own-department',
    resource: 'project',
    handler: async ({ resource, services }) => services.lifecycle.acceptances(resource!.id),
  }),
  route({
    id: 'acceptances.attempts',
    method: 'get',
    path: '/projects/:id/acceptances/attempts',
    summary: '竣工验收历次评审（含不合格的，R22.2、R14）',
    tag: 'acceptance',
    access: PROJECT_READERS,
    scope: 'own-department',
    resource: 'project',
    handler: async ({ resource, services }) => services.lifecycle.acceptanceAttempts(resource!.id),
  }),
  route({
    id: 'acceptances.preliminary',
    method: 'post',
    path: '/projects/:id/acceptances/preliminary',
    summary: '登记初步验收结果（建设单位自行组织，R22.1）',
    tag: 'acceptance',
    access: DEPARTMENT,
    scope: 'own-department',
    resource: 'project',
    body: s.preliminaryAcceptanceBody,
    successStatus: 201,
    handler: async ({ resource, principal, body, services }) =>
      services.lifecycle.recordPreliminary(resource!.id, principal.id, body),
  }),
  route({
    id: 'acceptances.applyFinal',
    method: 'post',
    path: '/projects/:id/acceptances/final',
    summary: '申请竣工验收（初验后 1 个月内，材料齐全，R22.2）',
    tag: 'acceptance',
    access: DEPARTMENT,
    scope: 'own-department',
    resource: 'project',
    body: s.emptyBody,
    successStatus: 201,
    handler: async ({ resource, principal, services }) => services.lifecycle.applyFinal(resource!.id, principal.id),
  }),
  route({
    id: 'acceptances.decideFinal',
    method: 'post',
    path: '/projects/:id/acceptances/final/decision',
    summary: '出具竣工验收意见（含 R14 验收事项与 PUE）',
    tag: 'acceptance',
    access: ACCEPTANCE_PANEL,
    scope: 'bureau-wide',
    resource: 'project',
    body: s.finalDecisionBody,
    handler: async ({ resource, principal, body, services }) =>
      services.lifecycle.decideFinal(resource!.id, principal.id, body),
  }),
  route({
    id: 'selfEvaluation.get',
    method: 'get',
    path: '/projects/:id/self-evaluation',
    summary: '绩效自评报告（R23）',
    tag: 'acceptance',
    access: PROJECT_READERS,
    scope: 'own-department',
    resource: 'project',
    handler: async ({ resource, services }) => (await services.lifecycle.selfEvaluation(resource!.id)) ?? null,
  }),
  route({
    id: 'selfEvaluation.submit',
    method: 'post',
    path: '/projects/:id/self-evaluation',
    summary: '提交绩效自评报告（验收后 6 个月内，R23）',
    tag: 'acceptance',
    access: DEPARTMENT,
    scope: 'own-department',
    resource: 'project',
    body: s.selfEvaluationBody,
    successStatus: 201,
    handler: async ({ resource, principal, body, services }) =>
      services.lifecycle.submitSelfEvaluation(resource!.id, principal.id, body),
  }),
  route({
    id: 'projects.status',
    method: 'get',
    path: '/projects/:id/statutory-status',
    summary: '法定时限状态：缺报季度报告（R15）、竣工验收逾期（R22.2）、自评逾期（R23）、整改逾期（R26）',
    tag: 'projects',
    access: PROJECT_READERS,
    scope: 'own-department',
    resource: 'project',
    handler: async ({ resource, services }) => services.lifecycle.statutoryStatus(resource!.id),
  }),

  // ---- delivery: procurement (R14), contracts (R11), designated units (R18), checks (R12, R13), post-evaluation (R29)
  route({
    id: 'procurements.list',
    method: 'get',
    path: '/projects/:id/procurements',
    summary: '政府采购记录（R14）',
    tag: 'delivery',
    access: PROJECT_READERS,
    scope: 'own-department',
    resource: 'project',
    handler: async ({ resource, services }) => services.delivery.procurements(resource!.id),
  }),
  route({
    id: 'procurements.create',
    method: 'post',
    path: '/projects/:id/procurements',
    summary: '登记采购（方式、公告日期；单一来源须说明理由）',
    tag: 'delivery',
    access: DEPARTMENT,
    scope: 'own-department',
    resource: 'project',
    body: s.procurementBody,
    successStatus: 201,
    handler: async ({ resource, principal, body, services }) =>
      services.delivery.recordProcurement(resource!.id, principal.id, body),
  }),
  route({
    id: 'procurements.award',
    method: 'post',
    path: '/projects/:id/procurements/:procurementId/award',
    summary: '登记中标结果（不超过批复金额，R19.1）',
    tag: 'delivery',
    access: TRADING_CENTER,
    scope: 'bureau-wide',
    resource: 'project',
    body: s.awardBody,
    handler: async ({ resource, params, body, services }) =>
      services.delivery.award(resource!.id, s.idParam.parse(params.procurementId), body),
  }),
  route({
    id: 'contracts.list',
    method: 'get',
    path: '/projects/:id/contracts',
    summary: '合同及合同累计金额',
    tag: 'delivery',
    access: PROJECT_READERS,
    scope: 'own-department',
    resource: 'project',
    handler: async ({ resource, services }) => services.delivery.contracts(resource!.id),
  }),
  route({
    id: 'contracts.create',
    method: 'post',
    path: '/projects/:id/contracts',
    summary: '登记合同（累计不超过批复金额，R11、R19.1）',
    tag: 'delivery',
    access: DEPARTMENT,
    scope: 'own-department',
    resource: 'project',
    body: s.contractBody,
    successStatus: 201,
    handler: async ({ resource, principal, body, services }) =>
      services.delivery.recordContract(resource!.id, principal.id, body),
  }),
  route({
    id: 'serviceUnits.list',
    method: 'get',
    path: '/service-units',
    summary: '年度监理/等保测评/第三方测评单位（R18）',
    tag: 'delivery',
    access: DATA_BUREAU_READERS,
    scope: 'bureau-wide',
    query: s.unitListQuery,
    handler: async ({ query, services }) => services.delivery.units(query.year),
  }),
  route({
    id: 'serviceUnits.create',
    method: 'post',
    path: '/service-units',
    summary: '登记年度采购确定的服务单位（R18）',
    tag: 'delivery',
    access: DATA_BUREAU,
    scope: 'bureau-wide',
    body: s.serviceUnitBody,
    successStatus: 201,
    handler: async ({ body, services }) => services.delivery.createUnit(body),
  }),
  route({
    id: 'designations.list',
    method: 'get',
    path: '/projects/:id/designations',
    summary: '项目的监理/等保/测评单位（R18）',
    tag: 'delivery',
    access: PROJECT_READERS,
    scope: 'own-department',
    resource: 'project',
    handler: async ({ resource, services }) => services.delivery.designations(resource!.id),
  }),
  route({
    id: 'designations.set',
    method: 'put',
    path: '/projects/:id/designations',
    summary: '为项目指定本年度监理/等保/测评单位（R18）',
    tag: 'delivery',
    access: DATA_BUREAU,
    scope: 'bureau-wide',
    resource: 'project',
    body: s.designationBody,
    handler: async ({ resource, principal, body, services }) =>
      services.delivery.designate(resource!.id, principal.id, body),
  }),
  route({
    id: 'checks.list',
    method: 'get',
    path: '/projects/:id/compliance-checks',
    summary: '网络安全检查（R12）与密码应用审查（R13）结果',
    tag: 'delivery',
    access: PROJECT_READERS,
    scope: 'own-department',
    resource: 'project',
    handler: async ({ resource, services }) => services.delivery.checks(resource!.id),
  }),
  route({
    id: 'checks.record',
    method: 'post',
    path: '/projects/:id/compliance-checks',
    summary: '登记网络安全检查（网信办）或密码应用审查（机要局）结果',
    tag: 'delivery',
    access: CHECKERS,
    scope: 'bureau-wide',
    resource: 'project',
    body: s.complianceCheckBody,
    successStatus: 201,
    handler: async ({ resource, principal, body, services }) =>
      services.delivery.recordCheck(resource!.id, { id: principal.orgId, code: principal.orgCode }, principal.id, body),
  }),
  route({
    id: 'postEvaluation.get',
    method: 'get',
    path: '/projects/:id/post-evaluation',
    summary: '项目后评价（R29）',
    tag: 'delivery',
    access: PROJECT_READERS,
    scope: 'own-department',
    resource: 'project',
    handler: async ({ resource, services }) => (await services.delivery.postEvaluation(resource!.id)) ?? null,
  }),
  route({
    id: 'postEvaluation.record',
    method: 'post',
    path: '/projects/:id/post-evaluation',
    summary: '登记项目后评价及对下一年度资金的建议（R29）',
    tag: 'delivery',
    access: DATA_BUREAU,
    scope: 'bureau-wide',
    resource: 'project',
    body: s.postEvaluationBody,
    successStatus: 201,
    handler: async ({ resource, principal, body, services }) =>
      services.delivery.postEvaluate(resource!.id, principal.id, body),
  }),
  route({
    id: 'postEvaluations.forBudget',
    method: 'get',
    path: '/post-evaluations',
    summary: '某年度后评价结果汇总（下一年度预算依据，R29）',
    tag: 'delivery',
    access: BUDGET_READERS,
    scope: 'bureau-wide',
    query: s.yearQuery,
    handler: async ({ query, services }) => services.delivery.postEvaluationsForBudget(query.year),
  }),

  // ---- plans: annual construction plan (R8), investment plan (R21)
  route({
    id: 'annualPlans.compile',
    method: 'post',
    path: '/annual-plans',
    summary: '编制年度政务信息化项目建设计划（R8.1）',
    tag: 'plans',
    access: DATA_BUREAU,
    scope: 'bureau-wide',
    body: s.compilePlanBody,
    successStatus: 201,
    handler: async ({ principal, body, services }) => services.plans.compile(body.year, principal.id),
  }),
  route({
    id: 'annualPlans.get',
    method: 'get',
    path: '/annual-plans/:year',
    summary: '年度建设计划及其项目',
    tag: 'plans',
    access: DATA_BUREAU_READERS,
    scope: 'bureau-wide',
    handler: async ({ params, services }) => {
      const year = s.yearParam.parse(params.year);
      const plan = await services.plans.view(year);
      return { ...plan, process: await annualPlanningOf(services.dataSource, services.engine, year) };
    },
  }),
  route({
    id: 'annualPlans.process',
    method: 'get',
    path: '/annual-plans/:year/process',
    summary: '年度计划编制流程（annual-planning）的实例与状态；未启动为 404',
    tag: 'plans',
    access: DATA_BUREAU_READERS,
    scope: 'bureau-wide',
    handler: async ({ params, services }) => {
      const year = s.yearParam.parse(params.year);
      const process = await annualPlanningOf(services.dataSource, services.engine, year);
      if (!process) throw new HttpError(404, `${year} 年度计划编制流程尚未启动`);
      return process;
    },
  }),
  route({
    id: 'annualPlans.startProcess',
    method: 'post',
    path: '/annual-plans/:year/process',
    summary: '启动年度计划编制流程（R6 申报 → R7 集中审查 → R8.1 编制与批准），每个计划年度一个实例',
    tag: 'plans',
    access: PLAN_PROCESS_STARTERS,
    scope: 'bureau-wide',
    body: s.emptyBody,
    successStatus: 201,
    responses: {
      409: '该年度的流程已启动（运行中或已结束） (an annual-planning instance exists for the year)',
      503: ENGINE_DOWN_503,
    },
    // audited here: the target is the plan year, which the route has no resource for
    audit: false,
    handler: async ({ params, principal, services, ip }) => {
      const year = planYearOf(String(params.year), services.now());
      if (!services.engine) throw new HttpError(503, '流程引擎未连接，请稍后再试', { retryable: true });
      const started = await startAnnualPlanning(
        services.dataSource,
        services.engine,
        year,
        principal.id,
        services.now(),
      );
      await services.audit.record({
        actor: principal.username,
        action: 'annualPlans.startProcess',
        target: `annual-planning:${year}`,
        ip,
        detail: { processInstanceKey: started.processInstanceKey },
      });
      return started;
    },
  }),
  route({
    id: 'annualPlans.export',
    method: 'get',
    path: '/annual-plans/:year/export.xlsx',
    summary: '导出年度建设计划（Excel）',
    tag: 'plans',
    access: DATA_BUREAU_READERS,
    scope: 'bureau-wide',
    produces: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    handler: async ({ params, services, res }) => {
      const year = s.yearParam.parse(params.year);
      const buf = await services.plans.exportXlsx(year);
      sendDownload(res, buf, {
        type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        asciiName: `plan-${year}.xlsx`,
        name: `${year}年度建设计划.xlsx`,
      });
      return undefined;
    },
  }),
  route({
    id: 'annualPlans.addEntry',
    method: 'post',
    path: '/annual-plans/:year/entries',
    summary: '将通过审查的项目列入计划（批准后仅可临时追加，R8.2）',
    tag: 'plans',
    access: DATA_BUREAU,
    scope: 'bureau-wide',
    body: s.planEntryBody,
    successStatus: 201,
    handler: async ({ params, principal, body, services }) =>
      services.plans.addEntry(s.yearParam.parse(params.year), principal.id, body),
  }),
  route({
    id: 'annualPlans.removeEntry',
    method: 'delete',
    path: '/annual-plans/:year/entries/:projectId',
    summary: '从草拟中的计划移出项目',
    tag: 'plans',
    access: DATA_BUREAU,
    scope: 'bureau-wide',
    handler: async ({ params, services }) =>
      services.plans.removeEntry(s.yearParam.parse(params.year), s.idParam.parse(params.projectId)),
  }),
  route({
    id: 'annualPlans.submit',
    method: 'post',
    path: '/annual-plans/:year/submit',
    summary: '报送区政府审批',
    tag: 'plans',
    access: DATA_BUREAU_MANAGER,
    scope: 'bureau-wide',
    body: s.emptyBody,
    handler: async ({ params, principal, services }) =>
      services.plans.transition(s.yearParam.parse(params.year), 'submitted', principal.id),
  }),
  route({
    id: 'annualPlans.approve',
    method: 'post',
    path: '/annual-plans/:year/approve',
    summary: '区政府批准年度建设计划（R8.1）',
    tag: 'plans',
    access: GOVERNMENT,
    scope: 'bureau-wide',
    body: s.emptyBody,
    handler: async ({ params, principal, services }) =>
      services.plans.transition(s.yearParam.parse(params.year), 'approved', principal.id),
  }),
  route({
    id: 'investmentPlan.list',
    method: 'get',
    path: '/investment-plan',
    summary: '区本级政府性投资计划（R21）',
    tag: 'plans',
    access: DATA_BUREAU_READERS,
    scope: 'bureau-wide',
    query: s.optionalYearQuery,
    handler: async ({ query, services }) => services.plans.investmentPlan(query.year),
  }),
  route({
    id: 'investmentPlan.export',
    method: 'get',
    path: '/investment-plan/:year/export.xlsx',
    summary: '导出区本级政府性投资计划（Excel，R21）',
    tag: 'plans',
    access: DATA_BUREAU_READERS,
    scope: 'bureau-wide',
    produces: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    handler: async ({ params, services, res }) => {
      const year = s.yearParam.parse(params.year);
      const buf = await services.plans.exportInvestmentXlsx(year);
      sendDownload(res, buf, {
        type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        asciiName: `investment-plan-${year}.xlsx`,
        name: `${year}年度政府性投资计划.xlsx`,
      });
      return undefined;
    },
  }),
  route({
    id: 'keyProjectApproval.list',
    method: 'get',
    path: '/projects/:id/key-project-approval',
    summary: '重点项目单独立项审批记录（区发改委，R5）',
    tag: 'plans',
    access: PROJECT_READERS,
    scope: 'own-department',
    resource: 'project',
    handler: async ({ resource, services }) => keyProjectApprovalView(services.dataSource.manager, resource!.id),
  }),
  route({
    id: 'investmentPlan.register',
    method: 'post',
    path: '/projects/:id/investment-plan',
    summary: '发改委立项并列入政府性投资计划（R5、R21）',
    tag: 'plans',
    access: DRC,
    scope: 'bureau-wide',
    resource: 'project',
    body: s.investmentPlanBody,
    successStatus: 201,
    handler: async ({ resource, principal, body, services }) =>
      services.plans.registerInvestment(resource!.id, principal.id, body),
  }),

  // ---- information-resource catalogue (R9)
  route({
    id: 'catalogue.list',
    method: 'get',
    path: '/catalogue',
    summary: '信息资源目录（部门只见本部门，R9）',
    tag: 'catalogue',
    access: PROJECT_READERS,
    scope: 'own-department',
    query: s.catalogueQuery,
    handler: async ({ query, visibility, services }) => services.catalogue.list(visibility, query.orgCode),
  }),
  route({
    id: 'catalogue.create',
    method: 'post',
    path: '/catalogue',
    summary: '新增信息资源目录条目（R9）',
    tag: 'catalogue',
    access: DEPARTMENT,
    scope: 'own-department',
    body: s.catalogueBody,
    successStatus: 201,
    handler: async ({ principal, body, services }) => services.catalogue.create(principal.orgId, principal.id, body),
  }),
  route({
    id: 'catalogue.update',
    method: 'put',
    path: '/catalogue/:id',
    summary: '修改本部门的信息资源目录条目（R9）',
    tag: 'catalogue',
    access: DEPARTMENT,
    scope: 'own-department',
    resource: 'catalogue',
    body: s.catalogueBody,
    handler: async ({ resource, principal, body, services }) =>
      services.catalogue.update(resource!.id, principal.id, body),
  }),

  // ---- the manager's overview
  route({
    id: 'dashboard.overview',
    method: 'get',
    path: '/dashboard',
    summary: '项目总览：各阶段数量、投资（申报/批复/已付）、法定时限预警（R15、R22.2、R23、R26）',
    tag: 'dashboard',
    access: PROJECT_READERS,
    scope: 'own-department',
    query: s.dashboardQuery,
    handler: async ({ query, visibility, services }) => services.dashboard.overview(query, visibility),
  }),

  // ---- security audit trail (等保 level 3), read-only
  route({
    id: 'audit.list',
    method: 'get',
    path: '/audit-log',
    summary: '安全审计日志（只读）',
    tag: 'audit',
    access: ADMIN_OR_AUDITOR,
    scope: 'read-only-audit',
    query: s.auditLogQuery,
    handler: async ({ query, services }) => {
      const where: string[] = [];
      const args: unknown[] = [];
      if (query.actor) {
        where.push('actor = ?');
        args.push(query.actor);
      }
      if (query.action) {
        where.push('action = ?');
        args.push(query.action);
      }
      const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const ds = services.dataSource;
      const [count] = (await ds.query(`SELECT COUNT(*) AS n FROM audit_log ${clause}`, args)) as {
        n: number | string;
      }[];
      const offset = (query.page - 1) * query.pageSize;
      const items = await ds.query(
        `SELECT id, at, actor, action, target, outcome, ip, detail FROM audit_log ${clause} ORDER BY id DESC LIMIT ${query.pageSize} OFFSET ${offset}`,
        args,
      );
      return {
        items,
        total: Number(count?.n ?? 0),
        page: query.page,
        pageSize: query.pageSize,
        chainIntact: (await services.audit.verify()) === null,
      };
    },
  }),

  ...processRoutes,

  // ---- the API's own description
  route({
    id: 'openapi',
    method: 'get',
    path: '/openapi.json',
    summary: 'OpenAPI 3.1 文档',
    tag: 'meta',
    access: ANYONE,
    scope: 'public',
    handler: async ({ req }) => buildOpenApi(routes, req.baseUrl),
  }),
];
