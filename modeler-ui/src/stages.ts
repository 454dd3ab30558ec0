/**
 * Project stages and their Chinese names, mirroring services/domain/entities.ts (PROJECT_STAGES,
 * STAGE_NAMES) for filters; the API returns `stageName` with every project.
 */
export const STAGES: { value: string; label: string }[] = [
  ['draft', '草稿'],
  ['not-governed', '不适用本办法（R2.2）'],
  ['submitted', '已申报'],
  ['returned', '退回修改'],
  ['joint-review', '联合审查论证'],
  ['rejected', '审查未通过'],
  ['approval', '立项审批'],
  ['investment-plan', '列入政府性投资计划'],
  ['annual-plan', '编制年度建设计划'],
  ['started', '项目启动'],
  ['units-designated', '明确监理/等保/测评单位'],
  ['procurement', '政府采购'],
  ['implementation', '项目实施'],
  ['security-inspection', '网络安全检查'],
  ['crypto-review', '密码应用审查'],
  ['final-acceptance', '竣工验收'],
  ['payment', '经费支付'],
  ['self-evaluation', '绩效评价'],
  ['post-evaluation', '项目后评价'],
  ['closed', '已结束'],
  ['suspended', '已暂停'],
  ['terminated', '已终止'],
].map(([value, label]) => ({ value: value!, label: label! }));
