/**
 * BPMN XML → executable models, with every reason a model cannot run listed per element.
 * Parsing is bpmn-moddle with the zeebe extension package; what Zeebe rejects we reject, and
 * nothing is ignored silently: an element we do not execute is an error naming the element.
 */
import { BpmnModdle } from 'bpmn-moddle';
import zeebeSchema from 'zeebe-bpmn-moddle/resources/zeebe.json';
import { checkSyntax, isExpression, scheduleTimer } from '../feel';
import type {
  ElementKind,
  ElementModel,
  ElementTypeName,
  EventDef,
  FlowModel,
  Listener,
  Mapping,
  ModelIssue,
  ProcessModel,
  TimerDef,
} from './types';

interface Node {
  $type: string;
  id?: string;
  name?: string;
  [k: string]: unknown;
}

const KINDS: Record<string, [ElementKind, ElementTypeName]> = {
  'bpmn:StartEvent': ['startEvent', 'START_EVENT'],
  'bpmn:EndEvent': ['endEvent', 'END_EVENT'],
  'bpmn:IntermediateCatchEvent': ['intermediateCatchEvent', 'INTERMEDIATE_CATCH_EVENT'],
  'bpmn:IntermediateThrowEvent': ['intermediateThrowEvent', 'INTERMEDIATE_THROW_EVENT'],
  'bpmn:BoundaryEvent': ['boundaryEvent', 'BOUNDARY_EVENT'],
  'bpmn:ServiceTask': ['serviceTask', 'SERVICE_TASK'],
  'bpmn:SendTask': ['sendTask', 'SEND_TASK'],
  'bpmn:BusinessRuleTask': ['businessRuleTask', 'BUSINESS_RULE_TASK'],
  'bpmn:ScriptTask': ['scriptTask', 'SCRIPT_TASK'],
  'bpmn:ReceiveTask': ['receiveTask', 'RECEIVE_TASK'],
  'bpmn:UserTask': ['userTask', 'USER_TASK'],
  'bpmn:ManualTask': ['manualTask', 'MANUAL_TASK'],
  'bpmn:Task': ['task', 'TASK'],
  'bpmn:ExclusiveGateway': ['exclusiveGateway', 'EXCLUSIVE_GATEWAY'],
  'bpmn:ParallelGateway': ['parallelGateway', 'PARALLEL_GATEWAY'],
  'bpmn:InclusiveGateway': ['inclusiveGateway', 'INCLUSIVE_GATEWAY'],
  'bpmn:EventBasedGateway': ['eventBasedGateway', 'EVENT_BASED_GATEWAY'],
  'bpmn:SubProcess': ['subProcess', 'SUB_PROCESS'],
  'bpmn:CallActivity': ['callActivity', 'CALL_ACTIVITY'],
};

/** artifacts and data elements carry no behaviour; Zeebe ignores them too */
const PASSIVE = new Set([
  'bpmn:TextAnnotation',
  'bpmn:Association',
  'bpmn:DataObject',
  'bpmn:DataObjectReference',
  'bpmn:DataStoreReference',
  'bpmn:Group',
  'bpmn:DataInputAssociation',
  'bpmn:DataOutputAssociation',
]);

const EVENT_DEFS: Record<string, EventDef['kind'] | undefined> = {
  'bpmn:MessageEventDefinition': 'message',
  'bpmn:TimerEventDefinition': 'timer',
  'bpmn:ErrorEventDefinition': 'error',
  'bpmn:EscalationEventDefinition': 'escalation',
  'bpmn:TerminateEventDefinition': 'terminate',
};

const JOB_KINDS = new Set<ElementKind>(['serviceTask', 'sendTask', 'businessRuleTask']);
export const ACTIVITY_KINDS = new Set<ElementKind>([
  'serviceTask',
  'sendTask',
  'businessRuleTask',
  'scriptTask',
  'receiveTask',
  'userTask',
  'manualTask',
  'task',
  'subProcess',
  'callActivity',
]);

const arr = (v: unknown): Node[] => (Array.isArray(v) ? (v as Node[]) : []);
const ext = (n: Node, type: string): Node | undefined =>
  arr((n.extensionElements as Node | undefined)?.values).find((v) => v.$type === type);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);
