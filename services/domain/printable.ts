/**
 * Printable forms in the official layout (Word): the filled 附件1 (政务信息化项目申报表, R6) —
 * title, the unit line, one table with the form's columns, the supervising department's opinion
 * and seal — and the filled 附件2 (quarterly progress report, R15).
 */
import {
  AlignmentType,
  Document,
  HeadingLevel,
  Packer,
  PageOrientation,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
} from 'docx';
import type { ApplicationForm } from './application-form';
import { R24_ITEMS, R24_KEYS, totalInvestment } from './application-form';
import type { ProgressReportForm } from './lifecycle';

const FONT = 'SimSun';

function cell(text: string, opts: { bold?: boolean; span?: number; rowSpan?: number; width?: number } = {}): TableCell {
  return new TableCell({
    columnSpan: opts.span,
    rowSpan: opts.rowSpan,
    verticalAlign: VerticalAlign.CENTER,
    width: opts.width ? { size: opts.width, type: WidthType.DXA } : undefined,
    children: [
      new Paragraph({
        alignment: AlignmentType.CENTER,
        children: [new TextRun({ text, bold: opts.bold, font: FONT, size: 20 })],
      }),
    ],
  });
}

/** "2027-03" → "2027年03月" */
const ym = (m: string) => `${m.slice(0, 4)}年${m.slice(5, 7)}月`;

export async function applicationFormDocx(input: {
  form: ApplicationForm;
  unitName: string;
  version: number;
}): Promise<Buffer> {
  const { form, unitName } = input;
  const heads = [
    '序号',
    '建设单位',
    '项目名称',
    '简要说明及建设依据',
    '建设年度',
    '项目投资（万元）',
    '负责人',
    '联系人',
    '联系电话',
    '电子邮箱',
    '备注',
  ];
  const header1 = new TableRow({
    tableHeader: true,
    children: heads.map((h) =>
      h === '项目投资（万元）' ? cell(h, { bold: true, span: 5 }) : cell(h, { bold: true, rowSpan: 2 }),
    ),
  });
  const header2 = new TableRow({
    tableHeader: true,
    children: ['合计', '财政资金', '银行贷款', '自筹', '其他'].map((h) => cell(h, { bold: true })),
  });
  const i = form.investment;
  const row = new TableRow({
    children: [
      cell(form.serialNo ?? '1'),
      cell(unitName),
      cell(form.projectName),
      cell(form.summary),
      cell(`${ym(form.constructionPeriod.start)}至${ym(form.constructionPeriod.end)}`),
      cell(totalInvestment(form)),
      cell(i.fiscal),
      cell(i.loan),
      cell(i.selfRaised),
      cell(i.other),
      cell(form.responsiblePerson),
      cell(form.contactPerson),
      cell(form.contactPhone),
      cell(form.email),
      cell(form.remarks ?? ''),
    ],
  });
  const doc = new Document({
    creator: '叶集区政务信息化项目管理系统',
    title: '政务信息化项目申报表',
    sections: [
      {
        properties: { page: { size: { orientation: PageOrientation.LANDSCAPE } } },
        children: [
          new Paragraph({ children: [new TextRun({ text: '附件1', font: FONT, size: 24 })] }),
          new Paragraph({
            heading: HeadingLevel.TITLE,
            alignment: AlignmentType.CENTER,
            children: [
              new TextRun({ text: `${form.planYear}年度政务信息化项目申报表`, font: FONT, size: 36, bold: true }),
            ],
          }),
          new Paragraph({
            children: [
              new TextRun({
                text: `申报单位（盖章）：${unitName}    第 ${input.version} 版`,
                font: FONT,
                size: 22,
              }),
            ],
          }),
          new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows: [header1, header2, row] }),
          new Paragraph({ text: '' }),
          new Paragraph({
            children: [new TextRun({ text: `信息资源共享分析（R9）：${form.sharingAnalysis}`, font: FONT, size: 22 })],
          }),
          new Paragraph({
            children: [
              new TextRun({
                text: `产品安全可靠说明（R14）：${
                  form.procuresProducts === false ? '本项目不采购软硬件产品' : (form.securityStatement ?? '')
                }`,
                font: FONT,
                size: 22,
              }),
            ],
          }),
          new Paragraph({
            children: [
              new TextRun({
                text: `建设要求符合情况（R16、R24）：${R24_KEYS.map(
                  (k) => `${(form.r24Compliance ?? []).includes(k) ? '☑' : '☐'}${R24_ITEMS[k]}`,
                ).join('  ')}`,
                font: FONT,
                size: 22,
              }),
            ],
          }),
          new Paragraph({
            children: [new TextRun({ text: `主管部门意见：${form.supervisorOpinion ?? ''}`, font: FONT, size: 22 })],
          }),
          new Paragraph({
            alignment: AlignmentType.RIGHT,
            children: [new TextRun({ text: form.supervisorSealed ? '（已盖章）' : '（盖章）', font: FONT, size: 22 })],
          }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

/**
 * The filled 附件2 (政务信息化项目建设进度季度报告, R15): the header block of the unit and its
 * contacts, then the project line with progress, expected completion, total and invested amounts.
 */
export async function progressReportDocx(input: {
  form: ProgressReportForm;
  unitName: string;
  projectName: string;
  submittedOn: string;
}): Promise<Buffer> {
  const f = input.form;
  const pair = (a: string, b: string, c: string, d: string) =>
    new TableRow({
      children: [cell(a, { bold: true }), cell(b, { span: 2 }), cell(c, { bold: true }), cell(d, { span: 2 })],
    });
  const doc = new Document({
    creator: '叶集区政务信息化项目管理系统',
    title: '政务信息化项目建设进度季度报告',
    sections: [
      {
        properties: { page: { size: { orientation: PageOrientation.LANDSCAPE } } },
        children: [
          new Paragraph({ children: [new TextRun({ text: '附件2', font: FONT, size: 24 })] }),
          new Paragraph({
            heading: HeadingLevel.TITLE,
            alignment: AlignmentType.CENTER,
            children: [
              new TextRun({ text: `政务信息化项目建设进度季度报告（${f.quarter}）`, font: FONT, size: 36, bold: true }),
            ],
          }),
          new Table({
            width: { size: 100, type: WidthType.PERCENTAGE },
            rows: [
              pair('建设单位', input.unitName, '负责人', f.responsiblePerson),
              pair('填报日期', input.submittedOn, '传真', f.fax ?? ''),
              pair('联系人', f.contactPerson, '电话', f.phone),
              pair('手机', f.mobile, 'E-MAIL', f.email),
            ],
          }),
          new Paragraph({ text: '' }),
          new Table({
            width: { size: 100, type: WidthType.PERCENTAGE },
            rows: [
              new TableRow({
                tableHeader: true,
                children: [
                  '项目名称',
                  '主要内容',
                  '建设单位',
                  '建设进度（含预计完成时间）',
                  '总投资（万元）',
                  '已投资（万元）',
                ].map((h) => cell(h, { bold: true })),
              }),
              new TableRow({
                children: [
                  cell(input.projectName),
                  cell(f.mainContent),
                  cell(input.unitName),
                  cell(`${f.progress}（预计 ${f.expectedCompletion} 完成）`),
                  cell(f.totalInvestment),
                  cell(f.invested),
                ],
              }),
            ],
          }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}
