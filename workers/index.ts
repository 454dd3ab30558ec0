/**
 * Every job worker of the models in processes/ (one file per job type). `createWorkers(deps)` is
 * what the application binds with `startWorkers`; test/workers/index.test.ts fails when a job
 * type in a BPMN file has no worker here.
 */
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import type { WorkingDayCalendar } from '../services/calendar';
import { mailDomain } from '../services/notify/outbox';
import type { WorkerDefinition } from './framework';
import { createWorkerConfig, type MessagePublisher, type WorkerDeps } from './deps';
import { createAcceptanceDateUpdateWorker } from './acceptance-date-update';
import { createAcceptanceDocsCheckWorker } from './acceptance-docs-check';
import { createAcceptanceFailedRecordWorker } from './acceptance-failed-record';
import { createAcceptanceRecordWorker } from './acceptance-record';
import { createApplicabilityCheckWorker } from './applicability-check';
import { createApplicationWindowCloseWorker } from './application-window-close';
import { createArchiveWorker } from './archive';
import { createAuditRecordWorker } from './audit-record';
import { createChangeCheckWorker } from './change-check';
import { createChangeFileWorker } from './change-file';
import { createCheckFailedRecordWorker } from './check-failed-record';
import { createCheckPassedRecordWorker } from './check-passed-record';
import { createCryptoGateWorker } from './crypto-gate';
import { createDueDateWorker } from './due-date';
import { createDuplicateCheckWorker } from './duplicate-check';
import { createExpertPanelWorker } from './expert-panel';
import { createFundAllocateWorker } from './fund-allocate';
import { createFundRecoveryWorker } from './fund-recovery';
import { createImplementationStatusCheckWorker } from './implementation-status-check';
import { createInvestmentPlanRegisterWorker } from './investment-plan-register';
import { createMaterialsCheckWorker } from './materials-check';
import { createNotifyWorker } from './notify';
import { createPaymentWorker } from './payment';
import { createPlanAddAdhocWorker } from './plan-add-adhoc';
import { createPlanCarryOverWorker } from './plan-carry-over';
import { createPlanCompileWorker } from './plan-compile';
import { createPlanPublishWorker } from './plan-publish';
import { createPostEvaluationRecordWorker } from './post-evaluation-record';
import { createProcurementRecordWorker } from './procurement-record';
import { createProgressReportRecordWorker } from './progress-report-record';
import { createProjectResumeWorker } from './project-resume';
import { createProjectSuspendWorker } from './project-suspend';
import { createProjectTerminateWorker } from './project-terminate';
import { createPublishMessageWorker } from './publish-message';
import { createRectificationRegisterWorker } from './rectification-register';
import { createRectificationReportRecordWorker } from './rectification-report-record';
import { createReviewAggregateWorker } from './review-aggregate';
import { createSecurityGateWorker } from './security-gate';
import { createSelfEvaluationSubmitWorker } from './self-evaluation-submit';
import { createSubprojectRegisterWorker } from './subproject-register';
import { createSurplusReturnRecordWorker } from './surplus-return-record';
import { createUnitsDesignateWorker } from './units-designate';

export { createWorkerConfig, type WorkerConfig, type WorkerDeps } from './deps';

/**
 * The deps of a running application: the bootstrap calls
 * `startWorkers({ client, definitions: createWorkers(workerDepsFromApp({ … })), dataSource, logger })`.
 */
export function workerDepsFromApp(app: {
  config: Pick<Config, 'PUBLIC_BASE_URL' | 'MAIL_FROM'>;
  dataSource: DataSource;
  calendar: WorkingDayCalendar;
  engine?: MessagePublisher;
  workerConfig?: Parameters<typeof createWorkerConfig>[0];
}): WorkerDeps {
  return {
    dataSource: app.dataSource,
    calendar: app.calendar,
    clock: () => new Date(),
    config: createWorkerConfig(app.workerConfig),
    mail: { baseUrl: app.config.PUBLIC_BASE_URL, domain: mailDomain(app.config.MAIL_FROM) },
    engine: app.engine,
  };
}

const factories = [
  createApplicabilityCheckWorker,
  createMaterialsCheckWorker,
  createDuplicateCheckWorker,
  createDueDateWorker,
  createExpertPanelWorker,
  createReviewAggregateWorker,
  createInvestmentPlanRegisterWorker,
  createPlanAddAdhocWorker,
  createPlanCarryOverWorker,
  createUnitsDesignateWorker,
  createProcurementRecordWorker,
  createSecurityGateWorker,
  createCryptoGateWorker,
  createCheckFailedRecordWorker,
  createCheckPassedRecordWorker,
  createChangeCheckWorker,
  createChangeFileWorker,
  createAcceptanceDateUpdateWorker,
  createRectificationRegisterWorker,
  createRectificationReportRecordWorker,
  createProjectSuspendWorker,
  createProjectResumeWorker,
  createProjectTerminateWorker,
  createImplementationStatusCheckWorker,
  createFundRecoveryWorker,
  createAcceptanceDocsCheckWorker,
  createAcceptanceRecordWorker,
  createAcceptanceFailedRecordWorker,
  createPaymentWorker,
  createSurplusReturnRecordWorker,
  createSelfEvaluationSubmitWorker,
  createPostEvaluationRecordWorker,
  createAuditRecordWorker,
  createArchiveWorker,
  createNotifyWorker,
  createPublishMessageWorker,
  createApplicationWindowCloseWorker,
  createPlanCompileWorker,
  createPlanPublishWorker,
  createFundAllocateWorker,
  createProgressReportRecordWorker,
  createSubprojectRegisterWorker,
] as const;

export function createWorkers(deps: WorkerDeps): WorkerDefinition[] {
  return factories.map((create) => create(deps) as unknown as WorkerDefinition);
}
