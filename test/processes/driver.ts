/**
 * Drives the deployed process models on the embedded engine through the official SDK, as the
 * workers and the task list will: jobs are activated and completed by type (standing in for the
 * workers of `workers/`, which own the domain side effects), user tasks are completed with form
 * variables after checking their candidate groups, messages are published, the clock is pinned.
 */
import { readFileSync } from 'node:fs';
import { processResources } from '../../processes';
import { activateOne, eventually, NOW, rootVariables, trail, type TestEngine } from '../support/engine';

type Vars = Record<string, unknown>;

export async function deployProcesses(t: TestEngine): Promise<void> {
  type Resources = Parameters<TestEngine['client']['createDeployment']>[0]['resources'];
  const files = processResources().map(
    (r) =>
      new File([readFileSync(r.path)], r.name.replace(/^forms\//, ''), {
        type: r.name.endsWith('.form') ? 'application/json' : 'application/xml',
      }),
  );
  await t.client.createDeployment({ resources: files as unknown as Resources });
}

export class Run {
  constructor(
    readonly t: TestEngine,
    readonly key: string,
  ) {}

  static async start(t: TestEngine, processId: string, variables: Vars): Promise<Run> {
    const r = await t.sdk.createProcessInstance({ processDefinitionId: processId, variables });
    return new Run(t, r.processInstanceKey);
  }

  /** Completes the next job of `type` (a worker's answer), asserting it belongs to the expected element. */
  async job(type: string, elementId: string, variables: Vars = {}): Promise<Vars> {
    const job = await activateOne(this.t.client, type, { waitMs: 5_000 });
    expect({ type, elementId: job.elementId, instance: job.processInstanceKey }).toEqual({
      type,
      elementId,
      instance: this.key,
    });
    await this.t.sdk.completeJob({ jobKey: job.jobKey, variables });
    return job.variables as Vars;
  }

  async throwError(type: string, elementId: string, errorCode: string): Promise<void> {
    const job = await activateOne(this.t.client, type, { waitMs: 5_000 });
    expect({ type, elementId: job.elementId }).toEqual({ type, elementId });
    await this.t.sdk.throwJobError({ jobKey: job.jobKey, errorCode, errorMessage: errorCode });
  }

  /** The open user task of an element (waits until it is created). */
  async task(elementId: string) {
    return eventually(async () => {
      const r = await this.t.sdk.searchUserTasks(
        { filter: { processInstanceKey: this.key, elementId, state: 'CREATED' } },
        NOW,
      );
      const [task] = r.items;
      if (!task) throw new Error(`no open user task ${elementId}`);
      return task;
    });
  }

  /** Completes a user task as a member of `group` would (the group must be a candidate). */
  async complete(elementId: string, group: string, variables: Vars = {}): Promise<void> {
    const task = await this.task(elementId);
    expect({ elementId, groups: task.candidateGroups }).toEqual({ elementId, groups: expect.arrayContaining([group]) });
    await this.t.sdk.completeUserTask({ userTaskKey: task.userTaskKey, variables });
  }

  async publish(name: string, correlationKey: string, variables: Vars = {}): Promise<void> {
    await this.t.sdk.publishMessage({ name, correlationKey, variables, timeToLive: 0 });
  }

  async trail(): Promise<string[]> {
    return trail(this.t.client, this.key);
  }

  /** Waits until the element has an instance in the given state. */
  async reached(elementId: string, state = 'COMPLETED'): Promise<void> {
    await eventually(async () => expect(await this.trail()).toContain(`${elementId}:${state}`));
  }

  async vars(): Promise<Vars> {
    return rootVariables(this.t.client, this.key);
  }

  async state(): Promise<string> {
    return (await this.t.sdk.getProcessInstance({ processInstanceKey: this.key }, NOW)).state;
  }
}
