/**
 * OpenAPI 3.1 generated from the route table and its zod schemas (z.toJSONSchema, draft 2020-12,
 * which OpenAPI 3.1 uses as its schema dialect). Each operation also states who may call it
 * (`x-access`) and under which scope rule (`x-scope`).
 */
import { z } from 'zod';
import type { AnyRoute } from './types';

type JsonSchema = Record<string, unknown>;

function schemaOf(t: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const js = z.toJSONSchema(t, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete js.$schema;
  return js;
}

const problem = { $ref: '#/components/responses/Problem' };

/** A route's declared extra answers: errors as the shared problem+json (3.1 lets a $ref carry its own description). */
function extraResponses(r: AnyRoute): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [status, spec] of Object.entries(r.responses ?? {})) {
    const { description, schema } = typeof spec === 'string' ? { description: spec, schema: undefined } : spec;
    out[status] =
      Number(status) >= 400
        ? { ...problem, description }
        : { description, content: { 'application/json': { schema: schema ? schemaOf(schema, 'output') : {} } } };
  }
  return out;
}

export function buildOpenApi(routes: readonly AnyRoute[], basePath = '/api') {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const p = r.path.replace(/:(\w+)/g, '{$1}');
    const parameters: unknown[] = [...r.path.matchAll(/:(\w+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'integer', minimum: 1 },
    }));
    if (r.query) {
      const qs = schemaOf(r.query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
      for (const [name, schema] of Object.entries(qs.properties ?? {})) {
        parameters.push({
          name,
          in: 'query',
          required: qs.required?.includes(name) ?? false,
          schema,
          description: schema.description,
        });
      }
    }
    const op: Record<string, unknown> = {
      operationId: r.id,
      summary: r.summary,
      tags: [r.tag],
      parameters,
      'x-scope': r.scope,
      'x-access': r.access,
      security: r.scope === 'public' ? [] : [{ session: [] }],
      responses: {
        [String(r.successStatus ?? 200)]: r.produces
          ? { description: 'file', content: { [r.produces]: { schema: { type: 'string', format: 'binary' } } } }
          : r.successStatus === 204
            ? { description: 'done' }
            : {
                description: 'OK',
                content: { 'application/json': { schema: r.response ? schemaOf(r.response, 'output') : {} } },
              },
        '400': problem,
        ...(r.scope === 'public' ? {} : { '401': problem, '403': problem }),
        ...(r.resource ? { '404': problem } : {}),
        ...extraResponses(r),
      },
    };
    if (r.upload) {
      const fields = r.body ? (schemaOf(r.body, 'input') as { properties?: object; required?: string[] }) : {};
      op.requestBody = {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              required: ['file', ...(fields.required ?? [])],
              properties: { file: { type: 'string', format: 'binary' }, ...(fields.properties ?? {}) },
            },
          },
        },
      };
    } else if (r.body) {
      op.requestBody = { required: true, content: { 'application/json': { schema: schemaOf(r.body, 'input') } } };
    }
    (paths[p] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: '叶集区政务信息化项目管理 API',
      version: '0.1.0',
      description:
        '会话 Cookie `sid`（HttpOnly, SameSite=Strict）认证；所有非 GET 请求须带请求头 `X-Requested-With: XMLHttpRequest`（CSRF 防护）。错误统一为 application/problem+json（RFC 9457）。',
    },
    servers: [{ url: basePath }],
    paths,
    components: {
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'sid' } },
      responses: {
        Problem: {
          description: 'problem+json',
          content: {
            'application/problem+json': {
              schema: {
                type: 'object',
                required: ['type', 'title', 'status', 'detail'],
                properties: {
                  type: { type: 'string' },
                  title: { type: 'string' },
                  status: { type: 'integer' },
                  detail: { type: 'string' },
                  instance: { type: 'string' },
                },
              },
            },
          },
        },
      },
    },
  };
}
