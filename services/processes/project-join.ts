/**
 * Joins engine data (tasks, tokens, incidents) with the domain's projects: a project stores the key
 * of its `project-lifecycle` instance; instances started by call activities (quarterly reporting,
 * cross-department sub-projects) reach their project through `parentProcessInstanceKey`. The
 * parent of an instance never changes, so it is cached for the life of the process.
 */
import { In, type DataSource } from 'typeorm';
import { ProjectEntity, ProjectParticipantEntity } from '../domain/entities';
import type { ProjectService, Visibility } from '../domain/project-service';
import type { EngineClient } from '../engine-client';
import type { ProjectSummary } from './process-service';

export interface ProjectRef {
  id: number;
  code: string;
  name: string;
  orgCode: string;
  orgName: string;
  stage: string;
  stageName: string;
  /** lead and participant organisations (R10): who may see the project */
  memberOrgIds: number[];
}

const consistency = { consistency: { waitUpToMs: 0 } };
/** call activities nest at most this deep in our models (lifecycle → quarterly → …) */
const MAX_DEPTH = 4;

export class ProjectJoin {
  private readonly parents = new Map<string, string | null>();

  constructor(
    private readonly ds: DataSource,
    private readonly projects: ProjectService,
    private readonly engine: EngineClient,
  ) {}

  /** Projects of the given process instances (root or called), by instance key. */
  async byInstances(keys: readonly string[]): Promise<Map<string, ProjectRef>> {
    const out = new Map<string, ProjectRef>();
    const wanted = [...new Set(keys.filter(Boolean))];
    if (wanted.length === 0) return out;
    // root of each instance (itself for project-lifecycle instances)
    const rootOf = new Map<string, string>(wanted.map((k) => [k, k]));
    let direct = await this.refsByRootKeys(wanted);
    let pending = wanted.filter((k) => !direct.has(k));
    for (const k of wanted) if (direct.has(k)) out.set(k, direct.get(k)!);
    for (let depth = 0; depth < MAX_DEPTH && pending.length > 0; depth++) {
      const next: string[] = [];
      for (const k of pending) {
        const parent = await this.parentOf(rootOf.get(k)!);
        if (parent) {
          rootOf.set(k, parent);
          next.push(k);
        }
      }
      if (next.length === 0) break;
      direct = await this.refsByRootKeys(next.map((k) => rootOf.get(k)!));
      pending = [];
      for (const k of next) {
        const ref = direct.get(rootOf.get(k)!);
        if (ref) out.set(k, ref);
        else pending.push(k);
      }
    }
    return out;
  }

  /** The shape ProcessService.projectsAt joins in. */
  async summaries(keys: string[]): Promise<Map<string, ProjectSummary>> {
    const refs = await this.byInstances(keys);
    return new Map(
      [...refs].map(([k, r]) => [
        k,
        { id: r.id, name: r.name, orgCode: r.orgCode, orgName: r.orgName, stage: r.stage, nextDeadline: null },
      ]),
    );
  }

  static visible(ref: ProjectRef | undefined, visibility: Visibility): boolean {
    if (visibility.all) return true;
    return ref !== undefined && ref.memberOrgIds.includes(visibility.orgId);
  }

  private async parentOf(key: string): Promise<string | null> {
    if (this.parents.has(key)) return this.parents.get(key)!;
    let parent: string | null;
    try {
      const pi = (await this.engine.getProcessInstance(
        { processInstanceKey: key } as never,
        consistency,
      )) as unknown as {
        parentProcessInstanceKey?: string | null;
      };
      parent = pi.parentProcessInstanceKey ? String(pi.parentProcessInstanceKey) : null;
    } catch {
      // an unknown instance has no project; do not cache, it may appear later
      return null;
    }
    this.parents.set(key, parent);
    return parent;
  }

  private async refsByRootKeys(keys: string[]): Promise<Map<string, ProjectRef>> {
    const out = new Map<string, ProjectRef>();
    if (keys.length === 0) return out;
    const rows = await this.ds.getRepository(ProjectEntity).findBy({ processInstanceKey: In([...new Set(keys)]) });
    if (rows.length === 0) return out;
    const views = await this.projects.views(rows);
    const parts = await this.ds
      .getRepository(ProjectParticipantEntity)
      .findBy({ projectId: In(rows.map((r) => r.id)) });
    for (const row of rows) {
      const v = views.find((x) => x.id === row.id)!;
      out.set(row.processInstanceKey!, {
        id: v.id,
        code: v.code,
        name: v.name,
        orgCode: v.orgCode,
        orgName: v.orgName,
        stage: v.stage,
        stageName: v.stageName,
        memberOrgIds: [row.orgId, ...parts.filter((p) => p.projectId === row.id).map((p) => p.orgId)],
      });
    }
    return out;
  }
}