const exprBody = (v: string) => v.trim().replace(/^=/, '');

export interface CompileResult {
  processes: ProcessModel[];
  issues: ModelIssue[];
}

let moddle: BpmnModdle | undefined;

export async function compileBpmn(xml: string, now = Date.now()): Promise<CompileResult> {
  const issues: ModelIssue[] = [];
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    return {
      processes: [],
      issues: [{ elementId: '(document)', message: 'DOCTYPE and entity declarations are not allowed' }],
    };
  }
  moddle ??= new BpmnModdle({ zeebe: zeebeSchema });
  let root: Node;
  try {
    const parsed = await moddle.fromXML(xml, 'bpmn:Definitions');
    root = parsed.rootElement as Node;
    for (const w of parsed.warnings) {
      const el = w.element as Node | undefined;
      issues.push({ elementId: el?.id ?? '(document)', message: w.message.replace(/\s*\n\s*/g, '; ') });
    }
  } catch (e) {
    return {
      processes: [],
      issues: [{ elementId: '(document)', message: `invalid XML: ${(e as Error).message.split('\n')[0]}` }],
    };
  }
  if (!root || root.$type !== 'bpmn:Definitions') {
    return { processes: [], issues: [{ elementId: '(document)', message: 'not a BPMN definitions document' }] };
  }
  const processes: ProcessModel[] = [];
  const seen = new Set<string>();
  for (const re of arr(root.rootElements)) {
    if (re.$type !== 'bpmn:Process') continue;
    if (re.isExecutable !== true) continue;
    const id = re.id ?? '';
    if (seen.has(id)) issues.push({ elementId: id, message: `duplicate process id '${id}'` });
    seen.add(id);
    processes.push(new ProcessCompiler(re, issues, now).compile());
  }
  if (processes.length === 0 && issues.length === 0) {
    issues.push({ elementId: '(document)', message: 'the resource contains no executable process' });
  }
  return { processes, issues };
}

class ProcessCompiler {
  private readonly elements = new Map<string, ElementModel>();
  private readonly flows = new Map<string, FlowModel>();
  private readonly formIds = new Set<string>();

  constructor(
    private readonly proc: Node,
    private readonly issues: ModelIssue[],
    private readonly now: number,
  ) {}

  private issue(elementId: string | undefined, message: string) {
    this.issues.push({ elementId: elementId ?? '(unknown)', message });
  }

  private feel(elementId: string, what: string, value: string | undefined) {
    if (value === undefined || !isExpression(value)) return;
    const err = checkSyntax(exprBody(value));
    if (err) this.issue(elementId, `invalid FEEL expression in ${what} '${value}': ${err}`);
  }

  private blank(
    id: string,
    name: string | undefined,
    kind: ElementKind,
    type: ElementTypeName,
    scopeId?: string,
  ): ElementModel {
    return {
      id,
      name,
      kind,
      type,
      scopeId,
      incoming: [],
      outgoing: [],
      interrupting: true,
      boundaries: [],
      inputs: [],
      outputs: [],
      listeners: [],
      properties: {},
      children: [],
      eventSubProcesses: [],
      triggeredByEvent: false,
    };
  }

  compile(): ProcessModel {
    const p = this.proc;
    const id = p.id ?? '';
    const root = this.blank(id, str(p.name), 'process', 'PROCESS');
    this.elements.set(id, root);
    this.extensions(p, root);
    this.container(p, root);
    // flows need every element registered first
    this.wire(p);
    this.validateScope(root);
    this.inclusiveReach();
    const messageStarts: ProcessModel['messageStarts'] = [];
    const timerStarts: ProcessModel['timerStarts'] = [];
    let startFormId: string | undefined;
    for (const cid of root.children) {
      const c = this.elements.get(cid);
      if (!c || c.kind !== 'startEvent') continue;
      if (c.event?.kind === 'message' && c.event.messageName)
        messageStarts.push({ elementId: c.id, messageName: c.event.messageName });
      if (c.event?.kind === 'timer' && c.event.timer) timerStarts.push({ elementId: c.id, timer: c.event.timer });
      if (c.userTask?.formId) startFormId = c.userTask.formId;
    }
    const versionTag = str(ext(p, 'zeebe:VersionTag')?.value);
    return {
      id,
      name: root.name,
      versionTag,
      elements: this.elements,
      flows: this.flows,
      root,
      messageStarts,
      timerStarts,
      startFormId,
      formIds: [...this.formIds],
    };
  }

