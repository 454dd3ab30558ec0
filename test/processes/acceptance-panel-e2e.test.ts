/**
 * R22.2 — the final-acceptance review is taken by the panel's lead expert through the API.
 *
 * `Task_FinalAcceptanceReview` is the experts' task, but the tasklist shows an expert only the
 * projects of tasks assigned to them (experts read no projects but their own reviews). The organiser
 * (`Task_AcceptanceOrganisation`) names the panel's lead (`finalAcceptancePanelLead`, checked
 * server-side to be an active expert) and the review is assigned to them. Everything over HTTP
 * against the real API, the embedded engine and the real workers (test/processes/world.ts).
 */
import { eventually, NOW } from '../support/engine';
import { applicationForm, openWorld, submitProject, type World } from './world';
import {
  acceptanceOpinion,
  finalApplication,
  implementation,
  includeInPlan,
  inspectAndPreliminary,
  investmentPlan,
  jointReview,
  organisation,
  startConstruction,
  throughMaterials,
} from './e2e-steps';

let w: World;
beforeAll(async () => {
  w = await openWorld('e2epanel');
}, 60_000);
afterAll(async () => {
  await w?.close();
});

type Problem = { title?: string; detail?: string; errors?: { field: string; message: string }[] };
type Listed = { items: { key: string; elementId: string; assignee: string | null; project: { id: number } | null }[] };

describe('R22.2 the panel lead named by the organiser takes the final-acceptance review', () => {
  it('the named lead sees and completes it over HTTP, another expert does not see it; a non-expert lead is refused', async () => {
    // given: a project through construction, inspections and preliminary acceptance, its final
    // acceptance applied for (as lifecycle-e2e drives a project there)
    await w.at('2026-09-15T10:00:00+08:00');
    const name = '叶集区卫生健康综合监管平台';
    const run = await submitProject(
      w,
      'WJW',
      applicationForm({
        projectName: name,
        summary: '医疗机构监管、执法与信用评价一体化。',
        constructionPeriod: { start: '2027-06', end: '2027-10' },
      }),
    );
    await throughMaterials(run, name, { constructionStart: '2027-06', constructionEnd: '2027-10' });
    await w.at('2026-10-12T09:00:00+08:00');
    await jointReview(run, { awaitWindow: true });
    await investmentPlan(run);
    await w.at('2027-01-04T09:00:00+08:00');
    await includeInPlan(run);
    await w.at('2027-06-01T09:00:00+08:00');
    await startConstruction(run, 120, '2027-11-30');
    await run.upload('security-assessment');
    await run.upload('crypto-assessment');
    await w.at('2027-11-01T09:00:00+08:00');
    await run.complete('Task_Implementation', run.deptGroup, implementation('2027-10-30', 120));
    await inspectAndPreliminary(run, '2027-11-10');
    await w.at('2027-11-20T09:00:00+08:00');
    await run.complete('Task_FinalAcceptanceApplication', run.deptGroup, finalApplication);

    // the data bureau's staff organise the acceptance through the tasklist API
    const [org] = await run.open('Task_AcceptanceOrganisation');
    const orgKey = String(org!.userTaskKey);
    const bureau = await w.api('sjj.staff');
    expect((await bureau.post(`/api/tasks/${orgKey}/claim`)).status).toBe(200);
    const organise = (lead: string) =>
      bureau.post<Problem>(`/api/tasks/${orgKey}/complete`, {
        variables: { ...organisation, finalAcceptancePanelLead: lead },
      });

    // when: the lead named is not an expert (the trading centre's staff), or nobody → 400 problem+json
    for (const lead of ['jyzx.staff', 'expert.nobody']) {
      const refused = await organise(lead);
      expect(refused.status).toBe(400);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'finalAcceptancePanelLead' })]);
    }
    // the task is still open, nothing reached the engine
    expect((await w.t.sdk.getUserTask({ userTaskKey: orgKey }, NOW)).state).toBe('CREATED');

    // when: an expert is named the lead
    expect((await organise('expert.li')).status).toBe(204);

    // then: the review is assigned to expert.li, who sees it in the task list with its project
    const [review] = await run.open('Task_FinalAcceptanceReview');
    const reviewKey = String(review!.userTaskKey);
    expect(review!.assignee).toBe('expert.li');
    const lead = await w.api('expert.li');
    const mine = await lead.get<Listed>('/api/tasks?pageSize=100');
    expect(mine.status).toBe(200);
    const listed = mine.body.items.find((t) => t.key === reviewKey);
    expect(listed).toMatchObject({
      elementId: 'Task_FinalAcceptanceReview',
      assignee: 'expert.li',
      project: { id: run.projectId },
    });
    expect((await lead.get(`/api/tasks/${reviewKey}`)).status).toBe(200);

    // and another expert neither lists nor opens nor completes it
    const other = await w.api('expert.zhao');
    const theirs = await other.get<Listed>('/api/tasks?pageSize=100');
    expect(theirs.status).toBe(200);
    expect(theirs.body.items.map((t) => t.key)).not.toContain(reviewKey);
    expect((await other.get(`/api/tasks/${reviewKey}`)).status).toBe(404);
    const foreign = await other.post(`/api/tasks/${reviewKey}/complete`, { variables: acceptanceOpinion('pass') });
    expect(foreign.status).toBe(404);
    expect((await w.t.sdk.getUserTask({ userTaskKey: reviewKey }, NOW)).state).toBe('CREATED');

    // when: the lead completes the review over HTTP (no claim needed: it is theirs)
    const done = await lead.post(`/api/tasks/${reviewKey}/complete`, {
      variables: acceptanceOpinion('pass', '2027-12-20'),
    });
    expect(done.status).toBe(204);

    // then: the process goes on to the passed path and the completion is on record as expert.li's
    await run.reached('Task_FinalAcceptanceReview');
    await eventually(async () => expect(await run.trail()).toContain('Gateway_FinalAcceptancePassed:COMPLETED'));
    const completions = (await w.ds.query('SELECT username FROM task_completion WHERE user_task_key = ?', [
      reviewKey,
    ])) as { username: string }[];
    expect(completions.map((c) => c.username)).toEqual(['expert.li']);
  }, 240_000);
});
