/**
 * Mail at every gateway (issue 6): each time a project's process instance passes a gateway — any
 * gateway, including one a process owner adds later — the applying department's contacts and
 * the group that has the next step get a mail; a rejection or return carries the reason.
 *
 * Why a poller over the query API and not execution listeners: a listener works only where the
 * model declares one, so every gateway — also those added later in the modeler — would need a
 * `zeebe:executionListener` and a worker for it, and a gateway modelled without one would be
 * silently mail-less. The query API already records every passage, on the embedded engine and
 * on a real cluster alike, through the same SDK calls:
 *   1. search COMPLETED element instances of the gateway types (EXCLUSIVE_GATEWAY,
 *      INCLUSIVE_GATEWAY, PARALLEL_GATEWAY, EVENT_BASED_GATEWAY) that ended since a cursor
 *      persisted in `notify_cursor` (minus an overlap for exporter lag on a real cluster);
 *   2. read the deployed model's outgoing flows of that gateway (process-definition XML), the
 *      sequence flows the instance took (GET /v2/process-instances/{key}/sequence-flows) and the
 *      element instances started after the gateway ended, to find the branch of this passage;
 *   3. for a user task next, read its candidate groups / users (user-task search);
 *   4. enqueue one mail per recipient with the dedupe key (processInstanceKey,
 *      gatewayElementInstanceKey, recipient, purpose), so re-reading a passage — the overlap, a
 *      restart, a second replica — never mails twice.
 * The cost is latency (one poll interval) and no mail for a passage whose next element is not
 * visible yet: such a gateway holds the cursor back and is looked at again on the next poll.
 */
import type { DataSource } from 'typeorm';
import type { EngineClient } from '../engine-client';
import type { Logger } from '../logger';
import { parseProcessModel, type FlowInfo, type NodeInfo, type ProcessModel } from './bpmn-model';
import { dedupeKey, enqueueMail, mailDomain, type OutgoingMail } from './outbox';
import { uniqueRecipients, type Recipient, type RecipientDirectory } from './recipients';
import { DECISION_WORDS, gatewayMail, type DecisionKind } from './templates';

export const GATEWAY_TYPES = [
  'EXCLUSIVE_GATEWAY',
  'INCLUSIVE_GATEWAY',
  'PARALLEL_GATEWAY',
  'EVENT_BASED_GATEWAY',
] as const;
export type GatewayType = (typeof GATEWAY_TYPES)[number];

export interface ElementInstanceView {
  elementInstanceKey: string;
  processInstanceKey: string;
  processDefinitionKey: string;
  elementId: string;
  elementName?: string;
  type: string;
  state: string;
  startDate: string;
  endDate?: string;
}

export interface UserTaskView {
  elementInstanceKey?: string;
  elementId?: string;
  name?: string;
  candidateGroups?: string[];
  candidateUsers?: string[];
  assignee?: string;
}

/** The engine reads the notifier needs — a port, so the decision logic is tested with fakes. */
export interface GatewayQueries {
  /** COMPLETED instances of a gateway type that ended at or after `since`, oldest first */
  completedGateways(type: GatewayType, since: string): Promise<ElementInstanceView[]>;
  elementInstances(processInstanceKey: string): Promise<ElementInstanceView[]>;
  takenSequenceFlows(processInstanceKey: string): Promise<string[]>;
  processXml(processDefinitionKey: string): Promise<string>;
  userTasks(processInstanceKey: string): Promise<UserTaskView[]>;
  /** process-instance-scope variables by name, JSON-decoded */
  variables(processInstanceKey: string, names: readonly string[]): Promise<Record<string, unknown>>;
}

/** The job type of the models' own notice tasks (workers/notify.ts). */
export const MODEL_NOTICE_JOB_TYPE = 'egov.notify';

const PAGE = 100;
const NO_WAIT = { consistency: { waitUpToMs: 0 } };

/** Dates compared as text must share one format: Camunda may answer "…+0000", we write "…Z". */
function normaliseDates(e: ElementInstanceView): ElementInstanceView {
  const iso = (v: string) => {
    const ms = Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    return Number.isNaN(ms) ? v : new Date(ms).toISOString();
  };
  return { ...e, startDate: iso(e.startDate), ...(e.endDate ? { endDate: iso(e.endDate) } : {}) };
}

type SearchPage<T> = { items?: T[]; page?: { endCursor?: string } };

