/**
 * What every job worker receives: injected, so tests run the real database with a fake clock.
 * `config` holds the business thresholds a district data bureau tunes (R7 review marks, the
 * duplicate-construction threshold, R18's contracted units …); `createWorkerConfig` fills the
 * defaults and validates overrides.
 */
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import type { WorkingDayCalendar } from '../services/calendar';

const score = z.number().min(0).max(100);

export const workerConfigSchema = z.object({
  /** R7: minimum number of expert score sheets for a valid review */
  reviewQuorum: z.number().int().min(1).default(3),
  /** R7: overall mean (of the five criterion means) needed to pass */
  reviewPassMean: score.default(70),
  /** R7: floor for each criterion's mean (规划科学性 … 密码应用安全性) */
  reviewCriterionFloors: z
    .object({
      planning: score.default(60),
      sharing: score.default(60),
      feasibility: score.default(60),
      budget: score.default(60),
      crypto: score.default(60),
    })
    .prefault({}),
  /** experts drawn for a panel (R7), at least the quorum */
  expertPanelSize: z.number().int().min(3).default(5),
  /** 附件3 重点项目: investment (万元) from which a project is a key project even if not flagged */
  keyProjectThreshold: z.number().positive().default(1000),
  /** duplicate-construction check: similarity (0–1) from which a project counts as similar */
  duplicateThreshold: z.number().min(0).max(1).default(0.55),
  /** systems already in operation (beyond the projects in the database) the check compares with */
  existingSystems: z
    .array(z.object({ name: z.string().min(1), description: z.string().default(''), owner: z.string().default('') }))
    .default([]),
  /** R8.2: working days an urgent ad-hoc project's review may take */
  adHocReviewWorkingDays: z.number().int().min(1).default(20),
  /** R29: months of operation before the post-evaluation starts */
  postEvaluationMonths: z.number().int().min(1).default(12),
  /** R18: units the data bureau contracted for each year (supervision, 等保 assessment, third-party testing) */
  contractedUnits: z
    .record(
      z.string().regex(/^\d{4}$/),
      z.object({
        supervision: z.array(z.string().min(1)).default([]),
        classifiedProtection: z.array(z.string().min(1)).default([]),
        thirdPartyTesting: z.array(z.string().min(1)).default([]),
      }),
    )
    .default({}),
});

export type WorkerConfig = z.output<typeof workerConfigSchema>;

export function createWorkerConfig(overrides: z.input<typeof workerConfigSchema> = {}): WorkerConfig {
  return workerConfigSchema.parse(overrides);
}

/** Publishing a message (egov.publish-message); the SDK's EngineClient satisfies it. */
export interface MessagePublisher {
  publishMessage(request: {
    name: string;
    correlationKey: string;
    timeToLive?: number;
    messageId?: string;
    variables?: Record<string, unknown>;
  }): Promise<unknown>;
}

export interface WorkerDeps {
  dataSource: DataSource;
  calendar: WorkingDayCalendar;
  clock: () => Date;
  config: WorkerConfig;
  /** mail settings for egov.notify: links in mail, Message-ID domain (from MAIL_FROM) */
  mail: { baseUrl: string; domain: string };
  /** the engine, for egov.publish-message */
  engine?: MessagePublisher;
}
