/**
 * Incidents that depend on what is deployed: a call activity whose called process does not exist
 * (CALLED_ELEMENT_ERROR) and a user task whose linked form does not exist (FORM_NOT_FOUND). Deploying
 * the missing resource and resolving the incident lets the instance continue, as in Zeebe.
 */
import {
  deployFixtures,
  eventually,
  incidentsOf,
  instanceState,
  NOW,
  startTestEngine,
  trail,
  type TestEngine,
} from '../support/engine';

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine('sdkincidents');
  await deployFixtures(t.client, 'sdk-call-missing.bpmn', 'sdk-form-missing.bpmn');
});
afterAll(async () => {
  await t?.stop();
});

const oneIncident = (pi: string) =>
  eventually(async () => {
    const found = await incidentsOf(t.client, pi);
    expect(found).toHaveLength(1);
    return found[0]!;
  });

it('should raise CALLED_ELEMENT_ERROR for an undeployed called process and continue once it is deployed', async () => {
  const pi = (await t.sdk.createProcessInstance({ processDefinitionId: 'sdk-call-missing' })).processInstanceKey;
  const incident = await oneIncident(pi);
  expect(incident).toEqual(expect.objectContaining({ errorType: 'CALLED_ELEMENT_ERROR', elementId: 'CallMissing' }));
  expect(incident.errorMessage).toContain('sdk-deployed-later');

  await deployFixtures(t.client, 'sdk-deployed-later.bpmn');
  await t.sdk.resolveIncident({ incidentKey: String(incident.incidentKey) });
  await eventually(async () => expect(await instanceState(t.client, pi)).toBe('COMPLETED'));
  expect(await trail(t.client, pi)).toContain('CallMissing:COMPLETED');
});

it('should raise FORM_NOT_FOUND for a user task whose linked form is missing and create the task once it is deployed', async () => {
  const pi = (await t.sdk.createProcessInstance({ processDefinitionId: 'sdk-form-missing' })).processInstanceKey;
  const incident = await oneIncident(pi);
  expect(incident).toEqual(expect.objectContaining({ errorType: 'FORM_NOT_FOUND', elementId: 'Fill' }));

  await deployFixtures(t.client, 'sdk-form-deployed-later.form');
  await t.sdk.resolveIncident({ incidentKey: String(incident.incidentKey) });
  const task = await eventually(async () => {
    const [found] = (await t.sdk.searchUserTasks({ filter: { processInstanceKey: pi } }, NOW)).items;
    expect(found?.state).toBe('CREATED');
    return found!;
  });
  const form = await t.sdk.getUserTaskForm({ userTaskKey: task.userTaskKey }, NOW);
  expect(form).toEqual(expect.objectContaining({ formId: 'sdk-form-deployed-later' }));
  await t.sdk.completeUserTask({ userTaskKey: task.userTaskKey });
  await eventually(async () => expect(await instanceState(t.client, pi)).toBe('COMPLETED'));
});
