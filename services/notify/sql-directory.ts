/**
 * RecipientDirectory over the domain's tables (organisation, app_user): addresses come from
 * user records only. Disabled users and users without a valid address are left out.
 *
 * Engine user ids (task assignee, candidateUsers) are usernames, as the task service assigns
 * them; Recipient.userId is the numeric user id, so dedupe keys survive a rename.
 */
import type { DataSource } from 'typeorm';
import { recipientFromUser, type Recipient, type RecipientDirectory } from './recipients';

interface UserRow {
  id: number;
  username: string;
  display_name: string;
  email: string | null;
  roles: string;
  disabled: number | boolean | string;
  org_code: string;
  org_type: string;
  org_name: string;
}

const SELECT = `SELECT u.id, u.username, u.display_name, u.email, u.roles, u.disabled, o.code AS org_code, o.type AS org_type, o.name AS org_name
  FROM app_user u JOIN organisation o ON o.id = u.org_id`;

/** Roles whose holders are a department's contacts for its projects (not admins or auditors). */
const CONTACT_ROLES = ['staff', 'manager'];

function active(r: UserRow): boolean {
  return !(r.disabled === true || r.disabled === 1 || r.disabled === '1');
}

function toRecipients(rows: UserRow[]): Recipient[] {
  return rows
    .filter(active)
    .map((r) => recipientFromUser({ id: r.id, name: r.display_name, email: r.email }))
    .filter((r): r is Recipient => r !== null);
}

export class SqlRecipientDirectory implements RecipientDirectory {
  constructor(private readonly ds: DataSource) {}

  private async query(where: string, params: unknown[]): Promise<UserRow[]> {
    return (await this.ds.query(`${SELECT} WHERE ${where} ORDER BY u.id`, params)) as UserRow[];
  }

  async users(usernames: readonly string[]): Promise<Recipient[]> {
    if (usernames.length === 0) return [];
    return toRecipients(await this.query(`u.username IN (${usernames.map(() => '?').join(', ')})`, [...usernames]));
  }

  async candidateGroup(group: string): Promise<Recipient[]> {
    if (group.startsWith('dept:')) {
      return toRecipients(await this.query("o.code = ? AND o.type = 'department'", [group.slice(5)]));
    }
    if (group === 'experts') {
      const rows = await this.query("o.type = 'expert' OR u.roles LIKE ?", ['%expert%']);
      return toRecipients(rows.filter((r) => r.org_type === 'expert' || r.roles.split(',').includes('expert')));
    }
    return toRecipients(await this.query("o.code = ? AND o.type = 'bureau'", [group]));
  }

  async departmentContacts(departmentCode: string): Promise<Recipient[]> {
    const rows = await this.query("o.code = ? AND o.type = 'department'", [departmentCode]);
    return toRecipients(rows.filter((r) => r.roles.split(',').some((role) => CONTACT_ROLES.includes(role))));
  }

  async groupName(group: string): Promise<string | undefined> {
    const code = group.startsWith('dept:') ? group.slice(5) : group;
    const rows = (await this.ds.query('SELECT name FROM organisation WHERE code = ?', [code])) as { name: string }[];
    return rows[0]?.name;
  }
}
