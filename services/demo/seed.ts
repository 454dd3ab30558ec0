/**
 * Demo data for `npm start`: the organisations, one demo user per role (and per bureau), and a
 * dozen sample projects spread over the stages of 附件3, each with its application materials
 * (DOCX files with real content, stored through the attachment service). Idempotent: users are
 * matched by username, projects by name, so running it twice changes nothing. The process
 * instances are started and driven to their positions by `process-demo.ts`.
 */
import { Document, HeadingLevel, Packer, Paragraph } from 'docx';
import type { ApiServices } from '../api/services';
import { In } from 'typeorm';
import {
  AnnualPlanEntryEntity,
  AttachmentEntity,
  CatalogueEntryEntity,
  InvestmentPlanEntryEntity,
  LedgerEntryEntity,
  PROJECT_STAGES,
  ProjectEntity,
  UserEntity,
  type AttachmentKind,
  type ProjectStage,
} from '../domain/entities';
import { MATERIAL_NAMES, ProjectService } from '../domain/project-service';
import { moveStage } from '../domain/stage-history';
import { R24_KEYS, type ApplicationForm } from '../domain/application-form';
import type { Role } from '../domain/organisations';
import { toCents } from '../domain/money';
import { DemoProgress } from './demo-state';

/** Documented in docs/api.md (and the README): every demo user has this password. */
export const DEMO_PASSWORD = 'Yeji@2026demo';

export interface DemoUser {
  username: string;
  displayName: string;
  orgCode: string;
  roles: Role[];
}

export const DEMO_USERS: readonly DemoUser[] = [
  { username: 'admin', displayName: '系统管理员', orgCode: 'data-bureau', roles: ['admin'] },
  {
    username: 'sgj.owner',
    displayName: '周流程（数管局流程负责人）',
    orgCode: 'data-bureau',
    roles: ['process-owner'],
  },
  { username: 'sgj.manager', displayName: '王科长（数管局）', orgCode: 'data-bureau', roles: ['manager'] },
  { username: 'sgj.staff', displayName: '李经办（数管局）', orgCode: 'data-bureau', roles: ['staff'] },
  { username: 'czj.staff', displayName: '陈会计（财政局）', orgCode: 'finance', roles: ['staff'] },
  { username: 'fgw.staff', displayName: '赵审批（发改委）', orgCode: 'drc', roles: ['staff'] },
  { username: 'jyzx.staff', displayName: '孙采购（交易中心）', orgCode: 'trading-center', roles: ['staff'] },
  { username: 'mmj.staff', displayName: '钱密评（机要局）', orgCode: 'crypto-bureau', roles: ['staff'] },
  { username: 'wxb.staff', displayName: '吴网安（网信办）', orgCode: 'cyberspace-office', roles: ['staff'] },
  { username: 'zf.staff', displayName: '郑秘书（区政府）', orgCode: 'government', roles: ['staff'] },
  { username: 'sjj.auditor', displayName: '冯审计（审计局）', orgCode: 'audit', roles: ['auditor'] },
  { username: 'jyj.staff', displayName: '刘老师（教育局经办）', orgCode: 'JYJ', roles: ['staff'] },
  { username: 'jyj.manager', displayName: '黄局长（教育局）', orgCode: 'JYJ', roles: ['manager'] },
  { username: 'wjw.staff', displayName: '何医生（卫健委经办）', orgCode: 'WJW', roles: ['staff'] },
  { username: 'shjd.staff', displayName: '马主任（史河街道）', orgCode: 'SHJD', roles: ['staff'] },
  // the applying departments of the other sample projects: their tasks need someone to act
  { username: 'gaj.clerk', displayName: '周警官（公安分局经办）', orgCode: 'GAJ', roles: ['staff'] },
  { username: 'rsj.clerk', displayName: '吴科长（人社局经办）', orgCode: 'RSJ', roles: ['staff'] },
  { username: 'mzj.clerk', displayName: '朱科长（民政局经办）', orgCode: 'MZJ', roles: ['staff'] },
  { username: 'nyj.clerk', displayName: '钱站长（农业农村水利局经办）', orgCode: 'NYJ', roles: ['staff'] },
  { username: 'yjj.clerk', displayName: '冯科长（应急管理局经办）', orgCode: 'YJJ', roles: ['staff'] },
  { username: 'zwfw.clerk', displayName: '孔主任（政务服务中心经办）', orgCode: 'ZWFW', roles: ['staff'] },
  { username: 'sjj.clerk', displayName: '曹科长（市场监管局经办）', orgCode: 'SJJ', roles: ['staff'] },
  { username: 'sgx.clerk', displayName: '宋乡长（孙岗乡）', orgCode: 'SGX', roles: ['staff'] },
  { username: 'expert1', displayName: '张教授（专家）', orgCode: 'experts', roles: ['expert'] },
  { username: 'expert2', displayName: '林高工（专家）', orgCode: 'experts', roles: ['expert'] },
  { username: 'expert3', displayName: '高研究员（专家）', orgCode: 'experts', roles: ['expert'] },
];

