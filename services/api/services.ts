/** The domain services the API calls, built once per app from the DataSource and config. */
import path from 'node:path';
import type { DataSource } from 'typeorm';
import type { Config } from '../../config';
import { AuditLog } from '../audit/audit-log';
import { createCalendar } from '../calendar';
import type { WorkingDayCalendar } from '../calendar';
import { AuthService, DEFAULT_AUTH_POLICY, type AuthPolicy } from '../auth/auth-service';
import { AttachmentService } from '../domain/attachments';
import { DashboardService } from '../domain/dashboard';
import { DeliveryService } from '../domain/delivery';
import { IdentityService } from '../domain/identity-service';
import { LedgerService } from '../domain/ledger';
import { LifecycleService } from '../domain/lifecycle';
import { PlanService } from '../domain/plans';
import { CatalogueService } from '../domain/catalogue';
import { ProjectService } from '../domain/project-service';
import { RectificationService } from '../domain/rectification';
import { DEFAULT_THRESHOLDS, ReviewService, type ReviewThresholds } from '../domain/review';
import type { EngineClient } from '../engine-client';
import { ProcessService } from '../processes/process-service';
import { ProjectJoin } from '../processes/project-join';
import { TaskService } from '../tasks/task-service';
import type { Notifications } from '../notify';

export interface ApiServices {
  config: Config;
  dataSource: DataSource;
  audit: AuditLog;
  auth: AuthService;
  identity: IdentityService;
  projects: ProjectService;
  attachments: AttachmentService;
  reviews: ReviewService;
  ledger: LedgerService;
  rectifications: RectificationService;
  lifecycle: LifecycleService;
  dashboard: DashboardService;
  delivery: DeliveryService;
  plans: PlanService;
  catalogue: CatalogueService;
  /** the engine (SDK client) and what is built on it; null when the API runs without an engine */
  engine: EngineClient | null;
  tasks: TaskService | null;
  processes: ProcessService | null;
  projectJoin: ProjectJoin | null;
  /** null when the API runs without the notification runner (tests of the API alone) */
  notifications: Pick<Notifications, 'status' | 'reminders'> | null;
  /** the working-day calendar the deadlines are counted on (shared with workers and reminders at start-up) */
  calendar: WorkingDayCalendar;
  now: () => Date;
}

export interface ServiceOptions {
  now?: () => Date;
  authPolicy?: AuthPolicy;
  reviewThresholds?: ReviewThresholds;
  calendar?: WorkingDayCalendar;
  engine?: EngineClient;
  /** the notification runner (mail dispatcher + reminders), for the operators' status route */
  notifications?: Pick<Notifications, 'status' | 'reminders'>;
}

export function createDomainServices(dataSource: DataSource, config: Config, opts: ServiceOptions = {}): ApiServices {
  const now = opts.now ?? (() => new Date());
  const audit = new AuditLog(dataSource);
  const projects = new ProjectService(dataSource, now);
  const calendar = opts.calendar ?? createCalendar({ overrideFile: config.HOLIDAY_OVERRIDE_FILE });
  const lifecycle = new LifecycleService(dataSource, calendar, now);
  const projectJoin = opts.engine ? new ProjectJoin(dataSource, projects, opts.engine) : null;
  return {
    config,
    dataSource,
    audit,
    auth: new AuthService(dataSource, audit, opts.authPolicy ?? DEFAULT_AUTH_POLICY, now),
    identity: new IdentityService(dataSource, now),
    projects,
    attachments: new AttachmentService(dataSource, path.resolve(config.UPLOAD_DIR), config.UPLOAD_MAX_BYTES, now),
    reviews: new ReviewService(dataSource, projects, opts.reviewThresholds ?? DEFAULT_THRESHOLDS, now),
    ledger: new LedgerService(dataSource, now),
    rectifications: new RectificationService(dataSource, now),
    lifecycle,
    dashboard: new DashboardService(dataSource, projects, lifecycle, now),
    delivery: new DeliveryService(dataSource, now),
    plans: new PlanService(dataSource, now),
    catalogue: new CatalogueService(dataSource, now),
    engine: opts.engine ?? null,
    tasks: opts.engine ? new TaskService(opts.engine, audit, now, dataSource) : null,
    processes: projectJoin ? new ProcessService(opts.engine!, audit, (keys) => projectJoin.summaries(keys), now) : null,
    projectJoin,
    notifications: opts.notifications ?? null,
    calendar,
    now,
  };
}
