/**
 * One owner per notice (docs/STATUS.md item 7): the process models mail their own deadline
 * notices (boundary timer → egov.notify, workers/notify.ts) and the reminder runner plans the
 * same rules from the domain tables. A single overdue must reach each recipient exactly once.
 *
 * The model's notice is produced by the real egov.notify worker (as the engine would run it at
 * the timer), the runner's by the real runner over the domain tables, and everything is then
 * delivered to a real SMTP server and counted per recipient there.
 */
import type { WorkingDayCalendar } from '../../services/calendar';
import { AcceptanceEntity } from '../../services/domain/entities';
import { listOutbox } from '../../services/notify/outbox';
import type { ReminderRunner } from '../../services/notify/reminders';
import type { WorkerDefinition } from '../../workers/framework';
import { createNotifyWorker } from '../../workers/notify';
import { addProject, addUser, openWorkerTestEnv, run, type WorkerTestEnv } from '../workers/helpers';
import { deliverOutbox, domainReminderRunner, type ReceivedMail } from './notify-support';

let env: WorkerTestEnv;
let calendar: WorkingDayCalendar;
let runner: ReminderRunner;
let now = 0;
let job = 9000;

beforeAll(async () => {
  env = await openWorkerTestEnv('woverlap');
  calendar = env.deps.calendar;
  await addUser(env, 'JYJ', ['staff'], { username: 'ov.jyj.staff' });
  await addUser(env, 'JYJ', ['manager'], { username: 'ov.jyj.manager' });
  await addUser(env, 'data-bureau', ['staff'], { username: 'ov.sjj.a' });
  await addUser(env, 'data-bureau', ['manager'], { username: 'ov.sjj.b' });
  runner = domainReminderRunner(env.ds, calendar, { baseUrl: 'https://egov.yeji.gov.cn', now: () => now });
});
afterAll(async () => {
  await env?.close();
});

/** The model's notice: the egov.notify job its boundary timer creates, run by the real worker. */
async function modelNotice(at: string, template: string, recipients: string, variables: Record<string, unknown>) {
  env.clock.set(at);
  job++;
  const action = await run(env, createNotifyWorker(env.deps) as unknown as WorkerDefinition, variables, {
    customHeaders: { template, recipients },
    processInstanceKey: String(job),
    elementInstanceKey: String(job + 100_000),
  });
  expect(action.action).toBe('complete');
}

async function runnerAt(iso: string) {
  now = Date.parse(iso);
  return runner.runOnce();
}

/** Sends the whole outbox to a real SMTP server; returns what it received. */
async function deliver(): Promise<ReceivedMail[]> {
  const pending = (await listOutbox(env.ds.manager, { status: 'pending' })).totalItems;
  const received = await deliverOutbox(env.ds, pending);
  expect(received).toHaveLength(pending);
  return received;
}

/** recipient address → number of mails whose subject contains `text` and that link the project */
function perRecipient(mails: ReceivedMail[], projectId: number, text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of mails) {
    if (!m.parsed.subject?.includes(text) || !m.parsed.text?.includes(`/#/projects/${projectId}`)) continue;
    for (const to of m.envelopeTo) out[to] = (out[to] ?? 0) + 1;
  }
  return out;
}

/** The project's preliminary acceptance passed on `day` (R22.2: the final application is due a month later). */
const preliminaryAcceptedOn = (projectId: number, day: string) =>
  env.ds.getRepository(AcceptanceEntity).insert({
    projectId,
    stage: 'preliminary',
    appliedOn: day,
    dueOn: null,
    late: false,
    acceptedOn: day,
    result: 'passed',
    opinion: null,
    items: null,
    recordedBy: 1,
    recordedAt: `${day}T08:00:00.000Z`,
  } as never);

const addresses = async (orgCode: string) =>
  (
    (await env.ds.query(
      'SELECT u.email FROM app_user u JOIN organisation o ON o.id = u.org_id WHERE o.code = ? AND u.disabled = ? ORDER BY u.id',
      [orgCode, false],
    )) as { email: string }[]
  ).map((r) => r.email);

