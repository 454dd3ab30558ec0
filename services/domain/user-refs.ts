/**
 * Who a row names (decided, inspected …) as the UI shows it: id, username, display name and the
 * user's organisation — rows keep only the user id, and the user list is not open to every reader.
 */
import { In, type EntityManager } from 'typeorm';
import { OrganisationEntity, UserEntity } from './entities';

export interface UserRef {
  id: number;
  username: string;
  displayName: string;
  orgCode: string;
  orgName: string;
}

/** The users of `ids` (nulls and unknown ids left out), by id. */
export async function userRefs(m: EntityManager, ids: readonly (number | null | undefined)[]) {
  const wanted = [...new Set(ids.filter((id): id is number => id != null && id > 0))];
  if (!wanted.length) return new Map<number, UserRef>();
  const users = await m.getRepository(UserEntity).findBy({ id: In(wanted) });
  const orgs = new Map(
    (await m.getRepository(OrganisationEntity).findBy({ id: In([...new Set(users.map((u) => u.orgId))]) })).map((o) => [
      o.id,
      o,
    ]),
  );
  return new Map<number, UserRef>(
    users.map((u) => [
      u.id,
      {
        id: u.id,
        username: u.username,
        displayName: u.displayName,
        orgCode: orgs.get(u.orgId)?.code ?? '',
        orgName: orgs.get(u.orgId)?.name ?? '',
      },
    ]),
  );
}
