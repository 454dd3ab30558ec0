/**
 * Render check: loads every BPMN in the bpmn-js viewer and every form in the form-js viewer
 * (prebuilt bundles from node_modules, served on 127.0.0.1) in headless Chromium and writes PNGs
 * to test-artifacts/. Fails when a diagram or form does not import cleanly.
 * Run: `npx tsx processes/tools/render.ts [--forms]`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, readFileSync, readdirSync, existsSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

const root = resolve(__dirname, '..', '..');
const out = join(root, 'test-artifacts');
const processesDir = join(root, 'processes');
const formsDir = join(processesDir, 'forms');
const TILE_W = 1600;

const routes: Record<string, string> = {
  '/bpmn-viewer.js': 'node_modules/bpmn-js/dist/bpmn-viewer.production.min.js',
  '/bpmn-js.css': 'node_modules/bpmn-js/dist/assets/bpmn-js.css',
  '/diagram-js.css': 'node_modules/bpmn-js/dist/assets/diagram-js.css',
  '/bpmn-font.css': 'node_modules/bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css',
  '/form-viewer.js': 'node_modules/@bpmn-io/form-js/dist/form-viewer.umd.js',
  '/form-js.css': 'node_modules/@bpmn-io/form-js/dist/assets/form-js.css',
};

const bpmnPage = `<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/diagram-js.css"><link rel="stylesheet" href="/bpmn-js.css"><link rel="stylesheet" href="/bpmn-font.css">
<style>html,body,#canvas{margin:0;height:100%;width:100%;background:#fff}</style>
<script src="/bpmn-viewer.js"></script></head><body><div id="canvas"></div></body></html>`;

const formPage = `<!doctype html><html><head><meta charset="utf-8"><link rel="stylesheet" href="/form-js.css">
<style>body{margin:0;width:900px;background:#fff;font-family:sans-serif}</style>
<script src="/form-viewer.js"></script></head><body><div id="form"></div></body></html>`;

function serve(): Promise<{ url: string; close: () => void }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/bpmn.html' || path === '/form.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(path === '/bpmn.html' ? bpmnPage : formPage);
      return;
    }
    const file = routes[path] ?? (path.startsWith('/processes/') ? path.slice(1) : undefined);
    const abs = file ? join(root, file) : undefined;
    if (!abs || !abs.startsWith(root) || !existsSync(abs)) {
      res.writeHead(404).end();
      return;
    }
    const types: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css' };
    res.writeHead(200, { 'content-type': types[extname(abs)] ?? 'text/plain; charset=utf-8' });
    res.end(readFileSync(abs));
  });
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      ok({ url: `http://127.0.0.1:${port}`, close: () => server.close() });
    }),
  );
}

interface ImportResult {
  warnings: string[];
  box: { x: number; y: number; width: number; height: number };
}

async function main(): Promise<void> {
  const withForms = process.argv.includes('--forms');
  mkdirSync(out, { recursive: true });
  const { url, close } = await serve();
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  let failures = 0;
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    for (const file of readdirSync(processesDir).filter((f) => f.endsWith('.bpmn'))) {
      await page.goto(`${url}/bpmn.html`);
      const xml = readFileSync(join(processesDir, file), 'utf8');
      const result: ImportResult = await page.evaluate(async (diagram: string) => {
        type Viewer = {
          importXML(x: string): Promise<{ warnings: { message: string }[] }>;
          get(name: 'canvas'): {
            zoom(level: number, center: { x: number; y: number }): void;
            viewbox(box?: { x: number; y: number; width: number; height: number }): {
              inner: { x: number; y: number; width: number; height: number };
            };
          };
        };
        const w = window as unknown as { BpmnJS: new (o: { container: string }) => Viewer };
        const viewer = new w.BpmnJS({ container: '#canvas' });
        const { warnings } = await viewer.importXML(diagram);
        const canvas = viewer.get('canvas');
        const inner = canvas.viewbox().inner;
        (window as unknown as { viewer: Viewer }).viewer = viewer;
        return { warnings: warnings.map((x) => x.message), box: inner };
      }, xml);
      if (result.warnings.length) {
        failures++;
        console.error(`${file}: ${result.warnings.join('; ')}`);
      }
      const width = Math.ceil(result.box.width) + 80;
      const height = Math.ceil(result.box.height) + 80;
      await page.setViewportSize({ width: Math.min(width, 16000), height: Math.min(height, 8000) });
      await page.evaluate((box: ImportResult['box']) => {
        const v = (window as unknown as { viewer: { get(n: 'canvas'): { viewbox(b: unknown): void } } }).viewer;
        v.get('canvas').viewbox({ x: box.x - 40, y: box.y - 40, width: box.width + 80, height: box.height + 80 });
      }, result.box);
      const base = file.replace(/\.bpmn$/, '');
      const tiles = Math.ceil(width / TILE_W);
      for (let i = 0; i < tiles; i++) {
        const clipW = Math.min(TILE_W, width - i * TILE_W);
        await page.screenshot({
          path: join(out, tiles === 1 ? `${base}.png` : `${base}-${i + 1}.png`),
          clip: { x: i * TILE_W, y: 0, width: clipW, height: Math.min(height, 8000) },
        });
      }
      console.warn(`${file}: ${tiles} tile(s), ${width}×${height}`);
    }

    const formPageHandle = await browser.newPage({ viewport: { width: 900, height: 1200 } });
    for (const file of readdirSync(formsDir).filter((f) => f.endsWith('.form'))) {
      await formPageHandle.goto(`${url}/form.html`);
      const schema = readFileSync(join(formsDir, file), 'utf8');
      const error: string | null = await formPageHandle.evaluate(async (json: string) => {
        try {
          const fv = (
            window as unknown as {
              FormViewer: { createForm(o: { container: Element | null; schema: unknown }): Promise<unknown> };
            }
          ).FormViewer;
          await fv.createForm({ container: document.querySelector('#form'), schema: JSON.parse(json) });
          return document.querySelectorAll('.fjs-form-field').length > 0 ? null : 'no fields rendered';
        } catch (e) {
          return String(e);
        }
      }, schema);
      if (error) {
        failures++;
        console.error(`${file}: ${error}`);
      }
      if (withForms) {
        await formPageHandle.screenshot({ path: join(out, `form-${file.replace(/\.form$/, '')}.png`), fullPage: true });
      }
    }
    console.warn(`forms checked: ${readdirSync(formsDir).length}`);
  } finally {
    await browser.close();
    close();
  }
  if (failures) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
