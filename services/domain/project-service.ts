/**
 * Projects and their versioned applications (附件1): create, resubmit (version n+1 with a diff),
 * submit (R2.2 applicability, R6 deadline and materials, R8.2 urgent exception), list with
 * allow-listed filters and sorting, restricted to what the caller may see.
 */
import type { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { In, IsNull } from 'typeorm';
import { chinaDate } from '../calendar';
import { HttpError, notFound } from '../http/problem';
import { assessApplicability, type Applicability } from './applicability';
import {
  applicationFormSchema,
  diffApplications,
  isApplicationLate,
  applicationDeadline,
  totalInvestment,
  type ApplicationForm,
  type FieldChange,
} from './application-form';
import {
  ApplicationVersionEntity,
  AttachmentEntity,
  CATEGORY_NAMES,
  KIND_NAMES,
  OrganisationEntity,
  ProjectEntity,
  ProjectParticipantEntity,
  ProjectStageHistoryEntity,
  STAGE_NAMES,
  type AttachmentKind,
  type Organisation,
  type Project,
  type ProjectStage,
} from './entities';
import type { Money } from './money';
import { parseReasons } from './returns';
import { daysInStage, moveStage } from './stage-history';

/** What a caller may see: everything (bureaus, audit) or one organisation's projects. */
export type Visibility = { all: true } | { all: false; orgId: number };

export interface ProjectView {
  id: number;
  code: string;
  name: string;
  category: Project['category'];
  categoryName: string;
  kind: Project['kind'];
  kindName: string;
  orgCode: string;
  orgName: string;
  participants: { code: string; name: string }[];
  responsiblePerson: string;
  constructionPeriod: { start: string; end: string };
  investment: { fiscal: Money; loan: Money; selfRaised: Money; other: Money; total: Money };
  approvedAmount: Money | null;
  keyProject: boolean;
  departmentBudget: boolean;
  stage: ProjectStage;
  stageName: string;
  /** when the current stage began (ISO); `daysInStage`: whole calendar days (自然日) since then */
  stageEnteredAt: string;
  daysInStage: number;
  planYear: number;
  processInstanceKey: string | null;
  currentVersion: number;
  /** stage `returned` (退回修改): why — materials defects, duplicates, the joint review's reason; else [] */
  returnReasons: string[];
  createdAt: string;
  updatedAt: string;
}

export const PROJECT_SORT_FIELDS = [
  'code',
  'name',
  'stage',
  'planYear',
  'totalInvestment',
  'createdAt',
  'updatedAt',
  'stageEnteredAt',
] as const;
export type ProjectSortField = (typeof PROJECT_SORT_FIELDS)[number];

export interface ProjectFilter {
  stage?: ProjectStage;
  orgCode?: string;
  year?: number;
  q?: string;
  sort?: { field: ProjectSortField; dir: 'asc' | 'desc' };
  page: number;
  pageSize: number;
}

/** R6 / R9 / R10 materials that must be attached before an application can be submitted. */
export function requiredMaterials(crossDepartment: boolean): AttachmentKind[] {
  const kinds: AttachmentKind[] = ['construction-basis', 'construction-plan', 'budget-estimate', 'feasibility-report'];
  if (crossDepartment) kinds.push('framework-plan');
  return kinds;
}

export const MATERIAL_NAMES: Record<AttachmentKind, string> = {
  'construction-basis': '建设依据',
  'construction-plan': '建设方案',
  'budget-estimate': '概算',
  'feasibility-report': '可行性研究报告',
  'application-form': '申报表（盖章扫描件）',
  'framework-plan': '跨部门项目框架方案（R10）',
  'resource-catalogue': '信息资源目录（R9）',
  'acceptance-report': '验收申请报告',
  'construction-summary': '建设总结',
  'security-assessment': '安全风险评估报告（等保测评报告）',
  'crypto-assessment': '密码应用安全性评估报告',
  other: '其他',
};

/** Before submission the department edits its draft freely; afterwards only a 退回修改 reopens it. */
const EDITABLE_STAGES: readonly ProjectStage[] = ['draft'];
/**
 * A revision answering the process's `Task_ReviseApplication` (the caller has seen the task
 * active): normally `returned`; `submitted` for a project returned before the stage existed.
 */
const REVISABLE_STAGES: readonly ProjectStage[] = ['returned', 'submitted'];

/** What a revision wrote, so that it can be taken back when the process does not take it. */
export interface RevisionWrite {
  taskKey: string;
  version: number;
  /** when the stage moved back to `submitted` (null: it was there already) */
  stageMovedAt: string | null;
}

export class ProjectService {
  constructor(
    private readonly ds: DataSource,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Lead and participant organisation ids of a project (R10). */
  async memberOrgIds(projectId: number): Promise<number[]> {
    const p = await this.ds.getRepository(ProjectEntity).findOneBy({ id: projectId });
    if (!p) return [];
    const parts = await this.ds.getRepository(ProjectParticipantEntity).findBy({ projectId });
    return [p.orgId, ...parts.map((x) => x.orgId)];
  }

  async get(id: number): Promise<Project> {
    const p = await this.ds.getRepository(ProjectEntity).findOneBy({ id });
    if (!p) throw notFound('项目不存在');
    return p;
  }

  async create(
    lead: Organisation,
    userId: number,
    input: ApplicationForm,
  ): Promise<{ project: ProjectView; version: number }> {
    const form = applicationFormSchema.parse(input);
    const participants = await this.participantOrgs(form, lead);
    const id = await this.ds.transaction(async (m) => {
      const now = this.now().toISOString();
      const res = await m.getRepository(ProjectEntity).insert({
        ...this.projectFields(form),
        // a unique placeholder, replaced by the code derived from the id below
        code: `tmp-${now}-${Math.random().toString(36).slice(2, 10)}`,
        orgId: lead.id,
        approvedAmount: null,
        stage: 'draft',
        processInstanceKey: null,
        currentVersion: 1,
        createdBy: userId,
        createdAt: now,
        updatedAt: now,
        stageEnteredAt: now,
      });
      const projectId = Number(res.identifiers[0]!.id);
      await m
        .getRepository(ProjectStageHistoryEntity)
        .insert({ projectId, stage: 'draft', enteredAt: now, leftAt: null });
      await m.getRepository(ProjectEntity).update({ id: projectId }, { code: projectCode(form.planYear, projectId) });
      await this.replaceParticipants(m, projectId, participants);
      await m.getRepository(ApplicationVersionEntity).insert({
        projectId,
        version: 1,
        data: JSON.stringify(form),
        createdBy: userId,
        createdAt: now,
      });
      return projectId;
    });
    return { project: await this.view(id), version: 1 };
  }

  /**
   * THE writer of versions after the first: version n+1 and the field-level changes against
   * version n. A draft is edited freely. A 退回修改 (`revision`: the `Task_ReviseApplication` task
   * the caller found active) also moves the project back to `submitted`; the version records the
   * task, and a retry for the same task rewrites that version instead of adding n+2
   * (services/processes/application-revision.ts completes the task and, if the process does not
   * take the revision, calls `undoRevision`).
   */
  async resubmit(
    projectId: number,
    userId: number,
    input: ApplicationForm,
    revision?: { taskKey: string },
  ): Promise<{ project: ProjectView; version: number; changes: FieldChange[]; revision: RevisionWrite | null }> {
    const form = applicationFormSchema.parse(input);
    const project = await this.get(projectId);
    if (!(revision ? REVISABLE_STAGES : EDITABLE_STAGES).includes(project.stage)) {
      throw new HttpError(409, `项目处于“${STAGE_NAMES[project.stage]}”阶段，申报表不可修改`);
    }
    const lead = await this.ds.getRepository(OrganisationEntity).findOneByOrFail({ id: project.orgId });
    const participants = await this.participantOrgs(form, lead);
    const versions = this.ds.getRepository(ApplicationVersionEntity);
    // a version written for this task before (a retry after the engine failed to answer)
    const pending = revision ? await versions.findOneBy({ projectId, revisionTaskKey: revision.taskKey }) : null;
    if (pending && pending.version !== project.currentVersion)
      throw new HttpError(409, '申报表已被他人修改，请刷新后重试');
    const version = pending ? pending.version : project.currentVersion + 1;
    const previous = await this.application(projectId, version - 1);
    const at = this.now();
    let stageMovedAt: string | null = null;
    await this.ds.transaction(async (m) => {
      const now = at.toISOString();
      if (pending) {
        await m
          .getRepository(ApplicationVersionEntity)
          .update({ id: pending.id }, { data: JSON.stringify(form), createdBy: userId, createdAt: now });
      } else {
        await m.getRepository(ApplicationVersionEntity).insert({
          projectId,
          version,
          data: JSON.stringify(form),
          createdBy: userId,
          createdAt: now,
          revisionTaskKey: revision?.taskKey ?? null,
        });
      }
      // optimistic check: two concurrent resubmissions cannot both become version n+1
      const res = await m
        .getRepository(ProjectEntity)
        .update(
          { id: projectId, currentVersion: project.currentVersion },
          { ...this.projectFields(form), currentVersion: version, updatedAt: now },
        );
      if (res.affected === 0) throw new HttpError(409, '申报表已被他人修改，请刷新后重试');
      await this.replaceParticipants(m, projectId, participants);
      if (revision) {
        const moved = await moveStage(m, projectId, 'submitted', at, REVISABLE_STAGES);
        if (moved === 'refused') throw new HttpError(409, '项目阶段已变化，请刷新后重试');
        if (moved === 'moved') stageMovedAt = now;
      }
    });
    return {
      project: await this.view(projectId),
      version,
      changes: diffApplications(previous.form, form),
      revision: revision ? { taskKey: revision.taskKey, version, stageMovedAt } : null,
    };
  }

  /**
   * Takes back a revision the process did not take (its task is still open): the version
   * answering the task is removed and the project's fields, participants and stage are those of
   * before — the `submitted` visit the revision opened is removed and the `returned` visit
   * reopened, so the history shows no resubmission. `keepVersion`: only the stage goes back (the
   * engine could not say whether it took the task; a retry rewrites the kept version).
   * Nothing is done when the project has moved on meanwhile.
   */
  async undoRevision(projectId: number, written: RevisionWrite, keepVersion = false): Promise<void> {
    // read first (SQLite access is serialised: no reads through the DataSource inside the transaction)
    const versions = this.ds.getRepository(ApplicationVersionEntity);
    const row = await versions.findOneBy({ projectId, revisionTaskKey: written.taskKey });
    const before = await versions.findOneBy({ projectId, version: written.version - 1 });
    if (!row || row.version !== written.version || !before) return;
    const form = JSON.parse(before.data) as ApplicationForm;
    const project = await this.get(projectId);
    const lead = await this.ds.getRepository(OrganisationEntity).findOneByOrFail({ id: project.orgId });
    const participants = await this.participantOrgs(form, lead);
    await this.ds.transaction(async (m) => {
      const projects = m.getRepository(ProjectEntity);
      const project = await projects.findOneBy({ id: projectId });
      if (!project || project.currentVersion !== written.version) return;
      if (!keepVersion) {
        await m.getRepository(ApplicationVersionEntity).delete({ id: row.id });
        await projects.update(
          { id: projectId, currentVersion: written.version },
          { ...this.projectFields(form), currentVersion: before.version, updatedAt: this.now().toISOString() },
        );
        await this.replaceParticipants(m, projectId, participants);
      }
      if (!written.stageMovedAt || project.stage !== 'submitted') return;
      const history = m.getRepository(ProjectStageHistoryEntity);
      const open = await history.findOneBy({ projectId, leftAt: IsNull() });
      if (!open || open.stage !== 'submitted' || open.enteredAt !== written.stageMovedAt) return;
      const left = await history.findOne({
        where: { projectId, leftAt: written.stageMovedAt },
        order: { id: 'DESC' },
      });
      if (!left) return;
      // the exact inverse of the revision's moveStage: its visit gone, the one it closed open again
      await history.delete({ id: open.id });
      await history.update({ id: left.id }, { leftAt: null });
      await projects.update(
        { id: projectId, stage: 'submitted' },
        { stage: left.stage, stageEnteredAt: left.enteredAt },
      );
    });
  }

  async application(projectId: number, version: number) {
    const row = await this.ds.getRepository(ApplicationVersionEntity).findOneBy({ projectId, version });
    if (!row) throw notFound('申报表版本不存在');
    return {
      version: row.version,
      createdAt: row.createdAt,
      createdBy: row.createdBy,
      form: JSON.parse(row.data) as ApplicationForm,
    };
  }

  /** A version with its changes against the previous one (version 1: every field is new). */
  async applicationWithDiff(projectId: number, version: number) {
    const current = await this.application(projectId, version);
    const previous = version > 1 ? await this.application(projectId, version - 1) : null;
    return { ...current, changes: diffApplications(previous?.form ?? null, current.form) };
  }

  async applicationVersions(projectId: number) {
    const rows = await this.ds.getRepository(ApplicationVersionEntity).find({
      where: { projectId },
      order: { version: 'ASC' },
      select: { version: true, createdAt: true, createdBy: true },
    });
    return rows.map((r) => ({ version: r.version, createdAt: r.createdAt, createdBy: r.createdBy }));
  }

  /**
   * Submission: R2.2 decides whether the measures apply at all; R6 requires the materials and the
   * deadline (before October of the year before the plan year) unless urgent (R8.2).
   */
  async submit(projectId: number): Promise<{ project: ProjectView; applicability: Applicability }> {
    const project = await this.get(projectId);
    if (project.stage !== 'draft')
      throw new HttpError(409, `项目处于“${STAGE_NAMES[project.stage]}”阶段，不能重复申报`);
    const { form } = await this.application(projectId, project.currentVersion);
    const applicability = assessApplicability({
      departmentBudget: project.departmentBudget,
      totalInvestment: project.totalInvestment,
    });
    if (applicability.governed) {
      const today = chinaDate(this.now());
      if (isApplicationLate(form.planYear, today) && !form.urgent) {
        throw new HttpError(
          422,
          `${form.planYear} 年度项目应于 ${applicationDeadline(form.planYear)} 前申报（R6）；确需临时追加的项目请勾选“临时确需”（R8.2）`,
          { rule: 'R6' },
        );
      }
      const present = new Set(
        (await this.ds.getRepository(AttachmentEntity).find({ where: { projectId }, select: { kind: true } })).map(
          (a) => a.kind,
        ),
      );
      const missing = requiredMaterials(form.participantOrgCodes.length > 0).filter((k) => !present.has(k));
      if (missing.length) {
        throw new HttpError(422, `申报材料不全（R6）：缺少${missing.map((k) => MATERIAL_NAMES[k]).join('、')}`, {
          rule: 'R6',
          missing,
        });
      }
    }
    const stage: ProjectStage = applicability.governed ? 'submitted' : 'not-governed';
    await this.setStage(projectId, 'draft', stage);
    return { project: await this.view(projectId), applicability };
  }

  /** Moves a project between stages; fails with 409 when it is no longer in `from`. */
  async setStage(projectId: number, from: ProjectStage | readonly ProjectStage[], to: ProjectStage, m?: EntityManager) {
    const froms = typeof from === 'string' ? [from] : [...from];
    // the stage, its entry time and its history move together (services/domain/stage-history.ts)
    const move = (tx: EntityManager) => moveStage(tx, projectId, to, this.now(), froms);
    const res = m ? await move(m) : await this.ds.transaction(move);
    if (res === 'missing') throw notFound('项目不存在');
    if (res === 'refused')
      throw new HttpError(409, `项目当前阶段不允许此操作（需处于：${froms.map((s) => STAGE_NAMES[s]).join('、')}）`);
  }

  async list(filter: ProjectFilter, visibility: Visibility): Promise<{ items: ProjectView[]; total: number }> {
    const qb = this.filtered(filter, visibility);
    const total = await qb.getCount();
    const rows = await qb
      .skip((filter.page - 1) * filter.pageSize)
      .take(filter.pageSize)
      .getMany();
    return { items: await this.views(rows), total };
  }

  /** For exports: the same filters, no paging, capped. */
  async listAll(filter: Omit<ProjectFilter, 'page' | 'pageSize'>, visibility: Visibility, cap = 10_000) {
    const rows = await this.filtered({ ...filter, page: 1, pageSize: cap }, visibility)
      .take(cap)
      .getMany();
    return this.views(rows);
  }

  private filtered(filter: ProjectFilter, visibility: Visibility): SelectQueryBuilder<Project> {
    const qb = this.ds.getRepository(ProjectEntity).createQueryBuilder('p');
    if (!visibility.all) {
      qb.andWhere(
        '(p.orgId = :vis OR p.id IN (SELECT pp.project_id FROM project_participant pp WHERE pp.org_id = :vis))',
        {
          vis: visibility.orgId,
        },
      );
    }
    if (filter.stage) qb.andWhere('p.stage = :stage', { stage: filter.stage });
    if (filter.year) qb.andWhere('p.planYear = :year', { year: filter.year });
    if (filter.orgCode) {
      qb.andWhere('p.orgId IN (SELECT o.id FROM organisation o WHERE o.code = :orgCode)', { orgCode: filter.orgCode });
    }
    if (filter.q) {
      // '!' as LIKE escape: portable between SQLite and MySQL (backslash is not)
      const like = `%${filter.q.replace(/[!%_]/g, '!$&')}%`;
      qb.andWhere("(p.name LIKE :like ESCAPE '!' OR p.code LIKE :like ESCAPE '!')", { like });
    }
    const sort = filter.sort ?? { field: 'updatedAt', dir: 'desc' };
    qb.orderBy(`p.${sort.field}`, sort.dir === 'asc' ? 'ASC' : 'DESC').addOrderBy('p.id', 'ASC');
    return qb;
  }

  async view(id: number): Promise<ProjectView> {
    const [v] = await this.views([await this.get(id)]);
    return v!;
  }

  async views(rows: Project[]): Promise<ProjectView[]> {
    if (rows.length === 0) return [];
    const parts = await this.ds
      .getRepository(ProjectParticipantEntity)
      .findBy({ projectId: In(rows.map((r) => r.id)) });
    const orgIds = [...new Set([...rows.map((r) => r.orgId), ...parts.map((p) => p.orgId)])];
    const orgs = new Map(
      (await this.ds.getRepository(OrganisationEntity).findBy({ id: In(orgIds) })).map((o) => [o.id, o]),
    );
    // the open stage visit tells whether `stageEnteredAt` belongs to the current stage: a stage
    // written without the setters (services/domain/stage-history.ts) counts from the last update
    const openVisits = new Map(
      (
        await this.ds
          .getRepository(ProjectStageHistoryEntity)
          .findBy({ projectId: In(rows.map((r) => r.id)), leftAt: IsNull() })
      ).map((v) => [v.projectId, v]),
    );
    const enteredAt = (p: Project) => {
      const open = openVisits.get(p.id);
      return open !== undefined && open.stage !== p.stage ? p.updatedAt : (p.stageEnteredAt ?? p.createdAt);
    };
    return rows.map((p) => {
      const org = orgs.get(p.orgId)!;
      return {
        id: p.id,
        code: p.code,
        name: p.name,
        category: p.category,
        categoryName: CATEGORY_NAMES[p.category],
        kind: p.kind,
        kindName: KIND_NAMES[p.kind],
        orgCode: org.code,
        orgName: org.name,
        participants: parts
          .filter((x) => x.projectId === p.id)
          .map((x) => orgs.get(x.orgId)!)
          .map((o) => ({ code: o.code, name: o.name })),
        responsiblePerson: p.responsiblePerson,
        constructionPeriod: { start: p.startMonth, end: p.endMonth },
        investment: {
          fiscal: p.fundFiscal,
          loan: p.fundLoan,
          selfRaised: p.fundSelf,
          other: p.fundOther,
          total: p.totalInvestment,
        },
        approvedAmount: p.approvedAmount,
        keyProject: p.keyProject,
        departmentBudget: p.departmentBudget,
        stage: p.stage,
        stageName: STAGE_NAMES[p.stage],
        stageEnteredAt: enteredAt(p),
        daysInStage: daysInStage({ stageEnteredAt: enteredAt(p), createdAt: p.createdAt }, this.now()),
        planYear: p.planYear,
        processInstanceKey: p.processInstanceKey,
        currentVersion: p.currentVersion,
        returnReasons:
          p.stage === 'returned' && openVisits.get(p.id)?.stage === 'returned'
            ? parseReasons(openVisits.get(p.id)!.note)
            : [],
        createdAt: p.createdAt,
        updatedAt: p.updatedAt,
      };
    });
  }

  private projectFields(form: ApplicationForm) {
    return {
      name: form.projectName,
      category: form.category,
      kind: form.kind,
      responsiblePerson: form.responsiblePerson,
      startMonth: form.constructionPeriod.start,
      endMonth: form.constructionPeriod.end,
      fundFiscal: form.investment.fiscal,
      fundLoan: form.investment.loan,
      fundSelf: form.investment.selfRaised,
      fundOther: form.investment.other,
      totalInvestment: totalInvestment(form),
      keyProject: form.keyProject,
      departmentBudget: form.departmentBudget,
      planYear: form.planYear,
    };
  }

  private async participantOrgs(form: ApplicationForm, lead: Organisation): Promise<Organisation[]> {
    const codes = form.participantOrgCodes;
    if (codes.includes(lead.code)) throw new HttpError(400, '牵头单位不能同时作为参与单位（R10）');
    if (codes.length === 0) return [];
    const orgs = await this.ds.getRepository(OrganisationEntity).findBy({ code: In(codes) });
    const missing = codes.filter((c) => !orgs.some((o) => o.code === c && o.type === 'department'));
    if (missing.length) throw new HttpError(400, `参与单位代码无效：${missing.join('、')}`);
    return orgs;
  }

  private async replaceParticipants(m: EntityManager, projectId: number, orgs: Organisation[]) {
    const repo = m.getRepository(ProjectParticipantEntity);
    await repo.delete({ projectId });
    for (const o of orgs) await repo.insert({ projectId, orgId: o.id });
  }
}

export function projectCode(planYear: number, id: number): string {
  return `YJ${planYear}-${String(id).padStart(4, '0')}`;
}