  private container(node: Node, scope: ElementModel) {
    for (const fe of arr(node.flowElements)) {
      if (fe.$type === 'bpmn:SequenceFlow') continue;
      if (PASSIVE.has(fe.$type)) continue;
      const eid = fe.id ?? '';
      const k = KINDS[fe.$type];
      if (!k) {
        this.issue(eid, `unsupported element ${fe.$type.replace('bpmn:', '')}`);
        continue;
      }
      if (this.elements.has(eid)) {
        this.issue(eid, `duplicate element id '${eid}'`);
        continue;
      }
      const el = this.blank(eid, str(fe.name), k[0], k[1], scope.id);
      if (fe.$type === 'bpmn:SubProcess' && fe.triggeredByEvent === true) {
        el.triggeredByEvent = true;
        el.type = 'EVENT_SUB_PROCESS';
        scope.eventSubProcesses.push(eid);
      } else {
        scope.children.push(eid);
      }
      this.elements.set(eid, el);
      this.element(fe, el);
      if (el.kind === 'subProcess') this.container(fe, el);
    }
    for (const a of arr(node.artifacts)) {
      if (!PASSIVE.has(a.$type)) this.issue(a.id, `unsupported element ${a.$type.replace('bpmn:', '')}`);
    }
  }

  private element(n: Node, el: ElementModel) {
    const id = el.id;
    this.extensions(n, el);
    // events
    const defs = arr(n.eventDefinitions);
    if (defs.length > 1) this.issue(id, 'multiple event definitions are not supported');
    const d = defs[0];
    if (d) {
      const kind = EVENT_DEFS[d.$type];
      if (!kind) {
        this.issue(id, `unsupported event definition ${d.$type.replace('bpmn:', '')}`);
      } else {
        el.event = this.eventDef(id, kind, d);
      }
    } else if (el.kind.endsWith('Event')) {
      el.event = { kind: 'none' };
    }
    if (el.kind === 'boundaryEvent') {
      el.interrupting = n.cancelActivity !== false;
      const att = n.attachedToRef as Node | undefined;
      el.attachedTo = att?.id;
      if (!att) this.issue(id, 'boundary event is not attached to an activity');
    }
    if (el.kind === 'startEvent') el.interrupting = n.isInterrupting !== false;
    const gwDefault = n.default as Node | undefined;
    if (gwDefault) el.defaultFlow = gwDefault.id;
    if (gwDefault && el.kind !== 'exclusiveGateway' && el.kind !== 'inclusiveGateway') {
      this.issue(id, 'default flows are only supported on exclusive and inclusive gateways');
    }

    // behaviour per kind
    const td = ext(n, 'zeebe:TaskDefinition');
    const needsJob =
      JOB_KINDS.has(el.kind) ||
      (el.kind === 'scriptTask' && !ext(n, 'zeebe:Script')) ||
      (el.kind === 'intermediateThrowEvent' && el.event?.kind === 'message') ||
      (el.kind === 'endEvent' && el.event?.kind === 'message');
    if (el.kind === 'businessRuleTask' && ext(n, 'zeebe:CalledDecision')) {
      this.issue(
        id,
        'business rule tasks calling a DMN decision are not supported by this runtime; use a job worker (zeebe:taskDefinition)',
      );
    } else if (needsJob) {
      const type = str(td?.type);
      if (!type) this.issue(id, "missing job type: a 'zeebe:taskDefinition' with a 'type' is required");
      el.job = { type: type ?? '', retries: str(td?.retries) ?? '3', headers: this.headers(n) };
      this.feel(id, 'job type', type);
      this.feel(id, 'job retries', el.job.retries);
    } else if (td && !el.job) {
      this.issue(id, `'zeebe:taskDefinition' is not allowed on ${el.kind}`);
    }
    if (el.kind === 'scriptTask' && !el.job) {
      const s = ext(n, 'zeebe:Script');
      const expr = str(s?.expression);
      if (!expr) this.issue(id, "script task without 'zeebe:script' expression");
      else {
        el.script = { expression: expr, resultVariable: str(s?.resultVariable) };
        if (!isExpression(expr))
          this.issue(id, `script expression must be a FEEL expression starting with '=': '${expr}'`);
        this.feel(id, 'script', expr);
        if (!el.script.resultVariable) this.issue(id, "script task without 'resultVariable'");
      }
    }
    if (el.kind === 'userTask') {
      const a = ext(n, 'zeebe:AssignmentDefinition');
      const s = ext(n, 'zeebe:TaskSchedule');
      const pr = ext(n, 'zeebe:PriorityDefinition');
      const f = ext(n, 'zeebe:FormDefinition');
      el.userTask = {
        assignee: str(a?.assignee),
        candidateGroups: str(a?.candidateGroups),
        candidateUsers: str(a?.candidateUsers),
        dueDate: str(s?.dueDate),
        followUpDate: str(s?.followUpDate),
        priority: pr?.priority !== undefined ? String(pr.priority as string | number) : undefined,
        formId: str(f?.formId),
        externalReference: str(f?.externalReference),
        headers: this.headers(n),
        jobWorker: !ext(n, 'zeebe:UserTask'),
      };
      if (str(f?.formKey))
        this.issue(
          id,
          "'zeebe:formDefinition formKey' (embedded forms) is not supported; use formId or externalReference",
        );
      if (el.userTask.formId) this.formIds.add(el.userTask.formId);
      for (const [k, v] of Object.entries(el.userTask)) if (typeof v === 'string') this.feel(id, k, v);
      const pv = el.userTask.priority;
      if (
        pv !== undefined &&
        !isExpression(pv) &&
        !(Number.isInteger(Number(pv)) && Number(pv) >= 0 && Number(pv) <= 100)
      ) {
        this.issue(id, `priority must be an integer between 0 and 100, was '${pv}'`);
      }
      if (ext(n, 'zeebe:TaskListeners')) this.issue(id, 'task listeners are not supported by this runtime');
    }
    if (el.kind === 'startEvent') {
      const f = ext(n, 'zeebe:FormDefinition');
      if (str(f?.formId)) {
        el.userTask = { formId: str(f?.formId) };
        this.formIds.add(String(f?.formId));
      }
    }
    if (el.kind === 'callActivity') {
      const c = ext(n, 'zeebe:CalledElement');
      const pid = str(c?.processId);
      if (!pid) this.issue(id, "call activity without 'zeebe:calledElement processId'");
      el.called = {
        processId: pid ?? '',
        propagateAllChildVariables: c?.propagateAllChildVariables !== false,
        propagateAllParentVariables: c?.propagateAllParentVariables !== false,
      };
      this.feel(id, 'processId', pid);
      if (str(c?.bindingType) && c?.bindingType !== 'latest')
        this.issue(id, `calledElement bindingType '${String(c?.bindingType)}' is not supported (only 'latest')`);
    }
    // multi-instance
    const lc = n.loopCharacteristics as Node | undefined;
    if (lc) {
      if (lc.$type !== 'bpmn:MultiInstanceLoopCharacteristics') {
        this.issue(id, 'standard loops are not supported; use multi-instance');
      } else if (!ACTIVITY_KINDS.has(el.kind)) {
        this.issue(id, 'multi-instance is only allowed on activities');
      } else {
        const z = ext(lc, 'zeebe:LoopCharacteristics');
        const cc = lc.completionCondition as Node | undefined;
        el.mi = {
          sequential: lc.isSequential === true,
          inputCollection: str(z?.inputCollection),
          inputElement: str(z?.inputElement),
          outputCollection: str(z?.outputCollection),
          outputElement: str(z?.outputElement),
          completionCondition: str(cc?.body),
        };
        if (!el.mi.inputCollection)
          this.issue(id, "multi-instance without 'zeebe:loopCharacteristics inputCollection'");
        this.feel(id, 'inputCollection', el.mi.inputCollection);
        this.feel(id, 'outputElement', el.mi.outputElement);
        if (el.mi.completionCondition) this.feel(id, 'completionCondition', '=' + exprBody(el.mi.completionCondition));
        if (el.mi.outputCollection && !el.mi.outputElement)
          this.issue(id, "multi-instance 'outputCollection' needs an 'outputElement'");
      }
    }
    if (el.kind === 'receiveTask') {
      const m = n.messageRef as Node | undefined;
      el.event = {
        kind: 'message',
        messageName: str(m?.name),
        correlationKey: m ? str(ext(m, 'zeebe:Subscription')?.correlationKey) : undefined,
      };
      this.feel(id, 'message name', el.event.messageName);
      this.feel(id, 'correlationKey', el.event.correlationKey);
    }
  }

