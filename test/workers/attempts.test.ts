/**
 * The history of attempts (R12, R13, R22.2): failed final acceptances and failed inspection /
 * review rounds are recorded before the department rectifies, on the real database (SQLite, or
 * MariaDB with TEST_DATABASE_URL). Each job is delivered twice at the same process position (as
 * at-least-once delivery may): the second delivery answers the same and writes nothing.
 */
import { recordAcceptanceAttempt } from '../../services/domain/attempts';
import { DeliveryService } from '../../services/domain/delivery';
import { AcceptanceAttemptEntity, AcceptanceEntity, ComplianceCheckEntity } from '../../services/domain/entities';
import { LifecycleService } from '../../services/domain/lifecycle';
import { recordTaskCompletion } from '../../services/domain/task-completions';
import { createAcceptanceDocsCheckWorker } from '../../workers/acceptance-docs-check';
import { createAcceptanceFailedRecordWorker } from '../../workers/acceptance-failed-record';
import { createAcceptanceRecordWorker } from '../../workers/acceptance-record';
import { createCheckFailedRecordWorker } from '../../workers/check-failed-record';
import { createCheckPassedRecordWorker } from '../../workers/check-passed-record';
import type { JobInfo, WorkerDefinition } from '../../workers/framework';
import { addProject, addUser, openWorkerTestEnv, run, type WorkerTestEnv } from './helpers';

let env: WorkerTestEnv;

beforeAll(async () => {
  env = await openWorkerTestEnv('attempts');
});
afterAll(async () => {
  await env?.close();
});

const w = <T>(create: (d: typeof env.deps) => T) => create(env.deps) as unknown as WorkerDefinition;
let position = 8000;
const instance = '2251799813999001';

/** The rows these workers write, in id order (the tables a redelivery must leave alone). */
async function rows() {
  const out: Record<string, unknown> = {};
  for (const t of ['acceptance_attempt', 'acceptance', 'compliance_check', 'project', 'worker_effect', 'audit_log'])
    out[t] = await env.ds.query(`SELECT * FROM ${t} ORDER BY 1`);
  return JSON.parse(JSON.stringify(out)) as Record<string, unknown>;
}

/** Runs the job at a new element instance, then delivers it again (another job key): same answer, no change. */
async function onceAndAgain(def: WorkerDefinition, variables: Record<string, unknown>, over: Partial<JobInfo> = {}) {
  position += 1;
  const at = { processInstanceKey: instance, elementInstanceKey: String(position), ...over };
  const first = await run(env, def, variables, at);
  expect(first.action).toBe('complete');
  const before = await rows();
  expect(await run(env, def, variables, { ...at, jobKey: `9${position}` })).toEqual(first);
  expect(await rows()).toEqual(before);
  return first as { action: 'complete'; variables: Record<string, unknown> };
}

const lifecycle = () => new LifecycleService(env.ds, env.deps.calendar, env.clock.now);

let taskSeq = 0;
/** What TaskService records when `username` completes the element's user task in the tasklist. */
async function completedInTasklist(elementId: string, username: string, at: string) {
  taskSeq += 1;
  const task = { userTaskKey: `77${taskSeq}`, elementId, processInstanceKey: instance };
  await recordTaskCompletion(
    env.ds,
    { ...task, processDefinitionId: 'project-lifecycle' },
    username,
    'complete',
    new Date(at),
  );
}

