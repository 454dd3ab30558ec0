/**
 * The seam between the runtime (engine/runtime: state, interpreter, commands, queries) and its
 * REST layer (engine/http). Every method takes and returns exactly the JSON shapes of the Camunda
 * 8.8 REST API `/v2` (request body → response body), so engine/http only parses, validates,
 * long-polls and maps EngineError to problem+json. Types are the official SDK's own.
 *
 * Keys are int64 decimal strings. Methods throw EngineError (engine/errors.ts) for rejections.
 */
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

/** A request body as received (already JSON-parsed and validated by engine/http). */
export type Body = Record<string, unknown>;

export interface DeployResource {
  name: string;
  content: Buffer;
}

export interface RuntimeApi {
  // lifecycle
  start(): Promise<void>;
  /** stop timers and pollers, finish the command in flight; does not close the database */
  stop(): Promise<void>;

  // cluster
  getTopology(): Promise<TopologyResponse>;

  // clock (PUT /v2/clock, POST /v2/clock/reset)
  pinClock(timestampMs: number): Promise<void>;
  resetClock(): Promise<void>;
  now(): number;

  // deployments
  deployResources(resources: DeployResource[], tenantId?: string): Promise<CreateDeploymentResponse>;

  // process definitions
  searchProcessDefinitions(query: ProcessDefinitionSearchQuery): Promise<ProcessDefinitionSearchQueryResult>;
  getProcessDefinition(key: string): Promise<ProcessDefinitionResult>;
  getProcessDefinitionXml(key: string): Promise<string>;
  /** the start form linked to the process (404 when none) */
  getProcessDefinitionForm(key: string): Promise<FormResult>;
  /** POST /v2/process-definitions/{key}/statistics/element-instances */
  getProcessDefinitionElementStatistics(
    key: string,
    body: Body,
  ): Promise<{
    items: { elementId: string; active: number; canceled: number; incidents: number; completed: number }[];
  }>;

  // process instances
  /** awaitCompletion/requestTimeout are honoured here: resolves when the instance completes or rejects with 504 */
  createProcessInstance(body: Body): Promise<CreateProcessInstanceResult>;
  getProcessInstance(key: string): Promise<ProcessInstanceResult>;
  searchProcessInstances(query: ProcessInstanceSearchQuery): Promise<ProcessInstanceSearchQueryResult>;
  cancelProcessInstance(key: string, body?: Body): Promise<void>;
  getProcessInstanceElementStatistics(key: string): Promise<ProcessInstanceElementStatisticsQueryResult>;
  getProcessInstanceSequenceFlows(key: string): Promise<ProcessInstanceSequenceFlowsQueryResult>;

  // jobs
  /** activates up to maxJobsToActivate jobs now, never waits; engine/http long-polls with onJobsAvailable */
  activateJobs(body: Body): Promise<ActivateJobsResponse>;
  completeJob(key: string, body: Body): Promise<void>;
  failJob(key: string, body: Body): Promise<void>;
  throwJobError(key: string, body: Body): Promise<void>;
  updateJob(key: string, body: Body): Promise<void>;
  /** notifies when jobs of a type may have become activatable (created, timed out, retried, back-off over) */
  onJobsAvailable(listener: (jobType: string) => void): () => void;

  // user tasks
  searchUserTasks(query: UserTaskSearchQuery): Promise<UserTaskSearchQueryResult>;
  getUserTask(key: string): Promise<UserTaskResult>;
  getUserTaskForm(key: string): Promise<FormResult>;
  searchUserTaskVariables(key: string, query: UserTaskVariableSearchQueryRequest): Promise<VariableSearchQueryResult>;
  assignUserTask(key: string, body: Body): Promise<void>;
  unassignUserTask(key: string): Promise<void>;
  updateUserTask(key: string, body: Body): Promise<void>;
  completeUserTask(key: string, body: Body): Promise<void>;

  // messages
  publishMessage(body: Body): Promise<PublishMessageResponse>;
  correlateMessage(body: Body): Promise<CorrelateMessageResponse>;

  // element instances
  searchElementInstances(query: ElementInstanceSearchQuery): Promise<ElementInstanceSearchQueryResult>;
  getElementInstance(key: string): Promise<ElementInstanceResult>;

  // incidents
  searchIncidents(query: IncidentSearchQuery): Promise<IncidentSearchQueryResult>;
  getIncident(key: string): Promise<IncidentResult>;
  resolveIncident(key: string): Promise<void>;

  // variables
  searchVariables(query: VariableSearchQuery): Promise<VariableSearchQueryResult>;
  getVariable(key: string): Promise<VariableResult>;
}
