/**
 * The interpreter: a single writer that processes one command at a time, each in one database
 * transaction, and follows every consequence (taking flows, entering and leaving elements, creating
 * jobs) inside that transaction until each token rests at a wait state — as a Zeebe partition's
 * stream processor does. All state is rows; nothing per instance stays in memory.
 */
import type { Logger } from 'pino';
import { EngineError, invalidState, notFound } from '../errors';
import { evaluateCondition, evaluateExpression, evaluateValue, FeelError, isExpression, scheduleTimer } from '../feel';
import type { ElementModel, EventDef, FlowModel, ProcessModel, TimerDef } from '../model';
import { compileBpmn } from '../model';
import type { KeyGenerator, Row, Sql, Store } from '../store';
import type { ElementInstanceRow } from './rows';
import { EI_COLUMNS, iso, k, nk, parseJson, placeholders, toEi } from './rows';

export type Vars = Record<string, unknown>;

export class Clock {
  private pinned: number | null = null;
  now(): number {
    return this.pinned ?? Date.now();
  }
  pin(ms: number) {
    this.pinned = ms;
  }
  reset() {
    this.pinned = null;
  }
}

export interface ProcessInstanceInfo {
  key: string;
  defKey: string;
  bpmnProcessId: string;
  version: number;
  tenantId: string;
  parentPiKey: string | null;
  parentEiKey: string | null;
  state: string;
}

/** what a finished transaction tells the world once it has committed */
export interface Effects {
  jobTypes: Set<string>;
  earliestDue: number;
  completedInstances: string[];
}

type Work = () => Promise<void>;

type Queued =
  | { kind: 'command'; fn: (p: Proc) => Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void }
  | { kind: 'read'; fn: (s: Sql) => Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void };

const MODEL_CACHE = 200;
/** commands per group commit: bounds the latency a batch adds to its first command */
const MAX_BATCH = 64;

export class Engine {
  private readonly models = new Map<string, ProcessModel>();
  readonly jobListeners = new Set<(type: string) => void>();
  readonly defs = new Map<string, { version: number; name: string | null }>();
  /** awaitCompletion callers, keyed by process instance */
  readonly waiters = new Map<string, (completed: boolean) => void>();
  onDue: (at: number) => void = () => undefined;
  /** counters for diagnostics and the benchmark: transactions (group commits) and commands in them */
  readonly stats = { transactions: 0, commands: 0 };

  constructor(
    readonly store: Store,
    readonly keys: KeyGenerator,
    readonly clock: Clock,
    readonly logger?: Logger,
  ) {}

