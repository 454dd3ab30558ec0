/**
 * The process side of /api over real HTTP, with the real app, the embedded engine (through the
 * SDK) and the domain database (SQLite, or MariaDB with TEST_DATABASE_URL): submission starts the
 * project's `project-lifecycle` instance once; the tasklist joins tasks with projects and keeps
 * departments apart (list and direct URL); claim, complete with field errors, 退回 along the
 * model's return branch, comments in the timeline; definitions, statistics, projects at an
 * element, deployment (process owners only, lint problems); incidents with retry; 催办 and the
 * outbox.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../config';
import { createApp } from '../../services/app';
import { createApiRouter } from '../../services/api/router';
import { createDomainServices, type ApiServices } from '../../services/api/services';
import { openDatabase } from '../../services/db/data-source';
import { entities, migrations } from '../../services/db/schema';
import { DEMO_PASSWORD, seedDemoData } from '../../services/demo/seed';
import { ProjectEntity, type Project } from '../../services/domain/entities';
import { createLogger } from '../../services/logger';
import { deployProcessResources } from '../../services/processes/deploy';
import { submitAndStart } from '../../services/api/process-routes';
import { createEngineClient } from '../../services/engine-client';
import { createTestDatabase, type TestDatabase } from '../support/db';
import {
  activateJobs,
  activateOne,
  deployFixtures,
  eventually,
  NOW,
  startTestEngine,
  type TestEngine,
} from '../support/engine';
import { Client, files, multipart, sampleForm } from './support/api';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');
type Json = Record<string, unknown>;
interface Task {
  key: string;
  elementId: string;
  processInstanceKey: string;
  processDefinitionKey: string;
  assignee: string | null;
  canReturn: boolean;
  project: { id: number; code: string; name: string; orgCode: string; stage: string } | null;
}

/** task-review with its "fail" branch looping back to the task: a model with a 退回 path */
function loopModel(): string {
  return fixture('task-review.bpmn')
    .replace('id="task-review" name="任务审核测试"', 'id="task-loop" name="退回测试"')
    .replace('bpmnElement="task-review"', 'bpmnElement="task-loop"')
    .replace(
      'sourceRef="Gateway_Decision" targetRef="End_Fail"',
      'sourceRef="Gateway_Decision" targetRef="Task_Review"',
    )
    .replace(
      '<bpmn:incoming>Flow_1</bpmn:incoming>',
      '<bpmn:incoming>Flow_1</bpmn:incoming><bpmn:incoming>Flow_Fail</bpmn:incoming>',
    )
    .replace(/<bpmn:endEvent id="End_Fail"[\s\S]*?<\/bpmn:endEvent>/, '')
    .replace(/<bpmndi:BPMNShape id="End_Fail_di"[^\n]*\n/, '');
}