/**
 * GatewayQueries over the official SDK client (embedded engine or a real cluster alike). Request
 * bodies are cast: the SDK types keys as branded strings, ours are plain strings from responses.
 */
export function gatewayQueriesFromEngine(engine: EngineClient): GatewayQueries {
  const pageAll = async <T>(fetch: (page: Record<string, unknown>) => Promise<unknown>): Promise<T[]> => {
    const all: T[] = [];
    let after: string | undefined;
    for (;;) {
      const res = (await fetch(after ? { after, limit: PAGE } : { from: 0, limit: PAGE })) as SearchPage<T>;
      const items = res.items ?? [];
      all.push(...items);
      after = res.page?.endCursor;
      if (items.length < PAGE || !after) return all;
    }
  };
  const elements = (p: Promise<ElementInstanceView[]>) => p.then((list) => list.map(normaliseDates));
  return {
    completedGateways: (type, since) =>
      elements(
        pageAll<ElementInstanceView>((page) =>
          engine.searchElementInstances(
            {
              filter: { type, state: 'COMPLETED', endDate: { $gte: since } },
              sort: [{ field: 'endDate', order: 'ASC' }],
              page,
            } as never,
            NO_WAIT,
          ),
        ),
      ),
    elementInstances: (processInstanceKey) =>
      elements(
        pageAll<ElementInstanceView>((page) =>
          engine.searchElementInstances(
            { filter: { processInstanceKey }, sort: [{ field: 'startDate', order: 'ASC' }], page } as never,
            NO_WAIT,
          ),
        ),
      ),
    takenSequenceFlows: async (processInstanceKey) => {
      const res = (await engine.getProcessInstanceSequenceFlows({ processInstanceKey } as never, NO_WAIT)) as {
        items?: { elementId?: string; sequenceFlowId?: string }[];
      };
      // Camunda documents elementId as the BPMN id and sequenceFlowId as the record's id, which
      // some versions build as "<processInstanceKey>_<flow id>": accept every spelling
      const ids = new Set<string>();
      for (const f of res.items ?? []) {
        for (const v of [f.elementId, f.sequenceFlowId]) {
          if (!v) continue;
          ids.add(String(v));
          ids.add(String(v).replace(/^\d+_/, ''));
        }
      }
      return [...ids];
    },
    processXml: async (processDefinitionKey) =>
      String(await engine.getProcessDefinitionXml({ processDefinitionKey } as never, NO_WAIT)),
    userTasks: (processInstanceKey) =>
      pageAll<UserTaskView>((page) =>
        engine.searchUserTasks({ filter: { processInstanceKey }, page } as never, NO_WAIT),
      ),
    variables: async (processInstanceKey, names) => {
      const items = await pageAll<{ name: string; value: string }>((page) =>
        engine.searchVariables(
          { filter: { processInstanceKey, scopeKey: processInstanceKey }, page } as never,
          NO_WAIT,
        ),
      );
      const out: Record<string, unknown> = {};
      for (const v of items) {
        if (!names.includes(v.name)) continue;
        try {
          out[v.name] = JSON.parse(v.value);
        } catch {
          out[v.name] = v.value;
        }
      }
      return out;
    },
  };
}

/** Process variables the notifier reads (the processes set them at instance creation). */
export const PROJECT_VARIABLES = {
  projectId: 'projectId',
  projectName: 'projectName',
  departmentCode: 'departmentCode',
} as const;

/** Where a rejection or return reason is looked for, first non-empty wins. */
export const DEFAULT_REASON_VARIABLES = ['reason', 'rejectionReason', 'returnReason', 'reviewOpinion', 'comment'];

/** R5 display names of candidate groups (departments are resolved by the directory). */
export const GROUP_NAMES: Record<string, string> = {
  'data-bureau': '区数据资源管理局',
  finance: '区财政局',
  drc: '区发展和改革委员会',
  'trading-center': '区公共资源交易中心',
  'crypto-bureau': '区委机要局（密码管理局）',
  'cyberspace-office': '区委网信办',
  audit: '区审计局',
  government: '区政府',
  experts: '专家',
};

/**
 * The kind of decision a flow stands for: an explicit `zeebe:property notify-kind` on the flow
 * (approved | rejected | returned), else its label — "不通过", "退回", "批准" — or, for the
 * usual 是/否 labels, the gateway's question ("材料齐全？" 否 = returned, "审查通过？" 否 = rejected).
 */
