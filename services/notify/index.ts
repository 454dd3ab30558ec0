/**
 * services/notify — e-mail: the transactional outbox, its dispatcher, the gateway notifier,
 * reminders. `startNotifications` is what bootstrap starts and stops.
 */
import type { DataSource } from 'typeorm';
import type { Config } from '../../config';
import { createCalendar, refreshCalendar, type WorkingDayCalendar } from '../calendar';
import type { EngineClient } from '../engine-client';
import type { Logger } from '../logger';
import { MailDispatcher } from './dispatcher';
import { domainDeadlines, openReviewTasksFromEngine } from './domain-deadlines';
import { GatewayNotifier, gatewayQueriesFromEngine } from './gateway-notifier';
import { mailDomain } from './outbox';
import type { RecipientDirectory } from './recipients';
import { SqlRecipientDirectory } from './sql-directory';
import { ReminderRunner, type ReminderRunnerState } from './reminders';
import { createSmtpTransport } from './transport';

export {
  enqueueMail,
  listOutbox,
  requeueMail,
  dedupeKey,
  MAIL_STATUSES,
  MAIL_STATUS_NAMES,
  MAIL_PURPOSES,
  MAIL_PURPOSE_NAMES,
  type OutboxRow,
  type OutboxFilter,
  type OutboxSort,
  type OutboxPage,
} from './outbox';
export {
  enqueueUrge,
  planReminders,
  ReminderRunner,
  MODEL_NOTICES,
  type Deadline,
  type Urge,
  type ReminderRunnerState,
} from './reminders';
export type { Recipient, RecipientDirectory } from './recipients';

export interface Notifications {
  calendar: WorkingDayCalendar;
  directory: RecipientDirectory;
  /** absent without SMTP_HOST: mail then stays in the outbox, readable on the mail page */
  dispatcher?: MailDispatcher;
  gatewayNotifier: GatewayNotifier;
  reminders: ReminderRunner;
  /**
   * For operators (a status page or route can return it as is): the calendar's years and the
   * reminders that wait for a year's holiday file (`config/holidays/<year>.json`).
   */
  status(): NotificationStatus;
  stop(): Promise<void>;
}

export interface NotificationStatus {
  smtp: boolean;
  calendar: { coveredYears: number[]; sources: Record<number, string> };
  reminders: ReminderRunnerState;
}

export function startNotifications(deps: {
  config: Config;
  dataSource: DataSource;
  engine: EngineClient;
  logger: Logger;
  /**
   * The calendar to use (and refresh from config/holidays before each reminder pass); pass the one
   * the workers and the API use and a year's file added while running reaches them all.
   */
  calendar?: WorkingDayCalendar;
}): Notifications {
  const { config, dataSource, engine } = deps;
  const logger = deps.logger.child({ component: 'notify' });
  const calendar = deps.calendar ?? createCalendar({ overrideFile: config.HOLIDAY_OVERRIDE_FILE, logger });
  const directory = new SqlRecipientDirectory(dataSource);

  const transport = createSmtpTransport(config);
  let dispatcher: MailDispatcher | undefined;
  if (transport) {
    dispatcher = new MailDispatcher({
      dataSource,
      transport,
      from: config.MAIL_FROM,
      logger,
      intervalMs: config.MAIL_DISPATCH_INTERVAL_MS,
      maxAttempts: config.MAIL_MAX_ATTEMPTS,
    });
    dispatcher.start();
    logger.info({ host: config.SMTP_HOST, port: config.SMTP_PORT }, 'mail dispatcher started');
  } else {
    logger.info('SMTP_HOST not set: mail stays in the outbox (mail page)');
  }

  const gatewayNotifier = new GatewayNotifier({
    dataSource,
    queries: gatewayQueriesFromEngine(engine),
    directory,
    baseUrl: config.PUBLIC_BASE_URL,
    from: config.MAIL_FROM,
    logger,
    intervalMs: config.GATEWAY_NOTIFY_INTERVAL_MS,
  });
  gatewayNotifier.start();

  const reminders = new ReminderRunner({
    dataSource,
    calendar,
    deadlines: domainDeadlines(dataSource, directory, calendar, {
      logger,
      openReviewTasks: openReviewTasksFromEngine(engine),
    }),
    refreshCalendar: () => refreshCalendar(calendar, { overrideFile: config.HOLIDAY_OVERRIDE_FILE, logger }),
    escalateTo: () => directory.candidateGroup('data-bureau'),
    baseUrl: config.PUBLIC_BASE_URL,
    mailDomain: mailDomain(config.MAIL_FROM),
    logger,
  });
  reminders.start();

  return {
    calendar,
    directory,
    dispatcher,
    gatewayNotifier,
    reminders,
    status: () => ({
      smtp: dispatcher !== undefined,
      calendar: { coveredYears: calendar.coveredYears(), sources: calendar.sources() },
      reminders: reminders.state(),
    }),
    async stop() {
      await Promise.all([gatewayNotifier.stop(), reminders.stop(), dispatcher?.stop()]);
    },
  };
}
