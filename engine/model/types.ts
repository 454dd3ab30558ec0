/** The executable, immutable model the interpreter walks: one per deployed process definition. */

export type ElementKind =
  | 'process'
  | 'startEvent'
  | 'endEvent'
  | 'intermediateCatchEvent'
  | 'intermediateThrowEvent'
  | 'boundaryEvent'
  | 'serviceTask'
  | 'sendTask'
  | 'businessRuleTask'
  | 'scriptTask'
  | 'receiveTask'
  | 'userTask'
  | 'manualTask'
  | 'task'
  | 'exclusiveGateway'
  | 'parallelGateway'
  | 'inclusiveGateway'
  | 'eventBasedGateway'
  | 'subProcess'
  | 'callActivity';

/** the element type names of the v2 API (ElementInstanceResult.type) */
export type ElementTypeName =
  | 'PROCESS'
  | 'SUB_PROCESS'
  | 'EVENT_SUB_PROCESS'
  | 'START_EVENT'
  | 'INTERMEDIATE_CATCH_EVENT'
  | 'INTERMEDIATE_THROW_EVENT'
  | 'BOUNDARY_EVENT'
  | 'END_EVENT'
  | 'SERVICE_TASK'
  | 'RECEIVE_TASK'
  | 'USER_TASK'
  | 'MANUAL_TASK'
  | 'TASK'
  | 'EXCLUSIVE_GATEWAY'
  | 'INCLUSIVE_GATEWAY'
  | 'PARALLEL_GATEWAY'
  | 'EVENT_BASED_GATEWAY'
  | 'MULTI_INSTANCE_BODY'
  | 'CALL_ACTIVITY'
  | 'BUSINESS_RULE_TASK'
  | 'SCRIPT_TASK'
  | 'SEND_TASK';

export type EventKind = 'none' | 'message' | 'timer' | 'error' | 'escalation' | 'terminate';

export interface TimerDef {
  kind: 'date' | 'duration' | 'cycle';
  /** static text or '=expression' */
  value: string;
}

export interface EventDef {
  kind: EventKind;
  timer?: TimerDef;
  messageName?: string;
  /** '=expression' (FEEL) or static */
  correlationKey?: string;
  /** undefined = catch all */
  errorCode?: string;
  escalationCode?: string;
}

export interface Mapping {
  source: string;
  target: string;
}

export interface Listener {
  eventType: 'start' | 'end';
  type: string;
  retries: string;
}

export interface UserTaskDef {
  assignee?: string;
  candidateGroups?: string;
  candidateUsers?: string;
  dueDate?: string;
  followUpDate?: string;
  priority?: string;
  formId?: string;
  externalReference?: string;
  headers?: Record<string, string>;
  /** without zeebe:userTask the task is a (deprecated) job-worker user task: a job of type io.camunda.zeebe:userTask */
  jobWorker?: boolean;
}

export interface MultiInstanceDef {
  sequential: boolean;
  inputCollection?: string;
  inputElement?: string;
  outputCollection?: string;
  outputElement?: string;
  completionCondition?: string;
  loopCardinality?: string;
}

export interface ElementModel {
  id: string;
  name?: string;
  kind: ElementKind;
  type: ElementTypeName;
  /** id of the enclosing process or sub-process (undefined for the process itself) */
  scopeId?: string;
  incoming: string[];
  outgoing: string[];
  event?: EventDef;
  /** boundary: cancelActivity; event sub-process start: isInterrupting */
  interrupting: boolean;
  attachedTo?: string;
  boundaries: string[];
  defaultFlow?: string;
  job?: { type: string; retries: string; headers: Record<string, string> };
  inputs: Mapping[];
  outputs: Mapping[];
  script?: { expression: string; resultVariable?: string };
  userTask?: UserTaskDef;
  called?: { processId: string; propagateAllChildVariables: boolean; propagateAllParentVariables: boolean };
  mi?: MultiInstanceDef;
  listeners: Listener[];
  properties: Record<string, string>;
  /** containers (process, sub-process, event sub-process) */
  children: string[];
  noneStartId?: string;
  eventSubProcesses: string[];
  triggeredByEvent: boolean;
  /** event sub-process: its start event */
  eventStartId?: string;
  /** inclusive join: per element id, the incoming flows of this gateway reachable from it */
  reachesIncoming?: Record<string, string[]>;
}

export interface FlowModel {
  id: string;
  name?: string;
  sourceId: string;
  targetId: string;
  /** FEEL without the leading '=' */
  condition?: string;
}

export interface ProcessModel {
  id: string;
  name?: string;
  versionTag?: string;
  elements: Map<string, ElementModel>;
  flows: Map<string, FlowModel>;
  /** the root element (kind 'process') */
  root: ElementModel;
  messageStarts: { elementId: string; messageName: string }[];
  timerStarts: { elementId: string; timer: TimerDef }[];
  startFormId?: string;
  /** form ids the model links to (zeebe:formDefinition formId) */
  formIds: string[];
}

export interface ModelIssue {
  elementId: string;
  message: string;
}
