/**
 * Browser end-to-end harness: the whole system (test/e2e/server.ts runs services/bootstrap.ts on a
 * fresh test database, with the embedded engine and the UI in Vite dev mode) on an ephemeral
 * port, and Debian's Chromium driven by playwright-core. Without Chromium the suites are skipped with a
 * message saying how to install it.
 */
import fs from 'node:fs';
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from './db';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = fs.existsSync(CHROMIUM_PATH);
export const ARTIFACTS_DIR = path.resolve(__dirname, '../../test-artifacts');

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

/** `describe` that is skipped, loudly, when Chromium is not installed. */
export function describeBrowser(name: string, fn: () => void): void {
  if (hasChromium) {
    describe(name, fn);
    return;
  }
  const why = `SKIPPED: Chromium not found at ${CHROMIUM_PATH} — install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH`;
  console.warn(`[e2e] ${name}: ${why}`);
  describe.skip(`${name} (${why})`, fn);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
}

/** A page that fails the test on console errors and CSP violations instead of hiding them. */
export async function newPage(
  browser: Browser,
  baseUrl: string,
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({
    baseURL: baseUrl,
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  return { context, page, problems };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

export interface TestServer {
  baseUrl: string;
  /** password of the seeded demo users (services/demo/seed.ts) */
  demoPassword: string;
  close(): Promise<void>;
}

/**
 * Starts test/e2e/server.ts (the bootstrapped system) in a child process on a fresh test database
 * (SQLite, or MariaDB with TEST_DATABASE_URL) and resolves when it listens.
 */
export async function startTestServer(): Promise<TestServer> {
  const db: TestDatabase = await createTestDatabase('e2e');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-'));
  const root = path.resolve(__dirname, '../..');
  const child = spawn(
    process.execPath,
    [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(root, 'test/e2e/server.ts')],
    {
      cwd: root,
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        // the embedded engine keeps its own SQLite file beside a SQLite domain database
        UPLOAD_DIR: path.join(work, 'uploads'),
        SESSION_SECRET: 'e2e-session-secret-0123456789',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (process.env.E2E_VERBOSE) process.stderr.write(d);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<{ baseUrl: string; demoPassword: string }>((resolve, reject) => {
    let out = '';
    // a loaded machine (2 shared cores) may need longer: E2E_START_TIMEOUT_MS
    const startMs = Number(process.env.E2E_START_TIMEOUT_MS ?? 90_000);
    const timer = setTimeout(() => {
      // do not leave the server running behind a failed suite
      child.kill('SIGTERM');
      reject(new Error(`e2e server did not start in ${startMs / 1000} s\n${stderr}`));
    }, startMs);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (process.env.E2E_VERBOSE) process.stderr.write(d);
      const line = out.split('\n').find((l) => l.startsWith('E2E_READY '));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line.slice('E2E_READY '.length)) as { baseUrl: string; demoPassword: string });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`e2e server exited with ${code}\n${stderr}`));
    });
  });
  return {
    ...ready,
    async close() {
      child.kill('SIGTERM');
      await exited;
      await db.drop();
      fs.rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Signs in over HTTP (as a browser would) and returns a GET helper carrying the session cookie. */
export async function apiSession(
  baseUrl: string,
  username: string,
  password: string,
): Promise<<T>(path: string) => Promise<T>> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login as ${username} failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return async <T>(p: string) => {
    const r = await fetch(`${baseUrl}${p}`, { headers: { Cookie: cookie, Accept: 'application/json' } });
    if (!r.ok) throw new Error(`GET ${p}: ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  };
}
