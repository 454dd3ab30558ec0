/**
 * The deployable process resources: every BPMN model and every form-js form in this folder.
 * The app deploys them at start; called processes and forms are deployed together so that call
 * activities and `zeebe:formDefinition formId` links resolve (Camunda 8 links forms by id).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface ProcessResource {
  /** File name as the deployment resource name, e.g. `project-lifecycle.bpmn`, `forms/review-opinion.form`. */
  name: string;
  /** Absolute path on disk. */
  path: string;
}

export const processesDir = __dirname;
export const formsDir = join(__dirname, 'forms');

/** Process ids of the models, in deployment order (called processes first). */
export const processIds = [
  'cross-department-subproject',
  'quarterly-reporting',
  'project-lifecycle',
  'annual-planning',
] as const;
export type ProcessId = (typeof processIds)[number];

export function processResources(): ProcessResource[] {
  const forms = readdirSync(formsDir)
    .filter((f) => f.endsWith('.form'))
    .sort()
    .map((f) => ({ name: `forms/${f}`, path: join(formsDir, f) }));
  const models = readdirSync(processesDir)
    .filter((f) => f.endsWith('.bpmn'))
    .sort((a, b) => order(a) - order(b))
    .map((f) => ({ name: f, path: join(processesDir, f) }));
  return [...forms, ...models];
}

function order(file: string): number {
  const i = processIds.indexOf(file.replace(/\.bpmn$/, '') as ProcessId);
  return i === -1 ? processIds.length : i;
}
