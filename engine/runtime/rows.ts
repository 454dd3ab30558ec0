/** Row shapes of the zb_* tables as the interpreter uses them, and their conversions. */
import type { Row } from '../store';

export interface ElementInstanceRow {
  key: string;
  piKey: string;
  defKey: string;
  bpmnProcessId: string;
  elementId: string;
  elementName: string | null;
  type: string;
  flowScopeKey: string | null;
  scopePath: string;
  state: string;
  phase: string;
  listenerIndex: number;
  loopCounter: number;
  interrupted: boolean;
  calledPiKey: string | null;
  tenantId: string;
}

export const EI_COLUMNS =
  'element_instance_key, process_instance_key, process_definition_key, bpmn_process_id, element_id, element_name, type, flow_scope_key, scope_path, state, phase, listener_index, loop_counter, interrupted, called_process_instance_key, tenant_id';

export const k = (v: unknown): string => String(v);
export const nk = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function toEi(r: Row): ElementInstanceRow {
  return {
    key: k(r.element_instance_key),
    piKey: k(r.process_instance_key),
    defKey: k(r.process_definition_key),
    bpmnProcessId: String(r.bpmn_process_id),
    elementId: String(r.element_id),
    elementName: (r.element_name as string | null) ?? null,
    type: String(r.type),
    flowScopeKey: nk(r.flow_scope_key),
    scopePath: String(r.scope_path),
    state: String(r.state),
    phase: String(r.phase),
    listenerIndex: Number(r.listener_index),
    loopCounter: Number(r.loop_counter),
    interrupted: Number(r.interrupted) === 1,
    calledPiKey: nk(r.called_process_instance_key),
    tenantId: String(r.tenant_id),
  };
}

export interface JobRow {
  key: string;
  type: string;
  status: string;
  kind: string;
  listenerEventType: string;
  retries: number;
  dueAt: number;
  worker: string | null;
  customHeaders: string | null;
  eiKey: string;
  elementId: string;
  piKey: string;
  defKey: string;
  bpmnProcessId: string;
  version: number;
  tenantId: string;
}

export const JOB_COLUMNS =
  'job_key, type, status, kind, listener_event_type, retries, due_at, worker, custom_headers, element_instance_key, element_id, process_instance_key, process_definition_key, bpmn_process_id, version, tenant_id';

export function toJob(r: Row): JobRow {
  return {
    key: k(r.job_key),
    type: String(r.type),
    status: String(r.status),
    kind: String(r.kind),
    listenerEventType: String(r.listener_event_type),
    retries: Number(r.retries),
    dueAt: Number(r.due_at),
    worker: (r.worker as string | null) ?? null,
    customHeaders: (r.custom_headers as string | null) ?? null,
    eiKey: k(r.element_instance_key),
    elementId: String(r.element_id),
    piKey: k(r.process_instance_key),
    defKey: k(r.process_definition_key),
    bpmnProcessId: String(r.bpmn_process_id),
    version: Number(r.version),
    tenantId: String(r.tenant_id),
  };
}

export const iso = (ms: number): string => new Date(ms).toISOString();

export const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

export function parseJson(v: unknown): unknown {
  if (typeof v !== 'string') return null;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return null;
  }
}