  private headers(n: Node): Record<string, string> {
    const headers: Record<string, string> = {};
    for (const h of arr(ext(n, 'zeebe:TaskHeaders')?.values)) {
      if (typeof h.key === 'string') headers[h.key] = typeof h.value === 'string' ? h.value : '';
    }
    return headers;
  }

  private extensions(n: Node, el: ElementModel) {
    const io = ext(n, 'zeebe:IoMapping');
    const maps = (v: unknown): Mapping[] =>
      arr(v).map((m) => ({
        source: typeof m.source === 'string' ? m.source : '',
        target: typeof m.target === 'string' ? m.target : '',
      }));
    el.inputs = maps(io?.inputParameters);
    el.outputs = maps(io?.outputParameters);
    for (const m of [...el.inputs, ...el.outputs]) {
      if (!m.target) this.issue(el.id, 'io mapping without a target');
      this.feel(el.id, `mapping '${m.target}'`, m.source);
    }
    const ls = ext(n, 'zeebe:ExecutionListeners');
    el.listeners = arr(ls?.listeners).map((l): Listener => ({
      eventType: l.eventType === 'end' ? 'end' : 'start',
      type: str(l.type) ?? '',
      retries: str(l.retries) ?? '3',
    }));
    for (const l of el.listeners) {
      if (!l.type) this.issue(el.id, 'execution listener without a type');
      this.feel(el.id, 'listener type', l.type);
    }
    for (const p of arr(ext(n, 'zeebe:Properties')?.properties)) {
      if (typeof p.name === 'string') el.properties[p.name] = typeof p.value === 'string' ? p.value : '';
    }
  }

