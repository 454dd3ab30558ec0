/**
 * Authentication over real HTTP (等保 level 3): PBKDF2-SM3 storage, lockout, session cookie,
 * idle and absolute expiry, CSRF header, password change, and the audit trail of each.
 */
import { startTestApi, type TestApi } from './support/api';
import { UserEntity } from '../../services/domain/entities';

const PASSWORD = 'Correct#Horse9';

describe('authentication API', () => {
  let api: TestApi;
  let clock = Date.parse('2026-11-02T08:00:00Z');

  beforeAll(async () => {
    api = await startTestApi({ services: { now: () => new Date(clock) } });
    await api.services.identity.createUser({
      username: 'jyj.staff',
      displayName: '刘老师',
      orgCode: 'JYJ',
      roles: ['staff'],
      password: PASSWORD,
      email: 'l@yeji.gov.cn',
    });
    await api.services.identity.createUser({
      username: 'expert9',
      displayName: '专家',
      orgCode: 'experts',
      roles: ['expert'],
      password: PASSWORD,
    });
  });
  afterAll(() => api?.close());

  it('should store the password as PBKDF2-HMAC-SM3 with salt and at least 100,000 iterations', async () => {
    const user = await api.ds.getRepository(UserEntity).findOneByOrFail({ username: 'jyj.staff' });
    const [scheme, iter, salt, hash] = user.passwordHash.split('$');
    expect(scheme).toBe('pbkdf2-sm3');
    expect(Number(iter)).toBeGreaterThanOrEqual(100_000);
    expect(Buffer.from(salt!, 'base64')).toHaveLength(16);
    expect(Buffer.from(hash!, 'base64').length).toBeGreaterThanOrEqual(32);
  });

  it('should log in, set an HttpOnly SameSite=Strict cookie and answer /me', async () => {
    const c = api.client();
    const res = await c.post('/api/auth/login', { username: 'jyj.staff', password: PASSWORD });
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((h) => h.startsWith('sid='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const me = await c.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      id: expect.any(Number),
      username: 'jyj.staff',
      displayName: '刘老师',
      email: 'l@yeji.gov.cn',
      orgId: expect.any(Number),
      orgCode: 'JYJ',
      orgName: '区教育局',
      orgType: 'department',
      roles: ['staff'],
      groups: ['dept:JYJ'],
    });
  });

  it('should give experts the experts group', async () => {
    const c = api.client();
    await c.login('expert9', PASSWORD);
    const me = await c.get('/api/auth/me');
    expect(me.body).toMatchObject({ orgType: 'expert', roles: ['expert'], groups: ['experts'] });
  });

  it('should store only the SM3 digest of the session token', async () => {
    const c = api.client();
    await c.login('jyj.staff', PASSWORD);
    const token = c.cookie!.slice('sid='.length);
    const rows = (await api.ds.query('SELECT token_hash FROM user_session')) as { token_hash: string }[];
    expect(rows.map((r) => r.token_hash)).not.toContain(token);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash))).toBe(true);
  });

  it('should answer 401 problem+json without a session and for a forged cookie', async () => {
    const c = api.client();
    const res = await c.get('/api/auth/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    c.cookie = 'sid=forged-token';
    expect((await c.get('/api/auth/me')).status).toBe(401);
  });

  it('should reject a wrong password with the same message as an unknown user', async () => {
    const c = api.client();
    const a = await c.post('/api/auth/login', { username: 'jyj.staff', password: 'wrong-Password1' });
    const b = await c.post('/api/auth/login', { username: 'nobody', password: 'wrong-Password1' });
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect((a.body as { detail: string }).detail).toBe((b.body as { detail: string }).detail);
    // clear the failure count for the next tests
    await api.ds.getRepository(UserEntity).update({ username: 'jyj.staff' }, { failedLogins: 0 });
  });

  it('should lock the account for 15 minutes after 5 failures, even for the right password', async () => {
    await api.services.identity.createUser({
      username: 'locky',
      displayName: 'L',
      orgCode: 'WJW',
      roles: ['staff'],
      password: PASSWORD,
    });
    const c = api.client();
    for (let i = 0; i < 5; i++) {
      expect((await c.post('/api/auth/login', { username: 'locky', password: `Wrong#pass${i}x` })).status).toBe(401);
    }
    const locked = await c.post('/api/auth/login', { username: 'locky', password: PASSWORD });
    expect(locked.status).toBe(401);
    expect((locked.body as { detail: string }).detail).toMatch(/锁定/);
    clock += 14 * 60_000;
    expect((await c.post('/api/auth/login', { username: 'locky', password: PASSWORD })).status).toBe(401);
    clock += 61_000;
    expect((await c.post('/api/auth/login', { username: 'locky', password: PASSWORD })).status).toBe(200);
    const audit = (await api.ds.query("SELECT outcome FROM audit_log WHERE actor = 'locky' ORDER BY id")) as {
      outcome: string;
    }[];
    expect(audit.map((a) => a.outcome)).toEqual([
      'failure',
      'failure',
      'failure',
      'failure',
      'failure',
      'denied',
      'denied',
      'success',
    ]);
  });

  it('should end a session after 30 idle minutes, and keep it alive while used', async () => {
    const c = api.client();
    await c.login('jyj.staff', PASSWORD);
    clock += 29 * 60_000;
    expect((await c.get('/api/auth/me')).status).toBe(200);
    clock += 29 * 60_000;
    expect((await c.get('/api/auth/me')).status).toBe(200);
    clock += 30 * 60_000;
    expect((await c.get('/api/auth/me')).status).toBe(401);
  });

  it('should end a session at its absolute lifetime even when active', async () => {
    const c = api.client();
    await c.login('jyj.staff', PASSWORD);
    for (let i = 0; i < 16; i++) {
      clock += 29 * 60_000;
      expect((await c.get('/api/auth/me')).status).toBe(200);
    }
    clock += 29 * 60_000; // 17 × 29 min = 8 h 13 min > 8 h
    expect((await c.get('/api/auth/me')).status).toBe(401);
  });

  it('should refuse non-GET requests without X-Requested-With (CSRF), even login', async () => {
    const c = api.client();
    const res = await c.request('POST', '/api/auth/login', {
      json: { username: 'jyj.staff', password: PASSWORD },
      csrf: false,
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
    expect(c.cookie).toBeNull();
  });

  it('should reject unknown fields and wrong types in the login body', async () => {
    const c = api.client();
    expect((await c.post('/api/auth/login', { username: 'jyj.staff', password: PASSWORD, admin: true })).status).toBe(
      400,
    );
    expect((await c.post('/api/auth/login', { username: ['jyj.staff'], password: PASSWORD })).status).toBe(400);
    const bad = await c.request('POST', '/api/auth/login', {
      body: '{"username":',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(bad.status).toBe(400);
    const big = await c.post('/api/auth/login', { username: 'x', password: 'y'.repeat(300_000) });
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('should log out, delete the session and audit it', async () => {
    const c = api.client();
    await c.login('jyj.staff', PASSWORD);
    const stolen = c.cookie;
    const out = await c.post('/api/auth/logout');
    expect(out.status).toBe(204);
    const again = api.client();
    again.cookie = stolen;
    expect((await again.get('/api/auth/me')).status).toBe(401);
    const [row] = (await api.ds.query(
      "SELECT action FROM audit_log WHERE actor = 'jyj.staff' ORDER BY id DESC LIMIT 1",
    )) as { action: string }[];
    expect(row!.action).toBe('auth.logout');
  });

  it('should change the own password under the policy and end the other sessions', async () => {
    const other = api.client();
    await other.login('jyj.staff', PASSWORD);
    const c = api.client();
    await c.login('jyj.staff', PASSWORD);
    const weak = await c.post('/api/auth/password', { currentPassword: PASSWORD, newPassword: 'short1' });
    expect(weak.status).toBe(400);
    const wrong = await c.post('/api/auth/password', {
      currentPassword: 'Not#thePassword1',
      newPassword: 'New#Password2026',
    });
    expect(wrong.status).toBe(400);
    const ok = await c.post('/api/auth/password', { currentPassword: PASSWORD, newPassword: 'New#Password2026' });
    expect(ok.status).toBe(204);
    expect((await c.get('/api/auth/me')).status).toBe(200);
    expect((await other.get('/api/auth/me')).status).toBe(401);
    expect((await api.client().post('/api/auth/login', { username: 'jyj.staff', password: PASSWORD })).status).toBe(
      401,
    );
    await api.client().login('jyj.staff', 'New#Password2026');
  });

  it('should keep the audit chain intact', async () => {
    expect(await api.services.audit.verify()).toBeNull();
  });
});
