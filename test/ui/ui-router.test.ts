/**
 * The UI router in production mode, over real HTTP inside the real app: hashed assets cached for a
 * year, index.html never cached, unknown UI paths fall back to index.html, API paths and non-HTML
 * requests never do, and the app's CSP header is on every UI response.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { chooseUiMode, createUiRouter } from '../../services/ui/router';
import { createApp } from '../../services/app';
import { loadConfig } from '../../config';
import { createLogger } from '../../services/logger';
import type { DataSource } from 'typeorm';
import type { EngineClient } from '../../services/engine-client';

function fakeDist(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ui-dist-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    '<!doctype html><html><head><script type="module" src="/assets/index-AbC123.js"></script></head><body><div id="app"></div></body></html>',
  );
  fs.writeFileSync(path.join(dir, 'assets/index-AbC123.js'), 'console.log("ui")');
  fs.writeFileSync(path.join(dir, 'favicon.ico'), 'ico');
  return dir;
}

describe('UI router (static build)', () => {
  const dist = fakeDist();
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'silent' });
  let app: express.Express;

  beforeAll(async () => {
    const ui = await createUiRouter(config, { distDir: dist });
    expect(ui.uiMode).toBe('static');
    const api = express.Router();
    api.get('/ping', (_req, res) => void res.json({ pong: true }));
    // only the HTTP layer is exercised here: database and engine are never reached
    app = createApp({
      config,
      logger: createLogger(config),
      dataSource: {} as DataSource,
      engine: {} as EngineClient,
      api,
      ui,
    });
  });
  afterAll(() => fs.rmSync(dist, { recursive: true, force: true }));

  it('should choose static files in production or when a current build exists, Vite otherwise', () => {
    expect(chooseUiMode({ NODE_ENV: 'production' }, '/nonexistent')).toBe('static');
    expect(chooseUiMode({ NODE_ENV: 'development' }, '/nonexistent')).toBe('vite');
    // a build newer than every source is served; one older than a source change is not
    const src = fs.mkdtempSync(path.join(os.tmpdir(), 'ui-src-'));
    try {
      fs.mkdirSync(path.join(src, 'src'));
      const source = path.join(src, 'src', 'App.vue');
      fs.writeFileSync(source, '<template />');
      const index = path.join(dist, 'index.html');
      const t = Date.now() / 1000;
      fs.utimesSync(source, t - 60, t - 60);
      fs.utimesSync(index, t, t);
      expect(chooseUiMode({ NODE_ENV: 'development' }, dist, src)).toBe('static');
      fs.utimesSync(source, t + 60, t + 60);
      expect(chooseUiMode({ NODE_ENV: 'development' }, dist, src)).toBe('vite');
      expect(chooseUiMode({ NODE_ENV: 'production' }, dist, src)).toBe('static');
    } finally {
      fs.rmSync(src, { recursive: true, force: true });
    }
  });

  it('should refuse to start in production without a build', async () => {
    await expect(createUiRouter(config, { distDir: '/nonexistent' })).rejects.toThrow(/npm run build:ui/);
  });

  it('should serve index.html uncached, under the CSP', async () => {
    const res = await request(app).get('/').set('Accept', 'text/html');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<div id="app">');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('should cache hashed assets for a year', async () => {
    const res = await request(app).get('/assets/index-AbC123.js');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('should answer 404 for a missing asset instead of index.html', async () => {
    const res = await request(app).get('/assets/index-gone.js');
    expect(res.status).toBe(404);
    expect(res.text).not.toContain('<div id="app">');
  });

  it('should fall back to index.html for unknown UI paths only', async () => {
    const deep = await request(app).get('/projects/42').set('Accept', 'text/html');
    expect(deep.status).toBe(200);
    expect(deep.text).toContain('<div id="app">');
    const json = await request(app).get('/projects/42').set('Accept', 'application/json');
    expect(json.status).toBe(404);
    expect(json.headers['content-type']).toContain('application/problem+json');
  });

  it('should never answer API paths with the UI', async () => {
    await expect(request(app).get('/api/ping')).resolves.toMatchObject({ status: 200, body: { pong: true } });
    const missing = await request(app).get('/api/nothing-here').set('Accept', 'text/html');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ status: 404, detail: 'no route for GET /api/nothing-here' });
  });

  it('should serve other files of the build', async () => {
    const res = await request(app).get('/favicon.ico');
    expect(res.status).toBe(200);
  });
});