interface DemoProject {
  org: string;
  stage: ProjectStage;
  form: Omit<
    ApplicationForm,
    | 'supervisorSealed'
    | 'urgent'
    | 'participantOrgCodes'
    | 'keyProject'
    | 'departmentBudget'
    | 'procuresProducts'
    | 'r24Compliance'
  > &
    Partial<ApplicationForm>;
  paid?: string;
  /** built: the security and cryptography assessment reports are on file (R12, R13) */
  built?: boolean;
}

const contact = (name: string, phone: string, email: string) => ({
  responsiblePerson: name,
  contactPerson: name,
  contactPhone: phone,
  email,
});
const inv = (fiscal: string, loan = '0', selfRaised = '0', other = '0') => ({ fiscal, loan, selfRaised, other });
const sharing = '系统数据按目录接入区政务数据共享交换平台，向相关部门无条件共享，不向特定企业单独开放（R9）。';

export const DEMO_PROJECTS: readonly DemoProject[] = [
  {
    org: 'WLJ',
    stage: 'draft',
    form: {
      projectName: '叶集区智慧旅游导览与客流监测系统',
      category: 'application-system',
      kind: 'new',
      summary: '建设景区电子导览、客流监测与预警，依据《安徽省“十四五”文化和旅游发展规划》。',
      constructionPeriod: { start: '2027-03', end: '2027-12' },
      investment: inv('85.00'),
      ...contact('江文旅', '0564-6661201', 'wlj@yeji.gov.cn'),
      planYear: 2027,
      sharingAnalysis: sharing,
    },
  },
  {
    org: 'SGX',
    stage: 'not-governed',
    form: {
      projectName: '孙岗乡便民服务中心自助终端购置',
      category: 'infrastructure',
      kind: 'new',
      summary: '购置自助服务终端 2 台，列入乡 2027 年部门预算。',
      constructionPeriod: { start: '2027-04', end: '2027-05' },
      investment: inv('8.50'),
      ...contact('宋乡长', '13905641234', 'sgx@yeji.gov.cn'),
      planYear: 2027,
      departmentBudget: true,
      sharingAnalysis: '不涉及信息资源共享。',
    },
  },
  {
    org: 'JYJ',
    stage: 'submitted',
    form: {
      projectName: '叶集区智慧教育云平台扩容',
      category: 'cloud-platform',
      kind: 'expansion',
      summary: '扩容教育云平台计算与存储资源，支撑全区中小学智慧课堂，依据《教育信息化2.0行动计划》。',
      constructionPeriod: { start: '2027-03', end: '2027-10' },
      investment: inv('260.00', '0', '40.00'),
      ...contact('黄局长', '0564-6662301', 'jyj@yeji.gov.cn'),
      planYear: 2027,
      sharingAnalysis: sharing,
    },
  },
  {
    org: 'WJW',
    stage: 'joint-review',
    form: {
      projectName: '区人民医院互联网医院信息系统',
      category: 'application-system',
      kind: 'new',
      summary: '建设在线问诊、电子处方流转与医保在线支付，依据国家卫健委互联网医院管理办法。',
      constructionPeriod: { start: '2027-02', end: '2027-11' },
      investment: inv('320.00'),
      ...contact('何医生', '0564-6663301', 'wjw@yeji.gov.cn'),
      planYear: 2027,
      sharingAnalysis: sharing,
    },
  },
  {
    org: 'GAJ',
    stage: 'approval',
    form: {
      projectName: '雪亮工程视频监控联网平台升级',
      category: 'network',
      kind: 'upgrade',
      summary: '升级视频联网平台与存储，接入乡镇新增点位，依据公共安全视频监控建设联网应用要求。',
      constructionPeriod: { start: '2027-01', end: '2027-12' },
      investment: inv('580.00'),
      ...contact('周警官', '0564-6664401', 'gaj@yeji.gov.cn'),
      planYear: 2027,
      keyProject: true,
      sharingAnalysis: sharing,
    },
  },
  {
    org: 'RSJ',
    stage: 'investment-plan',
    form: {
      projectName: '就业创业公共服务信息系统',
      category: 'application-system',
      kind: 'new',
      summary: '建设就业登记、创业补贴申领与岗位匹配一体化系统，依据省人社厅信息化规划。',
      constructionPeriod: { start: '2026-10', end: '2027-06' },
      investment: inv('150.00'),
      ...contact('吴科长', '0564-6665501', 'rsj@yeji.gov.cn'),
      planYear: 2027,
      sharingAnalysis: sharing,
    },
  },
  {
    built: true,
    org: 'MZJ',
    stage: 'annual-plan',
    form: {
      projectName: '叶集区智慧养老服务平台',
      category: 'application-system',
      kind: 'new',
      summary: '建设居家养老服务预约、补贴发放与服务监管平台，依据民政部智慧养老相关要求。',
      constructionPeriod: { start: '2026-09', end: '2027-08' },
      investment: inv('120.00', '0', '0', '10.00'),
      ...contact('朱科长', '0564-6666601', 'mzj@yeji.gov.cn'),
      planYear: 2026,
      sharingAnalysis: sharing,
    },
  },
  {
    org: 'SHJD',
    stage: 'procurement',
    form: {
      projectName: '史河街道网格化社会治理平台',
      category: 'application-system',
      kind: 'new',
      summary: '建设网格事件上报、分拨与考核平台，依据市域社会治理现代化试点要求。',
      constructionPeriod: { start: '2026-05', end: '2026-12' },
      investment: inv('68.00'),
      ...contact('马主任', '13805645678', 'shjd@yeji.gov.cn'),
      planYear: 2026,
      sharingAnalysis: sharing,
    },
  },
  {
    org: 'NYJ',
    stage: 'implementation',
    form: {
      projectName: '农村饮水安全信息化监管系统',
      category: 'information-resource',
      kind: 'new',
      summary: '建设水厂水质在线监测与供水管网监管，依据农村供水保障规划。',
      constructionPeriod: { start: '2026-03', end: '2027-03' },
      investment: inv('210.00'),
      ...contact('钱站长', '0564-6667701', 'nyj@yeji.gov.cn'),
      planYear: 2026,
      sharingAnalysis: sharing,
    },
    paid: '63.00',
  },
  {
    built: true,
    org: 'YJJ',
    stage: 'final-acceptance',
    form: {
      projectName: '应急指挥一体化平台',
      category: 'information-security',
      kind: 'new',
      summary: '建设应急指挥调度、预案管理与物资管理平台，依据应急管理信息化发展规划。',
      constructionPeriod: { start: '2025-06', end: '2026-06' },
      investment: inv('460.00'),
      ...contact('冯科长', '0564-6668801', 'yjj@yeji.gov.cn'),
      planYear: 2025,
      keyProject: true,
      sharingAnalysis: sharing,
    },
    paid: '276.00',
  },
  {
    built: true,
    org: 'ZWFW',
    stage: 'payment',
    form: {
      projectName: '政务服务“一网通办”数据共享平台',
      category: 'information-resource',
      kind: 'upgrade',
      summary: '升级政务数据共享交换平台，打通市场监管、人社等部门业务系统，支撑“一网通办”。',
      constructionPeriod: { start: '2025-03', end: '2026-03' },
      investment: inv('390.00'),
      ...contact('孔主任', '0564-6669901', 'zwfw@yeji.gov.cn'),
      planYear: 2025,
      sharingAnalysis: sharing,
    },
    paid: '351.00',
  },
  {
    built: true,
    org: 'SJJ',
    stage: 'post-evaluation',
    form: {
      projectName: '市场主体智慧监管系统',
      category: 'application-system',
      kind: 'new',
      summary: '建设“双随机、一公开”与信用分类监管系统，依据市场监管信息化建设指导意见。',
      constructionPeriod: { start: '2024-04', end: '2025-04' },
      investment: inv('175.00'),
      ...contact('曹科长', '0564-6660101', 'sjj@yeji.gov.cn'),
      planYear: 2024,
      sharingAnalysis: sharing,
    },
    paid: '168.50',
  },
];

