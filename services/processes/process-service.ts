/**
 * What the modeler, the live process view and the operations screen need from the engine, through
 * the SDK only: definitions and their versions, deployment of a new version (lint-gated and
 * audited), live element statistics with ages, which projects stand at an element, one
 * instance's path and timeline, incidents and their retry.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BpmnModdle } from 'bpmn-moddle';
import { Linter } from 'bpmnlint';
import NodeResolver from 'bpmnlint/lib/resolver/node-resolver';
import zeebeSchema from 'zeebe-bpmn-moddle/resources/zeebe.json';
import { isEngineNotFound as isNotFound, type EngineClient } from '../engine-client';
import { HttpError, notFound } from '../http/problem';

const consistency = { consistency: { waitUpToMs: 0 } };
const DAY_MS = 86_400_000;

export interface LintProblem {
  elementId: string | null;
  rule: string;
  category: 'error' | 'warn' | 'info' | 'rule-error';
  message: string;
}

export interface DefinitionSummary {
  processDefinitionId: string;
  name: string;
  latestKey: string;
  latestVersion: number;
  versions: { key: string; version: number; resourceName: string }[];
}

export interface ElementStatistics {
  elementId: string;
  active: number;
  incidents: number;
  completed: number;
  canceled: number;
  /** age of the longest-waiting token at this element, in days */
  oldestDays: number | null;
  /** mean age of the tokens at this element, in days */
  meanDays: number | null;
}

export interface ProjectAtElement {
  processInstanceKey: string;
  elementInstanceKey: string;
  /** type of the element instance: a task or event, or a container (SUB_PROCESS, EVENT_SUB_PROCESS, CALL_ACTIVITY) */
  type: string;
  since: string;
  daysWaiting: number;
  hasIncident: boolean;
  /**
   * Where the token really stands: the innermost active elements below this element instance
   * (inside a sub-process, or in the instance a call activity started); the element itself when
   * it is not a container.
   */
  innermost: InnermostElement[];
  project: ProjectSummary | null;
}

export interface InnermostElement {
  elementId: string;
  elementName: string | null;
  elementInstanceKey: string;
  /** the called process when the element stands in an instance started by a call activity */
  processDefinitionId: string | null;
  since: string;
  hasIncident: boolean;
}

/** The domain's view of the project behind a process instance (joined in by the caller's lookup). */
export interface ProjectSummary {
  id: number;
  name: string;
  orgCode: string;
  orgName: string;
  stage?: string;
  nextDeadline?: string | null;
  /** a statutory date (R22.2, R23) has passed */
  overdue?: boolean;
}

export type ProjectLookup = (processInstanceKeys: string[]) => Promise<Map<string, ProjectSummary>>;

export interface TimelineEntry {
  elementInstanceKey: string;
  elementId: string;
  elementName: string | null;
  type: string;
  state: string;
  startDate: string | null;
  endDate: string | null;
  hasIncident: boolean;
}

export interface InstancePath {
  processInstanceKey: string;
  processDefinitionKey: string;
  processDefinitionId: string;
  state: string;
  /** element ids where tokens are now */
  active: string[];
  /** element ids with an open incident */
  incidents: string[];
  /** sequence flows taken, for drawing the path */
  sequenceFlows: string[];
  timeline: TimelineEntry[];
}

interface AuditSink {
  record(entry: {
    actor: string;
    action: string;
    target?: string;
    outcome?: 'success' | 'failure' | 'denied';
    detail?: unknown;
  }): Promise<void>;
}

let lintConfig: Record<string, unknown> | undefined;
function loadLintConfig(): Record<string, unknown> {
  lintConfig ??= JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../.bpmnlintrc'), 'utf8')) as Record<
    string,
    unknown
  >;
  return lintConfig;
}