describe('R22.2 final acceptance: every review is an attempt, failed ones included', () => {
  it('records attempt 1 failed (opinion, R14 items not met, panel), attempt 2 failed, attempt 3 passed', async () => {
    const p = await addProject(env, { stage: 'final-acceptance' });
    const review = (result: 'pass' | 'fail', opinion: string) => ({
      projectId: String(p.id),
      finalAcceptanceResult: result,
      finalAcceptanceOpinion: opinion,
      finalAcceptancePanel: '张工、李工、王工',
      itemProductSecurity: 'pass',
      itemCryptography: result === 'fail' ? 'fail' : 'pass',
      itemSecurityReview: 'pass',
      itemEnergyEfficiency: result === 'fail' ? 'fail' : 'not-applicable',
    });
    const expertA = await addUser(env, 'data-bureau', ['staff'], { username: 'attempts.expert-a' });
    const expertB = await addUser(env, 'data-bureau', ['staff'], { username: 'attempts.expert-b' });
    const failed = w(createAcceptanceFailedRecordWorker);
    await completedInTasklist('Task_FinalAcceptanceReview', 'attempts.expert-a', '2026-11-24T16:00:00+08:00');
    const out = await onceAndAgain(failed, review('fail', '密码应用未通过密评，PUE 超标，限期整改'), {
      elementId: 'Task_FinalAcceptanceFailedRecord',
    });
    expect(out.variables).toEqual({ finalAcceptanceAttempt: 1 });
    const [final] = await lifecycle().acceptances(p.id);
    expect(final).toMatchObject({
      stage: 'final',
      result: 'failed',
      acceptedOn: null,
      opinion: '密码应用未通过密评，PUE 超标，限期整改',
      items: { productSecurity: true, cryptography: false, securityReview: true },
    });
    // the re-application after rectification does not erase the history; the next failure is attempt 2
    env.clock.set('2026-12-10T10:00:00+08:00');
    await completedInTasklist('Task_FinalAcceptanceReview', 'attempts.expert-b', '2026-12-10T09:30:00+08:00');
    expect((await onceAndAgain(failed, review('fail', 'PUE 仍超标'))).variables).toEqual({ finalAcceptanceAttempt: 2 });
    env.clock.set('2026-12-20T10:00:00+08:00');
    // this review was completed outside the tasklist (no task_completion row of its own): nobody is
    // named and the day is the recording day — never the previous review's expert
    await onceAndAgain(w(createAcceptanceRecordWorker), review('pass', '同意通过竣工验收'), {
      elementId: 'Task_AcceptanceRecord',
    });
    expect((await lifecycle().acceptances(p.id))[0]).toMatchObject({ result: 'passed', acceptedOn: '2026-12-20' });
    const attempts = await lifecycle().acceptanceAttempts(p.id);
    expect(
      attempts.map((a) => [a.attempt, a.result, a.decidedOn, a.opinion, a.failedItems.map((i) => i.code)]),
    ).toEqual([
      [1, 'failed', '2026-11-24', '密码应用未通过密评，PUE 超标，限期整改', ['cryptography', 'energyEfficiency']],
      [2, 'failed', '2026-12-10', 'PUE 仍超标', ['cryptography', 'energyEfficiency']],
      [3, 'passed', '2026-12-20', '同意通过竣工验收', []],
    ]);
    expect(attempts.map((a) => a.decidedBy?.id ?? null)).toEqual([expertA, expertB, null]);
    expect(attempts.map((a) => a.decidedBy?.username ?? null)).toEqual([
      'attempts.expert-a',
      'attempts.expert-b',
      null,
    ]);
    expect(attempts.every((a) => a.panel === '张工、李工、王工')).toBe(true);
    expect(attempts.map((a) => a.failedItems[0]?.name ?? null)).toEqual(['密码应用', '密码应用', null]);
    expect(new Set(attempts.map((a) => a.processInstanceKey))).toEqual(new Set([instance]));
  });

  it('a position seen again outside ctx.once still gives one attempt (unique process position)', async () => {
    const p = await addProject(env, { stage: 'final-acceptance' });
    const input = {
      stage: 'final' as const,
      passed: false,
      opinion: '不合格',
      failedItems: ['securityReview' as const],
      panel: null,
      decidedOn: '2026-11-25',
      decidedBy: null,
      position: { processInstanceKey: instance, elementInstanceKey: 'again-1' },
    };
    const first = await env.ds.transaction((m) => recordAcceptanceAttempt(m, p.id, input, new Date()));
    const second = await env.ds.transaction((m) => recordAcceptanceAttempt(m, p.id, input, new Date()));
    expect(second).toEqual(first);
    expect(await env.ds.getRepository(AcceptanceAttemptEntity).countBy({ projectId: p.id })).toBe(1);
    // the database refuses a second row for the same position, whatever the code does
    await expect(
      env.ds.getRepository(AcceptanceAttemptEntity).insert({
        ...input,
        projectId: p.id,
        attempt: 2,
        result: 'failed',
        failedItems: null,
        processInstanceKey: instance,
        elementInstanceKey: 'again-1',
        recordedBy: 0,
        recordedAt: new Date().toISOString(),
      }),
    ).rejects.toThrow();
  });

  it('refuses to record a passed review as failed (wrong wiring is an incident, not a row)', async () => {
    const p = await addProject(env, { stage: 'final-acceptance' });
    const out = await run(env, w(createAcceptanceFailedRecordWorker), {
      projectId: String(p.id),
      finalAcceptanceResult: 'pass',
    });
    expect(out).toMatchObject({ action: 'fail', retries: 2 });
    expect(await env.ds.getRepository(AcceptanceAttemptEntity).countBy({ projectId: p.id })).toBe(0);
    expect(await env.ds.getRepository(AcceptanceEntity).countBy({ projectId: p.id })).toBe(0);
  });

  it('the API’s decision route records its attempt with the deciding user', async () => {
    env.clock.set('2026-11-25T10:00:00+08:00');
    const p = await addProject(env, { stage: 'final-acceptance' });
    const panelUser = await addUser(env, 'data-bureau', ['staff'], { username: 'attempts.sgj' });
    await env.ds.getRepository(AcceptanceEntity).insert({
      projectId: p.id,
      stage: 'final',
      appliedOn: '2026-11-20',
      dueOn: null,
      late: false,
      acceptedOn: null,
      result: null,
      opinion: null,
      items: null,
      recordedBy: panelUser,
      recordedAt: new Date().toISOString(),
    });
    await lifecycle().decideFinal(p.id, panelUser, {
      passed: false,
      acceptedOn: '2026-11-24',
      opinion: '安全审查未通过',
      items: { productSecurity: true, cryptography: true, securityReview: false, pue: null },
    });
    expect(await lifecycle().acceptanceAttempts(p.id)).toMatchObject([
      {
        attempt: 1,
        result: 'failed',
        decidedOn: '2026-11-24',
        failedItems: [{ code: 'securityReview', name: '安全审查' }],
        decidedBy: { id: panelUser, username: 'attempts.sgj' },
        processInstanceKey: null,
      },
    ]);
  });
});

