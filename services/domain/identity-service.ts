/**
 * Organisations and users: the catalogue is upserted by code; users are created by admins with a
 * password that satisfies the policy. Roles are checked against the organisation type so that,
 * e.g., nobody outside the expert pool carries the `expert` role.
 */
import type { DataSource } from 'typeorm';
import { In } from 'typeorm';
import { hashPassword, checkPasswordPolicy } from '../auth/password';
import { badRequest, conflict, notFound } from '../http/problem';
import { OrganisationEntity, UserEntity, type Organisation, type User } from './entities';
import { ALL_ORGANISATIONS, candidateGroupsOf, type OrganisationSeed, type Role } from './organisations';

/** Which roles make sense in which kind of organisation. */
export function rolesAllowedFor(org: Pick<Organisation, 'type' | 'code'>): readonly Role[] {
  if (org.type === 'expert') return ['expert'];
  if (org.type === 'department') return ['staff', 'manager'];
  if (org.code === 'audit') return ['staff', 'manager', 'auditor'];
  if (org.code === 'data-bureau') return ['staff', 'manager', 'process-owner', 'admin'];
  return ['staff', 'manager'];
}

export interface NewUser {
  username: string;
  displayName: string;
  email?: string | null;
  phone?: string | null;
  orgCode: string;
  roles: Role[];
  password: string;
}

export interface UserView {
  id: number;
  username: string;
  displayName: string;
  email: string | null;
  phone: string | null;
  orgCode: string;
  orgName: string;
  roles: Role[];
  groups: string[];
  disabled: boolean;
  locked: boolean;
}

export class IdentityService {
  constructor(
    private readonly ds: DataSource,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Idempotent: inserts missing organisations, renames changed ones. */
  async ensureOrganisations(seeds: readonly OrganisationSeed[] = ALL_ORGANISATIONS): Promise<void> {
    const repo = this.ds.getRepository(OrganisationEntity);
    const existing = new Map((await repo.find()).map((o) => [o.code, o]));
    for (const s of seeds) {
      const o = existing.get(s.code);
      if (!o) await repo.insert({ code: s.code, name: s.name, type: s.type });
      else if (o.name !== s.name || o.type !== s.type) await repo.update({ id: o.id }, { name: s.name, type: s.type });
    }
  }

  listOrganisations(): Promise<Organisation[]> {
    return this.ds.getRepository(OrganisationEntity).find({ order: { id: 'ASC' } });
  }

  async organisationByCode(code: string): Promise<Organisation> {
    const org = await this.ds.getRepository(OrganisationEntity).findOneBy({ code });
    if (!org) throw badRequest(`未知单位代码：${code}`);
    return org;
  }

  async organisationsByCodes(codes: string[]): Promise<Organisation[]> {
    if (codes.length === 0) return [];
    const orgs = await this.ds.getRepository(OrganisationEntity).findBy({ code: In(codes) });
    const missing = codes.filter((c) => !orgs.some((o) => o.code === c));
    if (missing.length) throw badRequest(`未知单位代码：${missing.join('、')}`);
    return orgs;
  }

  async createUser(input: NewUser): Promise<UserView> {
    const org = await this.organisationByCode(input.orgCode);
    const allowed = rolesAllowedFor(org);
    const wrong = input.roles.filter((r) => !allowed.includes(r));
    if (wrong.length) throw badRequest(`单位 ${org.name} 的用户不能具有角色：${wrong.join('、')}`);
    const problems = checkPasswordPolicy(input.password, input.username);
    if (problems.length) throw badRequest(problems.join('；'), { problems });
    const repo = this.ds.getRepository(UserEntity);
    if (await repo.existsBy({ username: input.username })) throw conflict(`用户名已存在：${input.username}`);
    const now = this.now().toISOString();
    const result = await repo.insert({
      username: input.username,
      displayName: input.displayName,
      email: input.email ?? null,
      phone: input.phone ?? null,
      orgId: org.id,
      roles: input.roles,
      passwordHash: await hashPassword(input.password),
      passwordChangedAt: now,
      failedLogins: 0,
      lockedUntil: null,
      disabled: false,
      createdAt: now,
    });
    return this.userView(Number(result.identifiers[0]!.id));
  }

  async updateUser(
    id: number,
    patch: { displayName?: string; email?: string | null; roles?: Role[]; disabled?: boolean; unlock?: boolean },
  ): Promise<UserView> {
    const repo = this.ds.getRepository(UserEntity);
    const user = await repo.findOneBy({ id });
    if (!user) throw notFound('用户不存在');
    const changes: Partial<User> = {};
    if (patch.roles) {
      const org = await this.ds.getRepository(OrganisationEntity).findOneByOrFail({ id: user.orgId });
      const allowed = rolesAllowedFor(org);
      const wrong = patch.roles.filter((r) => !allowed.includes(r));
      if (wrong.length) throw badRequest(`单位 ${org.name} 的用户不能具有角色：${wrong.join('、')}`);
      changes.roles = patch.roles;
    }
    if (patch.displayName !== undefined) changes.displayName = patch.displayName;
    if (patch.email !== undefined) changes.email = patch.email;
    if (patch.disabled !== undefined) changes.disabled = patch.disabled;
    if (patch.unlock) Object.assign(changes, { failedLogins: 0, lockedUntil: null });
    if (Object.keys(changes).length) await repo.update({ id }, changes);
    if (patch.disabled) await this.ds.query('DELETE FROM user_session WHERE user_id = ?', [id]);
    return this.userView(id);
  }

  async listUsers(orgCode?: string): Promise<UserView[]> {
    const orgs = await this.listOrganisations();
    const byId = new Map(orgs.map((o) => [o.id, o]));
    const where = orgCode ? { orgId: orgs.find((o) => o.code === orgCode)?.id ?? -1 } : {};
    const users = await this.ds.getRepository(UserEntity).find({ where, order: { id: 'ASC' } });
    return users.map((u) => this.toView(u, byId.get(u.orgId)!));
  }

  async userView(id: number): Promise<UserView> {
    const user = await this.ds.getRepository(UserEntity).findOneByOrFail({ id });
    const org = await this.ds.getRepository(OrganisationEntity).findOneByOrFail({ id: user.orgId });
    return this.toView(user, org);
  }

  private toView(u: User, org: Organisation): UserView {
    return {
      id: u.id,
      username: u.username,
      displayName: u.displayName,
      email: u.email,
      phone: u.phone,
      orgCode: org.code,
      orgName: org.name,
      roles: u.roles,
      groups: candidateGroupsOf(org, u.roles),
      disabled: u.disabled,
      locked: !!u.lockedUntil && u.lockedUntil > this.now().toISOString(),
    };
  }
}