/** Camunda 8.8 compatibility lint (the same rules as CI and the modeler's problems panel). */
export async function lintBpmn(xml: string): Promise<LintProblem[]> {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    return [{ elementId: null, rule: 'xml', category: 'error', message: '不允许 DOCTYPE/ENTITY 声明' }];
  }
  const moddle = new BpmnModdle({ zeebe: zeebeSchema });
  let rootElement: unknown;
  try {
    ({ rootElement } = await moddle.fromXML(xml));
  } catch (err) {
    return [{ elementId: null, rule: 'xml', category: 'error', message: `无法解析 BPMN：${(err as Error).message}` }];
  }
  const linter = new Linter({ config: loadLintConfig(), resolver: new NodeResolver() });
  const results = (await linter.lint(rootElement)) as Record<
    string,
    { id?: string; message: string; category: LintProblem['category'] }[]
  >;
  return Object.entries(results).flatMap(([rule, reports]) =>
    reports.map((r) => ({ elementId: r.id ?? null, rule, category: r.category, message: r.message })),
  );
}

export class ProcessService {
  constructor(
    private readonly engine: EngineClient,
    private readonly audit: AuditSink,
    private readonly projects: ProjectLookup,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async listDefinitions(): Promise<DefinitionSummary[]> {
    const result = (await this.engine.searchProcessDefinitions(
      { sort: [{ field: 'version', order: 'DESC' }], page: { limit: 1000 } } as never,
      consistency,
    )) as unknown as {
      items: {
        processDefinitionKey: string;
        processDefinitionId: string;
        name?: string;
        version: number;
        resourceName?: string;
      }[];
    };
    const byId = new Map<string, DefinitionSummary>();
    for (const d of result.items) {
      const entry = byId.get(d.processDefinitionId) ?? {
        processDefinitionId: d.processDefinitionId,
        name: d.name ?? d.processDefinitionId,
        latestKey: String(d.processDefinitionKey),
        latestVersion: d.version,
        versions: [],
      };
      if (d.version > entry.latestVersion) {
        Object.assign(entry, {
          latestKey: String(d.processDefinitionKey),
          latestVersion: d.version,
          name: d.name ?? entry.name,
        });
      }
      entry.versions.push({
        key: String(d.processDefinitionKey),
        version: d.version,
        resourceName: d.resourceName ?? '',
      });
      byId.set(d.processDefinitionId, entry);
    }
    for (const e of byId.values()) e.versions.sort((a, b) => b.version - a.version);
    return [...byId.values()].sort((a, b) => a.processDefinitionId.localeCompare(b.processDefinitionId));
  }

  async xml(processDefinitionKey: string): Promise<string> {
    try {
      return String(await this.engine.getProcessDefinitionXml({ processDefinitionKey } as never, consistency));
    } catch (err) {
      if (isNotFound(err)) throw notFound('流程定义不存在');
      throw err;
    }
  }

  /**
   * Deploys a new version. Lint errors (Camunda 8.8 rules) refuse the deployment with the element
   * ids they concern; the engine's own rejection is passed on the same way.
   */
  async deploy(
    actor: string,
    resources: { name: string; content: string }[],
  ): Promise<{
    deploymentKey: string;
    processes: { processDefinitionId: string; version: number; processDefinitionKey: string }[];
  }> {
    const problems: (LintProblem & { resource: string })[] = [];
    for (const r of resources) {
      if (!/\.(bpmn|form)$/.test(r.name) || /[\\/]|\.\./.test(r.name))
        throw new HttpError(400, `不支持的资源名：${r.name}`);
      if (r.name.endsWith('.bpmn')) {
        for (const p of await lintBpmn(r.content))
          if (p.category === 'error' || p.category === 'rule-error') problems.push({ ...p, resource: r.name });
      } else {
        try {
          JSON.parse(r.content);
        } catch {
          problems.push({
            resource: r.name,
            elementId: null,
            rule: 'form',
            category: 'error',
            message: '表单不是有效的 JSON',
          });
        }
      }
    }
    if (problems.length) {
      await this.audit.record({ actor, action: 'process.deploy', outcome: 'failure', detail: { problems } });
      throw new HttpError(400, `流程校验未通过：${problems.length} 个问题`, { problems });
    }
    let result: {
      deploymentKey: string;
      deployments: {
        processDefinition?: {
          processDefinitionId: string;
          processDefinitionVersion: number;
          processDefinitionKey: string;
        };
      }[];
    };
    try {
      const files = resources.map(
        (r) =>
          new File([r.content], r.name, { type: r.name.endsWith('.bpmn') ? 'application/xml' : 'application/json' }),
      );
      result = (await this.engine.createDeployment({ resources: files } as never)) as unknown as typeof result;
    } catch (err) {
      const detail = String((err as { detail?: string; message?: string }).detail ?? (err as Error).message);
      await this.audit.record({ actor, action: 'process.deploy', outcome: 'failure', detail: { engine: detail } });
      throw new HttpError(400, `引擎拒绝部署：${detail}`, { problems: elementProblemsFrom(detail, resources) });
    }
    const processes = result.deployments
      .filter((d) => d.processDefinition)
      .map((d) => ({
        processDefinitionId: d.processDefinition!.processDefinitionId,
        version: d.processDefinition!.processDefinitionVersion,
        processDefinitionKey: String(d.processDefinition!.processDefinitionKey),
      }));
    await this.audit.record({
      actor,
      action: 'process.deploy',
      target: `deployment:${result.deploymentKey}`,
      detail: { processes, resources: resources.map((r) => r.name) },
    });
    return { deploymentKey: String(result.deploymentKey), processes };
  }

  /** Live counts per element plus the ages of the waiting tokens (what the live view colours). */
  async statistics(processDefinitionKey: string): Promise<ElementStatistics[]> {
    const stats = (await this.engine.getProcessDefinitionStatistics(
      { processDefinitionKey, filter: {} } as never,
      consistency,
    )) as unknown as {
      items: { elementId: string; active: number; incidents: number; completed: number; canceled: number }[];
    };
    const waiting = await this.activeElementInstances({ processDefinitionKey });
    const now = this.now().getTime();
    const ages = new Map<string, number[]>();
    for (const ei of waiting) {
      if (!ei.startDate) continue;
      const list = ages.get(ei.elementId) ?? [];
      list.push((now - Date.parse(ei.startDate)) / DAY_MS);
      ages.set(ei.elementId, list);
    }
    return stats.items.map((s) => {
      const a = ages.get(s.elementId) ?? [];
      return {
        elementId: s.elementId,
        active: s.active,
        incidents: s.incidents,
        completed: s.completed,
        canceled: s.canceled,
        oldestDays: a.length ? round1(Math.max(...a)) : null,
        meanDays: a.length ? round1(a.reduce((x, y) => x + y, 0) / a.length) : null,
      };
    });
  }

  /**
   * The projects whose token stands at an element now, longest waiting first: one row per active
   * element instance the engine's statistics count (active and with incident), so a container —
   * sub-process, event sub-process, call activity, each inner instance of a multi-instance
   * sub-process — lists the projects inside it, with the innermost elements they are at.
   */
  async projectsAt(processDefinitionKey: string, elementId: string): Promise<ProjectAtElement[]> {
    const waiting = await this.activeElementInstances({ processDefinitionKey, elementId });
    const projects = await this.projects([...new Set(waiting.map((w) => w.processInstanceKey))]);
    const now = this.now().getTime();
    const innermost = new Map<string, InnermostElement[]>();
    // a few descents at a time: the engine answers reads in parallel, the caller waits for all
    const queue = waiting.filter((w) => CONTAINERS.has(w.type));
    const descend = async () => {
      for (let w = queue.shift(); w; w = queue.shift())
        innermost.set(w.elementInstanceKey, await this.innermostBelow(w.elementInstanceKey, w.type));
    };
    await Promise.all(Array.from({ length: Math.min(4, queue.length) }, descend));
    return waiting
      .map((w) => ({
        processInstanceKey: w.processInstanceKey,
        elementInstanceKey: w.elementInstanceKey,
        type: w.type,
        since: w.startDate ?? '',
        daysWaiting: w.startDate ? Math.floor((now - Date.parse(w.startDate)) / DAY_MS) : 0,
        hasIncident: w.hasIncident,
        innermost: innermost.get(w.elementInstanceKey) ?? [
          {
            elementId: w.elementId,
            elementName: w.elementName,
            elementInstanceKey: w.elementInstanceKey,
            processDefinitionId: null,
            since: w.startDate ?? '',
            hasIncident: w.hasIncident,
          },
        ],
        project: projects.get(w.processInstanceKey) ?? null,
      }))
      .sort((a, b) => b.daysWaiting - a.daysWaiting || a.since.localeCompare(b.since));
  }

  /**
   * The active leaves below a container instance, walking the element-instance tree through the
   * SDK (`elementInstanceScopeKey`: the direct children of a scope) and into the instance a call
   * activity started. Bounded (depth and breadth) so a malformed tree cannot stall the request.
   */
  private async innermostBelow(elementInstanceKey: string, type: string): Promise<InnermostElement[]> {
    const out: InnermostElement[] = [];
    let scopes: { key: string; type: string; calledId: string | null }[] = [
      { key: elementInstanceKey, type, calledId: null },
    ];
    for (let depth = 0; depth < 10 && scopes.length && out.length < 100; depth++) {
      const next: typeof scopes = [];
      for (const scope of scopes) {
        if (scope.type === 'CALL_ACTIVITY') {
          const called = (await this.engine.searchProcessInstances(
            { filter: { parentElementInstanceKey: scope.key, state: 'ACTIVE' }, page: { limit: 100 } } as never,
            consistency,
          )) as unknown as { items: { processInstanceKey: string; processDefinitionId: string }[] };
          for (const pi of called.items)
            next.push({ key: String(pi.processInstanceKey), type: 'PROCESS', calledId: pi.processDefinitionId });
          continue;
        }
        const children = (await this.engine.searchElementInstances(
          {
            filter: { elementInstanceScopeKey: scope.key, state: 'ACTIVE' },
            sort: [{ field: 'startDate', order: 'ASC' }],
            page: { limit: 100 },
          } as never,
          consistency,
        )) as unknown as { items: RawElementInstance[] };
        for (const c of children.items) {
          if (CONTAINERS.has(c.type) || c.type === 'MULTI_INSTANCE_BODY') {
            next.push({ key: String(c.elementInstanceKey), type: c.type, calledId: scope.calledId });
          } else {
            out.push({
              elementId: c.elementId,
              elementName: c.elementName ?? null,
              elementInstanceKey: String(c.elementInstanceKey),
              processDefinitionId: scope.calledId,
              since: c.startDate ?? '',
              hasIncident: Boolean(c.hasIncident),
            });
          }
        }
      }
      scopes = next;
    }
    return out;
  }

  /** One instance: where its tokens are, the path it took and every step with dates. */
  async instancePath(processInstanceKey: string): Promise<InstancePath> {
    let instance: { processDefinitionKey: string; processDefinitionId: string; state: string };
    try {
      instance = (await this.engine.getProcessInstance(
        { processInstanceKey } as never,
        consistency,
      )) as unknown as typeof instance;
    } catch (err) {
      if (isNotFound(err)) throw notFound('流程实例不存在');
      throw err;
    }
    const [elements, flows] = await Promise.all([
      this.engine.searchElementInstances(
        {
          filter: { processInstanceKey },
          sort: [{ field: 'startDate', order: 'ASC' }],
          page: { limit: 1000 },
        } as never,
        consistency,
      ) as unknown as Promise<{ items: RawElementInstance[] }>,
      this.engine.getProcessInstanceSequenceFlows({ processInstanceKey } as never, consistency) as unknown as Promise<{
        items: { sequenceFlowId?: string; elementId?: string }[];
      }>,
    ]);
    const timeline = elements.items.map((e) => ({
      elementInstanceKey: String(e.elementInstanceKey),
      elementId: e.elementId,
      elementName: e.elementName ?? null,
      type: e.type,
      state: e.state,
      startDate: e.startDate ?? null,
      endDate: e.endDate ?? null,
      hasIncident: Boolean(e.hasIncident),
    }));
    return {
      processInstanceKey,
      processDefinitionKey: String(instance.processDefinitionKey),
      processDefinitionId: instance.processDefinitionId,
      state: instance.state,
      active: [
        ...new Set(timeline.filter((t) => t.state === 'ACTIVE' && t.type !== 'PROCESS').map((t) => t.elementId)),
      ],
      incidents: [...new Set(timeline.filter((t) => t.hasIncident).map((t) => t.elementId))],
      sequenceFlows: [...new Set(flows.items.map((f) => String(f.sequenceFlowId ?? f.elementId)))],
      timeline,
    };
  }

  async incidents(): Promise<
    {
      incidentKey: string;
      processInstanceKey: string;
      elementId: string;
      errorType: string;
      errorMessage: string;
      creationTime: string;
      jobKey: string | null;
    }[]
  > {
    const result = (await this.engine.searchIncidents(
      { filter: { state: 'ACTIVE' }, sort: [{ field: 'creationTime', order: 'DESC' }], page: { limit: 1000 } } as never,
      consistency,
    )) as unknown as {
      items: {
        incidentKey: string;
        processInstanceKey: string;
        elementId: string;
        errorType: string;
        errorMessage: string;
        creationTime: string;
        jobKey?: string;
      }[];
    };
    return result.items.map((i) => ({
      incidentKey: String(i.incidentKey),
      processInstanceKey: String(i.processInstanceKey),
      elementId: i.elementId,
      errorType: i.errorType,
      errorMessage: i.errorMessage,
      creationTime: i.creationTime,
      jobKey: i.jobKey ? String(i.jobKey) : null,
    }));
  }

  /** Retry: give a failed job its retries back, then resolve the incident (Zeebe's order). */
  async retryIncident(actor: string, incidentKey: string, retries = 3): Promise<void> {
    const all = await this.incidents();
    const incident = all.find((i) => i.incidentKey === incidentKey);
    if (!incident) throw notFound('事件不存在或已解决');
    if (incident.jobKey) await this.engine.updateJob({ jobKey: incident.jobKey, changeset: { retries } } as never);
    await this.engine.resolveIncident({ incidentKey } as never);
    await this.audit.record({
      actor,
      action: 'incident.retry',
      target: `incident:${incidentKey}`,
      detail: { retries, elementId: incident.elementId },
    });
  }

  /**
   * The active element instances the engine's element statistics count: everything but the
   * process itself and multi-instance bodies (whose inner instances carry the same element id and
   * are counted one by one) — containers included, so ages and lists agree with the badges.
   */
  private async activeElementInstances(filter: {
    processDefinitionKey: string;
    elementId?: string;
  }): Promise<ActiveElementInstance[]> {
    const out: ActiveElementInstance[] = [];
    let after: string | undefined;
    // page through with cursors; bounded so a huge backlog cannot stall the live view
    for (let i = 0; i < 20; i++) {
      const page = (await this.engine.searchElementInstances(
        { filter: { ...filter, state: 'ACTIVE' }, page: after ? { after, limit: 1000 } : { limit: 1000 } } as never,
        consistency,
      )) as unknown as { items: RawElementInstance[]; page: { endCursor?: string } };
      for (const e of page.items) {
        if (e.type === 'PROCESS' || e.type === 'MULTI_INSTANCE_BODY') continue;
        out.push({
          elementId: e.elementId,
          elementName: e.elementName ?? null,
          type: e.type,
          elementInstanceKey: String(e.elementInstanceKey),
          processInstanceKey: String(e.processInstanceKey),
          startDate: e.startDate ?? null,
          hasIncident: Boolean(e.hasIncident),
        });
      }
      if (page.items.length < 1000 || !page.page.endCursor) break;
      after = page.page.endCursor;
    }
    return out;
  }
}

/** element instances that hold other element instances (or, for a call activity, a called instance) */
const CONTAINERS = new Set(['SUB_PROCESS', 'EVENT_SUB_PROCESS', 'CALL_ACTIVITY']);

interface ActiveElementInstance {
  elementId: string;
  elementName: string | null;
  type: string;
  elementInstanceKey: string;
  processInstanceKey: string;
  startDate: string | null;
  hasIncident: boolean;
}

interface RawElementInstance {
  elementInstanceKey: string;
  processInstanceKey: string;
  elementId: string;
  elementName?: string;
  type: string;
  state: string;
  startDate?: string;
  endDate?: string;
  hasIncident?: boolean;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Element ids named in an engine rejection, to mark them in the modeler: the words of the detail that are ids in the XML. */
function elementProblemsFrom(detail: string, resources: { content: string }[]): LintProblem[] {
  const ids = new Set(resources.flatMap((r) => [...r.content.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]!)));
  const named = [...new Set(detail.match(/[A-Za-z_][\w.-]*/g) ?? [])].filter((w) => ids.has(w));
  if (!named.length) return [{ elementId: null, rule: 'engine', category: 'error', message: detail }];
  return named.map((id) => ({ elementId: id, rule: 'engine', category: 'error' as const, message: detail }));
}