/** Application materials (R6) of every submitted project; the security documents once it is built. */
const R6_KINDS: readonly AttachmentKind[] = [
  'construction-basis',
  'construction-plan',
  'budget-estimate',
  'feasibility-report',
];
const BUILT_KINDS: readonly AttachmentKind[] = ['security-assessment', 'crypto-assessment'];

/** A short but real DOCX (detected by content, stored with its SM3 digest like any upload). */
async function materialDocx(projectName: string, kind: AttachmentKind, org: string, summary: string): Promise<Buffer> {
  const title = `${projectName} ${MATERIAL_NAMES[kind]}`;
  const doc = new Document({
    creator: org,
    title,
    sections: [
      {
        children: [
          new Paragraph({ text: title, heading: HeadingLevel.TITLE }),
          new Paragraph({ text: `编制单位：${org}` }),
          new Paragraph({ text: `项目概述：${summary}` }),
          new Paragraph({ text: '本文件为演示数据，内容按《叶集区政务信息化项目建设管理办法》要求的章节编写。' }),
        ],
      },
    ],
  });
  return Buffer.from(await Packer.toBuffer(doc));
}

const APPROVED_FROM: readonly ProjectStage[] = [
  'approval',
  'investment-plan',
  'annual-plan',
  'started',
  'units-designated',
  'procurement',
  'implementation',
  'security-inspection',
  'crypto-review',
  'final-acceptance',
  'payment',
  'self-evaluation',
  'post-evaluation',
  'closed',
];

