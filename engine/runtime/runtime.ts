/**
 * RuntimeApi over the interpreter: commands (deploy, create, jobs, user tasks, messages,
 * incidents, timers) each run as one serialised transaction; queries read the same rows.
 */
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type {
  ActivateJobsResponse,
  CorrelateMessageResponse,
  CreateDeploymentResponse,
  CreateProcessInstanceResult,
  ElementInstanceResult,
  ElementInstanceSearchQuery,
  ElementInstanceSearchQueryResult,
  FormResult,
  IncidentResult,
  IncidentSearchQuery,
  IncidentSearchQueryResult,
  ProcessDefinitionResult,
  ProcessDefinitionSearchQuery,
  ProcessDefinitionSearchQueryResult,
  ProcessInstanceElementStatisticsQueryResult,
  ProcessInstanceResult,
  ProcessInstanceSearchQuery,
  ProcessInstanceSearchQueryResult,
  ProcessInstanceSequenceFlowsQueryResult,
  PublishMessageResponse,
  TopologyResponse,
  UserTaskResult,
  UserTaskSearchQuery,
  UserTaskSearchQueryResult,
  UserTaskVariableSearchQueryRequest,
  VariableResult,
  VariableSearchQuery,
  VariableSearchQueryResult,
} from '@camunda8/orchestration-cluster-api';
import { EngineError, invalidArgument, invalidState, notFound } from '../errors';
import type { ProcessModel } from '../model';
import { compileBpmn } from '../model';
import type { Row, Sql } from '../store';
import { KeyGenerator, Store } from '../store';
import type { Body, DeployResource, RuntimeApi } from './api';
import type { Proc, Vars } from './engine';
import { Clock, Engine, toSub } from './engine';
import { iso, JOB_COLUMNS, k, parseJson, placeholders, toJob } from './rows';
import type { SearchSpec } from './search';
import { buildWhere, compact, condition, escapeLike, LIKE, search, wire } from './search';

const TENANT = '<default>';
const alreadyExists = (detail: string) => new EngineError(409, 'ALREADY_EXISTS', detail);

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
function varsOf(v: unknown, what = 'variables'): Vars {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) throw invalidArgument(`${what} must be a JSON object`);
  return v;
}
function keyParam(v: string, what: string): string {
  if (!/^-?\d{1,19}$/.test(v)) throw invalidArgument(`${what} must be a numeric key, got '${v}'`);
  return v;
}
const optStr = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

interface DefRow {
  key: string;
  bpmnProcessId: string;
  version: number;
  name: string | null;
  versionTag: string | null;
  tenantId: string;
}
const toDef = (r: Row): DefRow => ({
  key: k(r.process_definition_key),
  bpmnProcessId: String(r.bpmn_process_id),
  version: Number(r.version),
  name: (r.name as string | null) ?? null,
  versionTag: (r.version_tag as string | null) ?? null,
  tenantId: String(r.tenant_id),
});
const DEF_COLS = 'process_definition_key, bpmn_process_id, version, name, version_tag, tenant_id';

export interface RuntimeOptions {
  dataSource: DataSource;
  logger?: Logger;
  clock?: Clock;
}

export class Runtime implements RuntimeApi {
  readonly engine: Engine;
  private readonly store: Store;
  private timer: NodeJS.Timeout | null = null;
  private nextWake = Infinity;
  private started = false;
  private tickRun: Promise<void> | null = null;
  private tickAgain = false;

  constructor(opts: RuntimeOptions, keys: KeyGenerator) {
    this.store = new Store(opts.dataSource);
    this.engine = new Engine(this.store, keys, opts.clock ?? new Clock(), opts.logger);
    this.engine.onDue = (at) => this.arm(at);
  }

  static async create(opts: RuntimeOptions): Promise<Runtime> {
    const keys = new KeyGenerator();
    const rt = new Runtime(opts, keys);
    await rt.store.transaction((sql) => keys.init(sql));
    return rt;
  }

  // ---------------------------------------------------------------- lifecycle & scheduler

  async start(): Promise<void> {
    this.started = true;
    await this.tick();
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.engine.idle();
    await this.store.close();
  }