export function decisionKind(flow: Pick<FlowInfo, 'name' | 'properties'>, gatewayName = ''): DecisionKind {
  const explicit = flow.properties['notify-kind'];
  if (explicit === 'approved' || explicit === 'rejected' || explicit === 'returned') return explicit;
  const label = flow.name.trim();
  if (/退回|返回|补正|补充材料|修改后/.test(label)) return 'returned';
  if (/不通过|未通过|驳回|拒绝|不予|否决|不同意|不批准|不合格/.test(label)) return 'rejected';
  if (/通过|同意|批准|准予|合格/.test(label)) return 'approved';
  if (label === '是' || label === '否') {
    const yes = label === '是';
    if (/齐全|完整|完备/.test(gatewayName)) return yes ? 'approved' : 'returned';
    if (/通过|批准|同意|合格|准予|符合/.test(gatewayName)) return yes ? 'approved' : 'rejected';
  }
  return 'decided';
}

/**
 * Whether a gateway's passage is worth a mail: not when the model silences it
 * (`zeebe:property notify = false`), and not for a pure merge that only leads into another
 * gateway (that gateway's own passage carries the news).
 */
export function isNotifying(node: NodeInfo, model: ProcessModel): boolean {
  if (node.properties['notify'] === 'false') return false;
  if (node.outgoing.length === 1) {
    const target = model.nodes.get(node.outgoing[0]!.targetRef);
    if (target && /Gateway$/.test(target.type)) return false;
  }
  return true;
}

export interface Passage {
  gateway: ElementInstanceView;
  /** flows taken in this passage with the element instance each started */
  branches: { flow: FlowInfo; target: NodeInfo | undefined; instance: ElementInstanceView }[];
}

/**
 * The branch(es) one gateway passage took. The sequence-flow endpoint aggregates over the whole
 * instance (a loop may have taken every flow before), so a passage is pinned down by time: the
 * targets' element instances that started between this passage's end and the next passage of
 * the same gateway. Exclusive / event-based: the earliest such target; parallel: all outgoing
 * flows; inclusive: every taken flow with a target in the window. Null = not visible yet.
 */
export function resolvePassage(
  gateway: ElementInstanceView,
  model: ProcessModel,
  instances: readonly ElementInstanceView[],
  takenFlows: ReadonlySet<string>,
): Passage | null {
  const node = model.nodes.get(gateway.elementId);
  if (!node || !gateway.endDate) return null;
  const end = gateway.endDate;
  const nextPassage = instances
    .filter((i) => i.elementId === gateway.elementId && i.elementInstanceKey !== gateway.elementInstanceKey)
    .map((i) => i.endDate ?? i.startDate)
    .filter((t) => t > end)
    .sort()[0];
  const firstTargetInstance = (flow: FlowInfo) =>
    instances
      .filter(
        (i) => i.elementId === flow.targetRef && i.startDate >= end && (!nextPassage || i.startDate <= nextPassage),
      )
      .sort((a, b) => (a.startDate < b.startDate ? -1 : a.startDate > b.startDate ? 1 : 0))[0];
  const candidates = node.outgoing
    .map((flow) => ({ flow, target: model.nodes.get(flow.targetRef), instance: firstTargetInstance(flow) }))
    .filter(
      (b): b is Passage['branches'][number] =>
        b.instance !== undefined && (takenFlows.size === 0 || takenFlows.has(b.flow.id)),
    );
  if (gateway.type === 'PARALLEL_GATEWAY') {
    return candidates.length === node.outgoing.length && candidates.length > 0
      ? { gateway, branches: candidates }
      : null;
  }
  if (candidates.length === 0) return null;
  if (gateway.type === 'INCLUSIVE_GATEWAY') return { gateway, branches: candidates };
  const first = candidates.reduce((a, b) => (b.instance.startDate < a.instance.startDate ? b : a));
  return { gateway, branches: [first] };
}

export interface GatewayNotifierOptions {
  dataSource: DataSource;
  queries: GatewayQueries;
  directory: RecipientDirectory;
  baseUrl: string;
  /** MAIL_FROM, for the Message-ID domain */
  from: string;
  logger?: Logger;
  intervalMs?: number;
  /** re-read this much before the cursor: exporter lag on a real cluster */
  overlapMs?: number;
  /** a passage whose next element stays invisible this long is given up (logged) */
  giveUpMs?: number;
  reasonVariables?: readonly string[];
  now?: () => number;
}

const CURSOR = 'gateway-notifier';