/** Stages at or after the DRC's investment plan (R21) and the annual plan (R8.1). */
const INVESTMENT_PLANNED_FROM = APPROVED_FROM.slice(APPROVED_FROM.indexOf('investment-plan'));
const ANNUAL_PLANNED_FROM = APPROVED_FROM.slice(APPROVED_FROM.indexOf('annual-plan'));

/**
 * The sample projects the demo shows at 退回修改 (process-demo.ts PLACEMENTS): their department has
 * no information-resource catalogue (R9) and their 附件1 has no R16/R24 ticks, so the first
 * materials check returns them. Every other submitted sample passes its first check.
 */
const RETURNED_AT_MATERIALS: ReadonlySet<string> = new Set(['叶集区智慧教育云平台扩容']);

/** One entry of the department's 信息资源目录 (R9), shared unconditionally, unless it has one by that name. */
async function catalogueEntryFor(services: ApiServices, orgId: number, userId: number, projectName: string) {
  const name = `${projectName}业务数据`;
  if (await services.dataSource.getRepository(CatalogueEntryEntity).existsBy({ orgId, name })) return;
  await services.catalogue.create(orgId, userId, {
    name,
    description: `${projectName}产生和汇聚的业务数据，按目录接入区政务数据共享交换平台。`,
    dataItems: ['业务办理记录', '统计汇总数据'],
    shareType: 'unconditional',
    recipients: [],
    updateCycle: '每日',
  });
}

/** The demo's stage of a sample project (by name), for callers that find the project in the database. */
const demoByName = new Map(DEMO_PROJECTS.map((d) => [d.form.projectName, d]));

/**
 * Writes the demo data. Every write is checked against its natural key first (users by username,
 * projects by name, materials by kind, plan entries and payments by project), so a second run
 * changes nothing and a run interrupted anywhere is completed by the next one; with `progress`
 * (bootstrap) the finished steps are recorded in `demo_state` and skipped (demo-state.ts).
 */
