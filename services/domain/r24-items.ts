/**
 * R16 / R24 compliance items the applicant ticks on 附件1 (政务信息化项目申报表): a system that cannot
 * aggregate its data in the government cloud, or lacks interconnection, data sharing, business
 * collaboration, domestic cryptography or network-security compliance is in principle not approved.
 *
 * The one source of these keys and labels: the domain form (`r24Compliance`), the materials check,
 * the browser's application screen (imported as is — this module has no dependencies) and the
 * revise form of Task_ReviseApplication (its checklist values are tested against these keys).
 */
export const R24_ITEMS = {
  'gov-cloud': '依托区政务云和电子政务外网建设（R16）',
  'data-aggregation': '数据在政务云汇聚',
  interconnection: '互联互通',
  'data-sharing': '数据共享',
  'business-collaboration': '业务协同',
  'domestic-crypto': '国产密码应用',
  'network-security': '网络安全合规',
} as const;
export type R24Item = keyof typeof R24_ITEMS;
export const R24_KEYS = Object.keys(R24_ITEMS) as [R24Item, ...R24Item[]];
