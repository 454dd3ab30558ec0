/**
 * egov.materials-check — R6 materials (建设依据, 建设方案, 概算, 可研报告, 附件1 with the supervising
 * department's opinion and seal), R9 sharing analysis and information-resource catalogue, R14
 * product-security statement, R16/R24 compliance items, R10 framework plan; and the R6 calendar:
 * an application after 30 September moves to the next plan year, and outside the Oct–Dec review
 * window the project waits for the joint review to open (R7), unless it is urgent (R8.2).
 */
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { addDays } from '../services/calendar';
import { chinaDate } from '../services/calendar/dates';
import { missingR24Items, needsSecurityStatement, R24_ITEMS } from '../services/domain/application-form';
import {
  ApplicationVersionEntity,
  AttachmentEntity,
  CatalogueEntryEntity,
  ProjectEntity,
  ProjectParticipantEntity,
  ProjectStageHistoryEntity,
  type AttachmentKind,
  type Project,
} from '../services/domain/entities';
import { MATERIAL_NAMES } from '../services/domain/project-service';
import { clearReturned, markReturned } from '../services/domain/returns';
import type { WorkerDeps } from './deps';
import { complete, defineWorker, type JobInfo } from './framework';
import { earlierEffects, loadProject, projectIdSchema, onceAudited, recordEvent, todayIn } from './support';

/** R16 / R24: each must be ticked on 附件1 (one source: services/domain/r24-items.ts). */
export { R24_ITEMS };

const R6_DOCS: { kind: AttachmentKind; field: string }[] = [
  { kind: 'construction-basis', field: 'docConstructionBasis' },
  { kind: 'construction-plan', field: 'docConstructionPlan' },
  { kind: 'budget-estimate', field: 'docBudgetEstimate' },
  { kind: 'feasibility-report', field: 'docFeasibilityStudy' },
];

export const materialsInput = z.object({
  projectId: projectIdSchema,
  planYear: z.number().int().min(2000).max(2100),
  urgentAdHoc: z.boolean().default(false),
  crossDepartment: z.boolean().default(false),
  // the 附件1 fields a 退回修改 (Task_ReviseApplication) puts into the process; absent on first submission
  docConstructionBasis: z.string().nullish(),
  docConstructionPlan: z.string().nullish(),
  docBudgetEstimate: z.string().nullish(),
  docFeasibilityStudy: z.string().nullish(),
  sharingAnalysisIncluded: z.boolean().nullish(),
  docResourceCatalogue: z.string().nullish(),
  productSecurityStatement: z.string().nullish(),
  r24Compliance: z.array(z.string()).nullish(),
  supervisorSealed: z.boolean().nullish(),
  participants: z.array(z.record(z.string(), z.unknown())).nullish(),
});
type MaterialsInput = z.output<typeof materialsInput>;

export const materialsOutput = z.object({
  materialsComplete: z.boolean(),
  materialsDefects: z.array(z.string()),
  materialsDefectsText: z.string(),
  awaitReviewWindow: z.boolean(),
  planYear: z.number().int(),
});
type MaterialsOutput = z.output<typeof materialsOutput>;

const filled = (v: unknown) => typeof v === 'string' && v.trim().length > 0;

/** The latest 附件1 version's fields, read loosely (the domain's form and the process form differ in names). */
async function applicationData(m: EntityManager, p: Project): Promise<Record<string, unknown>> {
  const row = await m.getRepository(ApplicationVersionEntity).findOneBy({ projectId: p.id, version: p.currentVersion });
  if (!row) return {};
  try {
    return JSON.parse(row.data) as Record<string, unknown>;
  } catch {
    return {};
  }
}

export const R9_NO_CATALOGUE =
  'R9 未提供信息资源目录：本部门信息资源目录中尚无条目，也未上传信息资源目录（请在“信息资源目录”中登记本项目涉及的信息资源，或上传目录文件）';
export const R14_NO_STATEMENT = 'R14 项目采购软硬件产品，申报材料须对产品安全可靠情况进行说明';

