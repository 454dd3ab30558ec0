/**
 * R7 joint review: experts score an application on the five criteria; the round passes when
 * enough experts have scored (quorum), the overall mean reaches the pass mark and no criterion's
 * mean falls below its floor. Failing ends the project (附件3: 不通过 → 结束).
 */
import type { DataSource } from 'typeorm';
import { In } from 'typeorm';
import { HttpError, notFound } from '../http/problem';
import {
  ExpertScoreEntity,
  OrganisationEntity,
  ReviewAssignmentEntity,
  ReviewRoundEntity,
  UserEntity,
  type ExpertScore,
  type ReviewRound,
} from './entities';
import type { ProjectService } from './project-service';

export const CRITERIA = ['planning', 'sharing', 'feasibility', 'budget', 'cryptography'] as const;
export type Criterion = (typeof CRITERIA)[number];
export const CRITERION_NAMES: Record<Criterion, string> = {
  planning: '规划科学性',
  sharing: '资源共享性',
  feasibility: '建设可行性',
  budget: '概算合理性',
  cryptography: '密码应用安全性',
};

export interface ReviewThresholds {
  /** minimum number of submitted scores */
  quorum: number;
  /** overall mean (of the five criteria means) needed to pass */
  passMean: number;
  /** floor for each criterion's mean */
  criterionFloor: number;
}

export const DEFAULT_THRESHOLDS: ReviewThresholds = { quorum: 3, passMean: 70, criterionFloor: 60 };

export type Scores = Record<Criterion, number>;