  private arm(at: number) {
    if (!this.started) return;
    if (at >= this.nextWake && this.timer) return;
    if (this.timer) clearTimeout(this.timer);
    this.nextWake = at;
    const delay = Math.min(Math.max(0, at - this.engine.clock.now()), 60_000);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.nextWake = Infinity;
      void this.tick();
    }, delay);
    this.timer.unref?.();
  }

  /** fires what is due (timers, job deadlines and back-offs, message expiry) and sleeps until the next */
  /** concurrent callers share the running tick and wait for a rerun that sees their clock change */
  private tick(): Promise<void> {
    if (this.tickRun) {
      this.tickAgain = true;
      return this.tickRun;
    }
    this.tickRun = this.tickLoop().finally(() => {
      this.tickRun = null;
    });
    return this.tickRun;
  }

  private async tickLoop(): Promise<void> {
    try {
      let r: { fired: number; failed: number };
      let failed = 0;
      do {
        this.tickAgain = false;
        r = await this.fireDue();
        failed += r.failed;
      } while ((this.tickAgain || r.fired > 0) && this.started);
      const next = await this.engine.read(async (sql) => {
        const t = await sql.all(`SELECT MIN(due_at) AS n FROM zb_timer`);
        const j = await sql.all(`SELECT MIN(due_at) AS n FROM zb_job WHERE status IN ('ACTIVATED', 'BACKOFF')`);
        const m = await sql.all(`SELECT MIN(expires_at) AS n FROM zb_message`);
        const vals = [t[0]?.n, j[0]?.n, m[0]?.n].filter((v) => v !== null && v !== undefined).map(Number);
        return vals.length ? Math.min(...vals) : Infinity;
      });
      // a timer that keeps failing is retried every second, not in a hot loop
      if (next !== Infinity) this.arm(failed ? Math.max(next, this.engine.clock.now() + 1000) : next);
    } catch (e) {
      this.engine.logger?.error({ err: e }, 'engine: scheduler tick failed');
      this.arm(this.engine.clock.now() + 1000);
    }
  }

  /** fires due timers (bounded per round), times out jobs, ends back-offs, drops expired messages; true = more may be due */
  private async fireDue(): Promise<{ fired: number; failed: number }> {
    const now = this.engine.clock.now();
    const due = await this.engine.read((sql) =>
      sql.all(`SELECT timer_key FROM zb_timer WHERE due_at <= ? ORDER BY due_at, timer_key LIMIT 500`, [now]),
    );
    let fired = 0;
    let failed = 0;
    for (const t of due) {
      try {
        await this.engine.command(async (p) => {
          const rows = await p.sql.all(`SELECT * FROM zb_timer WHERE timer_key = ?`, [t.timer_key]);
          if (rows[0]) await p.fireTimer(rows[0]);
        });
        fired++;
      } catch (e) {
        failed++;
        // a timer whose firing fails stays due and is retried on the next round; the others go on
        this.engine.logger?.error({ err: e, timerKey: k(t.timer_key) }, 'engine: timer failed to fire');
      }
      if (!this.started) break;
    }
    await this.engine.command(async (p) => {
      const types = await p.sql.all(
        `SELECT DISTINCT type FROM zb_job WHERE status IN ('ACTIVATED', 'BACKOFF') AND due_at <= ?`,
        [p.now],
      );
      if (types.length) {
        await p.sql.run(
          `UPDATE zb_job SET status = 'ACTIVATABLE', due_at = 0, worker = NULL WHERE status IN ('ACTIVATED', 'BACKOFF') AND due_at <= ?`,
          [p.now],
        );
        for (const t of types) p.effects.jobTypes.add(String(t.type));
      }
      const expired = await p.sql.all(`SELECT message_key FROM zb_message WHERE expires_at <= ? LIMIT 1000`, [p.now]);
      if (expired.length) {
        const keys = expired.map((r) => r.message_key);
        await p.sql.run(`DELETE FROM zb_message_correlated WHERE message_key IN (${placeholders(keys.length)})`, keys);
        await p.sql.run(`DELETE FROM zb_message WHERE message_key IN (${placeholders(keys.length)})`, keys);
      }
    });
    return { fired, failed };
  }

  getTopology(): Promise<TopologyResponse> {
    return Promise.resolve({
      brokers: [
        {
          nodeId: 0,
          host: '127.0.0.1',
          port: 26501,
          partitions: [{ partitionId: 1, role: 'leader', health: 'healthy' }],
          version: '8.8.0',
        },
      ],
      clusterSize: 1,
      partitionsCount: 1,
      replicationFactor: 1,
      gatewayVersion: '8.8.0',
      lastCompletedChangeId: '-1',
    });
  }

  // ---------------------------------------------------------------- clock

  async pinClock(timestampMs: number): Promise<void> {
    if (!Number.isFinite(timestampMs) || timestampMs < 0)
      throw invalidArgument('timestamp must be a non-negative epoch millisecond value');
    this.engine.clock.pin(timestampMs);
    await this.kick();
  }

  async resetClock(): Promise<void> {
    this.engine.clock.reset();
    await this.kick();
  }

  private async kick() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.nextWake = Infinity;
    if (this.started) await this.tick();
  }

  now(): number {
    return this.engine.clock.now();
  }

  // ---------------------------------------------------------------- deployments

  async deployResources(resources: DeployResource[], tenantId?: string): Promise<CreateDeploymentResponse> {
    if (!resources.length) throw invalidArgument('Expected to deploy at least one resource, but none given');
    const tenant = tenantId || TENANT;
    type Parsed =
      | { kind: 'bpmn'; name: string; xml: string; checksum: string; processes: ProcessModel[] }
      | { kind: 'form'; name: string; json: string; formId: string; checksum: string };
    const parsed: Parsed[] = [];
    const errors: string[] = [];
    const seenIds = new Map<string, string>();
    for (const r of resources) {
      const text = r.content.toString('utf8');
      const checksum = crypto.createHash('sha256').update(r.content).digest('hex');
      if (/\.(bpmn|xml)$/i.test(r.name)) {
        const { processes, issues } = await compileBpmn(text, this.engine.clock.now());
        for (const p of processes) {
          const other = seenIds.get(p.id);
          if (other) issues.push({ elementId: p.id, message: `duplicate process id '${p.id}' (also in '${other}')` });
          seenIds.set(p.id, r.name);
        }
        if (issues.length) {
          errors.push(
            `'${r.name}':\n${issues.map((i) => `- Element: ${i.elementId}\n    - ERROR: ${i.message}`).join('\n')}`,
          );
        } else parsed.push({ kind: 'bpmn', name: r.name, xml: text, checksum, processes });
      } else if (/\.form$/i.test(r.name)) {
        let formId: unknown;
        try {
          if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new Error('not JSON');
          const j = JSON.parse(text) as unknown;
          formId = isObj(j) ? j.id : undefined;
        } catch {
          errors.push(`'${r.name}': the form is not valid JSON`);
          continue;
        }
        if (typeof formId !== 'string' || !formId) errors.push(`'${r.name}': the form has no 'id'`);
        else parsed.push({ kind: 'form', name: r.name, json: text, formId, checksum });
      } else {
        errors.push(`'${r.name}': unsupported resource type (expected .bpmn, .xml or .form)`);
      }
    }
    if (errors.length) {
      throw invalidArgument(
        `Command 'CREATE' rejected with code 'INVALID_ARGUMENT': Expected to deploy new resources, but encountered the following errors:\n${errors.join('\n')}`,
      );
    }
    return this.engine.command(async (p) => {
      const deploymentKey = await p.key();
      await p.sql.run(`INSERT INTO zb_deployment (deployment_key, tenant_id, created) VALUES (?, ?, ?)`, [
        deploymentKey,
        tenant,
        p.nowIso,
      ]);
      const deployments: Record<string, unknown>[] = [];
      for (const r of parsed) {
        if (r.kind === 'form') {
          const latest = await p.sql.all(
            `SELECT form_key, version, checksum FROM zb_form WHERE form_id = ? ORDER BY version DESC LIMIT 1`,
            [r.formId],
          );
          const l = latest[0];
          if (l && l.checksum === r.checksum) {
            deployments.push({
              form: {
                formId: r.formId,
                version: Number(l.version),
                resourceName: r.name,
                tenantId: tenant,
                formKey: k(l.form_key),
              },
            });
            continue;
          }
          const formKey = await p.key();
          const version = l ? Number(l.version) + 1 : 1;
          await p.sql.run(
            `INSERT INTO zb_form (form_key, form_id, version, resource_name, deployment_key, tenant_id, checksum, schema_json) VALUES (${placeholders(8)})`,
            [formKey, r.formId, version, r.name, deploymentKey, tenant, r.checksum, r.json],
          );
          deployments.push({ form: { formId: r.formId, version, resourceName: r.name, tenantId: tenant, formKey } });
          continue;
        }
        for (const proc of r.processes) {
          const latest = await p.sql.all(
            `SELECT process_definition_key, version, checksum FROM zb_process_definition WHERE bpmn_process_id = ? AND is_latest = 1`,
            [proc.id],
          );
          const l = latest[0];
          if (l && l.checksum === r.checksum) {
            deployments.push({
              processDefinition: {
                processDefinitionId: proc.id,
                processDefinitionVersion: Number(l.version),
                resourceName: r.name,
                tenantId: tenant,
                processDefinitionKey: k(l.process_definition_key),
              },
            });
            continue;
          }
          const defKey = await p.key();
          const version = l ? Number(l.version) + 1 : 1;
          await p.sql.run(`UPDATE zb_process_definition SET is_latest = 0 WHERE bpmn_process_id = ?`, [proc.id]);
          await p.sql.run(
            `INSERT INTO zb_process_definition (process_definition_key, bpmn_process_id, version, name, version_tag, resource_name, deployment_key, tenant_id, checksum, has_start_form, is_latest, xml, created) VALUES (${placeholders(13)})`,
            [
              defKey,
              proc.id,
              version,
              proc.name ?? null,
              proc.versionTag ?? null,
              r.name,
              deploymentKey,
              tenant,
              r.checksum,
              proc.startFormId ? 1 : 0,
              1,
              r.xml,
              p.nowIso,
            ],
          );
          this.engine.cacheModel(defKey, proc);
          // start events belong to the latest version only
          await p.sql.run(
            `DELETE FROM zb_timer WHERE kind = 'START' AND element_instance_key = 0 AND process_definition_key IN (SELECT process_definition_key FROM zb_process_definition WHERE bpmn_process_id = ?)`,
            [proc.id],
          );
          await p.sql.run(`DELETE FROM zb_message_start WHERE bpmn_process_id = ?`, [proc.id]);
          for (const ts of proc.timerStarts)
            await p.createTimer(null, ts.elementId, 'START', ts.timer, {}, defKey, tenant);
          for (const ms of proc.messageStarts) {
            await p.sql.run(
              `INSERT INTO zb_message_start (message_name, process_definition_key, bpmn_process_id, element_id, tenant_id) VALUES (?, ?, ?, ?, ?)`,
              [ms.messageName, defKey, proc.id, ms.elementId, tenant],
            );
          }
          deployments.push({
            processDefinition: {
              processDefinitionId: proc.id,
              processDefinitionVersion: version,
              resourceName: r.name,
              tenantId: tenant,
              processDefinitionKey: defKey,
            },
          });
        }
      }
      return wire<CreateDeploymentResponse>({ deploymentKey, tenantId: tenant, deployments });
    });
  }

  // ---------------------------------------------------------------- process definitions

  private readonly defSpec: SearchSpec = {
    from: 'zb_process_definition',
    columns:
      'process_definition_key, bpmn_process_id, version, name, version_tag, resource_name, tenant_id, has_start_form',
    keyCol: 'process_definition_key',
    specs: {
      name: { col: 'name', kind: 'string' },
      isLatestVersion: (v, where) => {
        if (typeof v !== 'boolean') throw invalidArgument("filter 'isLatestVersion' expects a boolean");
        where.push(v ? 'is_latest = 1' : 'is_latest = 0');
      },
      resourceName: { col: 'resource_name', kind: 'string' },
      version: { col: 'version', kind: 'int' },
      versionTag: { col: 'version_tag', kind: 'string' },
      processDefinitionId: { col: 'bpmn_process_id', kind: 'string' },
      tenantId: { col: 'tenant_id', kind: 'string' },
      processDefinitionKey: { col: 'process_definition_key', kind: 'key' },
      hasStartForm: { col: 'has_start_form', kind: 'bool' },
    },
    sorts: {
      processDefinitionKey: 'process_definition_key',
      name: 'name',
      resourceName: 'resource_name',
      version: 'version',
      versionTag: 'version_tag',
      processDefinitionId: 'bpmn_process_id',
      tenantId: 'tenant_id',
    },
  };

  private mapDef = (r: Row): ProcessDefinitionResult =>
    compact({
      name: (r.name as string | null) ?? undefined,
      resourceName: String(r.resource_name),
      version: Number(r.version),
      versionTag: (r.version_tag as string | null) ?? undefined,
      processDefinitionId: String(r.bpmn_process_id),
      tenantId: String(r.tenant_id),
      processDefinitionKey: k(r.process_definition_key),
      hasStartForm: Number(r.has_start_form) === 1,
    });

  searchProcessDefinitions(query: ProcessDefinitionSearchQuery): Promise<ProcessDefinitionSearchQueryResult> {
    return this.engine.read((sql) => search(sql, this.defSpec, query, this.mapDef));
  }

  async getProcessDefinition(key: string): Promise<ProcessDefinitionResult> {
    keyParam(key, 'processDefinitionKey');
    const rows = await this.engine.read((sql) =>
      sql.all(`SELECT ${this.defSpec.columns} FROM zb_process_definition WHERE process_definition_key = ?`, [key]),
    );
    if (!rows[0]) throw notFound(`Process definition with key '${key}' not found`);
    return this.mapDef(rows[0]);
  }

  async getProcessDefinitionXml(key: string): Promise<string> {
    keyParam(key, 'processDefinitionKey');
    const rows = await this.engine.read((sql) =>
      sql.all(`SELECT xml FROM zb_process_definition WHERE process_definition_key = ?`, [key]),
    );
    if (!rows[0]) throw notFound(`Process definition with key '${key}' not found`);
    return String(rows[0].xml);
  }

  async getProcessDefinitionForm(key: string): Promise<FormResult> {
    keyParam(key, 'processDefinitionKey');
    return this.engine.read(async (sql) => {
      const rows = await sql.all(
        `SELECT process_definition_key FROM zb_process_definition WHERE process_definition_key = ?`,
        [key],
      );
      if (!rows[0]) throw notFound(`Process definition with key '${key}' not found`);
      const model = await this.engine.model(key, sql);
      if (!model.startFormId) throw notFound(`No start form found for process definition with key '${key}'`);
      return this.formById(sql, model.startFormId);
    });
  }

  private async formById(sql: Sql, formId: string): Promise<FormResult> {
    const f = await sql.all(
      `SELECT form_key, form_id, version, tenant_id, schema_json FROM zb_form WHERE form_id = ? ORDER BY version DESC LIMIT 1`,
      [formId],
    );
    if (!f[0]) throw notFound(`Form with id '${formId}' not found`);
    return this.mapForm(f[0]);
  }

  private mapForm = (r: Row): FormResult =>
    compact({
      tenantId: String(r.tenant_id),
      formId: String(r.form_id),
      schema: (parseJson(r.schema_json) as Record<string, unknown> | null) ?? {},
      version: Number(r.version),
      formKey: k(r.form_key),
    });

  async getProcessDefinitionElementStatistics(key: string, body: Body) {
    keyParam(key, 'processDefinitionKey');
    return this.engine.read(async (sql) => {
      const where = ['pi.process_definition_key = ?'];
      const params: unknown[] = [key];
      const f = isObj(body) ? body.filter : undefined;
      buildWhere(f, this.piSpec.specs, where, params);
      const rows = await sql.all(
        `SELECT e.element_id, e.state, e.has_incident, COUNT(*) AS n FROM zb_element_instance e JOIN zb_process_instance pi ON pi.process_instance_key = e.process_instance_key WHERE ${where.join(' AND ')} AND e.type NOT IN ('PROCESS', 'MULTI_INSTANCE_BODY') GROUP BY e.element_id, e.state, e.has_incident`,
        params,
      );
      return { items: this.stats(rows) };
    });
  }

  private stats(rows: Row[]) {
    const by = new Map<
      string,
      { elementId: string; active: number; canceled: number; incidents: number; completed: number }
    >();
    for (const r of rows) {
      const id = String(r.element_id);
      const s = by.get(id) ?? { elementId: id, active: 0, canceled: 0, incidents: 0, completed: 0 };
      const n = Number(r.n);
      if (r.state === 'ACTIVE') {
        if (Number(r.has_incident) === 1) s.incidents += n;
        else s.active += n;
      } else if (r.state === 'COMPLETED') s.completed += n;
      else if (r.state === 'TERMINATED') s.canceled += n;
      by.set(id, s);
    }
    return [...by.values()];
  }

  // ---------------------------------------------------------------- process instances

  async createProcessInstance(body: Body): Promise<CreateProcessInstanceResult> {
    const vars = varsOf(body.variables);
    const defKey = body.processDefinitionKey;
    const pid = body.processDefinitionId;
    const version = num(body.processDefinitionVersion) ?? -1;
    if (defKey === undefined && pid === undefined)
      throw invalidArgument('Expected either processDefinitionKey or processDefinitionId, but neither given');
    if (defKey !== undefined && (typeof defKey !== 'string' || !/^-?\d+$/.test(defKey)))
      throw invalidArgument('processDefinitionKey must be a numeric key');
    const starts = Array.isArray(body.startInstructions)
      ? (body.startInstructions as unknown[]).map((s) => {
          if (!isObj(s) || typeof s.elementId !== 'string')
            throw invalidArgument('startInstructions need an elementId');
          return s.elementId;
        })
      : [];
    const tags = Array.isArray(body.tags) ? (body.tags as unknown[]).map(String) : undefined;
    const awaitCompletion = body.awaitCompletion === true;
    const fetch = Array.isArray(body.fetchVariables) ? (body.fetchVariables as unknown[]).map(String) : undefined;
    let done: Promise<boolean> | undefined;
    const created = await this.engine.command(async (p) => {
      const rows =
        defKey !== undefined
          ? await p.sql.all(`SELECT ${DEF_COLS} FROM zb_process_definition WHERE process_definition_key = ?`, [defKey])
          : version >= 0
            ? await p.sql.all(
                `SELECT ${DEF_COLS} FROM zb_process_definition WHERE bpmn_process_id = ? AND version = ?`,
                [pid, version],
              )
            : await p.sql.all(
                `SELECT ${DEF_COLS} FROM zb_process_definition WHERE bpmn_process_id = ? AND is_latest = 1`,
                [pid],
              );
      if (!rows[0]) {
        throw notFound(
          defKey !== undefined
            ? `Expected to find process definition with key '${String(defKey)}', but none found`
            : `Expected to find process definition with process ID '${String(pid)}', but none found`,
        );
      }
      const def = toDef(rows[0]);
      const model = await p.model(def.key);
      for (const s of starts) {
        const el = model.elements.get(s);
        if (!el)
          throw invalidArgument(
            `Expected to find element with id '${s}' in process with key '${def.key}', but no such element was found`,
          );
        if (el.scopeId !== model.id)
          throw invalidArgument(`Start instruction element '${s}' must be a direct child of the process`);
      }
      if (!starts.length && !model.root.noneStartId) {
        throw invalidArgument(
          `Expected to create instance of process with none start event, but there is no such event`,
        );
      }
      const piKey = await p.createInstance(def, vars, { startElementIds: starts, tags });
      if (awaitCompletion) {
        done = new Promise<boolean>((resolve) => p.awaitCompletion(piKey, resolve));
      }
      return { def, piKey };
    });
    const result = wire<CreateProcessInstanceResult>({
      processDefinitionId: created.def.bpmnProcessId,
      processDefinitionVersion: created.def.version,
      tenantId: created.def.tenantId,
      variables: {},
      processDefinitionKey: created.def.key,
      processInstanceKey: created.piKey,
      ...(tags?.length ? { tags } : {}),
    });
    if (!awaitCompletion || !done) return result;
    const timeout = num(body.requestTimeout) || 15_000;
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      done,
      new Promise<false>((r) => (timer = setTimeout(() => r(false), timeout))),
    ]);
    if (timer) clearTimeout(timer);
    if (!finished) {
      // the waiter may still exist, or completion raced the timeout
      const state = await this.engine.read((sql) =>
        sql.all(`SELECT state FROM zb_process_instance WHERE process_instance_key = ?`, [created.piKey]),
      );
      if (state[0]?.state === 'ACTIVE') {
        this.engine.waiters.delete(created.piKey);
        throw new EngineError(
          504,
          'DEADLINE_EXCEEDED',
          `Expected to complete process instance '${created.piKey}' within ${timeout} ms, but it did not`,
        );
      }
    }
    const all = await this.engine.read(async (sql) => {
      const rows = await sql.all(`SELECT name, value FROM zb_variable WHERE scope_key = ?`, [created.piKey]);
      const out: Vars = {};
      for (const r of rows) if (!fetch || fetch.includes(String(r.name))) out[String(r.name)] = parseJson(r.value);
      return out;
    });
    result.variables = all;
    return result;
  }

  private readonly piSpec: SearchSpec = {
    from: 'zb_process_instance pi',
    columns: 'pi.*',
    keyCol: 'pi.process_instance_key',
    specs: {
      processInstanceKey: { col: 'pi.process_instance_key', kind: 'key' },
      processDefinitionId: { col: 'pi.bpmn_process_id', kind: 'string' },
      processDefinitionName: { col: 'pi.process_name', kind: 'string' },
      processDefinitionVersion: { col: 'pi.version', kind: 'int' },
      processDefinitionVersionTag: { col: 'pi.version_tag', kind: 'string' },
      processDefinitionKey: { col: 'pi.process_definition_key', kind: 'key' },
      parentProcessInstanceKey: { col: 'pi.parent_process_instance_key', kind: 'key' },
      parentElementInstanceKey: { col: 'pi.parent_element_instance_key', kind: 'key' },
      startDate: { col: 'pi.start_date', kind: 'date' },
      endDate: { col: 'pi.end_date', kind: 'date' },
      state: { col: 'pi.state', kind: 'string' },
      hasIncident: { col: 'pi.has_incident', kind: 'bool' },
      tenantId: { col: 'pi.tenant_id', kind: 'string' },
      variables: (v, where, params) => {
        if (!Array.isArray(v)) throw invalidArgument("filter 'variables' expects an array of { name, value }");
        for (const f of v as unknown[]) {
          if (!isObj(f) || typeof f.name !== 'string') throw invalidArgument("filter 'variables' entries need a name");
          const w: string[] = ['v.process_instance_key = pi.process_instance_key', 'v.name = ?'];
          params.push(f.name);
          condition('v.value', 'string', f.value, 'variables.value', w, params);
          where.push(`EXISTS (SELECT 1 FROM zb_variable v WHERE ${w.join(' AND ')})`);
        }
      },
      elementId: (v, where, params) => {
        const w: string[] = ['e.process_instance_key = pi.process_instance_key'];
        condition('e.element_id', 'string', v, 'elementId', w, params);
        where.push(`EXISTS (SELECT 1 FROM zb_element_instance e WHERE ${w.join(' AND ')})`);
      },
      elementInstanceState: (v, where, params) => {
        const w: string[] = ['e.process_instance_key = pi.process_instance_key', "e.type <> 'PROCESS'"];
        condition('e.state', 'string', v, 'elementInstanceState', w, params);
        where.push(`EXISTS (SELECT 1 FROM zb_element_instance e WHERE ${w.join(' AND ')})`);
      },
      hasElementInstanceIncident: (v, where) => {
        where.push(
          `${v === true ? '' : 'NOT '}EXISTS (SELECT 1 FROM zb_element_instance e WHERE e.process_instance_key = pi.process_instance_key AND e.has_incident = 1 AND e.state = 'ACTIVE')`,
        );
      },
      errorMessage: (v, where, params) => {
        const w: string[] = ['i.process_instance_key = pi.process_instance_key', "i.state = 'ACTIVE'"];
        condition('i.error_message', 'string', v, 'errorMessage', w, params);
        where.push(`EXISTS (SELECT 1 FROM zb_incident i WHERE ${w.join(' AND ')})`);
      },
      tags: (v, where, params) => {
        if (!Array.isArray(v)) throw invalidArgument("filter 'tags' expects an array");
        for (const t of v as unknown[]) {
          where.push(`pi.tags LIKE ?`);
          params.push(`%${JSON.stringify(String(t))}%`);
        }
      },
    },
    sorts: {
      processInstanceKey: 'pi.process_instance_key',
      processDefinitionId: 'pi.bpmn_process_id',
      processDefinitionName: 'pi.process_name',
      processDefinitionVersion: 'pi.version',
      processDefinitionVersionTag: 'pi.version_tag',
      processDefinitionKey: 'pi.process_definition_key',
      parentProcessInstanceKey: 'pi.parent_process_instance_key',
      parentElementInstanceKey: 'pi.parent_element_instance_key',
      startDate: 'pi.start_date',
      endDate: 'pi.end_date',
      state: 'pi.state',
      hasIncident: 'pi.has_incident',
      tenantId: 'pi.tenant_id',
    },
  };

  private mapPi = (r: Row): ProcessInstanceResult => {
    const tags = parseJson(r.tags);
    return compact({
      processDefinitionId: String(r.bpmn_process_id),
      processDefinitionName: (r.process_name as string | null) ?? String(r.bpmn_process_id),
      processDefinitionVersion: Number(r.version),
      processDefinitionVersionTag: (r.version_tag as string | null) ?? undefined,
      startDate: String(r.start_date),
      endDate: (r.end_date as string | null) ?? undefined,
      state: String(r.state) as ProcessInstanceResult['state'],
      hasIncident: Number(r.has_incident) === 1,
      tenantId: String(r.tenant_id),
      processInstanceKey: k(r.process_instance_key),
      processDefinitionKey: k(r.process_definition_key),
      parentProcessInstanceKey: r.parent_process_instance_key == null ? undefined : k(r.parent_process_instance_key),
      parentElementInstanceKey: r.parent_element_instance_key == null ? undefined : k(r.parent_element_instance_key),
      tags: Array.isArray(tags) ? (tags as string[]) : undefined,
    });
  };

  async getProcessInstance(key: string): Promise<ProcessInstanceResult> {
    keyParam(key, 'processInstanceKey');
    const rows = await this.engine.read((sql) =>
      sql.all(`SELECT * FROM zb_process_instance WHERE process_instance_key = ?`, [key]),
    );
    if (!rows[0]) throw notFound(`Process instance with key '${key}' not found`);
    return this.mapPi(rows[0]);
  }

  searchProcessInstances(query: ProcessInstanceSearchQuery): Promise<ProcessInstanceSearchQueryResult> {
    return this.engine.read((sql) => search(sql, this.piSpec, query, this.mapPi));
  }

  async cancelProcessInstance(key: string): Promise<void> {
    keyParam(key, 'processInstanceKey');
    await this.engine.command(async (p) => {
      const pi = await p.pi(key);
      if (!pi)
        throw notFound(
          `Command 'CANCEL' rejected with code 'NOT_FOUND': Expected to cancel a process instance with key '${key}', but no such process was found`,
        );
      if (pi.state !== 'ACTIVE')
        throw notFound(
          `Command 'CANCEL' rejected with code 'NOT_FOUND': Expected to cancel a process instance with key '${key}', but no such process was found`,
        );
      if (pi.parentPiKey) {
        throw invalidState(
          `Command 'CANCEL' rejected with code 'INVALID_STATE': Expected to cancel a process instance with key '${key}', but it is created by a parent process instance. Cancel the root process instance '${pi.parentPiKey}' instead.`,
        );
      }
      const root = await p.ei(key);
      if (root) await p.terminate(root);
    });
  }

  async getProcessInstanceElementStatistics(key: string): Promise<ProcessInstanceElementStatisticsQueryResult> {
    keyParam(key, 'processInstanceKey');
    return this.engine.read(async (sql): Promise<ProcessInstanceElementStatisticsQueryResult> => {
      const pi = await sql.all(`SELECT process_instance_key FROM zb_process_instance WHERE process_instance_key = ?`, [
        key,
      ]);
      if (!pi[0]) throw notFound(`Process instance with key '${key}' not found`);
      const rows = await sql.all(
        `SELECT element_id, state, has_incident, COUNT(*) AS n FROM zb_element_instance WHERE process_instance_key = ? AND type NOT IN ('PROCESS', 'MULTI_INSTANCE_BODY') GROUP BY element_id, state, has_incident`,
        [key],
      );
      return wire({ items: this.stats(rows) });
    });
  }

  async getProcessInstanceSequenceFlows(key: string): Promise<ProcessInstanceSequenceFlowsQueryResult> {
    keyParam(key, 'processInstanceKey');
    return this.engine.read(async (sql) => {
      const pi = await sql.all(`SELECT process_instance_key FROM zb_process_instance WHERE process_instance_key = ?`, [
        key,
      ]);
      if (!pi[0]) throw notFound(`Process instance with key '${key}' not found`);
      const rows = await sql.all(
        `SELECT flow_id, process_definition_key, bpmn_process_id, tenant_id, MIN(flow_key) AS first_key FROM zb_sequence_flow WHERE process_instance_key = ? GROUP BY flow_id, process_definition_key, bpmn_process_id, tenant_id ORDER BY first_key`,
        [key],
      );
      return wire<ProcessInstanceSequenceFlowsQueryResult>({
        items: rows.map((r) => ({
          processInstanceKey: key,
          sequenceFlowId: String(r.flow_id),
          processDefinitionKey: k(r.process_definition_key),
          processDefinitionId: String(r.bpmn_process_id),
          elementId: String(r.flow_id),
          tenantId: String(r.tenant_id),
        })),
      });
    });
  }

  // ---------------------------------------------------------------- jobs

  async activateJobs(body: Body): Promise<ActivateJobsResponse> {
    const type = optStr(body.type);
    if (!type) throw invalidArgument('Expected a job type, but none given');
    const max = num(body.maxJobsToActivate) ?? 10;
    if (max < 1) throw invalidArgument(`Expected maxJobsToActivate to be greater than zero, but was ${max}`);
    const timeout = num(body.timeout) ?? 300_000;
    if (timeout < 1) throw invalidArgument(`Expected timeout to be greater than zero, but was ${timeout}`);
    const worker = optStr(body.worker) ?? '';
    const fetch = Array.isArray(body.fetchVariable) ? (body.fetchVariable as unknown[]).map(String) : undefined;
    return this.engine.command(async (p) => {
      const rows = await p.sql.all(
        `SELECT ${JOB_COLUMNS} FROM zb_job WHERE type = ? AND status = 'ACTIVATABLE' ORDER BY job_key LIMIT ${Math.min(max, 1000)}`,
        [type],
      );
      if (rows.length === 0) return { jobs: [] };
      const jobs = rows.map(toJob);
      const deadline = p.now + timeout;
      const keys = jobs.map((j) => j.key);
      await p.sql.run(
        `UPDATE zb_job SET status = 'ACTIVATED', worker = ?, due_at = ? WHERE job_key IN (${placeholders(keys.length)})`,
        [worker, deadline, ...keys],
      );
      p.effects.earliestDue = Math.min(p.effects.earliestDue, deadline);
      const eiKeys = [...new Set(jobs.map((j) => j.eiKey))];
      const paths = await p.sql.all(
        `SELECT element_instance_key, scope_path FROM zb_element_instance WHERE element_instance_key IN (${placeholders(eiKeys.length)})`,
        eiKeys,
      );
      const pathOf = new Map(paths.map((r) => [k(r.element_instance_key), String(r.scope_path).split(',')]));
      const scopeKeys = [...new Set([...pathOf.values()].flat())];
      let sqlText = `SELECT scope_key, name, value FROM zb_variable WHERE scope_key IN (${placeholders(scopeKeys.length)})`;
      const params: unknown[] = [...scopeKeys];
      if (fetch) {
        sqlText += fetch.length ? ` AND name IN (${placeholders(fetch.length)})` : ' AND 1 = 0';
        params.push(...fetch);
      }
      const varRows = scopeKeys.length ? await p.sql.all(sqlText, params) : [];
      const byScope = new Map<string, Row[]>();
      for (const r of varRows) {
        const sk = k(r.scope_key);
        const list = byScope.get(sk) ?? [];
        list.push(r);
        byScope.set(sk, list);
      }
      return {
        jobs: jobs.map((j) => {
          const vars: Vars = {};
          for (const sk of pathOf.get(j.eiKey) ?? [])
            for (const r of byScope.get(sk) ?? []) vars[String(r.name)] = parseJson(r.value);
          return {
            type: j.type,
            processDefinitionId: j.bpmnProcessId,
            processDefinitionVersion: j.version,
            elementId: j.elementId,
            customHeaders: (parseJson(j.customHeaders) as Record<string, unknown> | null) ?? {},
            worker,
            retries: j.retries,
            deadline,
            variables: vars,
            tenantId: j.tenantId,
            jobKey: j.key,
            processInstanceKey: j.piKey,
            processDefinitionKey: j.defKey,
            elementInstanceKey: j.eiKey,
            kind: j.kind as ActivateJobsResponse['jobs'][number]['kind'],
            listenerEventType: j.listenerEventType as ActivateJobsResponse['jobs'][number]['listenerEventType'],
          };
        }),
      } as ActivateJobsResponse;
    });
  }

  private async loadJob(p: Proc, key: string, verb: string) {
    keyParam(key, 'jobKey');
    const rows = await p.sql.all(`SELECT ${JOB_COLUMNS} FROM zb_job WHERE job_key = ?`, [key]);
    if (!rows[0])
      throw notFound(
        `Command '${verb}' rejected with code 'NOT_FOUND': Expected to ${verb.toLowerCase().replace('_', ' ')} job with key '${key}', but no such job was found`,
      );
    return toJob(rows[0]);
  }

  /** Zeebe accepts complete/fail/error for activatable and activated jobs; a failed one (back-off or incident) is rejected */
  private ensureLive(job: { key: string; status: string }, command: string, verb: string) {
    if (job.status === 'ACTIVATABLE' || job.status === 'ACTIVATED') return;
    throw invalidState(
      `Command '${command}' rejected with code 'INVALID_STATE': Expected to ${verb} job with key '${job.key}', but it is in state 'FAILED'`,
    );
  }

  async completeJob(key: string, body: Body): Promise<void> {
    const vars = varsOf(body.variables);
    await this.engine.command(async (p) => {
      const job = await this.loadJob(p, key, 'COMPLETE');
      this.ensureLive(job, 'COMPLETE', 'complete');
      await p.sql.run(`DELETE FROM zb_job WHERE job_key = ?`, [key]);
      await p.jobCompleted(job, vars);
    });
  }

  async failJob(key: string, body: Body): Promise<void> {
    const retries = num(body.retries) ?? 0;
    const backoff = num(body.retryBackOff) ?? 0;
    const message = optStr(body.errorMessage) ?? '';
    const vars = varsOf(body.variables);
    await this.engine.command(async (p) => {
      const job = await this.loadJob(p, key, 'FAIL');
      this.ensureLive(job, 'FAIL', 'fail');
      if (Object.keys(vars).length) {
        const ei = await p.ei(job.eiKey);
        if (ei) await p.setLocal(ei.key, ei.piKey, ei.tenantId, vars);
      }
      if (retries > 0) {
        const status = backoff > 0 ? 'BACKOFF' : 'ACTIVATABLE';
        const due = backoff > 0 ? p.now + backoff : 0;
        await p.sql.run(
          `UPDATE zb_job SET status = ?, retries = ?, due_at = ?, worker = NULL, error_message = ? WHERE job_key = ?`,
          [status, retries, due, message, key],
        );
        if (backoff > 0) p.effects.earliestDue = Math.min(p.effects.earliestDue, due);
        else p.effects.jobTypes.add(job.type);
        return;
      }
      await p.sql.run(
        `UPDATE zb_job SET status = 'FAILED', retries = 0, due_at = 0, worker = NULL, error_message = ? WHERE job_key = ?`,
        [message, key],
      );
      const ei = await p.ei(job.eiKey);
      if (ei) {
        await p.raiseIncident(
          ei,
          job.kind === 'EXECUTION_LISTENER' ? 'EXECUTION_LISTENER_NO_RETRIES' : 'JOB_NO_RETRIES',
          message || 'No more retries left.',
          key,
        );
      }
    });
  }

  async throwJobError(key: string, body: Body): Promise<void> {
    const code = optStr(body.errorCode);
    if (!code) throw invalidArgument('Expected an errorCode, but none given');
    const message = optStr(body.errorMessage) ?? '';
    const vars = varsOf(body.variables);
    await this.engine.command(async (p) => {
      const job = await this.loadJob(p, key, 'THROW_ERROR');
      this.ensureLive(job, 'THROW_ERROR', 'throw an error for');
      await p.jobError(job, code, message, vars);
    });
  }

  async updateJob(key: string, body: Body): Promise<void> {
    const cs = isObj(body.changeset) ? body.changeset : body;
    const retries = cs.retries;
    const timeout = cs.timeout;
    if (
      retries !== undefined &&
      retries !== null &&
      (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 1)
    ) {
      throw invalidArgument(`Expected retries to be a positive number, but was ${String(retries)}`);
    }
    if (timeout !== undefined && timeout !== null && (typeof timeout !== 'number' || timeout < 0))
      throw invalidArgument('Expected timeout to be a non-negative number');
    await this.engine.command(async (p) => {
      const job = await this.loadJob(p, key, 'UPDATE');
      if (typeof retries === 'number')
        await p.sql.run(`UPDATE zb_job SET retries = ? WHERE job_key = ?`, [retries, key]);
      if (typeof timeout === 'number' && job.status === 'ACTIVATED') {
        const due = p.now + timeout;
        await p.sql.run(`UPDATE zb_job SET due_at = ? WHERE job_key = ?`, [due, key]);
        p.effects.earliestDue = Math.min(p.effects.earliestDue, due);
      }
    });
  }

  onJobsAvailable(listener: (jobType: string) => void): () => void {
    this.engine.jobListeners.add(listener);
    return () => this.engine.jobListeners.delete(listener);
  }

  // ---------------------------------------------------------------- user tasks

  private readonly utSpec: SearchSpec = {
    from: 'zb_user_task ut',
    columns: 'ut.*',
    keyCol: 'ut.user_task_key',
    specs: {
      state: { col: 'ut.state', kind: 'string' },
      assignee: { col: 'ut.assignee', kind: 'string' },
      priority: { col: 'ut.priority', kind: 'int' },
      elementId: { col: 'ut.element_id', kind: 'string' },
      name: { col: 'ut.name', kind: 'string' },
      candidateGroup: (v, where, params) => this.jsonListFilter('ut.candidate_groups', v, where, params),
      candidateUser: (v, where, params) => this.jsonListFilter('ut.candidate_users', v, where, params),
      tenantId: { col: 'ut.tenant_id', kind: 'string' },
      processDefinitionId: { col: 'ut.bpmn_process_id', kind: 'string' },
      creationDate: { col: 'ut.creation_date', kind: 'date' },
      completionDate: { col: 'ut.completion_date', kind: 'date' },
      followUpDate: { col: 'ut.follow_up_date', kind: 'date' },
      dueDate: { col: 'ut.due_date', kind: 'date' },
      processInstanceVariables: (v, where, params) => this.varFilter('ut.process_instance_key', v, where, params),
      localVariables: (v, where, params) => this.varFilter('ut.element_instance_key', v, where, params),
      userTaskKey: { col: 'ut.user_task_key', kind: 'key' },
      processDefinitionKey: { col: 'ut.process_definition_key', kind: 'key' },
      processInstanceKey: { col: 'ut.process_instance_key', kind: 'key' },
      elementInstanceKey: { col: 'ut.element_instance_key', kind: 'key' },
    },
    sorts: {
      creationDate: 'ut.creation_date',
      completionDate: 'ut.completion_date',
      followUpDate: 'ut.follow_up_date',
      dueDate: 'ut.due_date',
      priority: 'ut.priority',
      name: 'ut.name',
    },
  };

  private jsonListFilter(col: string, v: unknown, where: string[], params: unknown[]) {
    const values: unknown[] = isObj(v) ? (Array.isArray(v.$in) ? v.$in : v.$eq !== undefined ? [v.$eq] : []) : [v];
    if (isObj(v) && Object.keys(v).some((op) => op !== '$in' && op !== '$eq'))
      throw invalidArgument('candidate filters support a value, $eq and $in');
    const parts = values.map((x) => {
      params.push(`%${escapeLike(JSON.stringify(String(x)))}%`);
      return `${col} ${LIKE}`;
    });
    where.push(parts.length ? `(${parts.join(' OR ')})` : '1 = 0');
  }

  private varFilter(scopeCol: string, v: unknown, where: string[], params: unknown[]) {
    if (!Array.isArray(v)) throw invalidArgument('variable filters expect an array of { name, value }');
    for (const f of v as unknown[]) {
      if (!isObj(f) || typeof f.name !== 'string') throw invalidArgument('variable filter entries need a name');
      const w: string[] = [`v.scope_key = ${scopeCol}`, 'v.name = ?'];
      params.push(f.name);
      condition('v.value', 'string', f.value, 'variables.value', w, params);
      where.push(`EXISTS (SELECT 1 FROM zb_variable v WHERE ${w.join(' AND ')})`);
    }
  }

  private mapUt = (r: Row): UserTaskResult => {
    const headers = parseJson(r.custom_headers);
    return compact({
      name: (r.name as string | null) ?? String(r.element_id),
      state: String(r.state) as UserTaskResult['state'],
      assignee: (r.assignee as string | null) ?? undefined,
      elementId: String(r.element_id),
      candidateGroups: (parseJson(r.candidate_groups) as string[] | null) ?? [],
      candidateUsers: (parseJson(r.candidate_users) as string[] | null) ?? [],
      processDefinitionId: String(r.bpmn_process_id),
      creationDate: String(r.creation_date),
      completionDate: (r.completion_date as string | null) ?? undefined,
      followUpDate: (r.follow_up_date as string | null) ?? undefined,
      dueDate: (r.due_date as string | null) ?? undefined,
      tenantId: String(r.tenant_id),
      externalFormReference: (r.external_form_reference as string | null) ?? undefined,
      processDefinitionVersion: Number(r.version),
      customHeaders: isObj(headers) ? (headers as Record<string, string>) : {},
      priority: Number(r.priority),
      userTaskKey: k(r.user_task_key),
      elementInstanceKey: k(r.element_instance_key),
      processName: (r.process_name as string | null) ?? undefined,
      processDefinitionKey: k(r.process_definition_key),
      processInstanceKey: k(r.process_instance_key),
      formKey: r.form_key == null ? undefined : k(r.form_key),
    });
  };

  searchUserTasks(query: UserTaskSearchQuery): Promise<UserTaskSearchQueryResult> {
    return this.engine.read((sql) => search(sql, this.utSpec, query, this.mapUt));
  }

  async getUserTask(key: string): Promise<UserTaskResult> {
    keyParam(key, 'userTaskKey');
    const rows = await this.engine.read((sql) => sql.all(`SELECT * FROM zb_user_task WHERE user_task_key = ?`, [key]));
    if (!rows[0]) throw notFound(`User task with key '${key}' not found`);
    return this.mapUt(rows[0]);
  }

  async getUserTaskForm(key: string): Promise<FormResult> {
    keyParam(key, 'userTaskKey');
    return this.engine.read(async (sql) => {
      const rows = await sql.all(`SELECT form_key FROM zb_user_task WHERE user_task_key = ?`, [key]);
      if (!rows[0]) throw notFound(`User task with key '${key}' not found`);
      if (rows[0].form_key == null) throw notFound(`User task with key '${key}' has no linked form`);
      const f = await sql.all(
        `SELECT form_key, form_id, version, tenant_id, schema_json FROM zb_form WHERE form_key = ?`,
        [rows[0].form_key],
      );
      if (!f[0]) throw notFound(`Form with key '${k(rows[0].form_key)}' not found`);
      return this.mapForm(f[0]);
    });
  }

  async searchUserTaskVariables(
    key: string,
    query: UserTaskVariableSearchQueryRequest,
  ): Promise<VariableSearchQueryResult> {
    keyParam(key, 'userTaskKey');
    return this.engine.read(async (sql) => {
      const rows = await sql.all(`SELECT element_instance_key FROM zb_user_task WHERE user_task_key = ?`, [key]);
      if (!rows[0]) throw notFound(`User task with key '${key}' not found`);
      const ei = await sql.all(`SELECT scope_path FROM zb_element_instance WHERE element_instance_key = ?`, [
        rows[0].element_instance_key,
      ]);
      const path = String(ei[0]?.scope_path ?? '')
        .split(',')
        .filter(Boolean);
      // inner scopes shadow outer ones: keep the innermost variable per name
      const depthCase = path.map((_, i) => `WHEN ? THEN ${i}`).join(' ');
      const spec: SearchSpec = {
        ...this.varSpec,
        baseWhere: [
          `v.scope_key IN (${placeholders(path.length)})`,
          `NOT EXISTS (SELECT 1 FROM zb_variable v2 WHERE v2.name = v.name AND v2.scope_key IN (${placeholders(path.length)}) AND (CASE v2.scope_key ${depthCase} END) > (CASE v.scope_key ${depthCase} END))`,
        ],
        baseParams: [...path, ...path, ...path, ...path],
      };
      return search(sql, spec, query, this.mapVarSearch);
    });
  }

  private async loadUserTask(p: Proc, key: string, verb: string) {
    keyParam(key, 'userTaskKey');
    const rows = await p.sql.all(`SELECT * FROM zb_user_task WHERE user_task_key = ?`, [key]);
    const r = rows[0];
    if (!r || r.state !== 'CREATED') {
      throw notFound(
        `Command '${verb}' rejected with code 'NOT_FOUND': Expected to ${verb.toLowerCase()} user task with key '${key}', but no such user task was found`,
      );
    }
    return r;
  }

  async assignUserTask(key: string, body: Body): Promise<void> {
    const assignee = optStr(body.assignee);
    if (!assignee) throw invalidArgument('Expected an assignee, but none given');
    const allowOverride = body.allowOverride !== false;
    await this.engine.command(async (p) => {
      const ut = await this.loadUserTask(p, key, 'ASSIGN');
      const cur = (ut.assignee as string | null) ?? null;
      if (!allowOverride && cur) {
        throw invalidState(
          `Command 'ASSIGN' rejected with code 'INVALID_STATE': Expected to assign user task with key '${key}', but it is already assigned to '${cur}'`,
        );
      }
      await p.sql.run(`UPDATE zb_user_task SET assignee = ? WHERE user_task_key = ?`, [assignee, key]);
    });
  }

  async unassignUserTask(key: string): Promise<void> {
    await this.engine.command(async (p) => {
      await this.loadUserTask(p, key, 'UNASSIGN');
      await p.sql.run(`UPDATE zb_user_task SET assignee = NULL WHERE user_task_key = ?`, [key]);
    });
  }

  async updateUserTask(key: string, body: Body): Promise<void> {
    const cs = isObj(body.changeset) ? body.changeset : {};
    const sets: string[] = [];
    const params: unknown[] = [];
    const date = (field: string, col: string) => {
      const v = cs[field];
      if (v === undefined || v === null) return;
      if (v === '') {
        sets.push(`${col} = NULL`);
        return;
      }
      const ms = typeof v === 'string' ? Date.parse(v) : NaN;
      if (Number.isNaN(ms)) throw invalidArgument(`${field} must be an ISO 8601 date-time, was '${String(v)}'`);
      sets.push(`${col} = ?`);
      params.push(iso(ms));
    };
    const list = (field: string, col: string) => {
      const v = cs[field];
      if (v === undefined || v === null) return;
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
        throw invalidArgument(`${field} must be an array of strings`);
      sets.push(`${col} = ?`);
      params.push(JSON.stringify(v));
    };
    date('dueDate', 'due_date');
    date('followUpDate', 'follow_up_date');
    list('candidateGroups', 'candidate_groups');
    list('candidateUsers', 'candidate_users');
    const pr = cs.priority;
    if (pr !== undefined && pr !== null) {
      if (typeof pr !== 'number' || !Number.isInteger(pr) || pr < 0 || pr > 100)
        throw invalidArgument(`priority must be an integer between 0 and 100, was '${String(pr)}'`);
      sets.push('priority = ?');
      params.push(pr);
    }
    await this.engine.command(async (p) => {
      await this.loadUserTask(p, key, 'UPDATE');
      if (sets.length)
        await p.sql.run(`UPDATE zb_user_task SET ${sets.join(', ')} WHERE user_task_key = ?`, [...params, key]);
    });
  }

  async completeUserTask(key: string, body: Body): Promise<void> {
    const vars = varsOf(body.variables);
    await this.engine.command(async (p) => {
      const ut = await this.loadUserTask(p, key, 'COMPLETE');
      await p.sql.run(`UPDATE zb_user_task SET state = 'COMPLETED', completion_date = ? WHERE user_task_key = ?`, [
        p.nowIso,
        key,
      ]);
      const ei = await p.ei(k(ut.element_instance_key));
      if (!ei || ei.state !== 'ACTIVE') return;
      const model = await p.model(ei.defKey);
      const el = model.elements.get(ei.elementId);
      if (!el) return;
      await p.applyResult(el, ei, vars);
      await p.complete(model, el, ei);
    });
  }

  // ---------------------------------------------------------------- messages

  async publishMessage(body: Body): Promise<PublishMessageResponse> {
    const name = optStr(body.name);
    if (!name) throw invalidArgument('Expected a message name, but none given');
    const ck =
      body.correlationKey === undefined || body.correlationKey === null ? '' : String(body.correlationKey as string);
    const ttl = num(body.timeToLive) ?? 0;
    if (ttl < 0) throw invalidArgument('timeToLive must not be negative');
    const messageId = optStr(body.messageId) || null;
    const vars = varsOf(body.variables);
    const tenant = optStr(body.tenantId) || TENANT;
    return this.engine.command(async (p) => {
      if (messageId) {
        const dup = await p.sql.all(
          `SELECT message_key FROM zb_message WHERE message_id = ? AND name = ? AND correlation_key = ? AND expires_at > ?`,
          [messageId, name, ck, p.now],
        );
        if (dup[0]) {
          throw alreadyExists(
            `Command 'PUBLISH' rejected with code 'ALREADY_EXISTS': Expected to publish a new message with id '${messageId}', but a message with that id was already published`,
          );
        }
      }
      const messageKey = await p.key();
      await this.correlateMessage0(p, messageKey, name, ck, vars, false);
      if (ttl > 0) {
        await p.sql.run(
          `INSERT INTO zb_message (message_key, name, correlation_key, message_id, variables, expires_at, tenant_id, created) VALUES (${placeholders(8)})`,
          [messageKey, name, ck, messageId, JSON.stringify(vars), p.now + ttl, tenant, p.nowIso],
        );
        p.effects.earliestDue = Math.min(p.effects.earliestDue, p.now + ttl);
      }
      return wire<PublishMessageResponse>({ tenantId: tenant, messageKey });
    });
  }

  /**
   * Zeebe's message cardinality: a message correlates at most once per process (BPMN process id,
   * across versions) — to one of its waiting subscriptions or its message start event — and to
   * every other process that waits for it. Returns the first process instance reached.
   */
  private async correlateMessage0(
    p: Proc,
    messageKey: string,
    name: string,
    ck: string,
    vars: Vars,
    onlyOne: boolean,
  ): Promise<string | null> {
    let first: string | null = null;
    const subs = (
      await p.sql.all(
        `SELECT * FROM zb_message_subscription WHERE message_name = ? AND correlation_key = ? ORDER BY subscription_key`,
        [name, ck],
      )
    ).map(toSub);
    const seen = new Set<string>();
    for (const s of subs) {
      if (seen.has(s.bpmnProcessId)) continue;
      seen.add(s.bpmnProcessId);
      const exists = await p.sql.all(
        `SELECT subscription_key FROM zb_message_subscription WHERE subscription_key = ?`,
        [s.key],
      );
      if (!exists[0]) continue;
      await p.correlate(s, messageKey, vars);
      first ??= s.piKey;
      if (onlyOne) return first;
    }
    const starts = await p.sql.all(
      `SELECT process_definition_key, bpmn_process_id, element_id FROM zb_message_start WHERE message_name = ?`,
      [name],
    );
    for (const st of starts) {
      if (seen.has(String(st.bpmn_process_id))) continue;
      if (ck) {
        const running = await p.sql.all(
          `SELECT process_instance_key FROM zb_process_instance WHERE bpmn_process_id = ? AND state = 'ACTIVE' AND start_correlation_key = ? LIMIT 1`,
          [st.bpmn_process_id, ck],
        );
        if (running[0]) continue;
      }
      const d = await p.sql.all(`SELECT ${DEF_COLS} FROM zb_process_definition WHERE process_definition_key = ?`, [
        st.process_definition_key,
      ]);
      if (!d[0]) continue;
      const piKey = await p.createInstance(
        toDef(d[0]),
        {},
        { trigger: { elementId: String(st.element_id), vars }, startCorrelationKey: ck || undefined },
      );
      await p.sql.run(
        `INSERT INTO zb_message_correlated (message_key, bpmn_process_id, process_instance_key) VALUES (?, ?, ?)`,
        [messageKey, st.bpmn_process_id, piKey],
      );
      first ??= piKey;
      if (onlyOne) return first;
    }
    return first;
  }

  async correlateMessage(body: Body): Promise<CorrelateMessageResponse> {
    const name = optStr(body.name);
    if (!name) throw invalidArgument('Expected a message name, but none given');
    const ck =
      body.correlationKey === undefined || body.correlationKey === null ? '' : String(body.correlationKey as string);
    const vars = varsOf(body.variables);
    const tenant = optStr(body.tenantId) || TENANT;
    return this.engine.command(async (p) => {
      const messageKey = await p.key();
      const pi = await this.correlateMessage0(p, messageKey, name, ck, vars, true);
      if (!pi) {
        throw notFound(
          `Command 'CORRELATE' rejected with code 'NOT_FOUND': Expected to find subscription for message with name '${name}' and correlation key '${ck}', but none was found.`,
        );
      }
      return wire<CorrelateMessageResponse>({ tenantId: tenant, messageKey, processInstanceKey: pi });
    });
  }

  // ---------------------------------------------------------------- element instances

  private readonly eiSpec: SearchSpec = {
    from: 'zb_element_instance e',
    columns: 'e.*',
    keyCol: 'e.element_instance_key',
    baseWhere: ["e.type <> 'PROCESS'"],
    specs: {
      processDefinitionId: { col: 'e.bpmn_process_id', kind: 'string' },
      state: { col: 'e.state', kind: 'string' },
      type: { col: 'e.type', kind: 'string' },
      elementId: { col: 'e.element_id', kind: 'string' },
      elementName: { col: 'e.element_name', kind: 'string' },
      hasIncident: { col: 'e.has_incident', kind: 'bool' },
      tenantId: { col: 'e.tenant_id', kind: 'string' },
      elementInstanceKey: { col: 'e.element_instance_key', kind: 'key' },
      processInstanceKey: { col: 'e.process_instance_key', kind: 'key' },
      processDefinitionKey: { col: 'e.process_definition_key', kind: 'key' },
      incidentKey: { col: 'e.incident_key', kind: 'key' },
      startDate: { col: 'e.start_date', kind: 'date' },
      endDate: { col: 'e.end_date', kind: 'date' },
      elementInstanceScopeKey: { col: 'e.flow_scope_key', kind: 'key' },
    },
    sorts: {
      elementInstanceKey: 'e.element_instance_key',
      processInstanceKey: 'e.process_instance_key',
      processDefinitionKey: 'e.process_definition_key',
      processDefinitionId: 'e.bpmn_process_id',
      startDate: 'e.start_date',
      endDate: 'e.end_date',
      elementId: 'e.element_id',
      elementName: 'e.element_name',
      type: 'e.type',
      state: 'e.state',
      incidentKey: 'e.incident_key',
      tenantId: 'e.tenant_id',
    },
  };

  private mapEi = (r: Row): ElementInstanceResult =>
    compact({
      processDefinitionId: String(r.bpmn_process_id),
      startDate: String(r.start_date),
      endDate: (r.end_date as string | null) ?? undefined,
      elementId: String(r.element_id),
      elementName: (r.element_name as string | null) ?? String(r.element_id),
      type: String(r.type) as ElementInstanceResult['type'],
      state: String(r.state) as ElementInstanceResult['state'],
      hasIncident: Number(r.has_incident) === 1,
      tenantId: String(r.tenant_id),
      elementInstanceKey: k(r.element_instance_key),
      processInstanceKey: k(r.process_instance_key),
      processDefinitionKey: k(r.process_definition_key),
      incidentKey: r.incident_key == null || Number(r.has_incident) !== 1 ? undefined : k(r.incident_key),
    });

  searchElementInstances(query: ElementInstanceSearchQuery): Promise<ElementInstanceSearchQueryResult> {
    return this.engine.read((sql) => search(sql, this.eiSpec, query, this.mapEi));
  }

  async getElementInstance(key: string): Promise<ElementInstanceResult> {
    keyParam(key, 'elementInstanceKey');
    const rows = await this.engine.read((sql) =>
      sql.all(`SELECT * FROM zb_element_instance WHERE element_instance_key = ? AND type <> 'PROCESS'`, [key]),
    );
    if (!rows[0]) throw notFound(`Element instance with key '${key}' not found`);
    return this.mapEi(rows[0]);
  }

  // ---------------------------------------------------------------- incidents

  private readonly incSpec: SearchSpec = {
    from: 'zb_incident i',
    columns: 'i.*',
    keyCol: 'i.incident_key',
    specs: {
      processDefinitionId: { col: 'i.bpmn_process_id', kind: 'string' },
      errorType: { col: 'i.error_type', kind: 'string' },
      errorMessage: { col: 'i.error_message', kind: 'string' },
      elementId: { col: 'i.element_id', kind: 'string' },
      creationTime: { col: 'i.creation_time', kind: 'date' },
      state: { col: 'i.state', kind: 'string' },
      tenantId: { col: 'i.tenant_id', kind: 'string' },
      incidentKey: { col: 'i.incident_key', kind: 'key' },
      processDefinitionKey: { col: 'i.process_definition_key', kind: 'key' },
      processInstanceKey: { col: 'i.process_instance_key', kind: 'key' },
      elementInstanceKey: { col: 'i.element_instance_key', kind: 'key' },
      jobKey: { col: 'i.job_key', kind: 'key' },
    },
    sorts: {
      incidentKey: 'i.incident_key',
      processDefinitionKey: 'i.process_definition_key',
      processDefinitionId: 'i.bpmn_process_id',
      processInstanceKey: 'i.process_instance_key',
      errorType: 'i.error_type',
      errorMessage: 'i.error_message',
      elementId: 'i.element_id',
      elementInstanceKey: 'i.element_instance_key',
      creationTime: 'i.creation_time',
      state: 'i.state',
      jobKey: 'i.job_key',
      tenantId: 'i.tenant_id',
    },
  };

  private mapInc = (r: Row): IncidentResult =>
    compact({
      processDefinitionId: String(r.bpmn_process_id),
      errorType: String(r.error_type) as IncidentResult['errorType'],
      errorMessage: (r.error_message as string | null) ?? '',
      elementId: String(r.element_id),
      creationTime: String(r.creation_time),
      state: String(r.state) as IncidentResult['state'],
      tenantId: String(r.tenant_id),
      incidentKey: k(r.incident_key),
      processDefinitionKey: k(r.process_definition_key),
      processInstanceKey: k(r.process_instance_key),
      elementInstanceKey: k(r.element_instance_key),
      jobKey: r.job_key == null ? undefined : k(r.job_key),
    });

  searchIncidents(query: IncidentSearchQuery): Promise<IncidentSearchQueryResult> {
    return this.engine.read((sql) => search(sql, this.incSpec, query, this.mapInc));
  }

  async getIncident(key: string): Promise<IncidentResult> {
    keyParam(key, 'incidentKey');
    const rows = await this.engine.read((sql) => sql.all(`SELECT * FROM zb_incident WHERE incident_key = ?`, [key]));
    if (!rows[0]) throw notFound(`Incident with key '${key}' not found`);
    return this.mapInc(rows[0]);
  }

  async resolveIncident(key: string): Promise<void> {
    keyParam(key, 'incidentKey');
    await this.engine.command(async (p) => {
      const rows = await p.sql.all(`SELECT * FROM zb_incident WHERE incident_key = ? AND state = 'ACTIVE'`, [key]);
      const inc = rows[0];
      if (!inc)
        throw notFound(
          `Command 'RESOLVE' rejected with code 'NOT_FOUND': Expected to resolve incident with key '${key}', but no such incident was found`,
        );
      const eiKey = k(inc.element_instance_key);
      const piKey = k(inc.process_instance_key);
      if (inc.job_key != null) {
        const jobs = await p.sql.all(`SELECT ${JOB_COLUMNS} FROM zb_job WHERE job_key = ?`, [inc.job_key]);
        const job = jobs[0] ? toJob(jobs[0]) : undefined;
        if (job && job.retries <= 0) {
          throw invalidState(
            `Command 'RESOLVE' rejected with code 'INVALID_STATE': Expected to resolve incident with key '${key}', but job with key '${job.key}' has no retries left. Update the job retries first.`,
          );
        }
        await p.resolveIncidentRow(key, eiKey, piKey);
        if (job) {
          await p.sql.run(`UPDATE zb_job SET status = 'ACTIVATABLE', due_at = 0, worker = NULL WHERE job_key = ?`, [
            job.key,
          ]);
          p.effects.jobTypes.add(job.type);
        }
        return;
      }
      await p.resolveIncidentRow(key, eiKey, piKey);
      const ei = await p.ei(eiKey);
      if (ei) await p.retry(ei);
    });
  }

  // ---------------------------------------------------------------- variables

  private readonly varSpec: SearchSpec = {
    from: 'zb_variable v',
    columns: 'v.*',
    keyCol: 'v.variable_key',
    specs: {
      name: { col: 'v.name', kind: 'string' },
      value: { col: 'v.value', kind: 'string' },
      tenantId: { col: 'v.tenant_id', kind: 'string' },
      isTruncated: (v, where) => {
        if (typeof v !== 'boolean') throw invalidArgument("filter 'isTruncated' expects a boolean");
        where.push(v ? `LENGTH(v.value) > ${VALUE_LIMIT}` : `LENGTH(v.value) <= ${VALUE_LIMIT}`);
      },
      variableKey: { col: 'v.variable_key', kind: 'key' },
      scopeKey: { col: 'v.scope_key', kind: 'key' },
      processInstanceKey: { col: 'v.process_instance_key', kind: 'key' },
    },
    sorts: {
      value: 'v.value',
      name: 'v.name',
      tenantId: 'v.tenant_id',
      variableKey: 'v.variable_key',
      scopeKey: 'v.scope_key',
      processInstanceKey: 'v.process_instance_key',
    },
  };

  private mapVarSearch = (r: Row) => {
    const value = String(r.value);
    return {
      name: String(r.name),
      value: value.length > VALUE_LIMIT ? value.slice(0, VALUE_LIMIT) : value,
      isTruncated: value.length > VALUE_LIMIT,
      tenantId: String(r.tenant_id),
      variableKey: k(r.variable_key),
      scopeKey: k(r.scope_key),
      processInstanceKey: k(r.process_instance_key),
    };
  };

  searchVariables(query: VariableSearchQuery): Promise<VariableSearchQueryResult> {
    return this.engine.read((sql) => search(sql, this.varSpec, query, this.mapVarSearch));
  }

  async getVariable(key: string): Promise<VariableResult> {
    keyParam(key, 'variableKey');
    const rows = await this.engine.read((sql) => sql.all(`SELECT * FROM zb_variable WHERE variable_key = ?`, [key]));
    const r = rows[0];
    if (!r) throw notFound(`Variable with key '${key}' not found`);
    return wire<VariableResult>({
      name: String(r.name),
      value: String(r.value),
      tenantId: String(r.tenant_id),
      variableKey: k(r.variable_key),
      scopeKey: k(r.scope_key),
      processInstanceKey: k(r.process_instance_key),
    });
  }
}

/** Camunda truncates variable values in search results beyond this many characters */
const VALUE_LIMIT = 8191;
