import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { openDatabase } from '../../services/db/data-source';
import { entities, migrations } from '../../services/db/schema';
import { bpmnError, complete, defineWorker, runJob, TransientError, type JobInfo } from '../../workers/framework';
import { createTestDatabase, type TestDatabase } from '../support/db';

const job = (over: Partial<JobInfo> = {}): JobInfo => ({
  jobKey: '2251799813685300',
  type: 'egov.test',
  processInstanceKey: '2251799813685249',
  processDefinitionId: 'project-lifecycle',
  elementId: 'Task_Check',
  elementInstanceKey: '2251799813685260',
  retries: 3,
  customHeaders: {},
  ...over,
});

describe('worker framework (contracts, error policy, idempotency)', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let effects = 0;

  const counting = defineWorker({
    type: 'egov.test',
    description: 'counts side effects',
    input: z.object({ amount: z.number().nonnegative() }),
    output: z.object({ governed: z.boolean(), effectNo: z.number() }),
    async handle(ctx) {
      const effectNo = await ctx.once(async () => {
        await new Promise((r) => setTimeout(r, 20));
        effects += 1;
        return effects;
      });
      return complete({ governed: ctx.variables.amount > 10, effectNo });
    },
  });

  beforeAll(async () => {
    db = await createTestDatabase('workers');
    ds = await openDatabase({ url: db.url, entities, migrations });
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('should complete with the business outcome as output variables', async () => {
    const action = await runJob(counting, job({ elementInstanceKey: '1' }), { amount: 12 }, { dataSource: ds });
    expect(action).toEqual({ action: 'complete', variables: { governed: true, effectNo: expect.any(Number) } });
  });

  it('should fail without retries when the input contract is violated (an incident for an operator)', async () => {
    const action = await runJob(counting, job(), { amount: 'ten' }, { dataSource: ds });
    expect(action).toMatchObject({ action: 'fail', retries: 0 });
    expect((action as { errorMessage: string }).errorMessage).toMatch(/amount/);
  });

  it('should run the side effect once when the same job is delivered twice', async () => {
    const before = effects;
    const first = await runJob(counting, job({ elementInstanceKey: '42' }), { amount: 5 }, { dataSource: ds });
    const second = await runJob(
      counting,
      job({ elementInstanceKey: '42', jobKey: '999' }),
      { amount: 5 },
      { dataSource: ds },
    );
    expect(effects).toBe(before + 1);
    expect(second).toEqual(first);
  });

  it('should run the side effect once when two deliveries race', async () => {
    const before = effects;
    const [a, b] = await Promise.all([
      runJob(counting, job({ elementInstanceKey: '77' }), { amount: 5 }, { dataSource: ds }),
      runJob(counting, job({ elementInstanceKey: '77' }), { amount: 5 }, { dataSource: ds }),
    ]);
    const rows = (await ds.query(
      "SELECT COUNT(*) AS n FROM worker_effect WHERE effect_key = 'egov.test:2251799813685249:77'",
    )) as { n: number | string }[];
    expect(Number(rows[0]!.n)).toBe(1);
    expect(a).toEqual(b);
    // the loser's effect was rolled back or never committed as the outcome
    expect(effects - before).toBeGreaterThanOrEqual(1);
  });

  it('should run the effect again when a loop re-enters the element (new element instance key)', async () => {
    const before = effects;
    await runJob(counting, job({ elementInstanceKey: '100' }), { amount: 5 }, { dataSource: ds });
    await runJob(counting, job({ elementInstanceKey: '101' }), { amount: 5 }, { dataSource: ds });
    expect(effects).toBe(before + 2);
  });

  it('should throw a BPMN error for a modelled exception', async () => {
    const w = defineWorker({
      type: 'egov.err',
      description: '',
      input: z.object({}),
      output: z.object({}),
      handle: async () => bpmnError('MATERIALS_INCOMPLETE', '缺少可行性研究报告'),
    });
    expect(await runJob(w, job(), {}, { dataSource: ds })).toEqual({
      action: 'error',
      errorCode: 'MATERIALS_INCOMPLETE',
      errorMessage: '缺少可行性研究报告',
      variables: undefined,
    });
  });

  it('should fail with one retry less and a back-off for a transient fault', async () => {
    const w = defineWorker({
      type: 'egov.flaky',
      description: '',
      input: z.object({}),
      output: z.object({}),
      handle: async () => {
        throw new TransientError('SMTP unavailable', 30_000);
      },
    });
    expect(await runJob(w, job({ retries: 3 }), {}, { dataSource: ds })).toEqual({
      action: 'fail',
      retries: 2,
      retryBackOff: 30_000,
      errorMessage: 'SMTP unavailable',
    });
  });

  it('should fail without retries when the handler breaks its output contract', async () => {
    const w = defineWorker({
      type: 'egov.badout',
      description: '',
      input: z.object({}),
      output: z.object({ passed: z.boolean() }),
      handle: async () => complete({ passed: 'yes' } as unknown as { passed: boolean }),
    });
    expect(await runJob(w, job(), {}, { dataSource: ds })).toMatchObject({ action: 'fail', retries: 0 });
  });
});