  private eventDef(id: string, kind: EventDef['kind'], d: Node): EventDef {
    const ev: EventDef = { kind };
    if (kind === 'timer') {
      const pick: [TimerDef['kind'], unknown][] = [
        ['date', d.timeDate],
        ['duration', d.timeDuration],
        ['cycle', d.timeCycle],
      ];
      const found = pick.filter(([, v]) => v);
      const first = found[0];
      if (found.length !== 1 || !first) {
        this.issue(id, 'a timer needs exactly one of timeDate, timeDuration, timeCycle');
      } else {
        const value = str((first[1] as Node).body) ?? '';
        ev.timer = { kind: first[0], value };
        if (isExpression(value)) this.feel(id, 'timer', value);
        else {
          try {
            scheduleTimer(ev.timer, {}, this.now);
          } catch (e) {
            this.issue(id, `invalid timer ${first[0]} '${value}': ${(e as Error).message}`);
          }
        }
      }
    } else if (kind === 'message') {
      const m = d.messageRef as Node | undefined;
      ev.messageName = str(m?.name);
      ev.correlationKey = m ? str(ext(m, 'zeebe:Subscription')?.correlationKey) : undefined;
      this.feel(id, 'message name', ev.messageName);
      this.feel(id, 'correlationKey', ev.correlationKey);
    } else if (kind === 'error') {
      const e = d.errorRef as Node | undefined;
      ev.errorCode = str(e?.errorCode);
      if (e && !ev.errorCode) this.issue(id, 'error without an errorCode');
    } else if (kind === 'escalation') {
      const e = d.escalationRef as Node | undefined;
      ev.escalationCode = str(e?.escalationCode);
      if (e && !ev.escalationCode) this.issue(id, 'escalation without an escalationCode');
    }
    return ev;
  }