/** Pure: the defects of an application's materials (R6, R9, R10, R14, R16, R24). */
export function materialsDefects(input: {
  data: Record<string, unknown>;
  attachments: ReadonlySet<AttachmentKind>;
  crossDepartment: boolean;
  participantCount: number;
  /** entries in the lead department's 信息资源目录 (R9) */
  catalogueEntries: number;
}): string[] {
  const { data: d, attachments } = input;
  const defects: string[] = [];
  const missingDocs = R6_DOCS.filter((doc) => !attachments.has(doc.kind) && !filled(d[doc.field])).map(
    (doc) => MATERIAL_NAMES[doc.kind],
  );
  if (missingDocs.length) defects.push(`R6 缺少申报材料：${missingDocs.join('、')}`);
  const form: [string[], string][] = [
    [['projectName'], '项目名称'],
    [['summary'], '简要说明及建设依据'],
    [['responsiblePerson'], '负责人'],
    [['contactPerson'], '联系人'],
    [['contactPhone'], '联系电话'],
    [['email', 'contactEmail'], '电子邮箱'],
  ];
  const missingFields = form.filter(([keys]) => !keys.some((k) => filled(d[k]))).map(([, label]) => label);
  if (missingFields.length) defects.push(`R6 附件1 项目申报表未填写：${missingFields.join('、')}`);
  if (d.supervisorSealed !== true && !attachments.has('application-form'))
    defects.push('R6 附件1 缺少主管部门意见并盖章');
  if (!filled(d.sharingAnalysis) && d.sharingAnalysisIncluded !== true)
    defects.push('R9 可研报告和建设方案须包含信息资源共享分析');
  // R9: the department's catalogue (信息资源目录) in the system, an uploaded catalogue, or the
  // catalogue document named on the revise form (Task_ReviseApplication)
  if (input.catalogueEntries === 0 && !attachments.has('resource-catalogue') && !filled(d.docResourceCatalogue))
    defects.push(R9_NO_CATALOGUE);
  if (needsSecurityStatement(d) && !filled(d.securityStatement) && !filled(d.productSecurityStatement))
    defects.push(R14_NO_STATEMENT);
  const missingR24 = missingR24Items(d.r24Compliance);
  if (missingR24.length) defects.push(`R16/R24 附件1 未勾选建设要求：${missingR24.join('、')}`);
  if (input.crossDepartment) {
    if (input.participantCount === 0) defects.push('R10 跨部门项目未明确参建单位');
    if (!attachments.has('framework-plan') && !filled(d.docInitialDataCatalogue))
      defects.push('R10 跨部门项目缺少统一框架方案');
  }
  return defects;
}

/**
 * R6 calendar. `submittedOn` is the first submission in this process instance (a 退回修改 loop
 * keeps it). After the deadline (30 September of planYear − 1, a holiday moving it to the next
 * working day) the application moves to the next plan year; R8.2 urgent projects do not move.
 * awaitReviewWindow: false for urgent projects and when the Oct–Dec review window of the (new)
 * plan year is open already.
 */
export function r6Schedule(
  deps: Pick<WorkerDeps, 'calendar'>,
  planYear: number,
  urgent: boolean,
  submittedOn: string,
  today: string,
) {
  const lastDay = `${planYear - 1}-09-30`;
  // on or before 30 September the application is in time whatever that year's holidays are
  const deadline = submittedOn <= lastDay ? lastDay : deps.calendar.deadlineOn(lastDay);
  const late = !urgent && submittedOn > deadline;
  const year = late ? planYear + 1 : planYear;
  // before 30 September of the window's year no calendar is needed (that year may not be published yet)
  const nominal = `${year - 1}-09-30`;
  const windowOpens = today <= nominal ? null : addDays(deps.calendar.deadlineOn(nominal), 1);
  const awaitReviewWindow = !urgent && (windowOpens === null || today < windowOpens);
  return { planYear: year, moved: late, deadline, awaitReviewWindow };
}

