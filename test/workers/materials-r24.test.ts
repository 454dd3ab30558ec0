/**
 * The 附件1 compliance fields in one place (R9, R14, R16/R24): the materials check's rules on
 * them, the revise form of Task_ReviseApplication using the same keys, the strict domain schema
 * and the printable 附件1 showing what was ticked.
 */
import fs from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { applicationFormSchema, R24_ITEMS, R24_KEYS } from '../../services/domain/application-form';
import type { AttachmentKind } from '../../services/domain/entities';
import { applicationFormDocx } from '../../services/domain/printable';
import { materialsDefects, R14_NO_STATEMENT, R9_NO_CATALOGUE } from '../../workers/materials-check';
import { sampleForm } from '../services/support/api';

const R6: AttachmentKind[] = ['construction-basis', 'construction-plan', 'budget-estimate', 'feasibility-report'];
const complete = (over: Record<string, unknown> = {}) =>
  applicationFormSchema.parse(
    sampleForm({
      supervisorSealed: true,
      securityStatement: '采购产品均为安全可靠产品（R14）。',
      r24Compliance: [...R24_KEYS],
      ...over,
    }),
  );
const check = (data: Record<string, unknown>, o: { attachments?: AttachmentKind[]; catalogueEntries?: number } = {}) =>
  materialsDefects({
    data,
    attachments: new Set(o.attachments ?? R6),
    crossDepartment: false,
    participantCount: 0,
    catalogueEntries: o.catalogueEntries ?? 1,
  });

describe('附件1 compliance fields and the materials check', () => {
  it('should pass a complete domain 附件1 when the department has a catalogue entry', () => {
    expect(check(complete())).toEqual([]);
  });

  it('should accept an uploaded catalogue instead of entries, and say what is missing when there is neither (R9)', () => {
    expect(check(complete(), { catalogueEntries: 0, attachments: [...R6, 'resource-catalogue'] })).toEqual([]);
    expect(check(complete(), { catalogueEntries: 0 })).toEqual([R9_NO_CATALOGUE]);
    expect(R9_NO_CATALOGUE).toMatch(/信息资源目录中尚无条目.*未上传信息资源目录/);
  });

  it('should require the product-security statement only of projects that buy products (R14)', () => {
    expect(check(complete({ securityStatement: undefined }))).toEqual([R14_NO_STATEMENT]);
    expect(check(complete({ securityStatement: undefined, procuresProducts: false }))).toEqual([]);
    // the default is to buy products: an applicant says explicitly that the project buys none
    expect(applicationFormSchema.parse(sampleForm()).procuresProducts).toBe(true);
  });

  it('should name every item not ticked, in the official order (R16/R24)', () => {
    expect(check(complete({ r24Compliance: ['network-security', 'gov-cloud'] }))).toEqual([
      'R16/R24 附件1 未勾选建设要求：数据在政务云汇聚、互联互通、数据共享、业务协同、国产密码应用',
    ]);
    expect(check(complete({ r24Compliance: [] }))[0]).toBe(
      `R16/R24 附件1 未勾选建设要求：${Object.values(R24_ITEMS).join('、')}`,
    );
  });

  it('should use the same keys on the revise form (Task_ReviseApplication) as in the domain', () => {
    const form = JSON.parse(
      fs.readFileSync(path.join(__dirname, '../../processes/forms/application-form.form'), 'utf8'),
    );
    const find = (cs: { key?: string; components?: unknown[] }[]): { values: { value: string; label: string }[] } =>
      cs.map((c) => (c.key === 'r24Compliance' ? c : find((c.components ?? []) as never))).find(Boolean) as never;
    const checklist = find(form.components);
    expect(checklist.values.map((v) => v.value)).toEqual(R24_KEYS);
  });

  it('should refuse unknown and repeated ticks (strict schema)', () => {
    expect(applicationFormSchema.safeParse(sampleForm({ r24Compliance: ['gov-cloud', 'x'] })).success).toBe(false);
    expect(applicationFormSchema.safeParse(sampleForm({ r24Compliance: ['gov-cloud', 'gov-cloud'] })).success).toBe(
      false,
    );
  });

  it('should print the ticks and the R14 statement on 附件1', async () => {
    const buf = await applicationFormDocx({
      form: complete({ r24Compliance: ['gov-cloud'] }),
      unitName: '叶集区教育局',
      version: 1,
    });
    const xml = await (await JSZip.loadAsync(buf)).file('word/document.xml')!.async('string');
    expect(xml).toContain(`☑${R24_ITEMS['gov-cloud']}`);
    expect(xml).toContain(`☐${R24_ITEMS['network-security']}`);
    expect(xml).toContain('产品安全可靠说明（R14）：采购产品均为安全可靠产品（R14）。');
    const none = await applicationFormDocx({
      form: complete({ procuresProducts: false, securityStatement: undefined }),
      unitName: '叶集区教育局',
      version: 2,
    });
    expect(await (await JSZip.loadAsync(none)).file('word/document.xml')!.async('string')).toContain(
      '本项目不采购软硬件产品',
    );
  });
});
