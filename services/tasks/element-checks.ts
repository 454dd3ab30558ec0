/**
 * Checks of a task's submitted variables that a form cannot express: they need the domain
 * database. Run by `TaskService.complete` after the form's own validation.
 *
 * - `Task_AcceptanceOrganisation` (R22.2): `finalAcceptancePanelLead` names the panel's lead
 *   expert, and `Task_FinalAcceptanceReview` is assigned to that username
 *   (`assignee="=finalAcceptancePanelLead"`) — the tasklist shows an expert only tasks assigned to
 *   them, so the name must be an active user with the expert role, or nobody could take the review.
 */
import type { DataSource } from 'typeorm';
import { UserEntity } from '../domain/entities';
import type { FieldError } from '../forms/validate';

export async function elementErrors(
  ds: DataSource,
  elementId: string,
  variables: Record<string, unknown>,
): Promise<FieldError[]> {
  if (elementId !== 'Task_AcceptanceOrganisation') return [];
  const lead = variables.finalAcceptancePanelLead;
  const user =
    typeof lead === 'string' && lead !== ''
      ? await ds.getRepository(UserEntity).findOne({ where: { username: lead } })
      : null;
  if (user && !user.disabled && user.roles.includes('expert')) return [];
  return [
    {
      field: 'finalAcceptancePanelLead',
      message: `验收专家组组长须为在用的专家账号，“${typeof lead === 'string' ? lead : ''}”不是`,
    },
  ];
}
