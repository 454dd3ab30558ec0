/**
 * Deploys the models and forms of processes/ at start, in one deployment (called processes and
 * linked forms resolve together). The engine keeps the version of an unchanged resource, so a
 * restart does not create new versions.
 */
import { readFileSync } from 'node:fs';
import { processResources } from '../../processes';
import type { EngineClient } from '../engine-client';

export async function deployProcessResources(engine: EngineClient): Promise<{ deploymentKey: string }> {
  type Resources = Parameters<EngineClient['createDeployment']>[0]['resources'];
  const files = processResources().map(
    (r) =>
      // forms are linked by id; the resource name is the file name without the folder
      new File([readFileSync(r.path)], r.name.replace(/^forms\//, ''), {
        type: r.name.endsWith('.form') ? 'application/json' : 'application/xml',
      }),
  );
  const result = await engine.createDeployment({ resources: files as unknown as Resources });
  return { deploymentKey: String(result.deploymentKey) };
}
