/**
 * The set of workers equals the set of job types in processes/*.bpmn: a job type without a
 * worker (or a worker nobody calls) fails the build. BPMN errors a worker throws must be caught
 * by an error event of the same code in the models.
 */
import { readFileSync } from 'node:fs';
import { BpmnModdle } from 'bpmn-moddle';
import zeebeSchema from 'zeebe-bpmn-moddle/resources/zeebe.json';
import { z } from 'zod';
import { processResources } from '../../processes';
import { WorkingDayCalendar } from '../../services/calendar';
import { createWorkerConfig } from '../../workers/deps';
import { fetchVariablesOf } from '../../workers/framework';
import { createWorkers, workerDepsFromApp } from '../../workers';
import { PAYMENT_EXCEEDS_APPROVED } from '../../workers/payment';
import { DUE_DATE_RULES } from '../../workers/due-date';
import { NOTICES } from '../../workers/notify';
import { MESSAGE_NAMES } from '../../workers/publish-message';

interface El {
  $type: string;
  id?: string;
  type?: string;
  key?: string;
  value?: string;
  errorCode?: string;
  flowElements?: El[];
  rootElements?: El[];
  extensionElements?: { values: El[] };
  values?: El[];
}

interface Task {
  file: string;
  id: string;
  type: string;
  headers: Record<string, string>;
}

async function modelTasks(): Promise<{ tasks: Task[]; errorCodes: Set<string> }> {
  const moddle = new BpmnModdle({ zeebe: zeebeSchema });
  const tasks: Task[] = [];
  const errorCodes = new Set<string>();
  for (const r of processResources().filter((x) => x.name.endsWith('.bpmn'))) {
    const { rootElement } = (await moddle.fromXML(readFileSync(r.path, 'utf8'))) as unknown as { rootElement: El };
    const walk = (el: El) => {
      const ext = el.extensionElements?.values ?? [];
      const def = ext.find((e) => e.$type === 'zeebe:TaskDefinition');
      if (def?.type) {
        const headers = Object.fromEntries(
          (ext.find((e) => e.$type === 'zeebe:TaskHeaders')?.values ?? []).map((h) => [h.key!, h.value!]),
        );
        tasks.push({ file: r.name, id: el.id!, type: def.type, headers });
      }
      for (const child of el.flowElements ?? []) walk(child);
    };
    for (const root of rootElement.rootElements ?? []) {
      if (root.$type === 'bpmn:Error' && root.errorCode) errorCodes.add(root.errorCode);
      walk(root);
    }
  }
  return { tasks, errorCodes };
}

describe('workers/index: one worker per job type of the models', () => {
  const workers = createWorkers({
    dataSource: {} as never,
    calendar: new WorkingDayCalendar(),
    clock: () => new Date(),
    config: createWorkerConfig(),
    mail: { baseUrl: 'http://localhost:3000', domain: 'localhost' },
  });

  it('should have exactly the job types used in processes/*.bpmn', async () => {
    const { tasks } = await modelTasks();
    const used = [...new Set(tasks.map((t) => t.type))].sort();
    const provided = workers.map((w) => w.type).sort();
    expect(used.length).toBeGreaterThan(30);
    expect(provided).toEqual(used);
    expect(new Set(provided).size).toBe(provided.length);
  });

  it('should give every worker a description citing rules and an object input schema (fetched variables)', () => {
    for (const w of workers) {
      expect(w.description).toMatch(/R\d+/);
      expect(w.input).toBeInstanceOf(z.ZodObject);
      expect(fetchVariablesOf(w)?.length).toBeGreaterThan(0);
    }
  });

  it('should understand every header value the models use (due-date rules, notice templates, messages)', async () => {
    const { tasks } = await modelTasks();
    for (const t of tasks) {
      if (t.type === 'egov.due-date') expect(DUE_DATE_RULES).toContain(t.headers.rule);
      if (t.type === 'egov.notify') {
        expect(Object.keys(NOTICES)).toContain(t.headers.template);
        expect(t.headers.recipients).toMatch(/^[a-z:,-]+$/);
      }
      if (t.type === 'egov.publish-message') expect(MESSAGE_NAMES).toContain(t.headers.messageName);
    }
  });

  it('should throw only BPMN errors the models catch (ERR_PAYMENT_EXCEEDS_APPROVED)', async () => {
    const { errorCodes } = await modelTasks();
    expect(errorCodes).toContain(PAYMENT_EXCEEDS_APPROVED);
  });
});

describe('workerDepsFromApp', () => {
  it('should take the mail link base and Message-ID domain from the application config', () => {
    const deps = workerDepsFromApp({
      config: { PUBLIC_BASE_URL: 'https://egov.yeji.gov.cn', MAIL_FROM: '叶集区数据资源管理局 <noreply@Yeji.gov.cn>' },
      dataSource: {} as never,
      calendar: new WorkingDayCalendar(),
      workerConfig: { duplicateThreshold: 0.7 },
    });
    expect(deps.mail).toEqual({ baseUrl: 'https://egov.yeji.gov.cn', domain: 'yeji.gov.cn' });
    expect(deps.config.duplicateThreshold).toBe(0.7);
    expect(deps.config.reviewQuorum).toBe(3);
    expect(deps.clock()).toBeInstanceOf(Date);
  });
});
