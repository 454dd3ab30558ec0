/**
 * Who receives mail. Addresses come only from user records, resolved here — never from a
 * string a user typed into a form — so neither recipient nor header injection is possible.
 */
import { sanitizeDisplayName, validateAddress } from './address';

declare const resolved: unique symbol;

/** A user record's name and address; construct only with `recipientFromUser`. */
export interface Recipient {
  readonly userId: string;
  readonly name: string;
  readonly email: string;
  readonly [resolved]: true;
}

/** Builds a Recipient from a stored user record; null when the record has no valid address. */
export function recipientFromUser(user: { id: string | number; name: string; email: string | null }): Recipient | null {
  if (!user.email) return null;
  const email = validateAddress(user.email);
  if (!email) return null;
  return { userId: String(user.id), name: sanitizeDisplayName(user.name), email } as Recipient;
}

/**
 * Resolves the people concerned to user records. Candidate groups follow the BPMN convention
 * (regulation.md, R5): bureau codes (`data-bureau`, `finance`, …), `dept:<code>` for a
 * department, `experts`.
 */
export interface RecipientDirectory {
  /** users by id (unknown or address-less ids are left out) */
  users(userIds: readonly string[]): Promise<Recipient[]>;
  /** the members of a candidate group */
  candidateGroup(group: string): Promise<Recipient[]>;
  /** the contact people of a department (项目建设单位), by department code */
  departmentContacts(departmentCode: string): Promise<Recipient[]>;
  /** display name of a candidate group, e.g. dept:JYJ → 区教育局 (optional) */
  groupName?(group: string): Promise<string | undefined>;
}

/** Deduplicates by user id, keeping the first. */
export function uniqueRecipients(list: readonly Recipient[]): Recipient[] {
  const seen = new Set<string>();
  return list.filter((r) => (seen.has(r.userId) ? false : (seen.add(r.userId), true)));
}
