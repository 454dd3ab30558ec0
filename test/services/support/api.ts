/**
 * Starts the real app (createApp + the domain API router) on an ephemeral port over a fresh test
 * database, with the organisations in place; `client()` gives a cookie-keeping HTTP client.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { loadConfig, type Config } from '../../../config';
import { createApp } from '../../../services/app';
import { createApiRouter } from '../../../services/api/router';
import { createDomainServices, type ApiServices, type ServiceOptions } from '../../../services/api/services';
import { openDatabase } from '../../../services/db/data-source';
import { entities, migrations } from '../../../services/db/schema';
import { createEngineClient } from '../../../services/engine-client';
import { createLogger } from '../../../services/logger';
import { createTestDatabase, type TestDatabase } from '../../support/db';

export interface TestApi {
  baseUrl: string;
  config: Config;
  ds: DataSource;
  services: ApiServices;
  uploadDir: string;
  db: TestDatabase;
  client(): Client;
  close(): Promise<void>;
}

export async function startTestApi(
  opts: { env?: Record<string, string>; services?: ServiceOptions } = {},
): Promise<TestApi> {
  const db = await createTestDatabase('api');
  const uploadDir = fs.mkdtempSync(path.join(os.tmpdir(), 'egov-uploads-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: db.url,
    UPLOAD_DIR: uploadDir,
    UPLOAD_MAX_BYTES: String(256 * 1024),
    DEMO_DATA: 'false',
    ...opts.env,
  });
  const ds = await openDatabase({ url: db.url, entities, migrations });
  const services = createDomainServices(ds, config, opts.services);
  await services.identity.ensureOrganisations();
  const logger = createLogger(config);
  // no endpoint of the domain API may need the engine yet: an address where nothing listens
  const engine = createEngineClient({ restAddress: 'http://127.0.0.1:9' });
  const app = createApp({
    config,
    logger,
    dataSource: ds,
    engine,
    api: createApiRouter({ config, dataSource: ds, services, logger }),
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    config,
    ds,
    services,
    uploadDir,
    db,
    client: () => new Client(baseUrl),
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await ds.destroy();
      await db.drop();
      fs.rmSync(uploadDir, { recursive: true, force: true });
    },
  };
}

export interface Res<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  raw: Buffer;
}

/** A browser-like client: keeps the session cookie, sends the CSRF header unless told not to. */
export class Client {
  cookie: string | null = null;
  constructor(readonly baseUrl: string) {}

  async request<T = Record<string, unknown>>(
    method: string,
    url: string,
    opts: { json?: unknown; body?: BodyInit; headers?: Record<string, string>; csrf?: boolean } = {},
  ): Promise<Res<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.csrf !== false) headers['X-Requested-With'] = 'XMLHttpRequest';
    if (this.cookie) headers.Cookie = this.cookie;
    let body = opts.body;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['Content-Type'] = 'application/json';
    }
    const res = await fetch(this.baseUrl + url, { method, headers, body, redirect: 'manual' });
    const setCookie = res.headers.getSetCookie();
    for (const c of setCookie) {
      const [pair] = c.split(';');
      if (pair!.startsWith('sid=')) this.cookie = pair!.endsWith('=') ? null : pair!;
    }
    const raw = Buffer.from(await res.arrayBuffer());
    const type = res.headers.get('content-type') ?? '';
    const parsed = /json/.test(type) && raw.length ? JSON.parse(raw.toString('utf8')) : raw.toString('utf8');
    return { status: res.status, headers: res.headers, body: parsed as T, raw };
  }

  get<T = Record<string, unknown>>(url: string) {
    return this.request<T>('GET', url);
  }
  post<T = Record<string, unknown>>(url: string, json?: unknown) {
    return this.request<T>('POST', url, json === undefined ? {} : { json });
  }
  put<T = Record<string, unknown>>(url: string, json?: unknown) {
    return this.request<T>('PUT', url, json === undefined ? {} : { json });
  }
  patch<T = Record<string, unknown>>(url: string, json?: unknown) {
    return this.request<T>('PATCH', url, json === undefined ? {} : { json });
  }

  async login(username: string, password: string): Promise<Res> {
    const res = await this.post('/api/auth/login', { username, password });
    if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  }
}

/** A valid 附件1 for tests; override what the test is about. */
export function sampleForm(overrides: Record<string, unknown> = {}) {
  return {
    projectName: '测试项目：政务数据中台',
    category: 'application-system',
    kind: 'new',
    summary: '建设政务数据中台，依据区政务信息化规划。',
    constructionPeriod: { start: '2027-03', end: '2027-10' },
    investment: { fiscal: '120.50', loan: '0', selfRaised: '30', other: '0.25' },
    responsiblePerson: '张三',
    contactPerson: '李四',
    contactPhone: '0564-6661234',
    email: 'test@yeji.gov.cn',
    planYear: 2027,
    sharingAnalysis: '数据接入区共享交换平台（R9）。',
    ...overrides,
  };
}

/** Minimal files whose magic bytes our detector accepts. */
export const files = {
  pdf: () => Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'),
  png: () => Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]),
  exe: () => Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)]),
};

export function multipart(
  fields: Record<string, string>,
  file?: { name: string; data: Buffer; type?: string },
): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  if (file)
    fd.append(
      'file',
      new Blob([new Uint8Array(file.data)], { type: file.type ?? 'application/octet-stream' }),
      file.name,
    );
  return fd;
}
