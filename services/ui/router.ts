/**
 * Serves the web UI (modeler-ui/). Production: the built files in modeler-ui/dist, hashed assets
 * cached for a year, index.html never cached. Development: Vite in middleware mode, so `npm start`
 * needs no build step; Vite compiles on demand on the first browser request, which keeps the API
 * start-up fast.
 */
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import express, { type Router } from 'express';
import type { ViteDevServer } from 'vite';
import type { Config } from '../../config';

export const uiRoot = path.resolve(__dirname, '../../modeler-ui');
export const uiDist = path.join(uiRoot, 'dist');

export type UiMode = 'static' | 'vite';

export interface UiRouterOptions {
  /** default: static in production or when modeler-ui/dist is newer than the UI's sources, else vite */
  mode?: UiMode;
  /** directory of the built UI (tests may build into a temporary directory) */
  distDir?: string;
}

export interface UiRouter extends Router {
  uiMode: UiMode;
  /** stops Vite's watcher in development mode; a no-op for static files */
  closeUi(): Promise<void>;
}

/** Paths the SPA never owns: they must reach the API or the app's 404 handler. */
const notUiPath = /^\/(api|healthz|readyz)(\/|$)/;

/**
 * Production always serves the build. Elsewhere a build is served only while it is current — built
 * after the last change to the UI's sources — so a stale `dist/` left by an earlier `npm run
 * build:ui` can never hide the sources a developer (or a browser test) is running.
 */
export function chooseUiMode(config: Pick<Config, 'NODE_ENV'>, distDir = uiDist, sourceDir = uiRoot): UiMode {
  if (config.NODE_ENV === 'production') return 'static';
  const index = path.join(distDir, 'index.html');
  if (!fs.existsSync(index)) return 'vite';
  return fs.statSync(index).mtimeMs >= newestSourceChange(sourceDir, distDir) ? 'static' : 'vite';
}

/** The newest modification time under the UI's sources (skipping the build and dependencies). */
function newestSourceChange(dir: string, distDir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (full === distDir || entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      newest = Math.max(newest, newestSourceChange(full, distDir));
    } else if (entry.isFile()) {
      newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  }
  return newest;
}

export async function createUiRouter(
  config: Pick<Config, 'NODE_ENV'>,
  options: UiRouterOptions = {},
): Promise<UiRouter> {
  const distDir = options.distDir ?? uiDist;
  const mode = options.mode ?? chooseUiMode(config, distDir);
  return mode === 'static' ? staticRouter(distDir) : viteRouter();
}

function staticRouter(distDir: string): UiRouter {
  const indexFile = path.join(distDir, 'index.html');
  if (!fs.existsSync(indexFile)) {
    throw new Error(`modeler-ui is not built: ${indexFile} is missing (run \`npm run build:ui\`)`);
  }
  const router = express.Router() as UiRouter;
  router.use(
    '/assets',
    express.static(path.join(distDir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: false,
    }),
  );
  router.use(express.static(distDir, { index: false, maxAge: 0 }));
  router.get(/.*/, (req, res, next) => {
    if (notUiPath.test(req.path) || !req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexFile);
  });
  router.uiMode = 'static';
  router.closeUi = async () => {};
  return router;
}

function viteRouter(): UiRouter {
  const router = express.Router() as UiRouter;
  // Vite is ESM and heavy: loaded lazily on the first UI request, so API-only tests and the
  // API's start-up never wait for it.
  let serverPromise: Promise<ViteDevServer> | undefined;
  // HMR runs over the app's own HTTP server (taken from the first request's socket): same origin,
  // so the CSP's connect-src 'self' covers it and no second port is opened.
  const vite = (httpServer: http.Server | undefined): Promise<ViteDevServer> =>
    (serverPromise ??= import('vite').then(({ createServer }) =>
      createServer({
        root: uiRoot,
        configFile: path.join(uiRoot, 'vite.config.mts'),
        appType: 'custom',
        server: { middlewareMode: true, hmr: httpServer ? { server: httpServer } : false },
      }),
    ));
  const serverOf = (req: express.Request) => (req.socket as { server?: http.Server }).server;

  router.use((req, res, next) => {
    if (notUiPath.test(req.path)) return next();
    vite(serverOf(req)).then((server) => server.middlewares(req, res, next), next);
  });
  router.get(/.*/, async (req, res, next) => {
    if (notUiPath.test(req.path) || !req.accepts('html')) return next();
    try {
      const server = await vite(serverOf(req));
      const template = await fs.promises.readFile(path.join(uiRoot, 'index.html'), 'utf8');
      const html = await server.transformIndexHtml(req.originalUrl, template);
      res.status(200).setHeader('Cache-Control', 'no-cache').type('html').send(html);
    } catch (err) {
      next(err);
    }
  });
  router.uiMode = 'vite';
  router.closeUi = async () => {
    if (serverPromise) await (await serverPromise).close();
  };
  return router;
}