export interface NotifyStats {
  gateways: number;
  notified: number;
  waiting: number;
  mails: number;
}

export class GatewayNotifier {
  private readonly models = new Map<string, ProcessModel>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = true;

  constructor(private readonly opts: GatewayNotifierOptions) {}

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  private async readCursor(): Promise<string | null> {
    const rows = (await this.opts.dataSource.query('SELECT value FROM notify_cursor WHERE name = ?', [CURSOR])) as {
      value: string;
    }[];
    return rows[0]?.value ?? null;
  }

  /** Moves the cursor forward only (two replicas may race; the later time wins). */
  private async writeCursor(value: string): Promise<void> {
    const m = this.opts.dataSource.manager;
    const at = new Date(this.now()).toISOString();
    const current = await this.readCursor();
    if (current === null) {
      try {
        await m.query('INSERT INTO notify_cursor (name, value, updated_at) VALUES (?, ?, ?)', [CURSOR, value, at]);
        return;
      } catch {
        // another replica created it first: fall through to the guarded update
      }
    }
    await m.query('UPDATE notify_cursor SET value = ?, updated_at = ? WHERE name = ? AND value < ?', [
      value,
      at,
      CURSOR,
      value,
    ]);
  }

  private async model(processDefinitionKey: string): Promise<ProcessModel> {
    let model = this.models.get(processDefinitionKey);
    if (!model) {
      model = parseProcessModel(await this.opts.queries.processXml(processDefinitionKey));
      this.models.set(processDefinitionKey, model);
    }
    return model;
  }

  /** One poll. The first ever poll starts at "now": history is not mailed after an upgrade. */
  async runOnce(): Promise<NotifyStats> {
    const stats: NotifyStats = { gateways: 0, notified: 0, waiting: 0, mails: 0 };
    const nowIso = new Date(this.now()).toISOString();
    const cursor = await this.readCursor();
    if (cursor === null) {
      await this.writeCursor(nowIso);
      return stats;
    }
    const since = new Date(Date.parse(cursor) - (this.opts.overlapMs ?? 60_000)).toISOString();
    const gateways = (await Promise.all(GATEWAY_TYPES.map((t) => this.opts.queries.completedGateways(t, since))))
      .flat()
      .filter((g) => g.endDate)
      .sort((a, b) => (a.endDate! < b.endDate! ? -1 : a.endDate! > b.endDate! ? 1 : 0));
    stats.gateways = gateways.length;

    const perInstance = new Map<string, Promise<{ instances: ElementInstanceView[]; taken: Set<string> }>>();
    const instanceData = (key: string) => {
      let p = perInstance.get(key);
      if (!p) {
        p = Promise.all([this.opts.queries.elementInstances(key), this.opts.queries.takenSequenceFlows(key)]).then(
          ([instances, taken]) => ({ instances, taken: new Set(taken) }),
        );
        perInstance.set(key, p);
      }
      return p;
    };

    let holdAt: string | undefined;
    let maxEnd = cursor;
    const giveUpBefore = new Date(this.now() - (this.opts.giveUpMs ?? 3_600_000)).toISOString();
    for (const g of gateways) {
      if (g.endDate! > maxEnd) maxEnd = g.endDate!;
      const { instances, taken } = await instanceData(g.processInstanceKey);
      const model = await this.model(g.processDefinitionKey);
      const node = model.nodes.get(g.elementId);
      if (node && !isNotifying(node, model)) continue;
      const passage = resolvePassage(g, model, instances, taken);
      const mails = passage ? await this.mailsFor(passage) : null;
      if (!mails) {
        if (g.endDate! >= giveUpBefore) {
          stats.waiting++;
          if (!holdAt || g.endDate! < holdAt) holdAt = g.endDate!;
        } else {
          this.opts.logger?.warn(
            { gateway: g.elementInstanceKey, elementId: g.elementId },
            'gateway passage not resolvable, given up',
          );
        }
        continue;
      }
      stats.notified++;
      if (mails.length) {
        await this.opts.dataSource.transaction(async (m) => {
          for (const mail of mails)
            if (await enqueueMail(m, mail, { domain: mailDomain(this.opts.from) })) stats.mails++;
        });
      }
    }
    const next = holdAt ?? maxEnd;
    if (next > cursor) await this.writeCursor(next);
    return stats;
  }

