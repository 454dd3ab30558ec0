import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/** Runs `npm start`'s entry point with a given environment and returns how it ended. */
function start(env: Record<string, string>) {
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'services/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stderr: r.stderr.trim() };
}

describe('start-up with a wrong configuration', () => {
  it('should exit non-zero with one line naming ENGINE and what it allows', () => {
    const r = start({ ENGINE: 'camunda7' });
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/ENGINE.*embedded \| zeebe/);
  });

  it('should exit non-zero with one line naming DATABASE_URL', () => {
    const r = start({ DATABASE_URL: 'postgres://localhost/egov' });
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/DATABASE_URL/);
  });
});
