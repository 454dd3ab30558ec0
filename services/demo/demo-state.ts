/**
 * Progress of the `npm start` demo (table `demo_state`, one row per step done). The demo is begun
 * only on an empty database; a start that finds it begun and not complete (the first start was
 * killed while writing it) resumes it: the steps recorded here are skipped, the step that was
 * interrupted is redone from its natural keys (users by username, projects by name, attachments
 * by kind, plan entries by project, instances by their `projectId` variable), so a restart
 * continues where it stopped and a complete demo is never written twice.
 *
 * Steps, in order: `started`, `users`, `project:<name>` (one per sample project: application,
 * materials, submission, stage), `plans` (R21/R8.1), `payments`, `seed`, `placed:<name>` (one per
 * sample instance at its place), `complete`.
 */
import type { DataSource } from 'typeorm';
import type { Logger } from '../logger';

export interface DemoStatus {
  /** the demo was begun on this database (its first start found it empty) */
  begun: boolean;
  complete: boolean;
  steps: string[];
}

export async function demoStatus(ds: DataSource): Promise<DemoStatus> {
  const rows = (await ds.query('SELECT step FROM demo_state ORDER BY done_at, step')) as { step: string }[];
  const steps = rows.map((r) => r.step);
  return { begun: steps.includes('started'), complete: steps.includes('complete'), steps };
}

/** Records the steps as they are done; without a data source (tests seeding directly) it records nothing. */
export class DemoProgress {
  private readonly done: Set<string>;

  private constructor(
    private readonly ds: DataSource | null,
    steps: readonly string[],
    private readonly log?: Logger,
  ) {
    this.done = new Set(steps);
  }

  /** Nothing recorded, nothing skipped: the seed's natural keys alone keep it idempotent. */
  static untracked(): DemoProgress {
    return new DemoProgress(null, []);
  }

  static async load(ds: DataSource, log?: Logger): Promise<DemoProgress> {
    return new DemoProgress(ds, (await demoStatus(ds)).steps, log);
  }

  has(step: string): boolean {
    return this.done.has(step);
  }

  /** steps are recorded (bootstrap): a step not recorded may have been interrupted half-way */
  get tracked(): boolean {
    return this.ds !== null;
  }

  get count(): number {
    return this.done.size;
  }

  async mark(step: string, at = new Date()): Promise<void> {
    if (this.done.has(step)) return;
    if (this.ds) {
      await this.ds.transaction(async (m) => {
        const rows = (await m.query('SELECT step FROM demo_state WHERE step = ?', [step])) as unknown[];
        if (rows.length === 0)
          await m.query('INSERT INTO demo_state (step, done_at) VALUES (?, ?)', [step, at.toISOString()]);
      });
    }
    this.done.add(step);
    this.log?.info({ step, steps: this.done.size }, 'demo step done');
  }
}
