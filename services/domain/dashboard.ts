/**
 * The manager's overview: projects per stage, money requested / approved / paid, and the
 * projects that miss a statutory deadline (R15 reports, R22.2 final acceptance, R23
 * self-evaluation, R26 rectification). Computed from the domain data only; the engine's live
 * view (tokens per element) is joined in by the UI.
 */
import type { DataSource } from 'typeorm';
import { In } from 'typeorm';
import {
  LedgerEntryEntity,
  PROJECT_STAGES,
  ProjectStageHistoryEntity,
  STAGE_NAMES,
  type ProjectStage,
  type ProjectStageVisit,
} from './entities';
import type { LifecycleService, StatutoryStatus } from './lifecycle';
import { addMoney, fromCents, toCents, type Money } from './money';
import type { ProjectService, ProjectView, Visibility } from './project-service';
import { stageDurations } from './stage-history';

/** Stages in which deadlines can run (after the plan, before the end). */
const ACTIVE_STAGES: readonly ProjectStage[] = [
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
];

export function needsAttention(s: StatutoryStatus): boolean {
  return (
    s.missingProgressReports.length > 0 ||
    s.finalAcceptanceOverdue ||
    s.selfEvaluationOverdue ||
    s.overdueRectifications > 0
  );
}

export class DashboardService {
  constructor(
    private readonly ds: DataSource,
    private readonly projects: ProjectService,
    private readonly lifecycle: LifecycleService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async overview(filter: { year?: number; orgCode?: string }, visibility: Visibility) {
    const items = await this.projects.listAll({ ...filter, sort: { field: 'code', dir: 'asc' } }, visibility);
    const counts = new Map<ProjectStage, number>();
    for (const p of items) counts.set(p.stage, (counts.get(p.stage) ?? 0) + 1);
    const paidByProject = await this.paid(items.map((p) => p.id));
    const attention: {
      project: Pick<
        ProjectView,
        'id' | 'code' | 'name' | 'orgCode' | 'orgName' | 'stage' | 'stageName' | 'daysInStage'
      >;
      status: StatutoryStatus;
    }[] = [];
    for (const p of items.filter((x) => ACTIVE_STAGES.includes(x.stage))) {
      const status = await this.lifecycle.statutoryStatus(p.id);
      if (needsAttention(status)) {
        attention.push({
          project: {
            id: p.id,
            code: p.code,
            name: p.name,
            orgCode: p.orgCode,
            orgName: p.orgName,
            stage: p.stage,
            stageName: p.stageName,
            daysInStage: p.daysInStage,
          },
          status,
        });
      }
    }
    const sum = (vals: (Money | null)[]) => addMoney('0', ...vals.filter((v): v is Money => v !== null));
    return {
      total: items.length,
      byStage: PROJECT_STAGES.filter((s) => counts.has(s)).map((s) => ({
        stage: s,
        stageName: STAGE_NAMES[s],
        count: counts.get(s)!,
      })),
      investment: {
        requested: sum(items.map((p) => p.investment.total)),
        approved: sum(items.map((p) => p.approvedAmount)),
        paid: fromCents([...paidByProject.values()].reduce((a, b) => a + b, 0n)),
      },
      attention,
      /** mean / longest calendar days per stage from the stage history of the same projects */
      stageDurations: stageDurations(
        await this.visits(items.map((p) => p.id)),
        this.now(),
        PROJECT_STAGES,
        STAGE_NAMES,
      ),
    };
  }

  private async visits(projectIds: number[]): Promise<ProjectStageVisit[]> {
    const out: ProjectStageVisit[] = [];
    // chunks: IN lists stay well below SQLite's bound-parameter limit
    for (let i = 0; i < projectIds.length; i += 500) {
      out.push(
        ...(await this.ds
          .getRepository(ProjectStageHistoryEntity)
          .findBy({ projectId: In(projectIds.slice(i, i + 500)) })),
      );
    }
    return out;
  }

  private async paid(projectIds: number[]): Promise<Map<number, bigint>> {
    const out = new Map<number, bigint>();
    if (projectIds.length === 0) return out;
    const entries = await this.ds
      .getRepository(LedgerEntryEntity)
      .findBy({ projectId: In(projectIds), kind: 'payment' });
    for (const e of entries) out.set(e.projectId, (out.get(e.projectId) ?? 0n) + toCents(e.amount));
    return out;
  }
}