export async function seedDemoData(
  services: ApiServices,
  progress: DemoProgress = DemoProgress.untracked(),
): Promise<{ users: number; projects: number }> {
  await services.identity.ensureOrganisations();
  const now = () => services.now();
  const userRepo = services.dataSource.getRepository(UserEntity);
  let users = 0;
  if (!progress.has('users')) {
    for (const u of DEMO_USERS) {
      if (await userRepo.existsBy({ username: u.username })) continue;
      await services.identity.createUser({ ...u, password: DEMO_PASSWORD, email: `${u.username}@yeji.gov.cn` });
      users++;
    }
    await progress.mark('users', now());
  }
  const projectRepo = services.dataSource.getRepository(ProjectEntity);
  const dataBureau = (await services.identity.listUsers('data-bureau'))[0]!;
  const finance = (await services.identity.listUsers('finance'))[0] ?? dataBureau;
  let createdCount = 0;
  /** projects something was written for in this run: their stage is set again at the end */
  const touched = new Set<number>();
  for (const d of DEMO_PROJECTS) {
    if (progress.has(`project:${d.form.projectName}`)) continue;
    const outcome = await seedProject(services, d, dataBureau.id, progress.tracked);
    if (outcome.created) createdCount++;
    if (outcome.wrote) touched.add(outcome.id);
    await progress.mark(`project:${d.form.projectName}`, now());
  }
  // every sample project in the database, also those of an interrupted earlier run
  const all = (await projectRepo.findBy({ name: In(DEMO_PROJECTS.map((d) => d.form.projectName)) }))
    .map((p) => ({ id: p.id, demo: demoByName.get(p.name)!, total: p.totalInvestment }))
    .sort((a, b) => a.id - b.id);
  // R21 investment plan and R8.1 annual plans (approved) for the projects that are past them
  if (!progress.has('plans')) {
    const investments = services.dataSource.getRepository(InvestmentPlanEntryEntity);
    const years = new Set<number>();
    for (const c of all) {
      const year = c.demo.form.planYear;
      if (INVESTMENT_PLANNED_FROM.includes(c.demo.stage) && !(await investments.existsBy({ projectId: c.id, year }))) {
        await services.plans.registerInvestment(c.id, dataBureau.id, {
          year,
          amount: c.total,
          approvedOn: `${year - 1}-12-20`,
        });
        touched.add(c.id);
      }
      if (ANNUAL_PLANNED_FROM.includes(c.demo.stage)) years.add(year);
    }
    const entries = services.dataSource.getRepository(AnnualPlanEntryEntity);
    for (const year of [...years].sort()) {
      const plan = await services.plans.view(year).catch(() => services.plans.compile(year, dataBureau.id));
      const urgent = plan.status === 'approved';
      for (const c of all.filter((x) => x.demo.form.planYear === year && ANNUAL_PLANNED_FROM.includes(x.demo.stage))) {
        if (await entries.existsBy({ planId: plan.id, projectId: c.id })) continue;
        await services.plans.addEntry(year, dataBureau.id, { projectId: c.id, amount: c.total, urgent });
        touched.add(c.id);
      }
      if (plan.status === 'draft') await services.plans.transition(year, 'submitted', dataBureau.id);
      if (plan.status !== 'approved') await services.plans.transition(year, 'approved', dataBureau.id);
    }
    await progress.mark('plans', now());
  }
  if (!progress.has('payments')) {
    const ledger = services.dataSource.getRepository(LedgerEntryEntity);
    for (const c of all) {
      if (!c.demo.paid || toCents(c.demo.paid) <= 0n) continue;
      if (await ledger.existsBy({ projectId: c.id, kind: 'payment' })) continue;
      await services.ledger.book(
        c.id,
        'payment',
        { amount: c.demo.paid, valueDate: '2026-06-30', note: '演示数据' },
        finance.id,
      );
      touched.add(c.id);
    }
    await progress.mark('payments', now());
  }
  // stages were set before planning so that planning does not move them
  for (const c of all) if (touched.has(c.id)) await walkToStage(services, c.id, c.demo.stage);
  await progress.mark('seed', now());
  return { users, projects: createdCount };
}

/** How long before its submission a submitted sample's draft was begun. */
const DRAFT_BEFORE_SUBMISSION_MS = 14 * 86_400_000;

/** The stages a project passes on its way through 附件3, in order (no returns, refusals or ends). */
const MAIN_PATH: readonly ProjectStage[] = PROJECT_STAGES.filter(
  (s) => !['draft', 'not-governed', 'returned', 'rejected', 'closed', 'suspended', 'terminated'].includes(s),
);

/**
 * Moves a sample project to its demo stage through `moveStage`, so that its stage history (days in
 * stage, the dashboard's stage-duration chart) is written like any project's: forward along the
 * main path, each stage between entered at evenly spaced times from the current stage's entry up
 * to now (the demo stage was entered some time ago, not just now); otherwise in one move.
 */
