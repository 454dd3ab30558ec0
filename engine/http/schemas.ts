/**
 * Request bodies of the `/v2` subset, validated strictly as Zeebe's gateway does: wrong types,
 * unknown top-level keys and missing required fields are 400 INVALID_ARGUMENT before the runtime
 * sees anything. Shapes follow the official SDK's own request schemas (8.8), checked against
 * requests captured from the SDK in test/engine/http-wire.test.ts.
 */
import { z } from 'zod';

export const KEY_PATTERN = /^-?[0-9]+$/;

const key = z.string().regex(KEY_PATTERN, 'must be an int64 key (decimal string)');
/** int64 values (ms, timestamps): the SDK sends JSON numbers; Jackson also accepts numeric strings */
const int64 = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?[0-9]{1,18}$/)
    .transform(Number),
]);
const variables = z.record(z.string(), z.unknown());
const nullable = <T extends z.ZodType>(t: T) => z.union([t, z.null()]);
const isoDateTime = z.iso.datetime({ offset: true });
const tenantId = z.string().min(1).max(256);
const operationReference = int64;

const sortOrder = z.enum(['ASC', 'DESC', 'asc', 'desc']).transform((o) => o.toUpperCase() as 'ASC' | 'DESC');

const page = z.strictObject({
  from: z.number().int().min(0).optional(),
  limit: z.number().int().min(0).max(10_000).optional(),
  after: z.string().optional(),
  before: z.string().optional(),
});

/** Filters are interpreted by the runtime; here only key-valued fields are checked for shape. */
const filter = z.record(z.string(), z.unknown()).superRefine((f, ctx) => {
  for (const [name, value] of Object.entries(f)) {
    if (!/Key$/.test(name) || value === null || typeof value === 'object') continue;
    if (typeof value !== 'string' || !KEY_PATTERN.test(value)) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'must be an int64 key (decimal string)' });
    }
  }
});

function searchQuery<const F extends readonly [string, ...string[]]>(sortFields: F) {
  return z.strictObject({
    filter: filter.optional(),
    sort: z.array(z.strictObject({ field: z.enum(sortFields), order: sortOrder.optional() })).optional(),
    page: page.optional(),
  });
}

export const processDefinitionSearch = searchQuery([
  'processDefinitionKey',
  'name',
  'resourceName',
  'version',
  'versionTag',
  'processDefinitionId',
  'tenantId',
]);
export const processInstanceSearch = searchQuery([
  'processInstanceKey',
  'processDefinitionId',
  'processDefinitionName',
  'processDefinitionVersion',
  'processDefinitionVersionTag',
  'processDefinitionKey',
  'parentProcessInstanceKey',
  'parentElementInstanceKey',
  'startDate',
  'endDate',
  'state',
  'hasIncident',
  'tenantId',
]);
export const userTaskSearch = searchQuery([
  'creationDate',
  'completionDate',
  'followUpDate',
  'dueDate',
  'priority',
  'name',
]);
export const elementInstanceSearch = searchQuery([
  'elementInstanceKey',
  'processInstanceKey',
  'processDefinitionKey',
  'processDefinitionId',
  'startDate',
  'endDate',
  'elementId',
  'elementName',
  'type',
  'state',
  'incidentKey',
  'tenantId',
]);
export const incidentSearch = searchQuery([
  'incidentKey',
  'processDefinitionKey',
  'processDefinitionId',
  'processInstanceKey',
  'errorType',
  'errorMessage',
  'elementId',
  'elementInstanceKey',
  'creationTime',
  'state',
  'jobKey',
  'tenantId',
]);
const variableSortFields = ['value', 'name', 'tenantId', 'variableKey', 'scopeKey', 'processInstanceKey'] as const;
export const variableSearch = searchQuery(variableSortFields);
export const userTaskVariableSearch = searchQuery(variableSortFields);

export const processDefinitionStatistics = z.strictObject({ filter: filter.optional() });

const creationCommon = {
  variables: variables.optional(),
  tenantId: tenantId.optional(),
  operationReference: operationReference.optional(),
  startInstructions: z.array(z.strictObject({ elementId: z.string().min(1) })).optional(),
  runtimeInstructions: z.array(z.record(z.string(), z.unknown())).optional(),
  awaitCompletion: z.boolean().optional(),
  fetchVariables: z.array(z.string()).optional(),
  requestTimeout: int64.optional(),
  tags: z.array(z.string()).optional(),
};
export const createProcessInstance = z.union([
  z.strictObject({
    processDefinitionId: z.string().min(1),
    processDefinitionVersion: z.number().int().optional(),
    ...creationCommon,
  }),
  z.strictObject({ processDefinitionKey: key, ...creationCommon }),
]);

export const cancelProcessInstance = z.union([
  z.strictObject({ operationReference: operationReference.optional() }),
  z.null(),
]);

export const activateJobs = z.strictObject({
  type: z.string().min(1),
  worker: z.string().optional(),
  timeout: int64,
  maxJobsToActivate: z.number().int().min(1),
  fetchVariable: z.array(z.string()).optional(),
  requestTimeout: int64.optional(),
  tenantIds: z.array(tenantId).optional(),
  tenantFilter: z.enum(['PROVIDED', 'ASSIGNED']).optional(),
});
export type ActivateJobsBody = z.infer<typeof activateJobs>;

export const completeJob = z.strictObject({
  variables: nullable(variables).optional(),
  result: nullable(z.record(z.string(), z.unknown())).optional(),
});
export const failJob = z.strictObject({
  retries: z.number().int().optional(),
  errorMessage: z.string().optional(),
  retryBackOff: int64.optional(),
  variables: variables.optional(),
});
export const throwJobError = z.strictObject({
  errorCode: z.string().min(1),
  errorMessage: nullable(z.string()).optional(),
  variables: nullable(variables).optional(),
});
export const updateJob = z.strictObject({
  changeset: z.strictObject({
    retries: nullable(z.number().int()).optional(),
    timeout: nullable(int64).optional(),
  }),
  operationReference: operationReference.optional(),
});

export const assignUserTask = z.strictObject({
  assignee: z.string(),
  allowOverride: nullable(z.boolean()).optional(),
  action: nullable(z.string()).optional(),
});
export const userTaskChangeset = z.strictObject({
  dueDate: nullable(isoDateTime).optional(),
  followUpDate: nullable(isoDateTime).optional(),
  candidateUsers: nullable(z.array(z.string())).optional(),
  candidateGroups: nullable(z.array(z.string())).optional(),
  priority: nullable(z.number().int().min(0).max(100)).optional(),
});
export const updateUserTask = z.strictObject({
  changeset: nullable(userTaskChangeset).optional(),
  action: nullable(z.string()).optional(),
});
export const completeUserTask = z.strictObject({
  variables: nullable(variables).optional(),
  action: nullable(z.string()).optional(),
});

export const publishMessage = z.strictObject({
  name: z.string().min(1),
  correlationKey: z.string().optional(),
  timeToLive: int64.refine((n) => n >= 0, 'must not be negative').optional(),
  messageId: z.string().optional(),
  variables: variables.optional(),
  tenantId: tenantId.optional(),
});
export const correlateMessage = z.strictObject({
  name: z.string().min(1),
  correlationKey: z.string().optional(),
  variables: variables.optional(),
  tenantId: tenantId.optional(),
});

export const resolveIncident = z.union([
  z.strictObject({ operationReference: operationReference.optional() }),
  z.null(),
]);

export const pinClock = z.strictObject({ timestamp: int64.refine((n) => n >= 0, 'must not be negative') });
