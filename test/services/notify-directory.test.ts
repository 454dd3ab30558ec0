import type { DataSource } from 'typeorm';
import { openDatabase } from '../../services/db/data-source';
import { domainMigrations } from '../../services/domain/migrations';
import { SqlRecipientDirectory } from '../../services/notify/sql-directory';
import { createTestDatabase, type TestDatabase } from '../support/db';

describe('recipient directory over the domain’s users and organisations', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let dir: SqlRecipientDirectory;

  beforeAll(async () => {
    db = await createTestDatabase('directory');
    ds = await openDatabase({ url: db.url, migrations: domainMigrations });
    const orgs: [string, string, string][] = [
      ['data-bureau', '区数据资源管理局', 'bureau'],
      ['drc', '区发展和改革委员会', 'bureau'],
      ['JYJ', '区教育局', 'department'],
      ['experts', '区政务信息化专家库', 'expert'],
    ];
    for (const [code, name, type] of orgs) {
      await ds.query('INSERT INTO organisation (code, name, type) VALUES (?, ?, ?)', [code, name, type]);
    }
    const orgId = async (code: string) =>
      Number(((await ds.query('SELECT id FROM organisation WHERE code = ?', [code])) as { id: number }[])[0]!.id);
    const users: [string, string, string | null, string, string, boolean][] = [
      ['wang', '王老师', 'wang@jyj.yeji.gov.cn', 'JYJ', 'staff', false],
      ['jyj-admin', '教育局管理员', 'admin@jyj.yeji.gov.cn', 'JYJ', 'admin', false],
      ['jyj-old', '已停用', 'old@jyj.yeji.gov.cn', 'JYJ', 'staff', true],
      ['jyj-nomail', '无邮箱', null, 'JYJ', 'manager', false],
      ['li', '李局长', 'li@drc.yeji.gov.cn', 'drc', 'manager', false],
      ['zhao', '赵工', 'zhao@sjj.yeji.gov.cn', 'data-bureau', 'staff,process-owner', false],
      ['expert1', '专家甲', 'e1@expert.cn', 'experts', 'expert', false],
      ['bad', '坏地址', 'x@y.cn\r\nBcc: evil@x.cn', 'drc', 'staff', false],
    ];
    for (const [username, name, email, org, roles, disabled] of users) {
      await ds.query(
        'INSERT INTO app_user (username, display_name, email, org_id, roles, password_hash, password_changed_at, failed_logins, disabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)',
        [
          username,
          name,
          email,
          await orgId(org),
          roles,
          'x',
          '2026-01-01T00:00:00.000Z',
          disabled,
          '2026-01-01T00:00:00.000Z',
        ],
      );
    }
    dir = new SqlRecipientDirectory(ds);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const emails = (list: { email: string }[]) => list.map((r) => r.email).sort();

  it('should resolve a department’s contacts: enabled staff and managers with an address', async () => {
    expect(emails(await dir.departmentContacts('JYJ'))).toEqual(['wang@jyj.yeji.gov.cn']);
    expect(await dir.departmentContacts('NOPE')).toEqual([]);
  });

  it('should resolve candidate groups: bureaus, dept:<code>, experts', async () => {
    expect(emails(await dir.candidateGroup('drc'))).toEqual(['li@drc.yeji.gov.cn']); // the bad address is left out
    expect(emails(await dir.candidateGroup('dept:JYJ'))).toEqual(['admin@jyj.yeji.gov.cn', 'wang@jyj.yeji.gov.cn']);
    expect(emails(await dir.candidateGroup('experts'))).toEqual(['e1@expert.cn']);
    expect(emails(await dir.candidateGroup('data-bureau'))).toEqual(['zhao@sjj.yeji.gov.cn']);
  });

  it('should resolve engine user ids (usernames) and name groups', async () => {
    const [li] = await dir.users(['li', 'nobody']);
    expect(li).toMatchObject({ name: '李局长', email: 'li@drc.yeji.gov.cn' });
    expect(li!.userId).toMatch(/^\d+$/);
    expect(await dir.groupName('dept:JYJ')).toBe('区教育局');
    expect(await dir.groupName('drc')).toBe('区发展和改革委员会');
  });
});