  /** The mails of one passage, or null when what it needs is not visible yet. */
  async mailsFor(passage: Passage): Promise<OutgoingMail[] | null> {
    const { gateway, branches } = passage;
    // One owner per notice: a branch that leads straight into the model's own notice task
    // (`egov.notify`, workers/notify.ts — e.g. 不通过 → Task_NotifyReviewFailed) is announced by
    // that task, with the reason and the recipients the model names; a gateway mail as well would
    // be a second mail to the department for the same decision.
    if (branches.length > 0 && branches.every((b) => b.target?.jobType === MODEL_NOTICE_JOB_TYPE)) return [];
    const reasonNames = this.opts.reasonVariables ?? DEFAULT_REASON_VARIABLES;
    const vars = await this.opts.queries.variables(gateway.processInstanceKey, [
      ...Object.values(PROJECT_VARIABLES),
      ...reasonNames,
    ]);
    const projectId = vars[PROJECT_VARIABLES.projectId];
    if (projectId === undefined || projectId === null || projectId === '') return []; // not a project process
    const projectName = String(vars[PROJECT_VARIABLES.projectName] ?? `项目 ${String(projectId)}`);

    const { directory } = this.opts;
    const recipients: Recipient[] = [];
    const departmentCode = vars[PROJECT_VARIABLES.departmentCode];
    if (typeof departmentCode === 'string' && departmentCode) {
      recipients.push(...(await directory.departmentContacts(departmentCode)));
    }

    const nextSteps: string[] = [];
    const assignees: string[] = [];
    let tasks: UserTaskView[] | undefined;
    for (const b of branches) {
      nextSteps.push(b.target?.name || b.flow.targetRef);
      if (b.target?.type !== 'userTask') continue;
      tasks ??= await this.opts.queries.userTasks(gateway.processInstanceKey);
      const task = tasks.find((t) => t.elementInstanceKey === b.instance.elementInstanceKey);
      const groups = task?.candidateGroups?.length ? task.candidateGroups : b.target.candidateGroups;
      const users = [...(task?.candidateUsers ?? []), ...(task?.assignee ? [task.assignee] : [])];
      if (!task && groups.length === 0) return null; // the task record has not arrived yet
      for (const group of groups) {
        recipients.push(...(await directory.candidateGroup(group)));
        assignees.push(await this.groupName(group));
      }
      if (users.length) recipients.push(...(await directory.users(users)));
    }

    const gatewayName = gateway.elementName || this.gatewayNodeName(gateway) || gateway.elementId;
    const flow = branches.length === 1 ? branches[0]!.flow : undefined;
    const kind: DecisionKind = flow ? decisionKind(flow, gatewayName) : 'decided';
    // a bare 是/否 says little in a mail: name the decision instead when the question tells it
    const label = flow?.name.trim() ?? '';
    const decision = !flow
      ? '进入并行环节'
      : (label === '是' || label === '否') && kind !== 'decided'
        ? DECISION_WORDS[kind]
        : label || `进入“${branches[0]!.target?.name || flow.targetRef}”`;
    let reason: string | null = null;
    if (kind === 'rejected' || kind === 'returned') {
      for (const name of reasonNames) {
        const v = vars[name];
        if (typeof v === 'string' && v.trim()) {
          reason = v.trim();
          break;
        }
      }
    }
    const rendered = gatewayMail({
      baseUrl: this.opts.baseUrl,
      projectId: String(projectId),
      projectName,
      gatewayName,
      decision,
      kind,
      nextSteps,
      nextAssignees: [...new Set(assignees)],
      reason,
    });
    return uniqueRecipients(recipients).map((recipient) => ({
      dedupeKey: dedupeKey('gw', gateway.processInstanceKey, gateway.elementInstanceKey, recipient.userId, 'gateway'),
      recipient,
      ...rendered,
      purpose: 'gateway',
      projectId: String(projectId),
    }));
  }

  private gatewayNodeName(g: ElementInstanceView): string | undefined {
    return this.models.get(g.processDefinitionKey)?.nodes.get(g.elementId)?.name || undefined;
  }

  private async groupName(group: string): Promise<string> {
    return GROUP_NAMES[group] ?? (await this.opts.directory.groupName?.(group)) ?? group;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      try {
        await this.runOnce();
      } catch (err) {
        this.opts.logger?.error({ err }, 'gateway notifier poll failed');
      }
      if (!this.stopped) this.timer = setTimeout(() => (this.running = loop()), this.opts.intervalMs ?? 5_000);
    };
    this.running = loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