describe('R12 / R13: every inspection and review round, failed ones with their findings', () => {
  it('records the failed rounds by kind (task header), then each passed round when it passes', async () => {
    env.clock.set('2026-11-25T10:00:00+08:00');
    const p = await addProject(env, { stage: 'implementation' });
    const inspector = await addUser(env, 'cyberspace-office', ['staff'], { username: 'attempts.wxb' });
    const checkFailed = w(createCheckFailedRecordWorker);
    await completedInTasklist('Task_SecurityInspection', 'attempts.wxb', '2026-11-25T09:00:00+08:00');
    const security = { kind: 'security-inspection' };
    const vars = {
      projectId: String(p.id),
      securityInspectionResult: 'fail',
      securityIssues: '存在高危漏洞',
      cryptoReviewResult: 'fail',
      cryptoIssues: '未使用国产密码算法',
    };
    expect(
      (
        await onceAndAgain(checkFailed, vars, {
          elementId: 'Task_SecurityInspectionFailedRecord',
          customHeaders: security,
        })
      ).variables,
    ).toEqual({});
    await onceAndAgain(checkFailed, vars, {
      elementId: 'Task_CryptoReviewFailedRecord',
      customHeaders: { kind: 'crypto-review' },
    });
    env.clock.set('2026-11-30T16:00:00+08:00');
    await completedInTasklist('Task_SecurityInspection', 'attempts.wxb', '2026-11-30T15:00:00+08:00');
    await onceAndAgain(checkFailed, { ...vars, securityIssues: '高危漏洞未修补完毕' }, { customHeaders: security });
    await completedInTasklist('Task_SecurityInspection', 'attempts.wxb', '2026-12-01T09:00:00+08:00');
    env.clock.set('2026-12-01T10:00:00+08:00');
    const checkPassed = w(createCheckPassedRecordWorker);
    const passedVars = {
      projectId: String(p.id),
      securityInspectionResult: 'pass',
      securityIssues: '高危漏洞未修补完毕',
      cryptoReviewResult: 'fail',
      cryptoIssues: '未使用国产密码算法',
    };
    // the security inspection passed: its round is recorded at once, while the crypto review is
    // still failed; the security form still carries the failed round's findings (a leftover
    // variable, not a finding of the pass)
    await onceAndAgain(checkPassed, passedVars, {
      elementId: 'Task_SecurityInspectionPassedRecord',
      customHeaders: security,
    });
    expect(await new DeliveryService(env.ds).checks(p.id)).toMatchObject({
      securityInspectionPassed: true,
      cryptoReviewPassed: false,
    });
    // a pass path job whose form did not say pass is an incident, not a passed round
    const notPassed = await run(env, checkPassed, passedVars, {
      processInstanceKey: instance,
      elementInstanceKey: String((position += 1)),
      customHeaders: { kind: 'crypto-review' },
    });
    expect(notPassed).toMatchObject({ action: 'fail' });
    expect(await env.ds.getRepository(ComplianceCheckEntity).countBy({ projectId: p.id, passed: true })).toBe(1);
    // the crypto review passes later, with findings of its own
    await onceAndAgain(
      checkPassed,
      { ...passedVars, cryptoReviewResult: 'pass', cryptoIssues: '已整改' },
      { elementId: 'Task_CryptoReviewPassedRecord', customHeaders: { kind: 'crypto-review' } },
    );
    const checks = await new DeliveryService(env.ds).checks(p.id);
    expect(checks).toMatchObject({ securityInspectionPassed: true, cryptoReviewPassed: true });
    // recorded_by: the inspector who completed the security inspection in the tasklist; the crypto
    // review was completed outside it (the process, 0)
    expect(checks.items.map((c) => [c.kind, c.round, c.passed, c.findings, c.checkedOn, c.recordedBy])).toEqual([
      ['security-inspection', 1, false, '存在高危漏洞', '2026-11-25', inspector],
      ['crypto-review', 1, false, '未使用国产密码算法', '2026-11-25', 0],
      ['security-inspection', 2, false, '高危漏洞未修补完毕', '2026-11-30', inspector],
      ['security-inspection', 3, true, null, '2026-12-01', inspector],
      ['crypto-review', 2, true, '已整改', '2026-12-01', 0],
    ]);
    expect(checks.items.every((c) => c.processInstanceKey === instance)).toBe(true);
    // R22.2: the documents check reads the passed rounds and writes none
    const docs = await onceAndAgain(w(createAcceptanceDocsCheckWorker), {
      projectId: String(p.id),
      docAcceptanceApplication: 'sq.pdf',
      docConstructionSummary: 'zj.pdf',
      docSecurityRiskReport: 'db.pdf',
      securityReportType: 'classified-protection',
      docCryptoAssessmentReport: 'mp.pdf',
      productSecurityStatus: '安全可靠',
      cryptoApplicationStatus: '已通过密评',
      securityReviewStatus: '已通过',
    });
    expect(docs.variables.acceptanceDocsComplete).toBe(true);
    expect(await env.ds.getRepository(ComplianceCheckEntity).countBy({ projectId: p.id })).toBe(5);
  });

  it('an instance of an older process version (no passed-record task): the documents check records the passed rounds once', async () => {
    const p = await addProject(env, { stage: 'implementation' });
    const docsVars = {
      projectId: String(p.id),
      docAcceptanceApplication: 'sq.pdf',
      docConstructionSummary: 'zj.pdf',
      docSecurityRiskReport: 'db.pdf',
      securityReportType: 'classified-protection',
      docCryptoAssessmentReport: 'mp.pdf',
      productSecurityStatus: '安全可靠',
      cryptoApplicationStatus: '已通过密评',
      securityReviewStatus: '已通过',
    };
    // both passed in the process, nothing on file (the old version wrote no round before this job)
    const docs = await onceAndAgain(w(createAcceptanceDocsCheckWorker), {
      ...docsVars,
      securityInspectionResult: 'pass',
      cryptoReviewResult: 'pass',
    });
    expect(docs.variables.acceptanceDocsComplete).toBe(true);
    const items = (await new DeliveryService(env.ds).checks(p.id)).items;
    expect(items.map((c) => [c.kind, c.round, c.passed, c.findings, c.recordedBy])).toEqual([
      ['security-inspection', 1, true, null, 0],
      ['crypto-review', 1, true, null, 0],
    ]);
    // the current version has its rounds on file before this job: a later documents check (another
    // position) adds nothing, and a failed round on file is never turned into a pass here
    await onceAndAgain(w(createAcceptanceDocsCheckWorker), {
      ...docsVars,
      securityInspectionResult: 'pass',
      cryptoReviewResult: 'pass',
    });
    expect(await env.ds.getRepository(ComplianceCheckEntity).countBy({ projectId: p.id })).toBe(2);
    const q = await addProject(env, { stage: 'implementation' });
    await onceAndAgain(
      w(createCheckFailedRecordWorker),
      {
        projectId: String(q.id),
        securityInspectionResult: 'fail',
        securityIssues: '存在高危漏洞',
      },
      { elementId: 'Task_SecurityInspectionFailedRecord', customHeaders: { kind: 'security-inspection' } },
    );
    const refused = await onceAndAgain(w(createAcceptanceDocsCheckWorker), {
      ...docsVars,
      projectId: String(q.id),
      securityInspectionResult: 'pass',
    });
    expect(refused.variables.acceptanceDocsComplete).toBe(false);
    expect(String(refused.variables.materialsDefectsText)).toContain('R12');
    expect(String(refused.variables.materialsDefectsText)).toContain('R13');
    expect(await env.ds.getRepository(ComplianceCheckEntity).countBy({ projectId: q.id, passed: true })).toBe(0);
  });

  it('a job without a valid kind header is an incident and records nothing', async () => {
    const p = await addProject(env, { stage: 'implementation' });
    const out = await run(env, w(createCheckFailedRecordWorker), {
      projectId: String(p.id),
      securityInspectionResult: 'fail',
    });
    expect(out).toMatchObject({ action: 'fail' });
    expect((out as { errorMessage: string }).errorMessage).toMatch(/kind/);
    expect(await env.ds.getRepository(ComplianceCheckEntity).countBy({ projectId: p.id })).toBe(0);
  });
});