  /**
   * Runs fn as one command: serialised with all others, its follow-ups drained. Commands that queue
   * up while a batch is processed are committed together in the next transaction (group commit, as a
   * Zeebe partition batches its log writes), each under its own savepoint so one rejection undoes
   * only its own writes; nobody hears of a result before its transaction has committed.
   */
  command<T>(fn: (p: Proc) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        kind: 'command',
        fn: fn as (p: Proc) => Promise<unknown>,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      this.schedule();
    });
  }

  /** reads: on SQLite they share the one connection, so they run between write transactions */
  read<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    if (this.store.kind === 'mysql') return fn(this.store.reader());
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        kind: 'read',
        fn: fn as (s: Sql) => Promise<unknown>,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      this.schedule();
    });
  }

  private readonly queue: Queued[] = [];
  private pumping = false;
  private scheduled = false;

  /**
   * Starts the pump on the next turn of the event loop (setImmediate: after the I/O callbacks of
   * this turn, no timer delay) rather than at once. On SQLite a command runs synchronously to its
   * commit, so starting at once would give every HTTP request a transaction — and a commit — of its
   * own; waiting for the turn's I/O lets every request that arrived with it join one group commit.
   */
  private schedule() {
    if (this.pumping || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.pump();
    });
  }
  private idleWaiters: (() => void)[] = [];

  private async pump() {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length) {
        const head = this.queue[0] as Queued;
        if (head.kind === 'read') {
          this.queue.shift();
          await head.fn(this.store.reader()).then(head.resolve, head.reject);
          continue;
        }
        const batch: Extract<Queued, { kind: 'command' }>[] = [];
        while (batch.length < MAX_BATCH && this.queue[0]?.kind === 'command')
          batch.push(this.queue.shift() as Extract<Queued, { kind: 'command' }>);
        await this.runBatch(batch);
      }
    } finally {
      this.pumping = false;
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const f of w) f();
    }
  }

  private async runBatch(batch: Extract<Queued, { kind: 'command' }>[]) {
    const outcomes: ({ ok: true; value: unknown; effects: Effects } | { ok: false; error: unknown })[] = [];
    let sql: Sql;
    try {
      sql = await this.store.begin();
    } catch (e) {
      for (const c of batch) c.reject(e);
      return;
    }
    /** runs one command of the batch; `alone`: no savepoint, its failure fails the transaction */
    const runOne = async (c: Extract<Queued, { kind: 'command' }>, alone: boolean) => {
      if (!alone) await this.store.savepoint(sql);
      const proc = new Proc(this, sql, this.clock.now());
      try {
        const value = await c.fn(proc);
        await proc.drain();
        if (!alone) await this.store.release(sql);
        outcomes.push({ ok: true, value, effects: proc.effects });
      } catch (error) {
        if (alone) throw error;
        await this.store.rollbackToSavepoint(sql);
        this.keys.rolledBack();
        proc.abandon();
        outcomes.push({ ok: false, error });
      }
    };
    try {
      const single = batch.length === 1;
      for (const c of batch) await runOne(c, single);
      // Jobs made activatable by this batch are announced before it commits: the long poller's
      // activations for parked workers are queued now and join this transaction (below), so a
      // worker gets a new job in the same commit that created it instead of one batch later.
      // Their answers, like every other, go out only after the commit.
      const types = new Set<string>();
      for (const o of outcomes) if (o.ok) for (const t of o.effects.jobTypes) types.add(t);
      if (types.size && this.jobListeners.size) {
        const mark = this.queue.length;
        for (const t of types) for (const l of this.jobListeners) l(t);
        const joined = this.queue.splice(mark);
        for (const q of joined) {
          if (q.kind === 'command' && batch.length < MAX_BATCH * 2) {
            batch.push(q);
            await runOne(q, false);
          } else this.queue.push(q);
        }
      }
      await this.store.commit();
      this.stats.transactions++;
      this.stats.commands += batch.length;
    } catch (e) {
      await this.store.rollback();
      this.keys.rolledBack();
      for (const c of batch) c.reject(e);
      return;
    }
    batch.forEach((c, i) => {
      const o = outcomes[i];
      if (!o) return;
      if (o.ok) {
        this.publish(o.effects);
        c.resolve(o.value);
      } else c.reject(o.error);
    });
  }

  /** resolves when every queued command has finished */
  idle(): Promise<void> {
    if (!this.pumping && !this.scheduled && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** after the commit; the job listeners were told before it (runBatch) */
  private publish(e: Effects) {
    if (e.earliestDue !== Infinity) this.onDue(e.earliestDue);
    for (const pi of e.completedInstances) {
      const w = this.waiters.get(pi);
      if (w) {
        this.waiters.delete(pi);
        w(true);
      }
    }
  }

  async model(defKey: string, sql: Sql): Promise<ProcessModel> {
    const cached = this.models.get(defKey);
    if (cached) {
      this.models.delete(defKey);
      this.models.set(defKey, cached);
      return cached;
    }
    const rows = await sql.all(
      `SELECT xml, bpmn_process_id FROM zb_process_definition WHERE process_definition_key = ?`,
      [defKey],
    );
    const row = rows[0];
    if (!row) throw notFound(`Expected to find process definition with key '${defKey}', but none found`);
    const { processes } = await compileBpmn(String(row.xml));
    const m = processes.find((p) => p.id === row.bpmn_process_id);
    if (!m) throw new Error(`engine: process ${String(row.bpmn_process_id)} missing from its own resource`);
    this.cacheModel(defKey, m);
    return m;
  }

  cacheModel(defKey: string, m: ProcessModel) {
    this.models.set(defKey, m);
    if (this.models.size > MODEL_CACHE) {
      const oldest = this.models.keys().next().value;
      if (oldest !== undefined) this.models.delete(oldest);
    }
  }
}

const isJsonObject = (v: unknown): v is Vars => typeof v === 'object' && v !== null && !Array.isArray(v);

/** dotted output targets (`a.b`) write into nested contexts, as Zeebe does */
function assignTarget(into: Vars, existing: Vars, target: string, value: unknown) {
  const parts = target.split('.');
  if (parts.length === 1) {
    into[target] = value;
    return;
  }
  const head = parts[0] as string;
  const base = isJsonObject(into[head])
    ? (into[head] as Vars)
    : isJsonObject(existing[head])
      ? structuredClone(existing[head] as Vars)
      : {};
  let cur = base;
  for (const p of parts.slice(1, -1)) {
    if (!isJsonObject(cur[p])) cur[p] = {};
    cur = cur[p] as Vars;
  }
  cur[parts[parts.length - 1] as string] = value;
  into[head] = base;
}

class Incident extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

/** one command's processing context: the transaction, its clock reading and its follow-up work */
export class Proc {
  private readonly work: Work[] = [];
  /** activations queued but not yet performed, per flow scope: a scope with pending tokens is not done */
  private readonly pending = new Map<string, number>();
  readonly effects: Effects = { jobTypes: new Set(), earliestDue: Infinity, completedInstances: [] };

  constructor(
    readonly engine: Engine,
    readonly sql: Sql,
    readonly now: number,
  ) {}

  private readonly awaited: string[] = [];
  /** element instances read or written by this command; the writer is the only one changing them */
  private readonly eis = new Map<string, ElementInstanceRow>();

  private intern(r: Row): ElementInstanceRow {
    const key = k(r.element_instance_key);
    const cached = this.eis.get(key);
    if (cached) return cached;
    const ei = toEi(r);
    this.eis.set(key, ei);
    return ei;
  }

  /** awaitCompletion: resolve is called once the instance completed and that transaction committed */
  awaitCompletion(piKey: string, resolve: (completed: boolean) => void) {
    this.engine.waiters.set(piKey, resolve);
    this.awaited.push(piKey);
  }

  /** the command was rolled back: forget what it registered */
  abandon() {
    for (const pi of this.awaited) this.engine.waiters.delete(pi);
  }

  get nowIso() {
    return iso(this.now);
  }

  key(): Promise<string> {
    return this.engine.keys.next(this.sql);
  }

  model(defKey: string) {
    return this.engine.model(defKey, this.sql);
  }

  feelOpts() {
    return { now: new Date(this.now) };
  }

  async drain() {
    let w: Work | undefined;
    while ((w = this.work.shift())) await w();
  }

  private due(at: number) {
    if (at < this.effects.earliestDue) this.effects.earliestDue = at;
  }

  // ---------------------------------------------------------------- rows

  async ei(key: string): Promise<ElementInstanceRow | undefined> {
    const cached = this.eis.get(key);
    if (cached) return cached;
    const rows = await this.sql.all(`SELECT ${EI_COLUMNS} FROM zb_element_instance WHERE element_instance_key = ?`, [
      key,
    ]);
    return rows[0] ? this.intern(rows[0]) : undefined;
  }

  async activeChildren(scopeKey: string): Promise<ElementInstanceRow[]> {
    const rows = await this.sql.all(
      `SELECT ${EI_COLUMNS} FROM zb_element_instance WHERE flow_scope_key = ? AND state = 'ACTIVE' ORDER BY element_instance_key`,
      [scopeKey],
    );
    return rows.map((r) => this.intern(r)).filter((e) => e.state === 'ACTIVE');
  }

  async pi(key: string): Promise<ProcessInstanceInfo | undefined> {
    const rows = await this.sql.all(
      `SELECT process_instance_key, process_definition_key, bpmn_process_id, version, tenant_id, parent_process_instance_key, parent_element_instance_key, state FROM zb_process_instance WHERE process_instance_key = ?`,
      [key],
    );
    const r = rows[0];
    if (!r) return undefined;
    return {
      key: k(r.process_instance_key),
      defKey: k(r.process_definition_key),
      bpmnProcessId: String(r.bpmn_process_id),
      version: Number(r.version),
      tenantId: String(r.tenant_id),
      parentPiKey: nk(r.parent_process_instance_key),
      parentEiKey: nk(r.parent_element_instance_key),
      state: String(r.state),
    };
  }

  /** version and name of a definition: immutable, so cached engine-wide */
  async defInfo(defKey: string): Promise<{ version: number; name: string | null }> {
    const cached = this.engine.defs.get(defKey);
    if (cached) return cached;
    const rows = await this.sql.all(
      `SELECT version, name FROM zb_process_definition WHERE process_definition_key = ?`,
      [defKey],
    );
    const info = { version: Number(rows[0]?.version ?? 1), name: (rows[0]?.name as string | null | undefined) ?? null };
    if (this.engine.defs.size > 1000) this.engine.defs.clear();
    this.engine.defs.set(defKey, info);
    return info;
  }

  private async setPhase(ei: ElementInstanceRow, phase: string, listenerIndex = ei.listenerIndex) {
    ei.phase = phase;
    ei.listenerIndex = listenerIndex;
    await this.sql.run(`UPDATE zb_element_instance SET phase = ?, listener_index = ? WHERE element_instance_key = ?`, [
      phase,
      listenerIndex,
      ei.key,
    ]);
  }

  private async createEi(
    el: ElementModel,
    scope: ElementInstanceRow,
    opts: { type?: string; loopCounter?: number; phase?: string } = {},
  ): Promise<ElementInstanceRow> {
    const key = await this.key();
    const ei: ElementInstanceRow = {
      key,
      piKey: scope.piKey,
      defKey: scope.defKey,
      bpmnProcessId: scope.bpmnProcessId,
      elementId: el.id,
      elementName: el.name ?? null,
      type: opts.type ?? el.type,
      flowScopeKey: scope.key,
      scopePath: `${scope.scopePath},${key}`,
      state: 'ACTIVE',
      phase: opts.phase ?? 'ACTIVATING',
      listenerIndex: 0,
      loopCounter: opts.loopCounter ?? 0,
      interrupted: false,
      calledPiKey: null,
      tenantId: scope.tenantId,
    };
    await this.insertEi(ei);
    return ei;
  }

  private async insertEi(ei: ElementInstanceRow) {
    this.eis.set(ei.key, ei);
    await this.sql.run(
      `INSERT INTO zb_element_instance (${EI_COLUMNS}, has_incident, start_date) VALUES (${placeholders(18)})`,
      [
        ei.key,
        ei.piKey,
        ei.defKey,
        ei.bpmnProcessId,
        ei.elementId,
        ei.elementName,
        ei.type,
        ei.flowScopeKey,
        ei.scopePath,
        ei.state,
        ei.phase,
        ei.listenerIndex,
        ei.loopCounter,
        ei.interrupted ? 1 : 0,
        ei.calledPiKey,
        ei.tenantId,
        0,
        this.nowIso,
      ],
    );
  }

  // ---------------------------------------------------------------- variables

  async varsOf(scopeKeys: string[], names?: string[]): Promise<Vars> {
    if (scopeKeys.length === 0) return {};
    let sqlText = `SELECT scope_key, name, value FROM zb_variable WHERE scope_key IN (${placeholders(scopeKeys.length)})`;
    const params: unknown[] = [...scopeKeys];
    if (names) {
      if (names.length === 0) return {};
      sqlText += ` AND name IN (${placeholders(names.length)})`;
      params.push(...names);
    }
    const rows = await this.sql.all(sqlText, params);
    const depth = new Map(scopeKeys.map((s, i) => [s, i]));
    const best = new Map<string, number>();
    const out: Vars = {};
    for (const r of rows) {
      const d = depth.get(k(r.scope_key)) ?? 0;
      const name = String(r.name);
      if ((best.get(name) ?? -1) <= d) {
        best.set(name, d);
        out[name] = parseJson(r.value);
      }
    }
    return out;
  }

  context(ei: ElementInstanceRow): Promise<Vars> {
    return this.varsOf(ei.scopePath.split(','));
  }

  /** `known`: names already present in the scope, when the caller has just read them */
  async setLocal(scopeKey: string, piKey: string, tenantId: string, vars: Vars, known?: Set<string>) {
    const names = Object.keys(vars);
    if (names.length === 0) return;
    let have = known;
    if (!have) {
      const existing = await this.sql.all(
        `SELECT name FROM zb_variable WHERE scope_key = ? AND name IN (${placeholders(names.length)})`,
        [scopeKey, ...names],
      );
      have = new Set(existing.map((r) => String(r.name)));
    }
    const inserts: unknown[] = [];
    let n = 0;
    for (const name of names) {
      const value = JSON.stringify(vars[name] ?? null);
      if (have.has(name)) {
        await this.sql.run(`UPDATE zb_variable SET value = ? WHERE scope_key = ? AND name = ?`, [
          value,
          scopeKey,
          name,
        ]);
      } else {
        inserts.push(await this.key(), name, value, scopeKey, piKey, tenantId);
        n++;
      }
    }
    if (n) {
      await this.sql.run(
        `INSERT INTO zb_variable (variable_key, name, value, scope_key, process_instance_key, tenant_id) VALUES ${Array.from({ length: n }, () => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
        inserts,
      );
    }
  }

  /** Zeebe's propagation: each variable lands in the nearest scope (from `from` outwards) that has it, else the root */
  async propagate(from: { scopePath: string; piKey: string; tenantId: string }, vars: Vars) {
    const names = Object.keys(vars);
    if (names.length === 0) return;
    const path = from.scopePath.split(',');
    const rows = await this.sql.all(
      `SELECT scope_key, name FROM zb_variable WHERE scope_key IN (${placeholders(path.length)}) AND name IN (${placeholders(names.length)})`,
      [...path, ...names],
    );
    const depth = new Map(path.map((s, i) => [s, i]));
    const target = new Map<string, string>();
    for (const r of rows) {
      const name = String(r.name);
      const sk = k(r.scope_key);
      const cur = target.get(name);
      if (cur === undefined || (depth.get(sk) ?? 0) > (depth.get(cur) ?? 0)) target.set(name, sk);
    }
    const byScope = new Map<string, Vars>();
    for (const name of names) {
      const sk = target.get(name) ?? (path[0] as string);
      const m = byScope.get(sk) ?? {};
      m[name] = vars[name];
      byScope.set(sk, m);
    }
    const present = new Set(rows.map((r) => `${k(r.scope_key)}\u0000${String(r.name)}`));
    for (const [sk, v] of byScope) {
      const known = new Set(Object.keys(v).filter((n) => present.has(`${sk}\u0000${n}`)));
      await this.setLocal(sk, from.piKey, from.tenantId, v, known);
    }
  }

  private evalValue(value: string, ctx: Vars): unknown {
    return evaluateValue(value, ctx, this.feelOpts());
  }

  // ---------------------------------------------------------------- incidents

  async raiseIncident(
    ei: ElementInstanceRow,
    errorType: string,
    message: string,
    jobKey: string | null = null,
  ): Promise<string> {
    const key = await this.key();
    await this.sql.run(
      `INSERT INTO zb_incident (incident_key, error_type, error_message, element_id, element_instance_key, process_instance_key, process_definition_key, bpmn_process_id, job_key, state, creation_time, tenant_id) VALUES (${placeholders(12)})`,
      [
        key,
        errorType,
        message,
        ei.elementId,
        ei.key,
        ei.piKey,
        ei.defKey,
        ei.bpmnProcessId,
        jobKey,
        'ACTIVE',
        this.nowIso,
        ei.tenantId,
      ],
    );
    await this.sql.run(
      `UPDATE zb_element_instance SET has_incident = 1, incident_key = ? WHERE element_instance_key = ?`,
      [key, ei.key],
    );
    await this.sql.run(`UPDATE zb_process_instance SET has_incident = 1 WHERE process_instance_key = ?`, [ei.piKey]);
    return key;
  }

  async resolveIncidentRow(incidentKey: string, eiKey: string, piKey: string) {
    await this.sql.run(`UPDATE zb_incident SET state = 'RESOLVED' WHERE incident_key = ?`, [incidentKey]);
    await this.refreshIncidentFlags(eiKey, piKey);
  }

  private async refreshIncidentFlags(eiKey: string, piKey: string) {
    const e = await this.sql.all(
      `SELECT incident_key FROM zb_incident WHERE element_instance_key = ? AND state = 'ACTIVE' LIMIT 1`,
      [eiKey],
    );
    await this.sql.run(
      `UPDATE zb_element_instance SET has_incident = ?, incident_key = ? WHERE element_instance_key = ?`,
      [e.length ? 1 : 0, e[0] ? k(e[0].incident_key) : null, eiKey],
    );
    const p = await this.sql.all(
      `SELECT incident_key FROM zb_incident WHERE process_instance_key = ? AND state = 'ACTIVE' LIMIT 1`,
      [piKey],
    );
    await this.sql.run(`UPDATE zb_process_instance SET has_incident = ? WHERE process_instance_key = ?`, [
      p.length ? 1 : 0,
      piKey,
    ]);
  }

  /** runs a step; FEEL failures and Incident throws become an incident on the element */
  private async guard(ei: ElementInstanceRow, phase: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      if (e instanceof Incident) {
        await this.setPhase(ei, phase);
        await this.raiseIncident(ei, e.errorType, e.message);
      } else if (e instanceof FeelError) {
        await this.setPhase(ei, phase);
        await this.raiseIncident(
          ei,
          phase === 'ACTIVATING' || phase === 'COMPLETING' ? 'IO_MAPPING_ERROR' : 'EXTRACT_VALUE_ERROR',
          e.message,
        );
      } else {
        throw e;
      }
    }
  }

  // ---------------------------------------------------------------- instances

  async createInstance(
    def: {
      key: string;
      bpmnProcessId: string;
      version: number;
      name: string | null;
      versionTag: string | null;
      tenantId: string;
    },
    vars: Vars,
    opts: {
      startElementIds?: string[];
      parent?: ElementInstanceRow;
      startCorrelationKey?: string;
      trigger?: { elementId: string; vars: Vars };
      tags?: string[];
    } = {},
  ): Promise<string> {
    const model = await this.model(def.key);
    const piKey = await this.key();
    await this.sql.run(
      `INSERT INTO zb_process_instance (process_instance_key, process_definition_key, bpmn_process_id, version, process_name, version_tag, state, start_date, has_incident, parent_process_instance_key, parent_element_instance_key, start_correlation_key, tags, tenant_id) VALUES (${placeholders(14)})`,
      [
        piKey,
        def.key,
        def.bpmnProcessId,
        def.version,
        def.name,
        def.versionTag,
        'ACTIVE',
        this.nowIso,
        0,
        opts.parent?.piKey ?? null,
        opts.parent?.key ?? null,
        opts.startCorrelationKey ?? null,
        opts.tags?.length ? JSON.stringify(opts.tags) : null,
        def.tenantId,
      ],
    );
    const root: ElementInstanceRow = {
      key: piKey,
      piKey,
      defKey: def.key,
      bpmnProcessId: def.bpmnProcessId,
      elementId: def.bpmnProcessId,
      elementName: def.name,
      type: 'PROCESS',
      flowScopeKey: null,
      scopePath: piKey,
      state: 'ACTIVE',
      phase: 'WAITING',
      listenerIndex: 0,
      loopCounter: 0,
      interrupted: false,
      calledPiKey: null,
      tenantId: def.tenantId,
    };
    await this.insertEi(root);
    await this.setLocal(piKey, piKey, def.tenantId, vars);
    await this.openScopeEvents(model, model.root, root);
    if (opts.trigger) {
      const el = model.elements.get(opts.trigger.elementId);
      if (!el) throw new Error(`engine: start element ${opts.trigger.elementId} not in model`);
      await this.activateTriggered(model, el, root, opts.trigger.vars);
    } else if (opts.startElementIds?.length) {
      for (const s of opts.startElementIds) {
        const el = model.elements.get(s);
        if (el) this.schedule(root.key, () => this.activate(model, el, root));
      }
    } else {
      // the process's own start listeners run before its start event
      await this.startListenersThenExecute(model, model.root, root, 0);
    }
    return piKey;
  }

  private schedule(scopeKey: string, fn: () => Promise<void>) {
    this.pending.set(scopeKey, (this.pending.get(scopeKey) ?? 0) + 1);
    this.work.push(async () => {
      this.pending.set(scopeKey, (this.pending.get(scopeKey) ?? 1) - 1);
      await fn();
    });
  }

  // ---------------------------------------------------------------- element life cycle

  /** a token arrives at `el` in `scope` */
  async activate(
    model: ProcessModel,
    el: ElementModel,
    scope: ElementInstanceRow,
    opts: { loopCounter?: number; item?: unknown } = {},
  ) {
    const current = await this.ei(scope.key);
    if (!current || current.state !== 'ACTIVE') return;
    if (el.mi && opts.loopCounter === undefined) {
      const body = await this.createEi(el, scope, { type: 'MULTI_INSTANCE_BODY', phase: 'EXECUTING' });
      await this.guard(body, 'EXECUTING', () => this.startMultiInstance(model, el, body));
      return;
    }
    const ei = await this.createEi(el, scope, { loopCounter: opts.loopCounter });
    if (opts.loopCounter !== undefined && el.mi) {
      const local: Vars = { loopCounter: opts.loopCounter };
      if (el.mi.inputElement) local[el.mi.inputElement] = opts.item ?? null;
      await this.setLocal(ei.key, ei.piKey, ei.tenantId, local);
    }
    await this.enter(model, el, ei);
  }

  /** input mappings, then start listeners, then the element's behaviour */
  async enter(model: ProcessModel, el: ElementModel, ei: ElementInstanceRow) {
    let ok = false;
    await this.guard(ei, 'ACTIVATING', async () => {
      if (el.inputs.length) {
        const ctx = await this.context(ei);
        const local: Vars = {};
        for (const m of el.inputs) {
          const v = this.evalValue(m.source, { ...ctx, ...local });
          assignTarget(local, ctx, m.target, v);
        }
        await this.setLocal(ei.key, ei.piKey, ei.tenantId, local);
      }
      ok = true;
    });
    if (!ok) return;
    await this.startListenersThenExecute(model, el, ei, 0);
  }

  private async startListenersThenExecute(
    model: ProcessModel,
    el: ElementModel,
    ei: ElementInstanceRow,
    index: number,
  ) {
    const starts = el.listeners.filter((l) => l.eventType === 'start');
    if (index < starts.length && ei.type !== 'MULTI_INSTANCE_BODY') {
      await this.setPhase(ei, 'START_LISTENER', index);
      const l = starts[index];
      if (l)
        await this.guard(ei, 'START_LISTENER', () =>
          this.createJob(ei, l.type, l.retries, {}, 'EXECUTION_LISTENER', 'START'),
        );
      return;
    }
    // the phase is written only where it matters: at wait states and incidents
    await this.guard(ei, 'EXECUTING', () => this.execute(model, el, ei));
  }

  /** element behaviour after activation: wait, or complete at once */
  async execute(model: ProcessModel, el: ElementModel, ei: ElementInstanceRow): Promise<void> {
    if (ei.type === 'MULTI_INSTANCE_BODY') return this.startMultiInstance(model, el, ei);
    switch (el.kind) {
      case 'serviceTask':
      case 'sendTask':
      case 'businessRuleTask':
      case 'scriptTask':
      case 'intermediateThrowEvent':
      case 'endEvent':
        if (el.job) {
          await this.openBoundaries(model, el, ei);
          await this.createJob(ei, el.job.type, el.job.retries, el.job.headers, 'BPMN_ELEMENT', 'UNSPECIFIED');
          return;
        }
        break;
      default:
        break;
    }
    switch (el.kind) {
      case 'scriptTask': {
        const s = el.script;
        if (!s) return this.complete(model, el, ei);
        const ctx = await this.context(ei);
        const v = evaluateExpression(s.expression.trim().replace(/^=/, ''), ctx, this.feelOpts());
        if (s.resultVariable) await this.applyResult(el, ei, { [s.resultVariable]: v });
        return this.complete(model, el, ei);
      }
      case 'userTask':
        await this.openBoundaries(model, el, ei);
        await this.createUserTask(el, ei);
        return;
      case 'receiveTask':
      case 'intermediateCatchEvent': {
        const ev = el.event;
        await this.setPhase(ei, 'WAITING');
        if (el.kind === 'receiveTask') await this.openBoundaries(model, el, ei, true);
        if (ev?.kind === 'timer' && ev.timer) {
          await this.createTimer(ei, el.id, 'CATCH', ev.timer, await this.context(ei));
        } else if (ev?.kind === 'message') {
          const sub = await this.openSubscription(ei, el.id, 'CATCH', ev, await this.context(ei));
          if (el.kind === 'receiveTask')
            await this.correlateBuffered([
              sub,
              ...(await this.subscriptionsOf(ei.key)).filter((s) => s.key !== sub.key),
            ]);
          else await this.correlateBuffered([sub]);
        }
        return;
      }
      case 'subProcess': {
        await this.openBoundaries(model, el, ei);
        await this.openScopeEvents(model, el, ei);
        const start = el.noneStartId ? model.elements.get(el.noneStartId) : undefined;
        if (start) this.schedule(ei.key, () => this.activate(model, start, ei));
        else await this.checkScope(ei.key);
        return;
      }
      case 'callActivity':
        await this.openBoundaries(model, el, ei);
        await this.callProcess(el, ei);
        return;
      case 'exclusiveGateway':
      case 'inclusiveGateway': {
        const flows = await this.chooseFlows(model, el, ei);
        await this.finish(model, el, ei, flows);
        return;
      }
      case 'eventBasedGateway': {
        await this.setPhase(ei, 'WAITING');
        const ctx = await this.context(ei);
        const subs: SubscriptionRow[] = [];
        for (const fid of el.outgoing) {
          const t = model.elements.get(model.flows.get(fid)?.targetId ?? '');
          if (!t?.event) continue;
          if (t.event.kind === 'timer' && t.event.timer)
            await this.createTimer(ei, t.id, 'EVENT_GATEWAY', t.event.timer, ctx);
          if (t.event.kind === 'message')
            subs.push(await this.openSubscription(ei, t.id, 'EVENT_GATEWAY', t.event, ctx));
        }
        await this.correlateBuffered(subs);
        return;
      }
      case 'intermediateThrowEvent':
      case 'endEvent':
        return this.throwEvent(model, el, ei);
      case 'process': {
        const start = el.noneStartId ? model.elements.get(el.noneStartId) : undefined;
        if (start) this.schedule(ei.key, () => this.activate(model, start, ei));
        return;
      }
      default:
        return this.complete(model, el, ei);
    }
  }

  private async throwEvent(model: ProcessModel, el: ElementModel, ei: ElementInstanceRow) {
    const ev = el.event;
    if (ev?.kind === 'error') {
      const caught = await this.throwError(ei, ev.errorCode ?? '', '', {}, true);
      if (!caught) {
        await this.setPhase(ei, 'EXECUTING');
        await this.raiseIncident(
          ei,
          'UNHANDLED_ERROR_EVENT',
          `Expected to throw an error event with the code '${ev.errorCode ?? ''}', but it was not caught. No error events are available in the scope.`,
        );
      }
      return;
    }
    if (ev?.kind === 'escalation') {
      await this.throwEscalation(ei, ev.escalationCode ?? '');
      const again = await this.ei(ei.key);
      if (!again || again.state !== 'ACTIVE') return;
    }
    if (ev?.kind === 'terminate') {
      await this.finish(model, el, ei, []);
      const scope = ei.flowScopeKey ? await this.ei(ei.flowScopeKey) : undefined;
      if (scope) {
        for (const c of await this.activeChildren(scope.key)) await this.terminate(c);
        await this.sql.run(`DELETE FROM zb_join_token WHERE flow_scope_key = ?`, [scope.key]);
        this.pending.delete(scope.key);
        await this.checkScope(scope.key, true);
      }
      return;
    }
    await this.complete(model, el, ei);
  }

  /** element done with its work: output mappings, end listeners, then leave */
  async complete(model: ProcessModel, el: ElementModel, ei: ElementInstanceRow): Promise<void> {
    let ok = false;
    await this.guard(ei, 'COMPLETING', async () => {
      if (el.outputs.length && ei.type !== 'MULTI_INSTANCE_BODY') {
        const ctx = await this.context(ei);
        const out: Vars = {};
        const flowScope = ei.flowScopeKey ? await this.ei(ei.flowScopeKey) : undefined;
        // As Zeebe (BpmnVariableMappingBehavior#getVariableScopeKey): an inner multi-instance
        // activity writes its output mappings into its own scope, so that they can update the
        // local output element its input mapping created; every other element into its flow scope.
        const scope = flowScope?.type === 'MULTI_INSTANCE_BODY' ? ei : flowScope;
        const parentCtx = scope ? await this.context(scope) : {};
        for (const m of el.outputs)
          assignTarget(out, parentCtx, m.target, this.evalValue(m.source, { ...ctx, ...out }));
        if (scope) await this.propagate(scope, out);
      }
      ok = true;
    });
    if (!ok) return;
    await this.endListenersThenFinish(model, el, ei, 0);
  }

  private async endListenersThenFinish(model: ProcessModel, el: ElementModel, ei: ElementInstanceRow, index: number) {
    const ends = el.listeners.filter((l) => l.eventType === 'end');
    if (index < ends.length && ei.type !== 'MULTI_INSTANCE_BODY') {
      await this.setPhase(ei, 'END_LISTENER', index);
      const l = ends[index];
      if (l)
        await this.guard(ei, 'END_LISTENER', () =>
          this.createJob(ei, l.type, l.retries, {}, 'EXECUTION_LISTENER', 'END'),
        );
      return;
    }
    await this.finish(model, el, ei, undefined);
  }

  /** mark completed, close what the element owned, take its outgoing flows */
  async finish(model: ProcessModel, el: ElementModel, ei: ElementInstanceRow, flows: string[] | undefined) {
    ei.state = 'COMPLETED';
    await this.sql.run(
      `UPDATE zb_element_instance SET state = 'COMPLETED', phase = 'DONE', end_date = ? WHERE element_instance_key = ?`,
      [this.nowIso, ei.key],
    );
    if (
      el.boundaries.length ||
      el.eventSubProcesses.length ||
      el.kind === 'intermediateCatchEvent' ||
      el.kind === 'receiveTask'
    ) {
      await this.closeOwned(ei.key);
    }
    if (ei.type === 'PROCESS') return this.completeProcess(ei);
    const scope = ei.flowScopeKey ? await this.ei(ei.flowScopeKey) : undefined;
    if (!scope) return;
    if (ei.loopCounter > 0 && scope.type === 'MULTI_INSTANCE_BODY') return this.innerCompleted(model, el, ei, scope);
    if (ei.type === 'MULTI_INSTANCE_BODY') {
      // the output collection leaves the body like any variable
      if (el.mi?.outputCollection) {
        const v = await this.varsOf([ei.key], [el.mi.outputCollection]);
        await this.propagate(scope, v);
      }
    }
    const out = flows ?? el.outgoing;
    for (const fid of out) {
      const f = model.flows.get(fid);
      if (f) await this.takeFlow(model, f, scope);
    }
    if (out.length === 0) await this.checkScope(scope.key);
  }

  private async takeFlow(model: ProcessModel, f: FlowModel, scope: ElementInstanceRow) {
    await this.sql.run(
      `INSERT INTO zb_sequence_flow (flow_key, process_instance_key, process_definition_key, bpmn_process_id, flow_id, tenant_id) VALUES (?, ?, ?, ?, ?, ?)`,
      [await this.key(), scope.piKey, scope.defKey, scope.bpmnProcessId, f.id, scope.tenantId],
    );
    const target = model.elements.get(f.targetId);
    if (!target) return;
    const joining =
      (target.kind === 'parallelGateway' || target.kind === 'inclusiveGateway') && target.incoming.length > 1;
    if (!joining) {
      this.schedule(scope.key, () => this.activate(model, target, scope));
      return;
    }
    await this.sql.run(
      `INSERT INTO zb_join_token (token_key, flow_scope_key, element_id, flow_id, process_instance_key) VALUES (?, ?, ?, ?, ?)`,
      [await this.key(), scope.key, target.id, f.id, scope.piKey],
    );
    this.schedule(scope.key, () => this.tryJoin(model, target, scope));
  }

  /** a joining gateway fires when each incoming flow has a token (parallel) or no missing flow can still get one (inclusive) */
  private async tryJoin(model: ProcessModel, gw: ElementModel, scope: ElementInstanceRow) {
    const rows = await this.sql.all(
      `SELECT token_key, flow_id FROM zb_join_token WHERE flow_scope_key = ? AND element_id = ? ORDER BY token_key`,
      [scope.key, gw.id],
    );
    const byFlow = new Map<string, string>();
    for (const r of rows) if (!byFlow.has(String(r.flow_id))) byFlow.set(String(r.flow_id), k(r.token_key));
    if (byFlow.size === 0) return;
    let ready: boolean;
    if (gw.kind === 'parallelGateway') {
      ready = gw.incoming.every((f) => byFlow.has(f));
    } else {
      const missing = gw.incoming.filter((f) => !byFlow.has(f));
      if (missing.length === 0) ready = true;
      else {
        if ((this.pending.get(scope.key) ?? 0) > 0) return;
        const active = await this.activeChildren(scope.key);
        const reach = gw.reachesIncoming ?? {};
        ready = !active.some(
          (a) => a.elementId !== gw.id && (reach[a.elementId] ?? []).some((f) => missing.includes(f)),
        );
      }
    }
    if (!ready) return;
    const consumed = [...byFlow.values()];
    await this.sql.run(`DELETE FROM zb_join_token WHERE token_key IN (${placeholders(consumed.length)})`, consumed);
    await this.activate(model, gw, scope);
  }

  /** no token left in the scope: it completes */
  async checkScope(scopeKey: string, force = false) {
    if (!force && (this.pending.get(scopeKey) ?? 0) > 0) return;
    const tokens = await this.sql.all(`SELECT token_key, element_id FROM zb_join_token WHERE flow_scope_key = ?`, [
      scopeKey,
    ]);
    const active = await this.sql.all(
      `SELECT element_instance_key FROM zb_element_instance WHERE flow_scope_key = ? AND state = 'ACTIVE' LIMIT 1`,
      [scopeKey],
    );
    if (active.length && !tokens.length) return;
    const scope = await this.ei(scopeKey);
    if (!scope || scope.state !== 'ACTIVE' || scope.type === 'MULTI_INSTANCE_BODY') return;
    const model = await this.model(scope.defKey);
    if (tokens.length) {
      // a token ended elsewhere: a waiting inclusive join may no longer expect anything
      const gwIds = [...new Set(tokens.map((t) => String(t.element_id)))];
      for (const id of gwIds) {
        const gw = model.elements.get(id);
        if (gw?.kind === 'inclusiveGateway') this.schedule(scopeKey, () => this.tryJoin(model, gw, scope));
      }
      return;
    }
    const el = scope.type === 'PROCESS' ? model.root : model.elements.get(scope.elementId);
    if (!el) return;
    await this.complete(model, el, scope);
  }

  private async completeProcess(root: ElementInstanceRow) {
    await this.sql.run(
      `UPDATE zb_process_instance SET state = 'COMPLETED', end_date = ? WHERE process_instance_key = ?`,
      [this.nowIso, root.piKey],
    );
    this.effects.completedInstances.push(root.piKey);
    const pi = await this.pi(root.piKey);
    if (pi?.parentEiKey) {
      const call = await this.ei(pi.parentEiKey);
      if (call && call.state === 'ACTIVE') await this.childCompleted(call, root);
    }
    await this.nextBufferedStart(root.piKey);
  }

  /**
   * A message start event starts one instance per correlation key at a time; when that instance
   * ends, the oldest buffered message with the same key starts the next one, as in Zeebe.
   */
  private async nextBufferedStart(piKey: string) {
    const rows = await this.sql.all(
      `SELECT bpmn_process_id, start_correlation_key FROM zb_process_instance WHERE process_instance_key = ?`,
      [piKey],
    );
    const ck = rows[0]?.start_correlation_key;
    if (ck === null || ck === undefined || ck === '') return;
    const pid = String(rows[0]?.bpmn_process_id);
    const starts = await this.sql.all(
      `SELECT process_definition_key, element_id, message_name FROM zb_message_start WHERE bpmn_process_id = ?`,
      [pid],
    );
    for (const st of starts) {
      const msgs = await this.sql.all(
        `SELECT m.message_key, m.variables FROM zb_message m WHERE m.name = ? AND m.correlation_key = ? AND m.expires_at > ? AND NOT EXISTS (SELECT 1 FROM zb_message_correlated c WHERE c.message_key = m.message_key AND c.bpmn_process_id = ?) ORDER BY m.message_key LIMIT 1`,
        [st.message_name, ck, this.now, pid],
      );
      const m = msgs[0];
      if (!m) continue;
      const d = await this.sql.all(
        `SELECT process_definition_key, bpmn_process_id, version, name, version_tag, tenant_id FROM zb_process_definition WHERE process_definition_key = ?`,
        [st.process_definition_key],
      );
      const def = d[0];
      if (!def) continue;
      const next = await this.createInstance(
        {
          key: k(def.process_definition_key),
          bpmnProcessId: pid,
          version: Number(def.version),
          name: (def.name as string | null) ?? null,
          versionTag: (def.version_tag as string | null) ?? null,
          tenantId: String(def.tenant_id),
        },
        {},
        {
          trigger: { elementId: String(st.element_id), vars: (parseJson(m.variables) as Vars | null) ?? {} },
          startCorrelationKey: String(ck),
        },
      );
      await this.sql.run(
        `INSERT INTO zb_message_correlated (message_key, bpmn_process_id, process_instance_key) VALUES (?, ?, ?)`,
        [m.message_key, pid, next],
      );
      return;
    }
  }

  // ---------------------------------------------------------------- termination

  async terminate(ei: ElementInstanceRow) {
    if (ei.state !== 'ACTIVE') return;
    for (const c of await this.activeChildren(ei.key)) await this.terminate(c);
    ei.state = 'TERMINATED';
    await this.sql.run(
      `UPDATE zb_element_instance SET state = 'TERMINATED', end_date = ? WHERE element_instance_key = ?`,
      [this.nowIso, ei.key],
    );
    await this.closeOwned(ei.key);
    await this.sql.run(`DELETE FROM zb_job WHERE element_instance_key = ?`, [ei.key]);
    await this.sql.run(
      `UPDATE zb_user_task SET state = 'CANCELED', completion_date = ? WHERE element_instance_key = ? AND state = 'CREATED'`,
      [this.nowIso, ei.key],
    );
    await this.sql.run(`DELETE FROM zb_join_token WHERE flow_scope_key = ?`, [ei.key]);
    const inc = await this.sql.all(
      `SELECT incident_key FROM zb_incident WHERE element_instance_key = ? AND state = 'ACTIVE'`,
      [ei.key],
    );
    if (inc.length) {
      await this.sql.run(
        `UPDATE zb_incident SET state = 'RESOLVED' WHERE element_instance_key = ? AND state = 'ACTIVE'`,
        [ei.key],
      );
      await this.refreshIncidentFlags(ei.key, ei.piKey);
    }
    if (ei.calledPiKey) {
      const child = await this.ei(ei.calledPiKey);
      if (child) await this.terminate(child);
    }
    if (ei.type === 'PROCESS') {
      await this.sql.run(
        `UPDATE zb_process_instance SET state = 'TERMINATED', end_date = ? WHERE process_instance_key = ?`,
        [this.nowIso, ei.piKey],
      );
      this.effects.completedInstances.push(ei.piKey);
      await this.nextBufferedStart(ei.piKey);
    }
  }

  /** timers and subscriptions owned by an element instance */
  private async closeOwned(eiKey: string) {
    await this.sql.run(`DELETE FROM zb_timer WHERE element_instance_key = ?`, [eiKey]);
    await this.sql.run(`DELETE FROM zb_message_subscription WHERE element_instance_key = ?`, [eiKey]);
  }

  // ---------------------------------------------------------------- gateways

  private async chooseFlows(model: ProcessModel, el: ElementModel, ei: ElementInstanceRow): Promise<string[]> {
    if (el.outgoing.length <= 1 && !model.flows.get(el.outgoing[0] ?? '')?.condition) return el.outgoing;
    const ctx = await this.context(ei);
    const chosen: string[] = [];
    for (const fid of el.outgoing) {
      if (fid === el.defaultFlow) continue;
      const f = model.flows.get(fid);
      if (!f) continue;
      let ok: boolean;
      try {
        ok = f.condition ? evaluateCondition(f.condition, ctx, this.feelOpts()) : true;
      } catch (e) {
        if (e instanceof FeelError) throw new Incident('CONDITION_ERROR', e.message);
        throw e;
      }
      if (ok) {
        chosen.push(fid);
        if (el.kind === 'exclusiveGateway') break;
      }
    }
    if (chosen.length === 0 && el.defaultFlow) chosen.push(el.defaultFlow);
    if (chosen.length === 0) {
      throw new Incident(
        'CONDITION_ERROR',
        'Expected at least one condition to evaluate to true, or to have a default flow',
      );
    }
    return chosen;
  }

  // ---------------------------------------------------------------- jobs

  async createJob(
    ei: ElementInstanceRow,
    typeExpr: string,
    retriesExpr: string,
    headers: Record<string, string>,
    kind: string,
    listenerEventType: string,
  ) {
    let type = typeExpr;
    let retries = 3;
    if (isExpression(typeExpr) || isExpression(retriesExpr)) {
      const ctx = await this.context(ei);
      if (isExpression(typeExpr)) {
        const t = this.evalValue(typeExpr, ctx);
        if (typeof t !== 'string' || !t)
          throw new Incident(
            'EXTRACT_VALUE_ERROR',
            `Expected result of the expression '${typeExpr.slice(1)}' to be 'STRING', but was '${t === null ? 'NULL' : typeof t}'.`,
          );
        type = t;
      }
      if (isExpression(retriesExpr)) {
        const r = this.evalValue(retriesExpr, ctx);
        if (typeof r !== 'number')
          throw new Incident(
            'EXTRACT_VALUE_ERROR',
            `Expected result of the expression '${retriesExpr.slice(1)}' to be 'NUMBER', but was '${r === null ? 'NULL' : typeof r}'.`,
          );
        retries = Math.trunc(r);
      }
    }
    if (!isExpression(retriesExpr)) {
      const n = Number.parseInt(retriesExpr, 10);
      retries = Number.isNaN(n) ? 3 : n;
    }
    const def = await this.defInfo(ei.defKey);
    await this.sql.run(
      `INSERT INTO zb_job (job_key, type, status, kind, listener_event_type, retries, due_at, worker, error_message, custom_headers, element_instance_key, element_id, process_instance_key, process_definition_key, bpmn_process_id, version, tenant_id, created) VALUES (${placeholders(18)})`,
      [
        await this.key(),
        type,
        'ACTIVATABLE',
        kind,
        listenerEventType,
        retries,
        0,
        null,
        null,
        JSON.stringify(headers),
        ei.key,
        ei.elementId,
        ei.piKey,
        ei.defKey,
        ei.bpmnProcessId,
        def.version,
        ei.tenantId,
        this.nowIso,
      ],
    );
    this.effects.jobTypes.add(type);
  }

  /** job or user-task result variables: local when output mappings exist, else propagated */
  async applyResult(el: ElementModel, ei: ElementInstanceRow, vars: Vars) {
    if (Object.keys(vars).length === 0) return;
    if (el.outputs.length) await this.setLocal(ei.key, ei.piKey, ei.tenantId, vars);
    else await this.propagate(ei, vars);
  }

  async jobCompleted(job: { eiKey: string; kind: string }, vars: Vars) {
    const ei = await this.ei(job.eiKey);
    if (!ei || ei.state !== 'ACTIVE') return;
    const model = await this.model(ei.defKey);
    const el = ei.type === 'PROCESS' ? model.root : model.elements.get(ei.elementId);
    if (!el) return;
    if (job.kind === 'EXECUTION_LISTENER') {
      await this.propagate(ei, vars);
      if (ei.phase === 'START_LISTENER') return this.startListenersThenExecute(model, el, ei, ei.listenerIndex + 1);
      if (ei.phase === 'END_LISTENER') return this.endListenersThenFinish(model, el, ei, ei.listenerIndex + 1);
      return;
    }
    await this.applyResult(el, ei, vars);
    await this.complete(model, el, ei);
  }

  // ---------------------------------------------------------------- user tasks

  private async createUserTask(el: ElementModel, ei: ElementInstanceRow) {
    const u = el.userTask ?? {};
    const ctx = await this.context(ei);
    const str = (what: string, v: string | undefined): string | null => {
      if (v === undefined) return null;
      const r = this.evalValue(v, ctx);
      if (r === null || r === undefined) return null;
      if (typeof r !== 'string' && typeof r !== 'number')
        throw new Incident(
          'EXTRACT_VALUE_ERROR',
          `Expected result of the expression '${v}' for ${what} to be 'STRING', but was '${typeof r}'.`,
        );
      return String(r);
    };
    const list = (what: string, v: string | undefined): string[] => {
      if (v === undefined) return [];
      if (!isExpression(v))
        return v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
      const r = this.evalValue(v, ctx);
      if (r === null || r === undefined) return [];
      if (typeof r === 'string')
        return r
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
      if (Array.isArray(r) && r.every((x) => typeof x === 'string')) return r as string[];
      throw new Incident(
        'EXTRACT_VALUE_ERROR',
        `Expected result of the expression '${v}' for ${what} to be 'ARRAY' of strings, but was '${JSON.stringify(r)}'.`,
      );
    };
    const dateOf = (what: string, v: string | undefined): string | null => {
      const s = str(what, v);
      if (s === null || s === '') return null;
      const ms = Date.parse(s);
      if (Number.isNaN(ms))
        throw new Incident(
          'EXTRACT_VALUE_ERROR',
          `Expected result of the expression '${v ?? ''}' for ${what} to be a valid date-time, but was '${s}'.`,
        );
      return iso(ms);
    };
    const assignee = str('assignee', u.assignee);
    const groups = list('candidateGroups', u.candidateGroups);
    const users = list('candidateUsers', u.candidateUsers);
    const due = dateOf('dueDate', u.dueDate);
    const follow = dateOf('followUpDate', u.followUpDate);
    let priority = 50;
    if (u.priority !== undefined) {
      const p = isExpression(u.priority) ? this.evalValue(u.priority, ctx) : Number(u.priority);
      if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > 100) {
        throw new Incident(
          'EXTRACT_VALUE_ERROR',
          `Expected result of the expression '${u.priority}' for priority to be a number between 0 and 100, but was '${String(p)}'.`,
        );
      }
      priority = p;
    }
    let formKey: string | null = null;
    if (u.formId) {
      const f = await this.sql.all(`SELECT form_key FROM zb_form WHERE form_id = ? ORDER BY version DESC LIMIT 1`, [
        u.formId,
      ]);
      if (!f[0])
        throw new Incident(
          'FORM_NOT_FOUND',
          `Expected to find a form with id '${u.formId}', but no form with this id is found, at least a form with this id should be available. To resolve the Incident please deploy a form with the same id`,
        );
      formKey = k(f[0].form_key);
    }
    const external = str('externalReference', u.externalReference);
    if (u.jobWorker) {
      // Zeebe's job-worker user task: the assignment travels as reserved job headers
      const headers: Record<string, string> = { ...(u.headers ?? {}) };
      if (assignee) headers['io.camunda.zeebe:assignee'] = assignee;
      if (groups.length) headers['io.camunda.zeebe:candidateGroups'] = JSON.stringify(groups);
      if (users.length) headers['io.camunda.zeebe:candidateUsers'] = JSON.stringify(users);
      if (due) headers['io.camunda.zeebe:dueDate'] = due;
      if (follow) headers['io.camunda.zeebe:followUpDate'] = follow;
      if (formKey ?? external) headers['io.camunda.zeebe:formKey'] = (formKey ?? external) as string;
      await this.createJob(ei, 'io.camunda.zeebe:userTask', '3', headers, 'BPMN_ELEMENT', 'UNSPECIFIED');
      return;
    }
    const def = await this.defInfo(ei.defKey);
    await this.sql.run(
      `INSERT INTO zb_user_task (user_task_key, element_instance_key, process_instance_key, process_definition_key, bpmn_process_id, version, process_name, element_id, name, state, assignee, candidate_groups, candidate_users, due_date, follow_up_date, priority, form_key, external_form_reference, custom_headers, creation_date, tenant_id) VALUES (${placeholders(21)})`,
      [
        await this.key(),
        ei.key,
        ei.piKey,
        ei.defKey,
        ei.bpmnProcessId,
        def.version,
        def.name,
        el.id,
        el.name ?? null,
        'CREATED',
        assignee || null,
        JSON.stringify(groups),
        JSON.stringify(users),
        due,
        follow,
        priority,
        formKey,
        external,
        JSON.stringify(u.headers ?? {}),
        this.nowIso,
        ei.tenantId,
      ],
    );
  }

  // ---------------------------------------------------------------- timers

  async createTimer(
    owner: ElementInstanceRow | null,
    elementId: string,
    kind: string,
    def: TimerDef,
    ctx: Vars,
    defKey?: string,
    tenantId = '<default>',
  ) {
    let value = def.value;
    if (isExpression(value)) {
      const v = this.evalValue(value, ctx);
      if (typeof v !== 'string')
        throw new Incident(
          'EXTRACT_VALUE_ERROR',
          `Expected result of the timer expression '${value.slice(1)}' to be a date-time, duration or cycle, but was '${v === null ? 'NULL' : typeof v}'.`,
        );
      value = v;
    }
    let s;
    try {
      s = scheduleTimer({ kind: def.kind, value }, {}, this.now);
    } catch (e) {
      throw new Incident('EXTRACT_VALUE_ERROR', (e as Error).message);
    }
    await this.sql.run(
      `INSERT INTO zb_timer (timer_key, due_at, kind, element_id, element_instance_key, process_instance_key, process_definition_key, timer_kind, timer_value, repetitions, tenant_id) VALUES (${placeholders(11)})`,
      [
        await this.key(),
        s.dueAt,
        kind,
        elementId,
        owner?.key ?? 0,
        owner?.piKey ?? 0,
        owner?.defKey ?? defKey ?? 0,
        def.kind,
        value,
        s.repetitions === 'infinite' ? -1 : s.repetitions,
        owner?.tenantId ?? tenantId,
      ],
    );
    this.due(s.dueAt);
  }

  /** boundary events of an activity (or its multi-instance body) start listening */
  private async openBoundaries(model: ProcessModel, el: ElementModel, ei: ElementInstanceRow, skipCorrelation = false) {
    if (el.mi && ei.type !== 'MULTI_INSTANCE_BODY') return;
    if (el.boundaries.length === 0) return;
    const ctx = await this.context(ei);
    const subs: SubscriptionRow[] = [];
    for (const bid of el.boundaries) {
      const b = model.elements.get(bid);
      if (!b?.event) continue;
      if (b.event.kind === 'timer' && b.event.timer) await this.createTimer(ei, b.id, 'BOUNDARY', b.event.timer, ctx);
      if (b.event.kind === 'message') subs.push(await this.openSubscription(ei, b.id, 'BOUNDARY', b.event, ctx));
    }
    if (!skipCorrelation) await this.correlateBuffered(subs);
  }

  /** event sub-processes of a scope start listening when the scope activates */
  async openScopeEvents(model: ProcessModel, scopeEl: ElementModel, ei: ElementInstanceRow) {
    if (scopeEl.eventSubProcesses.length === 0) return;
    const ctx = await this.context(ei);
    const subs: SubscriptionRow[] = [];
    for (const espId of scopeEl.eventSubProcesses) {
      const esp = model.elements.get(espId);
      const st = esp?.eventStartId ? model.elements.get(esp.eventStartId) : undefined;
      if (!st?.event) continue;
      if (st.event.kind === 'timer' && st.event.timer)
        await this.createTimer(ei, st.id, 'EVENT_SUB', st.event.timer, ctx);
      if (st.event.kind === 'message') subs.push(await this.openSubscription(ei, st.id, 'EVENT_SUB', st.event, ctx));
    }
    await this.correlateBuffered(subs);
  }

  async fireTimer(t: Row) {
    const timerKey = k(t.timer_key);
    const kind = String(t.kind);
    const elementId = String(t.element_id);
    const dueAt = Number(t.due_at);
    const reps = Number(t.repetitions);
    const again = async (owner: ElementInstanceRow | null) => {
      if (reps === 1 || String(t.timer_kind) !== 'cycle') return false;
      const s = scheduleTimer({ kind: 'cycle', value: String(t.timer_value) }, {}, dueAt);
      const next = s.next ? s.next(dueAt) : null;
      if (next === null) return false;
      await this.sql.run(
        `INSERT INTO zb_timer (timer_key, due_at, kind, element_id, element_instance_key, process_instance_key, process_definition_key, timer_kind, timer_value, repetitions, tenant_id) VALUES (${placeholders(11)})`,
        [
          await this.key(),
          next,
          kind,
          elementId,
          owner?.key ?? t.element_instance_key,
          owner?.piKey ?? t.process_instance_key,
          t.process_definition_key,
          'cycle',
          t.timer_value,
          reps === -1 ? -1 : reps - 1,
          t.tenant_id,
        ],
      );
      this.due(next);
      return true;
    };
    await this.sql.run(`DELETE FROM zb_timer WHERE timer_key = ?`, [timerKey]);
    if (kind === 'START') {
      const defs = await this.sql.all(
        `SELECT process_definition_key, bpmn_process_id, version, name, version_tag, tenant_id FROM zb_process_definition WHERE process_definition_key = ?`,
        [t.process_definition_key],
      );
      const d = defs[0];
      if (!d) return;
      await this.createInstance(
        {
          key: k(d.process_definition_key),
          bpmnProcessId: String(d.bpmn_process_id),
          version: Number(d.version),
          name: (d.name as string | null) ?? null,
          versionTag: (d.version_tag as string | null) ?? null,
          tenantId: String(d.tenant_id),
        },
        {},
        { trigger: { elementId, vars: {} } },
      );
      await again(null);
      return;
    }
    const owner = await this.ei(k(t.element_instance_key));
    if (!owner || owner.state !== 'ACTIVE') return;
    const model = await this.model(owner.defKey);
    const el = model.elements.get(elementId);
    if (!el) return;
    switch (kind) {
      case 'CATCH':
        return this.complete(model, el, owner);
      case 'EVENT_GATEWAY':
        return this.triggerEventGateway(model, owner, el, {});
      case 'BOUNDARY':
        if (!el.interrupting) await again(owner);
        return this.triggerBoundary(model, owner, el, {});
      case 'EVENT_SUB': {
        if (!el.interrupting) await again(owner);
        const esp = model.elements.get(el.scopeId ?? '');
        if (esp) await this.triggerEventSub(model, owner, esp, {});
        return;
      }
      default:
        return;
    }
  }

  // ---------------------------------------------------------------- messages

  private async openSubscription(
    owner: ElementInstanceRow,
    elementId: string,
    kind: string,
    ev: EventDef,
    ctx: Vars,
  ): Promise<SubscriptionRow> {
    const name = ev.messageName && isExpression(ev.messageName) ? this.evalValue(ev.messageName, ctx) : ev.messageName;
    if (typeof name !== 'string' || !name)
      throw new Incident(
        'EXTRACT_VALUE_ERROR',
        `Failed to extract the message name for '${ev.messageName ?? ''}': it must be a non-empty string.`,
      );
    const ckExpr = ev.correlationKey ?? '';
    const ck = isExpression(ckExpr) ? this.evalValue(ckExpr, ctx) : ckExpr;
    if (typeof ck !== 'string' && typeof ck !== 'number') {
      throw new Incident(
        'EXTRACT_VALUE_ERROR',
        `Failed to extract the correlation key for '${ckExpr.replace(/^=/, '')}': The value must be either a string or a number, but was '${ck === null || ck === undefined ? 'NULL' : Array.isArray(ck) ? 'LIST' : typeof ck === 'object' ? 'CONTEXT' : typeof ck}'.`,
      );
    }
    const sub: SubscriptionRow = {
      key: await this.key(),
      messageName: name,
      correlationKey: String(ck),
      kind,
      elementId,
      eiKey: owner.key,
      piKey: owner.piKey,
      bpmnProcessId: owner.bpmnProcessId,
    };
    await this.sql.run(
      `INSERT INTO zb_message_subscription (subscription_key, message_name, correlation_key, kind, element_id, element_instance_key, process_instance_key, process_definition_key, bpmn_process_id, tenant_id) VALUES (${placeholders(10)})`,
      [
        sub.key,
        sub.messageName,
        sub.correlationKey,
        kind,
        elementId,
        owner.key,
        owner.piKey,
        owner.defKey,
        owner.bpmnProcessId,
        owner.tenantId,
      ],
    );
    return sub;
  }

  private async subscriptionsOf(eiKey: string): Promise<SubscriptionRow[]> {
    const rows = await this.sql.all(
      `SELECT * FROM zb_message_subscription WHERE element_instance_key = ? ORDER BY subscription_key`,
      [eiKey],
    );
    return rows.map(toSub);
  }

  /** newly opened subscriptions take a buffered message at once, if one waits */
  private async correlateBuffered(subs: SubscriptionRow[]) {
    for (const sub of subs) {
      const still = await this.sql.all(
        `SELECT subscription_key FROM zb_message_subscription WHERE subscription_key = ?`,
        [sub.key],
      );
      if (!still.length) continue;
      const msgs = await this.sql.all(
        `SELECT m.message_key, m.variables FROM zb_message m WHERE m.name = ? AND m.correlation_key = ? AND m.expires_at > ? AND NOT EXISTS (SELECT 1 FROM zb_message_correlated c WHERE c.message_key = m.message_key AND c.bpmn_process_id = ?) ORDER BY m.message_key LIMIT 1`,
        [sub.messageName, sub.correlationKey, this.now, sub.bpmnProcessId],
      );
      const m = msgs[0];
      if (!m) continue;
      const vars = (parseJson(m.variables) as Vars | null) ?? {};
      await this.correlate(sub, k(m.message_key), vars);
    }
  }

  /** one message reaches one subscription */
  async correlate(sub: SubscriptionRow, messageKey: string, vars: Vars) {
    const owner = await this.ei(sub.eiKey);
    if (!owner || owner.state !== 'ACTIVE') return;
    await this.sql.run(
      `INSERT INTO zb_message_correlated (message_key, bpmn_process_id, process_instance_key) VALUES (?, ?, ?)`,
      [messageKey, owner.bpmnProcessId, owner.piKey],
    );
    const model = await this.model(owner.defKey);
    const el = model.elements.get(sub.elementId);
    if (!el) return;
    switch (sub.kind) {
      case 'CATCH':
        await this.sql.run(`DELETE FROM zb_message_subscription WHERE subscription_key = ?`, [sub.key]);
        if (owner.phase !== 'WAITING') return;
        await this.applyResult(el, owner, vars);
        return this.complete(model, el, owner);
      case 'EVENT_GATEWAY':
        return this.triggerEventGateway(model, owner, el, vars);
      case 'BOUNDARY':
        return this.triggerBoundary(model, owner, el, vars);
      case 'EVENT_SUB': {
        const esp = model.elements.get(el.scopeId ?? '');
        if (esp) await this.triggerEventSub(model, owner, esp, vars);
        return;
      }
      default:
        return;
    }
  }

  // ---------------------------------------------------------------- events that interrupt or branch

  /** an event that was triggered from outside (boundary, event sub-process start, gateway target): enter and complete */
  async activateTriggered(model: ProcessModel, el: ElementModel, scope: ElementInstanceRow, vars: Vars) {
    const ei = await this.createEi(el, scope, { phase: 'EXECUTING' });
    await this.applyResult(el, ei, vars);
    await this.complete(model, el, ei);
  }

  private async triggerEventGateway(model: ProcessModel, gw: ElementInstanceRow, eventEl: ElementModel, vars: Vars) {
    const gwEl = model.elements.get(gw.elementId);
    const scope = gw.flowScopeKey ? await this.ei(gw.flowScopeKey) : undefined;
    if (!gwEl || !scope) return;
    const flow = gwEl.outgoing.map((f) => model.flows.get(f)).find((f) => f?.targetId === eventEl.id);
    gw.state = 'COMPLETED';
    await this.sql.run(
      `UPDATE zb_element_instance SET state = 'COMPLETED', phase = 'DONE', end_date = ? WHERE element_instance_key = ?`,
      [this.nowIso, gw.key],
    );
    await this.closeOwned(gw.key);
    if (flow) {
      await this.sql.run(
        `INSERT INTO zb_sequence_flow (flow_key, process_instance_key, process_definition_key, bpmn_process_id, flow_id, tenant_id) VALUES (?, ?, ?, ?, ?, ?)`,
        [await this.key(), scope.piKey, scope.defKey, scope.bpmnProcessId, flow.id, scope.tenantId],
      );
    }
    await this.activateTriggered(model, eventEl, scope, vars);
  }

  private async triggerBoundary(model: ProcessModel, host: ElementInstanceRow, b: ElementModel, vars: Vars) {
    const scope = host.flowScopeKey ? await this.ei(host.flowScopeKey) : undefined;
    if (!scope) return;
    if (b.interrupting) await this.terminate(host);
    await this.activateTriggered(model, b, scope, vars);
  }

  private async triggerEventSub(model: ProcessModel, scope: ElementInstanceRow, esp: ElementModel, vars: Vars) {
    const cur = await this.ei(scope.key);
    if (!cur || cur.state !== 'ACTIVE' || cur.interrupted) return;
    const start = esp.eventStartId ? model.elements.get(esp.eventStartId) : undefined;
    if (!start) return;
    if (start.interrupting) {
      for (const c of await this.activeChildren(scope.key)) await this.terminate(c);
      await this.closeOwned(scope.key);
      await this.sql.run(`DELETE FROM zb_join_token WHERE flow_scope_key = ?`, [scope.key]);
      this.pending.delete(scope.key);
      await this.sql.run(`UPDATE zb_element_instance SET interrupted = 1 WHERE element_instance_key = ?`, [scope.key]);
      cur.interrupted = true;
    }
    const espEi = await this.createEi(esp, cur, { phase: 'WAITING' });
    // As Zeebe (EventSubProcessProcessor#onActivate): the event sub-process's input mappings make
    // its local variables before the start event completes, so the event's variables (and later
    // job / task results) with those names stay in this instance of the event sub-process instead
    // of propagating to the root, where two instances running at once would overwrite each other.
    // A mapping that fails is an IO_MAPPING_ERROR incident on the event sub-process (its start
    // event is not entered; resolving the incident does not bring the event's variables back).
    if (esp.inputs.length) {
      let ok = false;
      await this.guard(espEi, 'ACTIVATING', async () => {
        const ctx = await this.context(espEi);
        const local: Vars = {};
        for (const m of esp.inputs) assignTarget(local, ctx, m.target, this.evalValue(m.source, { ...ctx, ...local }));
        await this.setLocal(espEi.key, espEi.piKey, espEi.tenantId, local);
        ok = true;
      });
      if (!ok) return;
    }
    await this.openScopeEvents(model, esp, espEi);
    await this.activateTriggered(model, start, espEi, vars);
  }

  /** BPMN error: the nearest matching boundary or error event sub-process catches it, across call activities */
  async throwError(
    source: ElementInstanceRow,
    code: string,
    message: string,
    vars: Vars,
    fromEvent: boolean,
  ): Promise<boolean> {
    let cur: ElementInstanceRow | undefined =
      fromEvent && source.flowScopeKey ? await this.ei(source.flowScopeKey) : source;
    while (cur) {
      const model = await this.model(cur.defKey);
      const el = cur.type === 'PROCESS' ? model.root : model.elements.get(cur.elementId);
      if (el) {
        const matches = (ev: EventDef | undefined) =>
          ev?.kind === 'error' && (ev.errorCode === undefined || ev.errorCode === code);
        const pick = <T extends ElementModel>(cands: T[], ev: (c: T) => EventDef | undefined) =>
          cands.find((c) => ev(c)?.kind === 'error' && ev(c)?.errorCode === code) ?? cands.find((c) => matches(ev(c)));
        const isContainer = cur.type === 'PROCESS' || cur.type === 'SUB_PROCESS' || cur.type === 'EVENT_SUB_PROCESS';
        if (isContainer && !cur.interrupted) {
          const esps = el.eventSubProcesses.map((id) => model.elements.get(id)).filter((e): e is ElementModel => !!e);
          const esp = pick(esps, (e) => model.elements.get(e.eventStartId ?? '')?.event);
          if (esp) {
            await this.triggerEventSub(model, cur, esp, vars);
            return true;
          }
        }
        const boundaryHost = !(el.mi && cur.type !== 'MULTI_INSTANCE_BODY') && cur.type !== 'PROCESS';
        if (boundaryHost) {
          const bs = el.boundaries.map((id) => model.elements.get(id)).filter((e): e is ElementModel => !!e);
          const b = pick(bs, (e) => e.event);
          if (b) {
            await this.triggerBoundary(model, cur, b, vars);
            return true;
          }
        }
      }
      if (cur.type === 'PROCESS') {
        const pi = await this.pi(cur.piKey);
        cur = pi?.parentEiKey ? await this.ei(pi.parentEiKey) : undefined;
      } else {
        cur = cur.flowScopeKey ? await this.ei(cur.flowScopeKey) : undefined;
      }
    }
    void message;
    return false;
  }

  /** escalation: caught by boundary or event sub-process above the thrower; uncaught is no incident */
  private async throwEscalation(source: ElementInstanceRow, code: string) {
    let cur: ElementInstanceRow | undefined = source.flowScopeKey ? await this.ei(source.flowScopeKey) : undefined;
    while (cur) {
      const model = await this.model(cur.defKey);
      const el = cur.type === 'PROCESS' ? model.root : model.elements.get(cur.elementId);
      if (el) {
        const matches = (ev: EventDef | undefined) =>
          ev?.kind === 'escalation' && (ev.escalationCode === undefined || ev.escalationCode === code);
        const exact = (ev: EventDef | undefined) => ev?.kind === 'escalation' && ev.escalationCode === code;
        const esps = el.eventSubProcesses.map((id) => model.elements.get(id)).filter((e): e is ElementModel => !!e);
        const espStart = (e: ElementModel) => model.elements.get(e.eventStartId ?? '')?.event;
        const esp = esps.find((e) => exact(espStart(e))) ?? esps.find((e) => matches(espStart(e)));
        if (esp && !cur.interrupted) {
          await this.triggerEventSub(model, cur, esp, {});
          return;
        }
        if (cur.type !== 'PROCESS' && !(el.mi && cur.type !== 'MULTI_INSTANCE_BODY')) {
          const bs = el.boundaries.map((id) => model.elements.get(id)).filter((e): e is ElementModel => !!e);
          const b = bs.find((e) => exact(e.event)) ?? bs.find((e) => matches(e.event));
          if (b) {
            await this.triggerBoundary(model, cur, b, {});
            return;
          }
        }
      }
      if (cur.type === 'PROCESS') {
        const pi = await this.pi(cur.piKey);
        cur = pi?.parentEiKey ? await this.ei(pi.parentEiKey) : undefined;
      } else {
        cur = cur.flowScopeKey ? await this.ei(cur.flowScopeKey) : undefined;
      }
    }
  }

  // ---------------------------------------------------------------- call activities

  private async callProcess(el: ElementModel, ei: ElementInstanceRow) {
    const c = el.called;
    if (!c) return;
    const ctx = await this.context(ei);
    const pid = isExpression(c.processId) ? this.evalValue(c.processId, ctx) : c.processId;
    if (typeof pid !== 'string' || !pid)
      throw new Incident(
        'EXTRACT_VALUE_ERROR',
        `Expected result of the expression '${c.processId}' to be 'STRING', but was '${String(pid)}'.`,
      );
    const defs = await this.sql.all(
      `SELECT process_definition_key, bpmn_process_id, version, name, version_tag, tenant_id FROM zb_process_definition WHERE bpmn_process_id = ? AND is_latest = 1`,
      [pid],
    );
    const d = defs[0];
    if (!d)
      throw new Incident(
        'CALLED_ELEMENT_ERROR',
        `Expected process with BPMN process id '${pid}' to be deployed, but not found.`,
      );
    const vars = c.propagateAllParentVariables ? ctx : await this.varsOf([ei.key]);
    await this.setPhase(ei, 'WAITING');
    const childKey = await this.createInstance(
      {
        key: k(d.process_definition_key),
        bpmnProcessId: String(d.bpmn_process_id),
        version: Number(d.version),
        name: (d.name as string | null) ?? null,
        versionTag: (d.version_tag as string | null) ?? null,
        tenantId: String(d.tenant_id),
      },
      vars,
      { parent: ei },
    );
    ei.calledPiKey = childKey;
    await this.sql.run(
      `UPDATE zb_element_instance SET called_process_instance_key = ? WHERE element_instance_key = ?`,
      [childKey, ei.key],
    );
  }

  private async childCompleted(call: ElementInstanceRow, childRoot: ElementInstanceRow) {
    const model = await this.model(call.defKey);
    const el = model.elements.get(call.elementId);
    if (!el) return;
    const childVars = await this.varsOf([childRoot.key]);
    if (el.outputs.length) await this.setLocal(call.key, call.piKey, call.tenantId, childVars);
    else if (el.called?.propagateAllChildVariables !== false) await this.propagate(call, childVars);
    await this.complete(model, el, call);
  }

  // ---------------------------------------------------------------- multi-instance

  private async startMultiInstance(model: ProcessModel, el: ElementModel, body: ElementInstanceRow) {
    const mi = el.mi;
    if (!mi) return;
    const ctx = await this.context(body);
    const coll = mi.inputCollection ? this.evalValue(mi.inputCollection, ctx) : [];
    if (!Array.isArray(coll)) {
      throw new Incident(
        'EXTRACT_VALUE_ERROR',
        `Expected result of the expression '${(mi.inputCollection ?? '').replace(/^=/, '')}' to be 'ARRAY', but was '${coll === null || coll === undefined ? 'NULL' : typeof coll === 'object' ? 'CONTEXT' : typeof coll}'.`,
      );
    }
    await this.setPhase(body, 'WAITING');
    if (mi.outputCollection)
      await this.setLocal(body.key, body.piKey, body.tenantId, { [mi.outputCollection]: coll.map(() => null) });
    // the items stay with the body so sequential instances pick theirs later, as Zeebe keeps them in its state
    await this.sql.run(`UPDATE zb_element_instance SET mi_items = ? WHERE element_instance_key = ?`, [
      JSON.stringify(coll),
      body.key,
    ]);
    await this.openBoundaries(model, el, body);
    if (coll.length === 0) return this.complete(model, el, body);
    const n = mi.sequential ? 1 : coll.length;
    for (let i = 0; i < n; i++) {
      const item = coll[i];
      this.schedule(body.key, () => this.activate(model, el, body, { loopCounter: i + 1, item }));
    }
  }

  private async innerCompleted(
    model: ProcessModel,
    el: ElementModel,
    inner: ElementInstanceRow,
    body: ElementInstanceRow,
  ) {
    const mi = el.mi;
    if (!mi || body.state !== 'ACTIVE') return;
    const innerCtx = await this.context(inner);
    const bodyVars = await this.varsOf([body.key]);
    const itemRows = await this.sql.all(`SELECT mi_items FROM zb_element_instance WHERE element_instance_key = ?`, [
      body.key,
    ]);
    const parsedItems = parseJson(itemRows[0]?.mi_items);
    const items = Array.isArray(parsedItems) ? parsedItems : [];
    if (mi.outputCollection && mi.outputElement) {
      const outColl = Array.isArray(bodyVars[mi.outputCollection])
        ? [...(bodyVars[mi.outputCollection] as unknown[])]
        : items.map(() => null);
      outColl[inner.loopCounter - 1] = this.evalValue(mi.outputElement, innerCtx);
      await this.setLocal(body.key, body.piKey, body.tenantId, { [mi.outputCollection]: outColl });
    }
    const counts = await this.sql.all(
      `SELECT state, COUNT(*) AS n FROM zb_element_instance WHERE flow_scope_key = ? GROUP BY state`,
      [body.key],
    );
    const count = (s: string) => Number(counts.find((c) => c.state === s)?.n ?? 0);
    const completed = count('COMPLETED');
    const active = count('ACTIVE') + (this.pending.get(body.key) ?? 0);
    const total = items.length;
    if (mi.completionCondition) {
      let done: boolean;
      try {
        done = evaluateCondition(
          mi.completionCondition.replace(/^=/, ''),
          {
            ...innerCtx,
            numberOfInstances: total,
            numberOfActiveInstances: active,
            numberOfCompletedInstances: completed,
            numberOfTerminatedInstances: count('TERMINATED'),
          },
          this.feelOpts(),
        );
      } catch (e) {
        if (!(e instanceof FeelError)) throw e;
        await this.setPhase(body, 'COMPLETING');
        await this.raiseIncident(body, 'CONDITION_ERROR', e.message);
        return;
      }
      if (done) {
        for (const c of await this.activeChildren(body.key)) await this.terminate(c);
        this.pending.delete(body.key);
        return this.complete(model, el, body);
      }
    }
    if (mi.sequential && inner.loopCounter < total) {
      const next = inner.loopCounter + 1;
      this.schedule(body.key, () => this.activate(model, el, body, { loopCounter: next, item: items[next - 1] }));
      return;
    }
    if (active === 0 && completed + count('TERMINATED') >= total) return this.complete(model, el, body);
  }

  // ---------------------------------------------------------------- incident resolution

  async retry(ei: ElementInstanceRow) {
    const model = await this.model(ei.defKey);
    const el = ei.type === 'PROCESS' ? model.root : model.elements.get(ei.elementId);
    if (!el || ei.state !== 'ACTIVE') return;
    switch (ei.phase) {
      case 'ACTIVATING':
        return this.enter(model, el, ei);
      case 'START_LISTENER':
        return this.startListenersThenExecute(model, el, ei, ei.listenerIndex);
      case 'EXECUTING':
        await this.setPhase(ei, 'EXECUTING');
        return this.guard(ei, 'EXECUTING', () => this.execute(model, el, ei));
      case 'COMPLETING':
        if (ei.type === 'MULTI_INSTANCE_BODY') {
          const last = await this.sql.all(
            `SELECT ${EI_COLUMNS} FROM zb_element_instance WHERE flow_scope_key = ? AND state = 'COMPLETED' ORDER BY element_instance_key DESC LIMIT 1`,
            [ei.key],
          );
          if (last[0]) return this.innerCompleted(model, el, this.intern(last[0]), ei);
        }
        return this.complete(model, el, ei);
      case 'END_LISTENER':
        return this.endListenersThenFinish(model, el, ei, ei.listenerIndex);
      default:
        return;
    }
  }

  /** errors a job throws: caught, or an UNHANDLED_ERROR_EVENT incident on the job */
  async jobError(job: { key: string; eiKey: string }, code: string, message: string, vars: Vars): Promise<void> {
    const ei = await this.ei(job.eiKey);
    if (!ei || ei.state !== 'ACTIVE') return;
    if (Object.keys(vars).length) await this.setLocal(ei.key, ei.piKey, ei.tenantId, vars);
    const caught = await this.throwError(ei, code, message, vars, false);
    if (caught) {
      await this.sql.run(`DELETE FROM zb_job WHERE job_key = ?`, [job.key]);
      return;
    }
    await this.sql.run(`UPDATE zb_job SET status = 'FAILED', error_message = ? WHERE job_key = ?`, [message, job.key]);
    await this.raiseIncident(
      ei,
      'UNHANDLED_ERROR_EVENT',
      `Expected to throw an error event with the code '${code}' with message '${message}', but it was not caught. No error events are available in the scope.`,
      job.key,
    );
  }
}

export interface SubscriptionRow {
  key: string;
  messageName: string;
  correlationKey: string;
  kind: string;
  elementId: string;
  eiKey: string;
  piKey: string;
  bpmnProcessId: string;
}

export function toSub(r: Row): SubscriptionRow {
  return {
    key: k(r.subscription_key),
    messageName: String(r.message_name),
    correlationKey: String(r.correlation_key),
    kind: String(r.kind),
    elementId: String(r.element_id),
    eiKey: k(r.element_instance_key),
    piKey: k(r.process_instance_key),
    bpmnProcessId: String(r.bpmn_process_id),
  };
}

export { EngineError, invalidState };
