import { reactive } from 'vue';
import { auth, type Role, type User } from './api';

export const session = reactive<{ user: User | null; checked: boolean }>({ user: null, checked: false });

export function hasRole(...roles: Role[]): boolean {
  return !!session.user && roles.some((r) => session.user!.roles.includes(r));
}

export async function loadSession(): Promise<void> {
  try {
    session.user = await auth.me();
  } catch {
    session.user = null;
  } finally {
    session.checked = true;
  }
}

export const roleNames: Record<Role, string> = {
  staff: '经办人员',
  manager: '管理人员',
  'process-owner': '流程管理员',
  admin: '系统管理员',
  expert: '评审专家',
  auditor: '审计人员',
};
