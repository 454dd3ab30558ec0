/**
 * Authentication (等保 level 3): login with lockout, server-side sessions with idle timeout and
 * absolute lifetime, password change. Every login, logout and failure is audited.
 */
import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import { sm3, type AuditLog } from '../audit/audit-log';
import {
  OrganisationEntity,
  SessionEntity,
  UserEntity,
  type Organisation,
  type Session,
  type User,
} from '../domain/entities';
import { candidateGroupsOf, type OrgType, type Role } from '../domain/organisations';
import { HttpError, badRequest } from '../http/problem';
import { checkPasswordPolicy, hashPassword, verifyPassword } from './password';

export interface AuthPolicy {
  maxFailures: number;
  lockMinutes: number;
  idleMinutes: number;
  absoluteHours: number;
}

export const DEFAULT_AUTH_POLICY: AuthPolicy = { maxFailures: 5, lockMinutes: 15, idleMinutes: 30, absoluteHours: 8 };

/** The authenticated caller, as every route sees it. */
export interface Principal {
  id: number;
  username: string;
  displayName: string;
  email: string | null;
  orgId: number;
  orgCode: string;
  orgName: string;
  orgType: OrgType;
  roles: Role[];
  groups: string[];
}

export function toPrincipal(user: User, org: Organisation): Principal {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    email: user.email,
    orgId: org.id,
    orgCode: org.code,
    orgName: org.name,
    orgType: org.type,
    roles: user.roles,
    groups: candidateGroupsOf(org, user.roles),
  };
}

const INVALID = '用户名或密码错误';

export class AuthService {
  /** verified against for unknown usernames, so timing does not reveal which names exist */
  private dummyHash: Promise<string>;

  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditLog,
    private readonly policy: AuthPolicy = DEFAULT_AUTH_POLICY,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.dummyHash = hashPassword(crypto.randomBytes(12).toString('hex'));
  }

  async login(username: string, password: string, ip: string | null): Promise<{ token: string; principal: Principal }> {
    const users = this.ds.getRepository(UserEntity);
    const user = await users.findOneBy({ username });
    const now = this.now();
    if (!user || user.disabled) {
      await verifyPassword(password, await this.dummyHash);
      await this.audit.record({
        actor: username,
        action: 'auth.login',
        outcome: 'failure',
        ip,
        detail: { reason: user ? 'disabled' : 'unknown-user' },
      });
      throw new HttpError(401, INVALID);
    }
    if (user.lockedUntil && user.lockedUntil > now.toISOString()) {
      await this.audit.record({
        actor: username,
        action: 'auth.login',
        outcome: 'denied',
        ip,
        detail: { reason: 'locked', until: user.lockedUntil },
      });
      throw new HttpError(401, `登录失败次数过多，账户已锁定，请于 ${this.policy.lockMinutes} 分钟后再试`, {
        lockedUntil: user.lockedUntil,
      });
    }
    if (!(await verifyPassword(password, user.passwordHash))) {
      // atomic increment: concurrent guesses cannot slip past the counter
      await this.ds.query('UPDATE app_user SET failed_logins = failed_logins + 1 WHERE id = ?', [user.id]);
      const [row] = (await this.ds.query('SELECT failed_logins FROM app_user WHERE id = ?', [user.id])) as {
        failed_logins: number;
      }[];
      const failures = Number(row?.failed_logins ?? 0);
      let lockedUntil: string | null = null;
      if (failures >= this.policy.maxFailures) {
        lockedUntil = new Date(now.getTime() + this.policy.lockMinutes * 60_000).toISOString();
        await users.update({ id: user.id }, { failedLogins: 0, lockedUntil });
      }
      await this.audit.record({
        actor: username,
        action: 'auth.login',
        outcome: 'failure',
        ip,
        detail: { reason: 'bad-password', failures, lockedUntil },
      });
      throw new HttpError(401, INVALID);
    }
    await users.update({ id: user.id }, { failedLogins: 0, lockedUntil: null });
    const token = crypto.randomBytes(32).toString('base64url');
    await this.ds.getRepository(SessionEntity).insert({
      tokenHash: sm3(token),
      userId: user.id,
      createdAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.policy.absoluteHours * 3_600_000).toISOString(),
      ip,
    });
    const org = await this.ds.getRepository(OrganisationEntity).findOneByOrFail({ id: user.orgId });
    await this.audit.record({ actor: username, action: 'auth.login', outcome: 'success', ip });
    return { token, principal: toPrincipal(user, org) };
  }

  /** Resolves a session token; expired sessions (idle or absolute) are deleted and yield null. */
  async authenticate(token: string | undefined): Promise<Principal | null> {
    if (!token || token.length > 100) return null;
    const sessions = this.ds.getRepository(SessionEntity);
    const session = await sessions.findOneBy({ tokenHash: sm3(token) });
    if (!session) return null;
    const now = this.now();
    const idleLimit = new Date(new Date(session.lastSeenAt).getTime() + this.policy.idleMinutes * 60_000);
    if (now >= idleLimit || now.toISOString() >= session.expiresAt) {
      await sessions.delete({ id: session.id });
      return null;
    }
    const user = await this.ds.getRepository(UserEntity).findOneBy({ id: session.userId });
    if (!user || user.disabled) {
      await sessions.delete({ id: session.id });
      return null;
    }
    await sessions.update({ id: session.id }, { lastSeenAt: now.toISOString() });
    const org = await this.ds.getRepository(OrganisationEntity).findOneByOrFail({ id: user.orgId });
    return toPrincipal(user, org);
  }

  async logout(token: string | undefined, principal: Principal, ip: string | null): Promise<void> {
    if (token) await this.ds.getRepository(SessionEntity).delete({ tokenHash: sm3(token) });
    await this.audit.record({ actor: principal.username, action: 'auth.logout', ip });
  }

  /** Changes the caller's own password; other sessions of the user end (keeps the current one). */
  async changePassword(
    principal: Principal,
    current: string,
    next: string,
    token: string | undefined,
    ip: string | null,
  ) {
    const users = this.ds.getRepository(UserEntity);
    const user = await users.findOneByOrFail({ id: principal.id });
    if (!(await verifyPassword(current, user.passwordHash))) {
      await this.audit.record({
        actor: user.username,
        action: 'auth.password',
        outcome: 'failure',
        ip,
        detail: { reason: 'bad-current-password' },
      });
      throw badRequest('当前密码不正确');
    }
    const problems = checkPasswordPolicy(next, user.username);
    if (next === current) problems.push('新密码不得与当前密码相同');
    if (problems.length) throw badRequest(problems.join('；'), { problems });
    await users.update(
      { id: user.id },
      { passwordHash: await hashPassword(next), passwordChangedAt: this.now().toISOString() },
    );
    const keep = token ? sm3(token) : '';
    await this.ds.query('DELETE FROM user_session WHERE user_id = ? AND token_hash <> ?', [user.id, keep]);
    await this.audit.record({ actor: user.username, action: 'auth.password', ip });
  }

  /** For tests and operations: the number of live sessions of a user. */
  async sessionsOf(userId: number): Promise<Session[]> {
    return this.ds.getRepository(SessionEntity).findBy({ userId });
  }
}