export interface ReviewAggregate {
  count: number;
  means: Scores | null;
  overall: number | null;
  outcome: 'passed' | 'failed' | 'incomplete';
  reason: string;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Pure: scores → outcome with a reason text (R7). */
export function aggregateScores(scores: readonly Scores[], t: ReviewThresholds = DEFAULT_THRESHOLDS): ReviewAggregate {
  if (scores.length < t.quorum) {
    return {
      count: scores.length,
      means: null,
      overall: null,
      outcome: 'incomplete',
      reason: `已评分专家 ${scores.length} 人，未达到法定人数 ${t.quorum} 人（R7）`,
    };
  }
  const means = Object.fromEntries(
    CRITERIA.map((c) => [c, round1(scores.reduce((s, x) => s + x[c], 0) / scores.length)]),
  ) as Scores;
  const overall = round1(CRITERIA.reduce((s, c) => s + means[c], 0) / CRITERIA.length);
  const weak = CRITERIA.filter((c) => means[c] < t.criterionFloor);
  const problems: string[] = [];
  if (overall < t.passMean) problems.push(`综合平均分 ${overall} 低于通过线 ${t.passMean}`);
  if (weak.length)
    problems.push(
      `${weak.map((c) => `${CRITERION_NAMES[c]}（${means[c]}）`).join('、')}低于单项最低分 ${t.criterionFloor}`,
    );
  if (problems.length) {
    return {
      count: scores.length,
      means,
      overall,
      outcome: 'failed',
      reason: `联合审查不通过（R7）：${problems.join('；')}`,
    };
  }
  return {
    count: scores.length,
    means,
    overall,
    outcome: 'passed',
    reason: `联合审查通过（R7）：综合平均分 ${overall}，${scores.length} 位专家评分`,
  };
}

export class ReviewService {
  constructor(
    private readonly ds: DataSource,
    private readonly projects: ProjectService,
    private readonly thresholds: ReviewThresholds = DEFAULT_THRESHOLDS,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async getRound(id: number): Promise<ReviewRound> {
    const r = await this.ds.getRepository(ReviewRoundEntity).findOneBy({ id });
    if (!r) throw notFound('评审轮次不存在');
    return r;
  }

  async expertIds(roundId: number): Promise<number[]> {
    return (await this.ds.getRepository(ReviewAssignmentEntity).findBy({ roundId })).map((a) => a.expertId);
  }

  /** Opens a review round on the current application version with the given experts. */
  async open(projectId: number, expertIds: number[], userId: number) {
    const project = await this.projects.get(projectId);
    const unique = [...new Set(expertIds)];
    if (unique.length < this.thresholds.quorum) {
      throw new HttpError(400, `评审专家不得少于 ${this.thresholds.quorum} 人（R7）`);
    }
    const experts = await this.ds.getRepository(UserEntity).findBy({ id: In(unique) });
    const pool = await this.ds.getRepository(OrganisationEntity).findOneBy({ code: 'experts' });
    const invalid = unique.filter(
      (id) => !experts.some((e) => e.id === id && e.roles.includes('expert') && e.orgId === pool?.id && !e.disabled),
    );
    if (invalid.length) throw new HttpError(400, `不是有效的评审专家：${invalid.join(', ')}`);
    const rounds = this.ds.getRepository(ReviewRoundEntity);
    if (await rounds.existsBy({ projectId, status: 'open' })) throw new HttpError(409, '该项目已有进行中的评审轮次');
    const roundNo = (await rounds.countBy({ projectId })) + 1;
    const id = await this.ds.transaction(async (m) => {
      await this.projects.setStage(projectId, ['submitted', 'joint-review'], 'joint-review', m);
      const res = await m.getRepository(ReviewRoundEntity).insert({
        projectId,
        roundNo,
        status: 'open',
        applicationVersion: project.currentVersion,
        openedBy: userId,
        openedAt: this.now().toISOString(),
        closedAt: null,
        outcome: null,
        reason: null,
      });
      const roundId = Number(res.identifiers[0]!.id);
      for (const expertId of unique) await m.getRepository(ReviewAssignmentEntity).insert({ roundId, expertId });
      return roundId;
    });
    return this.roundView(id, true);
  }

  /** An assigned expert's scores; may be revised while the round is open. */
  async score(roundId: number, expertId: number, input: Scores & { opinion: string }) {
    const round = await this.getRound(roundId);
    if (round.status !== 'open') throw new HttpError(409, '评审轮次已结束，不能再评分');
    if (!(await this.expertIds(roundId)).includes(expertId)) throw notFound('评审轮次不存在');
    const repo = this.ds.getRepository(ExpertScoreEntity);
    const values = { ...pickScores(input), opinion: input.opinion, submittedAt: this.now().toISOString() };
    const existing = await repo.findOneBy({ roundId, expertId });
    if (existing) await repo.update({ id: existing.id }, values);
    else await repo.insert({ roundId, expertId, ...values });
    return { roundId, expertId, ...values };
  }

  /** Closes the round with the R7 aggregate; a failed review ends the project. */
  async close(roundId: number) {
    const round = await this.getRound(roundId);
    if (round.status !== 'open') throw new HttpError(409, '评审轮次已结束');
    const scores = await this.ds.getRepository(ExpertScoreEntity).findBy({ roundId });
    const agg = aggregateScores(scores.map(pickScores), this.thresholds);
    if (agg.outcome === 'incomplete') throw new HttpError(422, agg.reason, { rule: 'R7' });
    await this.ds.transaction(async (m) => {
      const res = await m.getRepository(ReviewRoundEntity).update(
        { id: roundId, status: 'open' },
        {
          status: 'closed',
          closedAt: this.now().toISOString(),
          outcome: agg.outcome as 'passed' | 'failed',
          reason: agg.reason,
        },
      );
      if (res.affected === 0) throw new HttpError(409, '评审轮次已结束');
      await this.projects.setStage(
        round.projectId,
        'joint-review',
        agg.outcome === 'passed' ? 'approval' : 'rejected',
        m,
      );
    });
    return this.roundView(roundId, true);
  }

  async roundsOf(projectId: number, withScores: boolean) {
    const rounds = await this.ds
      .getRepository(ReviewRoundEntity)
      .find({ where: { projectId }, order: { roundNo: 'ASC' } });
    return Promise.all(rounds.map((r) => this.roundView(r.id, withScores)));
  }

  /** Rounds assigned to an expert, with the project's name and whether they have scored. */
  async assignedTo(expertId: number) {
    const assignments = await this.ds.getRepository(ReviewAssignmentEntity).findBy({ expertId });
    const out = [];
    for (const a of assignments) {
      const r = await this.getRound(a.roundId);
      const p = await this.projects.view(r.projectId);
      const mine = await this.ds.getRepository(ExpertScoreEntity).findOneBy({ roundId: r.id, expertId });
      out.push({
        roundId: r.id,
        roundNo: r.roundNo,
        status: r.status,
        project: { id: p.id, code: p.code, name: p.name, orgName: p.orgName, total: p.investment.total },
        scored: !!mine,
      });
    }
    return out;
  }

  /** For the expert: the round, the application under review, and only their own score. */
  async expertView(roundId: number, expertId: number) {
    const r = await this.getRound(roundId);
    const application = await this.projects.application(r.projectId, r.applicationVersion);
    const mine = await this.ds.getRepository(ExpertScoreEntity).findOneBy({ roundId, expertId });
    return {
      id: r.id,
      roundNo: r.roundNo,
      status: r.status,
      outcome: r.outcome,
      application,
      myScore: mine ? { ...pickScores(mine), opinion: mine.opinion, submittedAt: mine.submittedAt } : null,
    };
  }

  async roundView(roundId: number, withScores: boolean) {
    const r = await this.getRound(roundId);
    const experts = await this.expertIds(roundId);
    const scores = await this.ds.getRepository(ExpertScoreEntity).findBy({ roundId });
    return {
      id: r.id,
      projectId: r.projectId,
      roundNo: r.roundNo,
      status: r.status,
      applicationVersion: r.applicationVersion,
      openedAt: r.openedAt,
      closedAt: r.closedAt,
      outcome: r.outcome,
      reason: r.reason,
      expertIds: experts,
      scoredCount: scores.length,
      ...(withScores
        ? {
            scores: scores.map((s) => ({
              expertId: s.expertId,
              ...pickScores(s),
              opinion: s.opinion,
              submittedAt: s.submittedAt,
            })),
            aggregate: aggregateScores(scores.map(pickScores), this.thresholds),
          }
        : {}),
    };
  }
}

function pickScores(s: Scores | ExpertScore): Scores {
  return {
    planning: s.planning,
    sharing: s.sharing,
    feasibility: s.feasibility,
    budget: s.budget,
    cryptography: s.cryptography,
  };
}
