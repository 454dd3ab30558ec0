/**
 * egov.units-designate — R18: the data bureau designates the supervision (监理), 等保 assessment
 * and third-party testing units from those it contracted for the year. A unit the data bureau
 * named in the form is kept; an empty one is filled round-robin over the year's contracted units
 * (the next after the one designated last, so the work spreads evenly).
 */
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import type { WorkerDeps } from './deps';
import { projectEffectWorker } from './recording';
import type { UnitKind } from '../services/domain/entities';
import { designateUnits } from '../services/domain/process-records';
import { projectIdSchema, setStage } from './support';

export const UNIT_ROLES = {
  supervisionUnit: { list: 'supervision', name: '监理单位', kind: 'supervision' },
  classifiedProtectionUnit: { list: 'classifiedProtection', name: '等保测评单位', kind: 'security-assessment' },
  thirdPartyTestingUnit: { list: 'thirdPartyTesting', name: '第三方评测单位', kind: 'testing' },
} as const satisfies Record<string, { list: string; name: string; kind: UnitKind }>;
type UnitRole = keyof typeof UNIT_ROLES;

const unit = z.string().trim().max(200).nullish();
export const unitsInput = z.object({
  projectId: projectIdSchema,
  supervisionUnit: unit,
  classifiedProtectionUnit: unit,
  thirdPartyTestingUnit: unit,
});
export const unitsOutput = z.object({
  supervisionUnit: z.string(),
  classifiedProtectionUnit: z.string(),
  thirdPartyTestingUnit: z.string(),
  unitsAssignedBy: z.record(z.string(), z.enum(['data-bureau', 'round-robin'])),
});

/**
 * The names of the year's units of a kind in the order they were designated, latest first — from
 * the domain (unit_designation), so designations through the API count for the rotation too.
 */
async function designatedThisYear(m: EntityManager, year: number, kind: UnitKind): Promise<string[]> {
  const rows = (await m.query(
    'SELECT su.name AS name FROM unit_designation ud JOIN service_unit su ON su.id = ud.unit_id ' +
      'WHERE su.year = ? AND ud.kind = ? ORDER BY ud.designated_at DESC, ud.id DESC',
    [year, kind],
  )) as { name: string }[];
  return rows.map((r) => r.name);
}

export function createUnitsDesignateWorker(deps: WorkerDeps) {
  return projectEffectWorker(deps, {
    type: 'egov.units-designate',
    description:
      'R18: designates supervision / 等保 / testing units; empty ones round-robin over the year’s contracted units',
    input: unitsInput,
    output: unitsOutput,
    async apply({ m, project, v, today, now }) {
      const year = Number(today.slice(0, 4));
      const contracted = deps.config.contractedUnits[String(year)];
      const out: Record<string, string> = {};
      const by: Record<string, 'data-bureau' | 'round-robin'> = {};
      for (const role of Object.keys(UNIT_ROLES) as UnitRole[]) {
        const given = v[role]?.trim();
        if (given) {
          out[role] = given;
          by[role] = 'data-bureau';
          continue;
        }
        const list = contracted?.[UNIT_ROLES[role].list] ?? [];
        if (list.length === 0) throw new Error(`${year} 年度未配置中标的${UNIT_ROLES[role].name}，且表单未指定（R18）`);
        const earlier = await designatedThisYear(m, year, UNIT_ROLES[role].kind);
        const last = earlier.find((name) => list.includes(name));
        out[role] = list[last === undefined ? 0 : (list.indexOf(last) + 1) % list.length]!;
        by[role] = 'round-robin';
      }
      // the designations in the domain (unit_designation; the year's service_unit by name)
      await designateUnits(
        m,
        project.id,
        year,
        (Object.keys(UNIT_ROLES) as UnitRole[]).map((role) => ({ kind: UNIT_ROLES[role].kind, name: out[role]! })),
        now,
      );
      await setStage(m, project.id, 'units-designated', now);
      return { ...(out as Record<UnitRole, string>), unitsAssignedBy: by };
    },
  });
}
