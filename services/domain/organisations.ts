/**
 * The bodies of the regulation (R5) and the district's departments and townships. An
 * organisation's candidate group is what BPMN user tasks are assigned to: bureau codes are the
 * groups themselves, a department's group is `dept:<code>`, experts share the group `experts`.
 */
export const ORG_TYPES = ['bureau', 'department', 'expert'] as const;
export type OrgType = (typeof ORG_TYPES)[number];

export const ROLES = ['staff', 'manager', 'process-owner', 'admin', 'expert', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export interface OrganisationSeed {
  code: string;
  name: string;
  type: OrgType;
}

/** R5: the bodies that take part, by candidate-group id. */
export const BUREAUS: readonly OrganisationSeed[] = [
  { code: 'data-bureau', name: '区数据资源管理局', type: 'bureau' },
  { code: 'finance', name: '区财政局', type: 'bureau' },
  { code: 'drc', name: '区发展和改革委员会', type: 'bureau' },
  { code: 'trading-center', name: '区公共资源交易中心', type: 'bureau' },
  { code: 'crypto-bureau', name: '区委机要局（密码管理局）', type: 'bureau' },
  { code: 'cyberspace-office', name: '区委网信办', type: 'bureau' },
  { code: 'audit', name: '区审计局', type: 'bureau' },
  { code: 'government', name: '区政府', type: 'bureau' },
];

/** 项目建设单位: district departments and agencies, then streets and townships. */
export const DEPARTMENTS: readonly OrganisationSeed[] = [
  { code: 'JYJ', name: '区教育局', type: 'department' },
  { code: 'WJW', name: '区卫生健康委员会', type: 'department' },
  { code: 'GAJ', name: '区公安分局', type: 'department' },
  { code: 'RSJ', name: '区人力资源和社会保障局', type: 'department' },
  { code: 'MZJ', name: '区民政局', type: 'department' },
  { code: 'ZJJ', name: '区住房和城乡建设局', type: 'department' },
  { code: 'JTJ', name: '区交通运输局', type: 'department' },
  { code: 'NYJ', name: '区农业农村水利局', type: 'department' },
  { code: 'SJJ', name: '区市场监督管理局', type: 'department' },
  { code: 'YJJ', name: '区应急管理局', type: 'department' },
  { code: 'ZRJ', name: '区自然资源和规划分局', type: 'department' },
  { code: 'HBJ', name: '区生态环境分局', type: 'department' },
  { code: 'WLJ', name: '区文化旅游体育局', type: 'department' },
  { code: 'YBJ', name: '区医疗保障局', type: 'department' },
  { code: 'CGJ', name: '区城市管理局', type: 'department' },
  { code: 'ZWFW', name: '区政务服务中心', type: 'department' },
  { code: 'SHJD', name: '史河街道', type: 'department' },
  { code: 'PGJD', name: '平岗街道', type: 'department' },
  { code: 'SYZ', name: '三元镇', type: 'department' },
  { code: 'SGX', name: '孙岗乡', type: 'department' },
  { code: 'HJZ', name: '洪集镇', type: 'department' },
  { code: 'YLZ', name: '姚李镇', type: 'department' },
];

export const EXPERT_POOL: OrganisationSeed = { code: 'experts', name: '区政务信息化专家库', type: 'expert' };

export const ALL_ORGANISATIONS: readonly OrganisationSeed[] = [...BUREAUS, ...DEPARTMENTS, EXPERT_POOL];

/** The BPMN candidate group of an organisation. */
export function candidateGroupOf(org: { code: string; type: OrgType }): string {
  if (org.type === 'department') return `dept:${org.code}`;
  if (org.type === 'expert') return 'experts';
  return org.code;
}

/** A user's candidate groups: their organisation's group, plus `experts` for experts. */
export function candidateGroupsOf(org: { code: string; type: OrgType }, roles: readonly Role[]): string[] {
  const groups = new Set([candidateGroupOf(org)]);
  if (roles.includes('expert')) groups.add('experts');
  return [...groups];
}
