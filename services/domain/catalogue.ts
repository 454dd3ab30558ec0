/**
 * R9 information-resource catalogue (信息资源目录): each department keeps its catalogue; data that
 * should be widely shared is shared unconditionally; conditional sharing names its conditions and
 * the government bodies it is shared with — never particular companies; not sharing needs a basis.
 */
import type { DataSource } from 'typeorm';
import { In } from 'typeorm';
import { HttpError, notFound } from '../http/problem';
import { CatalogueEntryEntity, OrganisationEntity, type CatalogueEntry, type ShareType } from './entities';
import type { Visibility } from './project-service';

export interface CatalogueInput {
  name: string;
  description: string;
  dataItems: string[];
  shareType: ShareType;
  shareBasis?: string;
  recipients: string[];
  updateCycle: string;
  sourceProjectId?: number;
}

/** Pure: R9 checks; `knownOrgCodes` are the government organisations. */
export function catalogueProblems(input: CatalogueInput, knownOrgCodes: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  if (input.shareType === 'conditional') {
    if (!input.shareBasis?.trim()) problems.push('有条件共享须写明共享条件');
    if (input.recipients.length === 0) problems.push('有条件共享须列明共享对象');
  }
  if (input.shareType === 'none' && !input.shareBasis?.trim()) problems.push('不予共享须写明法律法规或政策依据');
  if (input.shareType !== 'conditional' && input.recipients.length > 0) problems.push('只有有条件共享才列明共享对象');
  const outsiders = input.recipients.filter((r) => !knownOrgCodes.has(r));
  if (outsiders.length) problems.push(`共享对象只能是政府部门，不得仅向特定企业开放（R9）：${outsiders.join('、')}`);
  return problems;
}

export class CatalogueService {
  constructor(
    private readonly ds: DataSource,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private async check(input: CatalogueInput) {
    const orgs = await this.ds.getRepository(OrganisationEntity).find();
    const known = new Set(orgs.filter((o) => o.type !== 'expert').map((o) => o.code));
    const problems = catalogueProblems(input, known);
    if (problems.length) throw new HttpError(422, problems.join('；'), { rule: 'R9', problems });
  }

  private row(input: CatalogueInput, userId: number) {
    return {
      name: input.name,
      description: input.description,
      dataItems: input.dataItems.join('\n'),
      shareType: input.shareType,
      shareBasis: input.shareBasis ?? null,
      recipients: input.recipients.join(','),
      updateCycle: input.updateCycle,
      sourceProjectId: input.sourceProjectId ?? null,
      updatedBy: userId,
      updatedAt: this.now().toISOString(),
    };
  }

  async get(id: number): Promise<CatalogueEntry> {
    const e = await this.ds.getRepository(CatalogueEntryEntity).findOneBy({ id });
    if (!e) throw notFound('目录条目不存在');
    return e;
  }

  async create(orgId: number, userId: number, input: CatalogueInput) {
    await this.check(input);
    const repo = this.ds.getRepository(CatalogueEntryEntity);
    if (await repo.existsBy({ orgId, name: input.name })) throw new HttpError(409, `目录中已有“${input.name}”`);
    const res = await repo.insert({ orgId, ...this.row(input, userId) });
    return this.view(await this.get(Number(res.identifiers[0]!.id)));
  }

  async update(id: number, userId: number, input: CatalogueInput) {
    await this.check(input);
    const existing = await this.get(id);
    const repo = this.ds.getRepository(CatalogueEntryEntity);
    const clash = await repo.findOneBy({ orgId: existing.orgId, name: input.name });
    if (clash && clash.id !== id) throw new HttpError(409, `目录中已有“${input.name}”`);
    await repo.update({ id }, this.row(input, userId));
    return this.view(await this.get(id));
  }

  async list(visibility: Visibility, orgCode?: string) {
    const orgs = await this.ds.getRepository(OrganisationEntity).find();
    const byCode = new Map(orgs.map((o) => [o.code, o]));
    const where = visibility.all
      ? orgCode
        ? { orgId: byCode.get(orgCode)?.id ?? -1 }
        : {}
      : { orgId: In([visibility.orgId]) };
    const rows = await this.ds.getRepository(CatalogueEntryEntity).find({ where, order: { orgId: 'ASC', id: 'ASC' } });
    return Promise.all(rows.map((r) => this.view(r)));
  }

  async view(e: CatalogueEntry) {
    const org = await this.ds.getRepository(OrganisationEntity).findOneByOrFail({ id: e.orgId });
    return {
      id: e.id,
      orgCode: org.code,
      orgName: org.name,
      name: e.name,
      description: e.description,
      dataItems: e.dataItems.split('\n').filter(Boolean),
      shareType: e.shareType,
      shareBasis: e.shareBasis,
      recipients: e.recipients ? e.recipients.split(',') : [],
      updateCycle: e.updateCycle,
      sourceProjectId: e.sourceProjectId,
      updatedAt: e.updatedAt,
    };
  }
}
