/** The generated OpenAPI 3.1 document, its interactive viewer, and the idempotent demo seed. */
import { routes } from '../../services/api/routes';
import { buildOpenApi } from '../../services/api/openapi';
import { DEMO_PASSWORD, DEMO_PROJECTS, DEMO_USERS, seedDemoData } from '../../services/demo/seed';
import { ROLES } from '../../services/domain/organisations';
import { startTestApi, type TestApi } from './support/api';

type Doc = {
  openapi: string;
  paths: Record<
    string,
    Record<
      string,
      {
        operationId: string;
        parameters: { name: string; in: string }[];
        requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
        'x-access': unknown;
        responses: Record<string, { $ref?: string; description?: string; content?: Record<string, unknown> }>;
      }
    >
  >;
};

describe('OpenAPI document and demo data', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api?.close());

  it('should describe every route of the table as an OpenAPI 3.1 operation', async () => {
    const res = await api.client().get<Doc>('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.values(doc.paths).flatMap((p) => Object.values(p).map((o) => o.operationId));
    expect(ops.sort()).toEqual(routes.map((r) => r.id).sort());
    const list = doc.paths['/projects']!.get!;
    expect(list.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(['stage', 'orgCode', 'year', 'q', 'sort', 'page', 'pageSize']),
    );
    const create = doc.paths['/projects']!.post!;
    const schema = create.requestBody!.content['application/json']!.schema;
    expect(schema).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: expect.arrayContaining(['projectName', 'investment']),
    });
    expect(doc.paths['/projects/{id}/attachments']!.post!.requestBody!.content).toHaveProperty('multipart/form-data');
    expect(doc.paths['/projects/{id}']!.get!['x-access']).toMatchObject({ roles: expect.arrayContaining(['auditor']) });
  });

  it('should document the decision routes’ 202 / 409 / 503 and the resubmission’s 409 / 503', async () => {
    const doc = (await api.client().get<Doc>('/api/openapi.json')).body;
    const decisions = [
      doc.paths['/projects/{id}/change-requests/{changeId}/decision']!.post!,
      doc.paths['/projects/{id}/delay-requests/{delayId}/decision']!.post!,
      doc.paths['/rectifications/{id}/response']!.post!,
      doc.paths['/rectifications/{id}/review']!.post!,
    ];
    for (const op of decisions) {
      expect(Object.keys(op.responses).sort()).toEqual(['200', '202', '400', '401', '403', '404', '409', '503']);
      // 202: the row still pending, with taskCompleted
      expect(op.responses['202']!.content!['application/json']).toMatchObject({
        schema: { type: 'object', required: expect.arrayContaining(['taskCompleted']) },
      });
      for (const status of ['409', '503'])
        expect(op.responses[status]).toMatchObject({
          $ref: '#/components/responses/Problem',
          description: expect.stringMatching(/\S/),
        });
    }
    expect(decisions[0]!.responses['409']!.description).toContain('no open task');
    expect(decisions[0]!.responses['503']!.description).toContain('nothing written');
    const resubmit = doc.paths['/projects/{id}/applications']!.post!;
    expect(Object.keys(resubmit.responses)).toEqual(expect.arrayContaining(['201', '409', '503']));
    expect(resubmit.responses['409']!.description).toContain('Task_ReviseApplication');
    expect(resubmit.responses).not.toHaveProperty('202');
    // a route that declares nothing extra keeps the usual answers only
    expect(Object.keys(doc.paths['/projects/{id}']!.get!.responses).sort()).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
    ]);
  });

  it('should be the same document the generator builds, and serve the viewer at /api/docs', async () => {
    const built = buildOpenApi(routes, '/api');
    const served = (await api.client().get<Doc>('/api/openapi.json')).body;
    expect(served).toEqual(JSON.parse(JSON.stringify(built)));
    const page = await api.client().get('/api/docs/');
    expect(page.status).toBe(200);
    expect(String(page.body)).toMatch(/swagger-ui/i);
    const init = await api.client().get('/api/docs/swagger-ui-init.js');
    expect(String(init.body)).toContain('/api/openapi.json');
  });

  it('should seed organisations, one user per role and a dozen projects over the stages, idempotently', async () => {
    const first = await seedDemoData(api.services);
    expect(first).toEqual({ users: DEMO_USERS.length, projects: DEMO_PROJECTS.length });
    const second = await seedDemoData(api.services);
    expect(second).toEqual({ users: 0, projects: 0 });
    const roles = new Set(DEMO_USERS.flatMap((u) => u.roles));
    expect([...roles].sort()).toEqual([...ROLES].sort());
    const stages = (await api.ds.query('SELECT DISTINCT stage FROM project')) as { stage: string }[];
    expect(stages.length).toBeGreaterThanOrEqual(10);
    const n = Number(((await api.ds.query('SELECT COUNT(*) AS n FROM organisation')) as { n: number }[])[0]!.n);
    expect(Number(n)).toBe(31);
    for (const u of ['admin', 'sgj.owner', 'jyj.staff', 'expert1', 'sjj.auditor']) {
      await api.client().login(u, DEMO_PASSWORD);
    }
  });
});