describe('process, task and operations API', () => {
  let t: TestEngine;
  let db: TestDatabase;
  let ds: DataSource;
  let services: ApiServices;
  let server: http.Server;
  let baseUrl: string;
  let uploadDir: string;
  const clock = { now: Date.parse('2026-09-15T02:00:00Z') };
  const c: Record<string, Client> = {};
  // seeded projects: JYJ (教育局) and WJW (卫健委)
  let jyjProject: Project;
  let wjwProject: Project;

  beforeAll(async () => {
    t = await startTestEngine('procapi');
    db = await createTestDatabase('procapi');
    uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'egov-procapi-'));
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: db.url,
      UPLOAD_DIR: uploadDir,
      DEMO_DATA: 'false',
    });
    ds = await openDatabase({ url: db.url, entities, migrations });
    services = createDomainServices(ds, config, { engine: t.client, now: () => new Date(clock.now) });
    await services.identity.ensureOrganisations();
    await seedDemoData(services);
    await deployProcessResources(t.client);
    await t.client.createDeployment({
      resources: [
        new File([fixture('task-review.bpmn')], 'task-review.bpmn', { type: 'application/xml' }),
        new File([loopModel()], 'task-loop.bpmn', { type: 'application/xml' }),
        new File([fixture('test-review-opinion.form')], 'test-review-opinion.form', { type: 'application/json' }),
      ],
    } as never);
    const logger = createLogger(config);
    const app = createApp({
      config,
      logger,
      dataSource: ds,
      engine: t.client,
      api: createApiRouter({ config, dataSource: ds, services, logger }),
    });
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const u of [
      'jyj.staff',
      'jyj.manager',
      'wjw.staff',
      'sgj.staff',
      'sgj.manager',
      'sgj.owner',
      'admin',
      'sjj.auditor',
    ]) {
      c[u] = new Client(baseUrl);
      await c[u].login(u, DEMO_PASSWORD);
    }
    const repo = ds.getRepository(ProjectEntity);
    jyjProject = await repo.findOneByOrFail({ name: '叶集区智慧教育云平台扩容' });
    wjwProject = await repo.findOneByOrFail({ name: '区人民医院互联网医院信息系统' });
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await ds?.destroy();
    await db?.drop();
    await t?.stop();
    fs.rmSync(uploadDir, { recursive: true, force: true });
  });

  /** starts an instance of a fixture model for a department and links it to a project */
  async function instanceFor(processId: string, group: string, project: Project | null): Promise<string> {
    const created = await t.sdk.createProcessInstance({
      processDefinitionId: processId,
      variables: { departmentGroup: group },
    });
    const key = String(created.processInstanceKey);
    if (project) await ds.getRepository(ProjectEntity).update({ id: project.id }, { processInstanceKey: key });
    return key;
  }

  async function taskOf(client: Client, processInstanceKey: string): Promise<Task> {
    return eventually(async () => {
      const res = await client.get<{ items: Task[] }>('/api/tasks?pageSize=100');
      expect(res.status).toBe(200);
      const found = res.body.items.find((x) => x.processInstanceKey === processInstanceKey);
      if (!found) throw new Error('task not visible yet');
      return found;
    });
  }

  describe('submission starts the project process', () => {
    let projectId: number;

    it('should start one project-lifecycle instance with the start variables and store its key', async () => {
      const created = await c['jyj.staff']!.post<{ project: { id: number } }>('/api/projects', sampleForm());
      expect(created.status).toBe(201);
      projectId = created.body.project.id;
      for (const kind of ['construction-basis', 'construction-plan', 'budget-estimate', 'feasibility-report']) {
        const up = await c['jyj.staff']!.request('POST', `/api/projects/${projectId}/attachments`, {
          body: multipart({ kind }, { name: `${kind}.pdf`, data: files.pdf() }),
        });
        expect(up.status).toBe(201);
      }
      const res = await c['jyj.staff']!.post<{ project: { processInstanceKey: string; stage: string } }>(
        `/api/projects/${projectId}/submit`,
        {},
      );
      expect(res.status).toBe(200);
      expect(res.body.project.stage).toBe('submitted');
      const key = res.body.project.processInstanceKey;
      expect(key).toMatch(/^\d{16,}$/);
      const instance = await t.sdk.getProcessInstance({ processInstanceKey: key }, NOW);
      expect(instance.processDefinitionId).toBe('project-lifecycle');
      const vars = await t.sdk.searchVariables({ filter: { processInstanceKey: key }, page: { limit: 100 } }, NOW);
      const byName = Object.fromEntries(vars.items.map((v) => [v.name, JSON.parse(v.value) as unknown]));
      expect(byName).toMatchObject({
        projectId: String(projectId),
        departmentGroup: 'dept:JYJ',
        departmentCode: 'JYJ',
        planYear: 2027,
        totalInvestment: 150.75,
        fundSource: 'fiscal',
        crossDepartment: false,
        urgentAdHoc: false,
        listedInDepartmentBudget: false,
        constructionStart: '2027-03',
        constructionEnd: '2027-10',
      });
      expect((await services.projects.get(projectId)).processInstanceKey).toBe(key);
    });

    it('should not start a second instance when submitted again', async () => {
      const before = (await services.projects.get(projectId)).processInstanceKey;
      const again = await c['jyj.staff']!.post(`/api/projects/${projectId}/submit`, {});
      expect(again.status).toBe(409);
      expect((await services.projects.get(projectId)).processInstanceKey).toBe(before);
      const instances = await t.sdk.searchVariables(
        { filter: { name: 'projectId', value: JSON.stringify(String(projectId)) }, page: { limit: 100 } },
        NOW,
      );
      expect(new Set(instances.items.map((v) => v.processInstanceKey)).size).toBe(1);
    });

    it('should start the process on a later submit when the engine was unreachable at submission', async () => {
      const created = await c['jyj.staff']!.post<{ project: { id: number } }>(
        '/api/projects',
        sampleForm({ projectName: '引擎中断时提交的项目' }),
      );
      const id = created.body.project.id;
      for (const kind of ['construction-basis', 'construction-plan', 'budget-estimate', 'feasibility-report']) {
        await c['jyj.staff']!.request('POST', `/api/projects/${id}/attachments`, {
          body: multipart({ kind }, { name: `${kind}.pdf`, data: files.pdf() }),
        });
      }
      // nothing listens on port 9: the domain submission succeeds, the process start does not
      const down = { ...services, engine: createEngineClient({ restAddress: 'http://127.0.0.1:9' }) };
      await expect(submitAndStart(down, id)).rejects.toMatchObject({ status: 503 });
      expect(await services.projects.get(id)).toMatchObject({ stage: 'submitted', processInstanceKey: null });
      const retry = await c['jyj.staff']!.post<{ project: { processInstanceKey: string } }>(
        `/api/projects/${id}/submit`,
        {},
      );
      expect(retry.status).toBe(200);
      expect(retry.body.project.processInstanceKey).toMatch(/^\d{16,}$/);
      expect((await c['jyj.staff']!.post(`/api/projects/${id}/submit`, {})).status).toBe(409);
    });

    it('should serve the path to the own department and hide it from others (404)', async () => {
      const own = await c['jyj.staff']!.get<{ processDefinitionId: string; timeline: Json[] }>(
        `/api/projects/${projectId}/path`,
      );
      expect(own.status).toBe(200);
      expect(own.body.processDefinitionId).toBe('project-lifecycle');
      expect(own.body.timeline.length).toBeGreaterThan(0);
      expect((await c['wjw.staff']!.get(`/api/projects/${projectId}/path`)).status).toBe(404);
      expect((await c['sgj.manager']!.get(`/api/projects/${projectId}/path`)).status).toBe(200);
      const draft = await ds.getRepository(ProjectEntity).findOneByOrFail({ stage: 'draft' });
      const none = await c['admin']!.get(`/api/projects/${draft.id}/path`);
      expect(none.status).toBe(404);
    });

    it('should list an incident with its project and retry it (admins only)', async () => {
      const key = (await services.projects.get(projectId)).processInstanceKey!;
      const jobs = await activateJobs(t.client, 'egov.applicability-check', { max: 10, waitMs: 5_000 });
      const job = jobs.find((j) => String(j.processInstanceKey) === key)!;
      expect(job).toBeDefined();
      await t.sdk.failJob({ jobKey: job.jobKey, retries: 0, errorMessage: '演示：适用性判定失败' });
      const listed = await eventually(async () => {
        const res = await c['admin']!.get<Json[]>('/api/incidents');
        expect(res.status).toBe(200);
        const found = res.body.find((i) => i.processInstanceKey === key);
        if (!found) throw new Error('incident not yet listed');
        return found;
      });
      expect(listed).toMatchObject({
        elementId: 'Task_ApplicabilityCheck',
        errorMessage: '演示：适用性判定失败',
        project: { id: projectId, name: '测试项目：政务数据中台' },
      });
      expect((await c['sgj.manager']!.get('/api/incidents')).status).toBe(403);
      expect(
        (await c['admin']!.post(`/api/incidents/${String(listed.incidentKey)}/retry`, { retries: 'x' })).status,
      ).toBe(400);
      const retried = await c['admin']!.post(`/api/incidents/${String(listed.incidentKey)}/retry`, { retries: 2 });
      expect(retried.status).toBe(204);
      const after = await c['admin']!.get<Json[]>('/api/incidents');
      expect(after.body.some((i) => i.incidentKey === listed.incidentKey)).toBe(false);
      // the job is activatable again
      const again = await activateJobs(t.client, 'egov.applicability-check', { max: 10, waitMs: 5_000 });
      expect(again.map((j) => String(j.processInstanceKey))).toContain(key);
    });
  });

  describe('tasklist', () => {
    let jyjInstance: string;
    let wjwInstance: string;

    beforeAll(async () => {
      jyjInstance = await instanceFor('task-review', 'dept:JYJ', jyjProject);
      wjwInstance = await instanceFor('task-review', 'dept:WJW', wjwProject);
    });

    it('should join tasks with their project and keep departments apart (list and direct URL)', async () => {
      const task = await taskOf(c['jyj.staff']!, jyjInstance);
      expect(task).toMatchObject({
        elementId: 'Task_Review',
        canReturn: false,
        project: { id: jyjProject.id, orgCode: 'JYJ', name: '叶集区智慧教育云平台扩容' },
      });
      expect(task.processDefinitionKey).toMatch(/^\d+$/);
      const wjwTask = await taskOf(c['wjw.staff']!, wjwInstance);
      const jyjList = await c['jyj.staff']!.get<{ items: Task[]; total: number }>('/api/tasks?pageSize=100');
      expect(jyjList.body.items.some((x) => x.processInstanceKey === wjwInstance)).toBe(false);
      expect(jyjList.body.items.every((x) => x.project === null || x.project.orgCode === 'JYJ')).toBe(true);
      for (const suffix of ['', '/form', '/comments', '/candidates']) {
        const res = await c['jyj.staff']!.get(`/api/tasks/${wjwTask.key}${suffix}`);
        expect({ suffix, status: res.status }).toEqual({ suffix, status: 404 });
      }
      expect((await c['jyj.staff']!.post(`/api/tasks/${wjwTask.key}/claim`, {})).status).toBe(404);
    });

    it('should filter by project, search and page', async () => {
      const byOrg = await c['jyj.staff']!.get<{ items: Task[] }>('/api/tasks?orgCode=JYJ&pageSize=100');
      expect(byOrg.body.items.map((x) => x.processInstanceKey)).toContain(jyjInstance);
      const byStage = await c['jyj.staff']!.get<{ items: Task[] }>('/api/tasks?stage=payment');
      expect(byStage.body.items.some((x) => x.processInstanceKey === jyjInstance)).toBe(false);
      const q = await c['jyj.staff']!.get<{ items: Task[] }>(`/api/tasks?q=${encodeURIComponent('智慧教育')}`);
      expect(q.body.items.map((x) => x.processInstanceKey)).toContain(jyjInstance);
      const paged = await c['jyj.staff']!.get<{ items: Task[]; page: number; pageSize: number }>(
        '/api/tasks?page=1&pageSize=1',
      );
      expect(paged.body).toMatchObject({ page: 1, pageSize: 1 });
      expect(paged.body.items.length).toBe(1);
      for (const bad of ['sort=drop', 'scope=everyone', 'overdue=maybe', 'pageSize=1000', 'x=1']) {
        expect({ bad, status: (await c['jyj.staff']!.get(`/api/tasks?${bad}`)).status }).toEqual({ bad, status: 400 });
      }
    });

    it('should claim, validate the form server-side with field errors, and complete', async () => {
      const task = await taskOf(c['jyj.staff']!, jyjInstance);
      const form = await c['jyj.staff']!.get<{ schema: { id: string }; data: Json }>(`/api/tasks/${task.key}/form`);
      expect(form.status).toBe(200);
      expect(form.body.schema.id).toBe('test-review-opinion');
      expect(form.body.data).toMatchObject({ departmentGroup: 'dept:JYJ' });
      const early = await c['jyj.staff']!.post(`/api/tasks/${task.key}/complete`, { variables: { decision: 'pass' } });
      expect(early.status).toBe(409);
      const claimed = await c['jyj.staff']!.post<Task>(`/api/tasks/${task.key}/claim`, {});
      expect(claimed.status).toBe(200);
      expect(claimed.body).toMatchObject({ assignee: 'jyj.staff', project: { id: jyjProject.id } });
      expect((await c['jyj.manager']!.post(`/api/tasks/${task.key}/claim`, {})).status).toBe(409);
      const invalid = await c['jyj.staff']!.post<{ errors: { field: string }[] }>(`/api/tasks/${task.key}/complete`, {
        variables: { decision: 'fail' },
      });
      expect(invalid.status).toBe(400);
      expect(invalid.headers.get('content-type')).toMatch(/problem\+json/);
      expect(invalid.body.errors).toEqual([{ field: 'reason', message: expect.any(String) }]);
      const unknownKey = await c['jyj.staff']!.post(`/api/tasks/${task.key}/complete`, { variables: {}, extra: 1 });
      expect(unknownKey.status).toBe(400);
      const done = await c['jyj.staff']!.post(`/api/tasks/${task.key}/complete`, { variables: { decision: 'pass' } });
      expect(done.status).toBe(204);
      await eventually(async () =>
        expect((await t.sdk.getProcessInstance({ processInstanceKey: jyjInstance }, NOW)).state).toBe('COMPLETED'),
      );
      const path = await c['jyj.staff']!.get<{ timeline: Json[] }>(`/api/projects/${jyjProject.id}/path`);
      expect(path.body.timeline.find((e) => e.elementId === 'Task_Review')).toMatchObject({
        actor: '刘老师（教育局经办）',
        decision: 'pass',
      });
    });

    it('should offer transfer targets of the candidate group only and refuse others (422)', async () => {
      const pi = await instanceFor('task-review', 'dept:JYJ', null);
      const task = await taskOf(c['jyj.staff']!, pi);
      const candidates = await c['jyj.staff']!.get<{ username: string }[]>(`/api/tasks/${task.key}/candidates`);
      expect(candidates.body.map((x) => x.username).sort()).toEqual(['jyj.manager', 'jyj.staff']);
      await c['jyj.staff']!.post(`/api/tasks/${task.key}/claim`, {});
      const refused = await c['jyj.staff']!.post(`/api/tasks/${task.key}/transfer`, { username: 'wjw.staff' });
      expect(refused.status).toBe(422);
      const moved = await c['jyj.staff']!.post<Task>(`/api/tasks/${task.key}/transfer`, {
        username: 'jyj.manager',
        comment: '请黄局长审核',
      });
      expect(moved.status).toBe(200);
      expect(moved.body.assignee).toBe('jyj.manager');
      const unclaimed = await c['jyj.manager']!.post<Task>(`/api/tasks/${task.key}/unclaim`, {});
      expect(unclaimed.body.assignee).toBeNull();
      const comments = await c['jyj.staff']!.get<{ text: string; author: string }[]>(`/api/tasks/${task.key}/comments`);
      expect(comments.body).toEqual([
        expect.objectContaining({ text: '请黄局长审核', author: '刘老师（教育局经办）' }),
      ]);
    });

    it('should return (退回) along the model’s return branch, storing the reason in the timeline', async () => {
      const pi = await instanceFor('task-loop', 'dept:JYJ', jyjProject);
      const task = await taskOf(c['jyj.staff']!, pi);
      expect(task.canReturn).toBe(true);
      const comment = await c['jyj.staff']!.post<{ id: number; text: string }>(`/api/tasks/${task.key}/comments`, {
        text: '材料已初审',
      });
      expect(comment.status).toBe(201);
      expect(comment.body.text).toBe('材料已初审');
      expect((await c['jyj.staff']!.post(`/api/tasks/${task.key}/comments`, { text: '' })).status).toBe(400);
      expect((await c['jyj.staff']!.post(`/api/tasks/${task.key}/return`, { comment: '缺少可研' })).status).toBe(409);
      await c['jyj.staff']!.post(`/api/tasks/${task.key}/claim`, {});
      expect((await c['jyj.staff']!.post(`/api/tasks/${task.key}/return`, {})).status).toBe(400);
      const back = await c['jyj.staff']!.post(`/api/tasks/${task.key}/return`, { comment: '缺少可行性研究报告' });
      expect(back.status).toBe(204);
      // the loop brings the work back to the same step as a new task
      const next = await eventually(async () => {
        const again = await taskOf(c['jyj.staff']!, pi);
        if (again.key === task.key) throw new Error('old task still listed');
        return again;
      });
      expect(next.elementId).toBe('Task_Review');
      const vars = await t.sdk.searchVariables(
        { filter: { processInstanceKey: pi, name: 'decision' }, page: { limit: 10 } },
        NOW,
      );
      expect(vars.items.map((v) => JSON.parse(v.value) as unknown)).toContain('fail');
      const path = await c['jyj.manager']!.get<{ timeline: Json[] }>(`/api/projects/${jyjProject.id}/path`);
      const first = path.body.timeline.find((e) => e.elementId === 'Task_Review' && e.state === 'COMPLETED');
      expect(first).toMatchObject({ actor: '刘老师（教育局经办）', comment: '缺少可行性研究报告', decision: 'return' });
      // a task without a return branch refuses it
      const plain = await instanceFor('task-review', 'dept:JYJ', null);
      const plainTask = await taskOf(c['jyj.staff']!, plain);
      await c['jyj.staff']!.post(`/api/tasks/${plainTask.key}/claim`, {});
      expect((await c['jyj.staff']!.post(`/api/tasks/${plainTask.key}/return`, { comment: '退回' })).status).toBe(409);
    });

    it('should refuse task writes to the audit role and bad keys', async () => {
      const pi = await instanceFor('task-review', 'dept:JYJ', null);
      const task = await taskOf(c['jyj.staff']!, pi);
      // R28: the auditor may claim the audit group's task only; a department's task is not even disclosed
      const claim = await c['sjj.auditor']!.post(`/api/tasks/${task.key}/claim`, {});
      expect(claim.status).toBe(404);
      expect(claim.headers.get('content-type')).toContain('application/problem+json');
      expect((await c['sjj.auditor']!.post(`/api/tasks/${task.key}/complete`, { variables: {} })).status).toBe(404);
      expect((await c['sjj.auditor']!.post(`/api/tasks/${task.key}/unclaim`, {})).status).toBe(403);
      for (const key of ['1', 'abc', '99999999999999999999', '..%2F..%2Fetc']) {
        expect({ key, status: (await c['jyj.staff']!.get(`/api/tasks/${key}`)).status }).toEqual({ key, status: 400 });
      }
      expect((await c['jyj.staff']!.get('/api/tasks/2251799813685249999')).status).toBe(404);
    });
  });

  describe('definitions, live view and deployment', () => {
    let reviewKey: string;
    let jyjInstance: string;
    let wjwInstance: string;

    beforeAll(async () => {
      jyjInstance = await instanceFor('task-review', 'dept:JYJ', jyjProject);
      wjwInstance = await instanceFor('task-review', 'dept:WJW', wjwProject);
      await taskOf(c['wjw.staff']!, wjwInstance);
      await taskOf(c['jyj.staff']!, jyjInstance);
    });

    it('should list definitions to managers and process owners, not to department staff', async () => {
      const res =
        await c['sgj.manager']!.get<{ processDefinitionId: string; latestKey: string }[]>('/api/process-definitions');
      expect(res.status).toBe(200);
      expect(res.body.map((d) => d.processDefinitionId)).toEqual(
        expect.arrayContaining(['project-lifecycle', 'annual-planning', 'task-review']),
      );
      reviewKey = res.body.find((d) => d.processDefinitionId === 'task-review')!.latestKey;
      expect((await c['jyj.staff']!.get('/api/process-definitions')).status).toBe(403);
      expect((await c['sjj.auditor']!.get('/api/process-definitions')).status).toBe(200);
      const xml = await c['sgj.owner']!.get(`/api/process-definitions/${reviewKey}/xml`);
      expect(xml.status).toBe(200);
      expect(xml.headers.get('content-type')).toMatch(/application\/xml/);
      expect(String(xml.body)).toContain('Task_Review');
      expect((await c['sgj.owner']!.get('/api/process-definitions/2251799813685249999/xml')).status).toBe(404);
    });

    it('should count tokens per element with ages', async () => {
      const stats = await c['sgj.manager']!.get<{ elementId: string; active: number; oldestDays: number | null }[]>(
        `/api/process-definitions/${reviewKey}/statistics`,
      );
      expect(stats.status).toBe(200);
      const review = stats.body.find((s) => s.elementId === 'Task_Review')!;
      expect(review.active).toBeGreaterThanOrEqual(2);
      expect(review.oldestDays).not.toBeNull();
    });

    it('should name the projects at an element, filtered by what the caller may see', async () => {
      const url = `/api/process-definitions/${reviewKey}/elements/Task_Review/projects`;
      const bureau = await c['sgj.manager']!.get<{ processInstanceKey: string; project: Json | null }[]>(url);
      expect(bureau.status).toBe(200);
      const keys = bureau.body.map((x) => x.processInstanceKey);
      expect(keys).toEqual(expect.arrayContaining([jyjInstance, wjwInstance]));
      expect(bureau.body.find((x) => x.processInstanceKey === wjwInstance)!.project).toMatchObject({
        id: wjwProject.id,
        orgCode: 'WJW',
        stage: 'joint-review',
        // joint review: no statutory date runs yet
        nextDeadline: null,
      });
      const dept = await c['jyj.manager']!.get<{ processInstanceKey: string; project: Json | null }[]>(url);
      expect(dept.status).toBe(200);
      expect(dept.body.map((x) => x.processInstanceKey)).toContain(jyjInstance);
      expect(dept.body.every((x) => (x.project as { orgCode?: string } | null)?.orgCode === 'JYJ')).toBe(true);
      expect(
        (
          await c['jyj.manager']!.get(
            `/api/process-definitions/${reviewKey}/elements/${encodeURIComponent('<x>')}/projects`,
          )
        ).status,
      ).toBe(400);
    });

    it('should deploy for process owners only, and refuse lint errors with problems on elements', async () => {
      const renamed = fixture('task-review.bpmn').replace('name="审核意见"', 'name="部门审核意见"');
      const body = { resources: [{ name: 'task-review.bpmn', content: renamed }] };
      expect((await c['sgj.manager']!.post('/api/deployments', body)).status).toBe(403);
      expect((await c['admin']!.post('/api/deployments', body)).status).toBe(403);
      const ok = await c['sgj.owner']!.post<{ processes: { processDefinitionId: string; version: number }[] }>(
        '/api/deployments',
        body,
      );
      expect(ok.status).toBe(201);
      expect(ok.body.processes[0]).toMatchObject({ processDefinitionId: 'task-review' });
      const broken = fixture('task-review.bpmn').replace('=departmentGroup', '=departmentGroup +');
      const refused = await c['sgj.owner']!.post<{ problems: { elementId: string; rule: string }[] }>(
        '/api/deployments',
        { resources: [{ name: 'task-review.bpmn', content: broken }] },
      );
      expect(refused.status).toBe(400);
      expect(refused.body.problems.map((p) => p.elementId)).toContain('Task_Review');
      const traversal = await c['sgj.owner']!.post('/api/deployments', {
        resources: [{ name: '../x.bpmn', content: renamed }],
      });
      expect(traversal.status).toBe(400);
      expect((await c['sgj.owner']!.post('/api/deployments', { resources: [] })).status).toBe(400);
    });
  });

  describe('instances called by a project process (call activities)', () => {
    it('should reach the project through the parent instance: at the element, in incidents, and filtered', async () => {
      await deployFixtures(t.client, 'sdk-call-child.bpmn', 'sdk-call-parent.bpmn');
      const created = await t.sdk.createProcessInstance({ processDefinitionId: 'sdk-call-parent', variables: {} });
      const parent = String(created.processInstanceKey);
      await ds.getRepository(ProjectEntity).update({ id: wjwProject.id }, { processInstanceKey: parent });
      const job = await activateOne(t.client, 'sdk-child-work', { waitMs: 5_000 });
      const child = String(job.processInstanceKey);
      expect(child).not.toBe(parent);
      const defs =
        await c['sgj.manager']!.get<{ processDefinitionId: string; latestKey: string }[]>('/api/process-definitions');
      const childKey = defs.body.find((d) => d.processDefinitionId === 'sdk-call-child')!.latestKey;
      const url = `/api/process-definitions/${childKey}/elements/ChildWork/projects`;
      const bureau = await c['sgj.manager']!.get<{ processInstanceKey: string; project: Json | null }[]>(url);
      expect(bureau.body.find((x) => x.processInstanceKey === child)!.project).toMatchObject({
        id: wjwProject.id,
        orgCode: 'WJW',
      });
      const jyj = await c['jyj.manager']!.get<{ processInstanceKey: string }[]>(url);
      expect(jyj.body.some((x) => x.processInstanceKey === child)).toBe(false);
      await t.sdk.failJob({ jobKey: job.jobKey, retries: 0, errorMessage: '子流程失败' });
      const incident = await eventually(async () => {
        const res = await c['admin']!.get<Json[]>('/api/incidents');
        const found = res.body.find((i) => i.processInstanceKey === child);
        if (!found) throw new Error('incident not yet listed');
        return found;
      });
      expect(incident.project).toEqual({ id: wjwProject.id, name: '区人民医院互联网医院信息系统' });
    });
  });

  describe('催办 and the outbox', () => {
    it('should mail the holders of the open task, audited, and list the mail in the outbox', async () => {
      const pi = await instanceFor('task-review', 'dept:WJW', wjwProject);
      await taskOf(c['wjw.staff']!, pi);
      expect((await c['jyj.manager']!.post(`/api/projects/${wjwProject.id}/urge`, {})).status).toBe(403);
      expect((await c['sgj.staff']!.post(`/api/projects/${wjwProject.id}/urge`, {})).status).toBe(403);
      const res = await c['sgj.manager']!.post<{ sent: number }>(`/api/projects/${wjwProject.id}/urge`, {
        message: '请尽快办理',
      });
      expect(res.status).toBe(200);
      expect(res.body.sent).toBe(1);
      const audit = (await ds.query(
        "SELECT actor, target FROM audit_log WHERE action = 'projects.urge' AND outcome <> 'denied'",
      )) as Json[];
      expect(audit).toEqual([{ actor: 'sgj.manager', target: `project:${wjwProject.id}` }]);
      const outbox = await c['admin']!.get<{
        items: { to: string[]; subject: string; status: string }[];
        total: number;
      }>('/api/mail/outbox?status=pending');
      expect(outbox.status).toBe(200);
      expect(outbox.body.total).toBeGreaterThanOrEqual(1);
      expect(outbox.body.items.some((m) => m.to.some((a) => a.includes('wjw.staff@yeji.gov.cn')))).toBe(true);
      expect((await c['sgj.manager']!.get('/api/mail/outbox')).status).toBe(403);
      expect((await c['admin']!.get('/api/mail/outbox?status=lost')).status).toBe(400);
    });
  });
});