/** The day (China time) the project was first submitted, from its stage history; null if unknown. */
async function submissionDate(m: EntityManager, projectId: number): Promise<string | null> {
  const visit = await m
    .getRepository(ProjectStageHistoryEntity)
    .findOne({ where: { projectId, stage: 'submitted' }, order: { enteredAt: 'ASC' } });
  return visit ? chinaDate(new Date(visit.enteredAt)) : null;
}

export function createMaterialsCheckWorker(deps: WorkerDeps) {
  const check = async (
    m: EntityManager,
    job: JobInfo,
    v: MaterialsInput,
  ): Promise<{ result: MaterialsOutput; submittedOn: string; appliedFor: number }> => {
    const project = await loadProject(m, v.projectId);
    const stored = await applicationData(m, project);
    // process variables from 退回修改 complement (and overwrite) the stored application
    const fromProcess = Object.fromEntries(
      Object.entries(v).filter(
        ([k, val]) => val !== null && val !== undefined && !['projectId', 'planYear'].includes(k),
      ),
    );
    const data = { ...stored, ...fromProcess };
    const attachments = new Set(
      (await m.getRepository(AttachmentEntity).find({ where: { projectId: project.id }, select: { kind: true } })).map(
        (a) => a.kind,
      ),
    );
    const participantCount =
      (await m.getRepository(ProjectParticipantEntity).countBy({ projectId: project.id })) +
      (v.participants?.length ?? 0);
    const catalogueEntries = await m.getRepository(CatalogueEntryEntity).countBy({ orgId: project.orgId });
    const defects = materialsDefects({
      data,
      attachments,
      crossDepartment: v.crossDepartment,
      participantCount,
      catalogueEntries,
    });
    const today = todayIn(deps.clock);
    // the first check of this instance is the submission; a 退回修改 loop keeps its date
    const first = (
      await earlierEffects<{ submittedOn?: string; appliedFor?: number }>(m, job.type, job.processInstanceKey)
    )[0];
    // the application's submission (stage history) when there is one: the instance may start later
    const submittedOn = first?.output.submittedOn ?? (await submissionDate(m, project.id)) ?? today;
    // and the year applied for: a late application moves once, not again on each re-check
    const appliedFor = first?.output.appliedFor ?? v.planYear;
    const schedule = r6Schedule(deps, appliedFor, v.urgentAdHoc, submittedOn, today);
    if (schedule.moved) {
      await m
        .getRepository(ProjectEntity)
        .update({ id: project.id }, { planYear: schedule.planYear, updatedAt: deps.clock().toISOString() });
    }
    // 退回修改: the department sees the defects beside its 附件1 (stage `returned`) and resubmits
    if (defects.length) await markReturned(m, project.id, deps.clock(), defects);
    else await clearReturned(m, project.id, deps.clock());
    const result: MaterialsOutput = {
      materialsComplete: defects.length === 0,
      materialsDefects: defects,
      materialsDefectsText: defects.length
        ? `申报材料审核未通过：\n${defects.map((d, i) => `${i + 1}. ${d}`).join('\n')}`
        : '申报材料齐全合规',
      awaitReviewWindow: schedule.awaitReviewWindow,
      planYear: schedule.planYear,
    };
    await recordEvent(deps.dataSource, m, job, `project:${project.id}`, {
      ...result,
      movedFromPlanYear: schedule.moved ? appliedFor : undefined,
      deadline: schedule.deadline,
    });
    return { result, submittedOn, appliedFor };
  };
  return defineWorker({
    type: 'egov.materials-check',
    description:
      'R6 materials and 附件1 (seal), R9 sharing analysis + catalogue, R14 product-security statement, R16/R24 compliance items, R10 framework plan; R6 deadline (after 30 Sep → next plan year) and the R7 review window (R8.2 urgent: no wait)',
    input: materialsInput,
    output: materialsOutput,
    async handle(ctx) {
      const { result } = await onceAudited(ctx, deps.dataSource, (m) => check(m, ctx.job, ctx.variables));
      return complete(result);
    },
  });
}
