/**
 * issue 7: annual-planning on the embedded engine, talking to a project-lifecycle instance through
 * its messages — the September deadline (R6), the concentrated review window (R7), the plan
 * compiled, returned and approved by the district government (R8.1), one message per project.
 * The send tasks' jobs are answered as the egov.publish-message worker does: publish the message
 * named in the task header with the project id as correlation key, then complete the job.
 */
import { activateJobs, startTestEngine, type TestEngine } from '../support/engine';
import { deployProcesses, Run } from './driver';
import { approve, DEPT, jointReview, NEVER, opinion, pin, project } from './steps';

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine('annualplan');
  await deployProcesses(t);
});
afterAll(async () => {
  await t?.stop();
});

/** The egov.publish-message worker: one message per multi-instance element. */
async function publishMessages(expected: number): Promise<{ name: string; projectId: string }[]> {
  const published: { name: string; projectId: string }[] = [];
  while (published.length < expected) {
    const jobs = await activateJobs(t.client, 'egov.publish-message', { max: expected, waitMs: 5_000 });
    if (jobs.length === 0) throw new Error(`only ${published.length} of ${expected} publish jobs arrived`);
    for (const job of jobs) {
      const name = (job.customHeaders as Record<string, string>).messageName!;
      const projectId = String((job.variables as Record<string, unknown>).projectId);
      await t.sdk.publishMessage({ name, correlationKey: projectId, variables: { planYear: 2027 }, timeToLive: 0 });
      await t.sdk.completeJob({ jobKey: job.jobKey, variables: {} });
      published.push({ name, projectId });
    }
  }
  return published;
}

describe('annual-planning model only (scripted worker outputs, no domain)', () => {
  it('R6/R7/R8.1 closes applications at the end of September, opens the review, and sends the approved plan to each project', async () => {
    await pin(t, '2026-03-02T09:00:00+08:00');
    const plan = await Run.start(t, 'annual-planning', { planYear: 2027 });
    await plan.job('egov.due-date', 'Task_PlanCalendar', {
      dueDate: '2026-10-01T00:00:00+08:00',
      reviewWindowEnd: '2026-12-31T23:59:59+08:00',
    });
    await plan.job('egov.notify', 'Task_NotifyApplicationCall');
    await plan.reached('Event_ApplicationDeadline', 'ACTIVE');

    // A department applies in September; its project waits for the review window.
    await pin(t, '2026-09-15T10:00:00+08:00');
    const run = await Run.start(t, 'project-lifecycle', project('p-annual'));
    await run.job('egov.applicability-check', 'Task_ApplicabilityCheck', {
      governed: true,
      quarterlyReportsRequired: false,
    });
    await run.job('egov.materials-check', 'Task_MaterialsCheck', {
      materialsComplete: true,
      awaitReviewWindow: true,
    });
    await run.job('egov.duplicate-check', 'Task_DuplicateCheck', { duplicateFound: false });
    await run.reached('Event_JointReviewOpened', 'ACTIVE');
    expect(await plan.trail()).not.toContain('Task_ApplicationWindowClose:COMPLETED');

    // 1 October: the window closes and the review opens for every application.
    await pin(t, '2026-10-01T00:00:01+08:00');
    const closing = await plan.job('egov.application-window-close', 'Task_ApplicationWindowClose', {
      appliedProjectIds: ['p-annual', 'p-other'],
    });
    expect(closing.planYear).toBe(2027);
    expect(await publishMessages(2)).toEqual(
      expect.arrayContaining([
        { name: 'joint-review-opened', projectId: 'p-annual' },
        { name: 'joint-review-opened', projectId: 'p-other' },
      ]),
    );
    await run.reached('Event_JointReviewOpened');
    await jointReview(run, {});
    await approve(run);
    await run.reached('Gateway_PlanDecision', 'ACTIVE');

    // After December the plan is compiled; the government returns it once, then approves it.
    await pin(t, '2027-01-01T00:00:01+08:00');
    await plan.job('egov.plan-compile', 'Task_PlanCandidates', {
      candidateProjects: [{ projectId: 'p-annual', projectName: '智慧校园', requestedFunds: 120 }],
    });
    const items = [
      { projectId: 'p-annual', projectName: '智慧校园', included: 'yes', allocatedFunds: 120 },
      { projectId: 'p-other', projectName: '其他项目', included: 'no', allocatedFunds: 0 },
    ];
    for (const decision of ['return', 'pass'] as const) {
      await plan.complete('Task_CompileAnnualPlan', 'finance', { planItems: items, planTotalFunds: 120 });
      await plan.complete('Task_GovernmentApproval', 'government', opinion(decision));
    }
    await plan.job('egov.plan-publish', 'Task_PlanPublish', {
      includedProjectIds: ['p-annual'],
      excludedProjectIds: ['p-other'],
    });
    expect(await publishMessages(2)).toEqual(
      expect.arrayContaining([
        { name: 'annual-plan-included', projectId: 'p-annual' },
        { name: 'annual-plan-not-included', projectId: 'p-other' },
      ]),
    );
    await plan.job('egov.fund-allocate', 'Task_FundAllocation');
    await plan.reached('EndEvent_PlanIssued');
    expect(await plan.state()).toBe('COMPLETED');
    expect((await plan.trail()).filter((e) => e === 'Task_GovernmentApproval:COMPLETED')).toHaveLength(2);

    // The project received its message and enters construction (R8.1, R21).
    await run.job('egov.due-date', 'Task_YearEndCheckDate', { dueDate: NEVER });
    const start = await run.task('Task_ProjectStart');
    expect(start.candidateGroups).toEqual([DEPT]);
    expect(await run.trail()).toContain('Event_PlanIncluded:COMPLETED');
  });
});
