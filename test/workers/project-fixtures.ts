/**
 * Fixtures the project-worker tests share (project-workers.test.ts, domain-rows.test.ts): the
 * framework contracts of 2026, job variables, the worker of a test env.
 */
import type { WorkerDeps } from '../../workers/deps';
import type { WorkerDefinition } from '../../workers/framework';
import type { WorkerTestEnv } from './helpers';

/**
 * The 2026 framework contracts (R18) of the worker tests: `perKind` supervisors and testers (two
 * show `egov.units-designate`'s rotation; one keeps the year's unit list short), one
 * classified-protection assessor.
 */
export const contractedUnits2026 = (perKind: 1 | 2) => ({
  '2026': {
    supervision: ['安徽建科监理公司', '六安信息监理公司'].slice(0, perKind),
    classifiedProtection: ['安徽等保测评中心'],
    thirdPartyTesting: ['省软件评测中心', '六安质检院'].slice(0, perKind),
  },
});

/** A project's id as the process variables carry it. */
export const pid = (p: { id: number }) => String(p.id);

/** The worker of `create` on the env's deps, as the runner registers it. */
export const workerOf = <T>(env: WorkerTestEnv, create: (d: WorkerDeps) => T) =>
  create(env.deps) as unknown as WorkerDefinition;

/** `egov.procurement-record` variables (R14): an open tender awarded and signed on 20 November 2026. */
export const procurementRecordVars = (p: { id: number }, over: Record<string, unknown> = {}) => ({
  projectId: pid(p),
  procurementMethod: 'open-tender',
  tenderNo: 'YJZB-2026-088',
  supplierName: '安徽某信息技术有限公司',
  contractNo: 'HT-2026-101',
  contractAmount: 100,
  contractSignedDate: '2026-11-20',
  contractedAcceptanceDate: '2027-06-30',
  productsSecureAndReliable: true,
  ...over,
});