describe('one owner per notice: the model’s timer notices and the reminder runner', () => {
  beforeEach(async () => {
    await env.ds.query('DELETE FROM mail_outbox');
  });

  it('R22.2: a single overdue mails each recipient exactly once (model at the deadline, runner the day after)', async () => {
    const p = await addProject(env, { name: '竣工验收逾期项目', stage: 'final-acceptance' });
    await preliminaryAcceptedOn(p.id, '2026-09-01');
    // due 8 October (1 month from 1 September, art. 203 past the National Day holiday)
    await modelNotice('2026-10-08T23:59:59+08:00', 'final-application-overdue', 'department,data-bureau', {
      projectId: String(p.id),
      finalApplicationDueDate: '2026-10-08T23:59:59+08:00',
    });
    // the runner's passes over the next working days: its first escalation stage is the model's
    for (const day of ['2026-10-09T09:00:00+08:00', '2026-10-09T15:00:00+08:00', '2026-10-12T09:00:00+08:00']) {
      expect(await runnerAt(day)).toMatchObject({ errors: 0 });
    }
    const mails = await deliver();
    const expected = Object.fromEntries(
      [...(await addresses('JYJ')), ...(await addresses('data-bureau'))].map((a) => [a, 1]),
    );
    expect(perRecipient(mails, p.id, '逾期')).toEqual(expected);
    expect(Object.keys(expected)).toEqual(expect.arrayContaining(['ov.sjj.a@yeji.gov.cn', 'ov.jyj.staff@yeji.gov.cn']));
  });

  it('R22.2 without the model’s notice (no live timer): the runner escalates, once per data-bureau user', async () => {
    const p = await addProject(env, { name: '无流程计时的项目', stage: 'final-acceptance', processInstanceKey: null });
    await preliminaryAcceptedOn(p.id, '2026-09-01');
    await runnerAt('2026-10-09T09:00:00+08:00');
    await runnerAt('2026-10-12T09:00:00+08:00');
    const mails = await deliver();
    expect(perRecipient(mails, p.id, '逾期')).toEqual(
      Object.fromEntries((await addresses('data-bureau')).map((a) => [a, 1])),
    );
  });

  it('R15: the model’s 1-day reminder and overdue notice are not repeated by the runner', async () => {
    const p = await addProject(env, { name: '季度报告项目', stage: 'implementation' });
    await env.ds.query("UPDATE project SET start_month = '2026-03', end_month = '2027-06' WHERE id = ?", [p.id]);
    // Q3 2026 is reported in the first 5 working days of October: 9, 10 (调休), 12, 13 → due 13 Oct
    await runnerAt('2026-10-12T00:30:00+08:00'); // the runner's pass at night on the 1-day stage
    await modelNotice('2026-10-12T09:00:00+08:00', 'progress-report-reminder', 'department', {
      projectId: String(p.id),
      reportDueDate: '2026-10-13T23:59:59+08:00',
    });
    await runnerAt('2026-10-12T15:00:00+08:00');
    let mails = await deliver();
    // the department's users: exactly one reminder on the 1-day stage (the model's)
    expect(perRecipient(mails, p.id, '到期提醒')).toEqual(
      Object.fromEntries((await addresses('JYJ')).map((a) => [a, 1])),
    );
    await env.ds.query('DELETE FROM mail_outbox');
    await modelNotice('2026-10-13T23:59:59+08:00', 'progress-report-overdue', 'department,data-bureau', {
      projectId: String(p.id),
      reportDueDate: '2026-10-13T23:59:59+08:00',
    });
    await runnerAt('2026-10-14T09:00:00+08:00');
    await runnerAt('2026-10-15T09:00:00+08:00');
    mails = await deliver();
    expect(perRecipient(mails, p.id, '逾期')).toEqual(
      Object.fromEntries([...(await addresses('JYJ')), ...(await addresses('data-bureau'))].map((a) => [a, 1])),
    );
  });
});