async function walkToStage(services: ApiServices, id: number, to: ProjectStage): Promise<void> {
  const p = await services.dataSource.getRepository(ProjectEntity).findOneByOrFail({ id });
  if (p.stage === to) return;
  const now = services.now();
  const from = MAIN_PATH.indexOf(p.stage);
  const target = MAIN_PATH.indexOf(to);
  const forward = from >= 0 && target > from;
  const steps = forward ? MAIN_PATH.slice(from + 1, target + 1) : [to];
  const since = Date.parse(p.stageEnteredAt ?? p.updatedAt);
  const span = Math.max(0, now.getTime() - since);
  await services.dataSource.transaction(async (m) => {
    for (const [i, stage] of steps.entries()) {
      const at = forward ? new Date(since + Math.round((span * (i + 1)) / (steps.length + 1))) : now;
      await moveStage(m, id, stage, at);
    }
  });
}

/**
 * One sample project: its application, materials, submission, stage and approved amount, each
 * written unless it is there already (an interrupted run left the project half written).
 */
async function seedProject(
  services: ApiServices,
  d: DemoProject,
  fallbackUserId: number,
  resume: boolean,
): Promise<{ id: number; created: boolean; wrote: boolean }> {
  const projectRepo = services.dataSource.getRepository(ProjectEntity);
  const existing = await projectRepo.findOneBy({ name: d.form.projectName });
  // without demo_state (tests seeding twice) a project by that name is one of an earlier run and
  // left as it is; with demo_state its step is not done: the run that wrote it was interrupted
  if (existing && !resume) return { id: existing.id, created: false, wrote: false };
  const org = await services.identity.organisationByCode(d.org);
  const creatorId = (await services.identity.listUsers(d.org))[0]?.id ?? fallbackUserId;
  const form: ApplicationForm = {
    supervisorSealed: true,
    urgent: false,
    participantOrgCodes: [],
    keyProject: false,
    departmentBudget: false,
    procuresProducts: true,
    securityStatement: '拟采购的服务器、操作系统和数据库均为安全可靠产品，已列入国家安全可靠测评结果（R14）。',
    // R16/R24: every item ticked, so the first materials check passes — except where the demo
    // shows a 退回修改 (RETURNED_AT_MATERIALS)
    r24Compliance: RETURNED_AT_MATERIALS.has(d.form.projectName) ? [] : [...R24_KEYS],
    ...d.form,
  };
  // R9: the department's information-resource catalogue holds the data this project builds
  if (d.stage !== 'draft' && !RETURNED_AT_MATERIALS.has(d.form.projectName)) {
    await catalogueEntryFor(services, org.id, creatorId, form.projectName);
  }
  // submitted in time (R6: before October of the year before the plan year); a sample that is
  // submitted was drafted a fortnight before, so its stage history runs forward from the draft
  const submittedOn = new Date(`${form.planYear - 1}-09-15T02:00:00Z`);
  const draftedOn = new Date(submittedOn.getTime() - DRAFT_BEFORE_SUBMISSION_MS);
  const creator = d.stage === 'draft' ? services.projects : new ProjectService(services.dataSource, () => draftedOn);
  const id = existing?.id ?? (await creator.create(org, creatorId, form)).project.id;
  if (d.stage !== 'draft') {
    const kinds = d.built ? [...R6_KINDS, ...BUILT_KINDS] : R6_KINDS;
    const attachments = services.dataSource.getRepository(AttachmentEntity);
    for (const kind of kinds) {
      if (await attachments.existsBy({ projectId: id, kind })) continue;
      const buffer = await materialDocx(form.projectName, kind, org.name, form.summary);
      const originalname = `${form.projectName}-${MATERIAL_NAMES[kind]}.docx`;
      await services.attachments.store(id, kind, { originalname, buffer }, creatorId);
    }
    // submitted through the domain's own submit: applicability (R2.2), deadline and materials are
    // checked as for any application, and the stage history records the day
    if ((await projectRepo.findOneByOrFail({ id })).stage === 'draft') {
      await new ProjectService(services.dataSource, () => submittedOn).submit(id);
    }
  }
  await walkToStage(services, id, d.stage);
  const project = await projectRepo.findOneByOrFail({ id });
  if (APPROVED_FROM.includes(d.stage)) await services.ledger.setApproved(id, project.totalInvestment);
  return { id, created: !existing, wrote: true };
}