  private wire(node: Node) {
    for (const fe of arr(node.flowElements)) {
      if (fe.$type === 'bpmn:SubProcess') this.wire(fe);
      if (fe.$type !== 'bpmn:SequenceFlow') continue;
      const id = fe.id ?? '';
      const s = (fe.sourceRef as Node | undefined)?.id;
      const t = (fe.targetRef as Node | undefined)?.id;
      const src = s ? this.elements.get(s) : undefined;
      const tgt = t ? this.elements.get(t) : undefined;
      if (!src || !tgt) {
        if (!s || !t) this.issue(id, 'sequence flow without source or target');
        continue;
      }
      const cond = str((fe.conditionExpression as Node | undefined)?.body);
      const flow: FlowModel = { id, name: str(fe.name), sourceId: src.id, targetId: tgt.id };
      if (cond && src.kind !== 'exclusiveGateway' && src.kind !== 'inclusiveGateway') {
        this.issue(
          id,
          `conditional sequence flows are only supported after exclusive and inclusive gateways (source '${src.id}')`,
        );
      }
      if (cond) {
        if (!isExpression(cond)) this.issue(id, `condition must be a FEEL expression starting with '=': '${cond}'`);
        flow.condition = exprBody(cond);
        this.feel(id, 'condition', cond);
      }
      this.flows.set(id, flow);
      src.outgoing.push(id);
      tgt.incoming.push(id);
    }
  }

  private validateScope(scope: ElementModel) {
    const kids = scope.children.map((c) => this.elements.get(c)).filter((e): e is ElementModel => !!e);
    const starts = kids.filter((k) => k.kind === 'startEvent');
    const none = starts.filter((s) => s.event?.kind === 'none');
    if (scope.triggeredByEvent) {
      const st = starts[0];
      if (
        starts.length !== 1 ||
        !st ||
        !st.event ||
        !['timer', 'message', 'error', 'escalation'].includes(st.event.kind)
      ) {
        this.issue(scope.id, 'an event sub-process needs exactly one timer, message, error or escalation start event');
      } else {
        scope.eventStartId = st.id;
        if (st.event.kind === 'error' && !st.interrupting)
          this.issue(st.id, 'an error start event must be interrupting');
        if (st.event.kind === 'message' && !st.event.correlationKey) {
          this.issue(st.id, "message start event of an event sub-process needs a 'zeebe:subscription correlationKey'");
        }
      }
    } else {
      if (none.length > 1) this.issue(scope.id, 'more than one none start event');
      scope.noneStartId = none[0]?.id;
      if (scope.kind === 'subProcess' && (starts.length !== 1 || none.length !== 1)) {
        this.issue(scope.id, 'an embedded sub-process needs exactly one none start event');
      }
      if (scope.kind === 'process' && starts.length === 0) this.issue(scope.id, 'the process has no start event');
    }
    for (const k of kids) this.validate(k, scope, scope.triggeredByEvent);
    for (const eid of scope.eventSubProcesses) {
      const esp = this.elements.get(eid);
      if (esp) this.validateScope(esp);
    }
  }

