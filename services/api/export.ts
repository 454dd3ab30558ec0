/** Excel export of a project list (exceljs), with Chinese headers and money as 万元 with 2 decimals. */
import ExcelJS from 'exceljs';
import type { ProjectView } from '../domain/project-service';

export async function exportProjects(items: ProjectView[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '叶集区政务信息化项目管理系统';
  const ws = wb.addWorksheet('项目清单', { views: [{ state: 'frozen', ySplit: 1 }] });
  const money = { numFmt: '#,##0.00' };
  ws.columns = [
    { header: '项目编号', key: 'code', width: 16 },
    { header: '项目名称', key: 'name', width: 36 },
    { header: '建设单位', key: 'orgName', width: 22 },
    { header: '参与单位', key: 'participants', width: 22 },
    { header: '项目类别', key: 'category', width: 18 },
    { header: '建设性质', key: 'kind', width: 10 },
    { header: '计划年度', key: 'planYear', width: 10 },
    { header: '建设年度', key: 'period', width: 20 },
    { header: '财政资金（万元）', key: 'fiscal', width: 14, style: money },
    { header: '银行贷款（万元）', key: 'loan', width: 14, style: money },
    { header: '自筹（万元）', key: 'selfRaised', width: 14, style: money },
    { header: '其他（万元）', key: 'other', width: 14, style: money },
    { header: '总投资（万元）', key: 'total', width: 14, style: money },
    { header: '批复金额（万元）', key: 'approved', width: 14, style: money },
    { header: '重点项目', key: 'key', width: 10 },
    { header: '负责人', key: 'responsible', width: 12 },
    { header: '当前阶段', key: 'stage', width: 22 },
  ];
  ws.getRow(1).font = { bold: true };
  // Excel stores numbers as doubles anyway; the exact decimal stays in the database
  const num = (v: string | null) => (v === null ? null : Number(v));
  for (const p of items) {
    ws.addRow({
      code: p.code,
      name: p.name,
      orgName: p.orgName,
      participants: p.participants.map((x) => x.name).join('、'),
      category: p.categoryName,
      kind: p.kindName,
      planYear: p.planYear,
      period: `${p.constructionPeriod.start} 至 ${p.constructionPeriod.end}`,
      fiscal: num(p.investment.fiscal),
      loan: num(p.investment.loan),
      selfRaised: num(p.investment.selfRaised),
      other: num(p.investment.other),
      total: num(p.investment.total),
      approved: num(p.approvedAmount),
      key: p.keyProject ? '是' : '否',
      responsible: p.responsiblePerson,
      stage: p.stageName,
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