  private validate(el: ElementModel, scope: ElementModel, inEventSub = false) {
    const id = el.id;
    const ek = el.event?.kind;
    switch (el.kind) {
      case 'startEvent':
        if (inEventSub) break;
        if (scope.kind !== 'process' && ek !== 'none')
          this.issue(id, 'start events of an embedded sub-process must be none start events');
        if (ek && !['none', 'message', 'timer'].includes(ek))
          this.issue(id, `${ek} start events are only allowed in event sub-processes`);
        if (ek === 'message' && !el.event?.messageName) this.issue(id, 'message start event without a message name');
        break;
      case 'endEvent':
        if (ek === 'timer') this.issue(id, 'timer end events do not exist');
        break;
      case 'intermediateCatchEvent':
        if (ek !== 'timer' && ek !== 'message')
          this.issue(id, `unsupported intermediate catch event (${ek ?? 'none'})`);
        break;
      case 'intermediateThrowEvent':
        if (ek && !['none', 'escalation', 'message'].includes(ek))
          this.issue(id, `unsupported intermediate throw event (${ek})`);
        break;
      case 'boundaryEvent': {
        if (!ek || !['timer', 'message', 'error', 'escalation'].includes(ek))
          this.issue(id, `unsupported boundary event (${ek ?? 'none'})`);
        if (ek === 'error' && !el.interrupting) this.issue(id, 'an error boundary event must be interrupting');
        const host = el.attachedTo ? this.elements.get(el.attachedTo) : undefined;
        if (host && !ACTIVITY_KINDS.has(host.kind)) this.issue(id, 'boundary events attach to activities only');
        if (host) host.boundaries.push(id);
        if (el.incoming.length) this.issue(id, 'a boundary event has no incoming sequence flows');
        break;
      }
      case 'exclusiveGateway': {
        const out = el.outgoing.map((f) => this.flows.get(f)).filter((f): f is FlowModel => !!f);
        const unconditional = out.filter((f) => !f.condition && f.id !== el.defaultFlow);
        if (out.length > 1 && unconditional.length > 0) {
          this.issue(
            id,
            `exclusive gateway with several outgoing flows needs a condition on every non-default flow (${unconditional.map((f) => f.id).join(', ')})`,
          );
        }
        break;
      }
      case 'inclusiveGateway': {
        const out = el.outgoing.map((f) => this.flows.get(f)).filter((f): f is FlowModel => !!f);
        if (out.length > 1 && out.some((f) => !f.condition && f.id !== el.defaultFlow)) {
          this.issue(id, 'inclusive gateway: every non-default outgoing flow needs a condition');
        }
        break;
      }
      case 'eventBasedGateway': {
        const targets = el.outgoing.map((f) => this.elements.get(this.flows.get(f)?.targetId ?? ''));
        if (targets.length < 2) this.issue(id, 'an event-based gateway needs at least two outgoing flows');
        for (const t of targets) {
          if (!t || t.kind !== 'intermediateCatchEvent' || t.incoming.length !== 1) {
            this.issue(
              id,
              `event-based gateway targets must be intermediate timer or message catch events with one incoming flow (${t?.id ?? '?'})`,
            );
          }
        }
        break;
      }
      case 'subProcess':
        this.validateScope(el);
        break;
      case 'callActivity':
        break;
      default:
        break;
    }
    if (ek === 'message' && el.kind !== 'startEvent' && ['intermediateCatchEvent', 'boundaryEvent'].includes(el.kind)) {
      if (!el.event?.messageName) this.issue(id, 'message catch event without a message name');
      if (!el.event?.correlationKey)
        this.issue(id, "message catch event without a 'zeebe:subscription correlationKey'");
    }
    if (el.kind === 'receiveTask') {
      // the message comes from the task's messageRef, modelled like an event definition
      if (!el.event?.messageName) this.issue(id, 'receive task without a message name');
      if (!el.event?.correlationKey) this.issue(id, "receive task without a 'zeebe:subscription correlationKey'");
    }
    if (el.kind !== 'boundaryEvent' && el.kind !== 'startEvent' && el.incoming.length === 0 && !inEventSub) {
      // unreachable elements are allowed by Zeebe only as start points; anything else is a modelling error
      this.issue(id, 'element has no incoming sequence flow');
    }
  }

  /** for each inclusive join: which of its incoming flows each element of the scope can still reach */
  private inclusiveReach() {
    for (const gw of this.elements.values()) {
      if (gw.kind !== 'inclusiveGateway' || gw.incoming.length < 2) continue;
      const reach: Record<string, string[]> = {};
      const scope = gw.scopeId ? this.elements.get(gw.scopeId) : undefined;
      if (!scope) continue;
      for (const cid of scope.children) {
        const found = new Set<string>();
        const seen = new Set<string>();
        const stack = [cid];
        while (stack.length) {
          const cur = stack.pop() as string;
          if (seen.has(cur)) continue;
          seen.add(cur);
          const el = this.elements.get(cur);
          if (!el) continue;
          if (cur === gw.id && cur !== cid) continue;
          for (const fid of el.outgoing) {
            if (gw.incoming.includes(fid)) found.add(fid);
            const f = this.flows.get(fid);
            if (f && f.targetId !== gw.id) stack.push(f.targetId);
          }
          for (const b of el.boundaries) stack.push(b);
        }
        if (found.size) reach[cid] = [...found];
      }
      gw.reachesIncoming = reach;
    }
  }
}
