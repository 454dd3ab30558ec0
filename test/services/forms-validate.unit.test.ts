import fs from 'node:fs';
import path from 'node:path';
import { validateSubmission, type FormSchema } from '../../services/forms/validate';

const formsDir = path.resolve(__dirname, '../../processes/forms');
const load = (id: string) => JSON.parse(fs.readFileSync(path.join(formsDir, `${id}.form`), 'utf8')) as FormSchema;

const validApplication = () => ({
  departmentName: '叶集区教育局',
  projectName: '智慧校园统一身份认证平台',
  summary: '依据《叶集区教育信息化三年行动计划》，建设全区中小学统一身份认证与数据共享平台。',
  constructionStart: '2027-01',
  constructionEnd: '2027-12',
  projectCategory: 'application-system',
  constructionType: 'new',
  fundSource: 'fiscal',
  totalInvestment: 120,
  fundFiscal: 100,
  fundBankLoan: 0,
  fundSelfRaised: 20,
  fundOther: 0,
  responsiblePerson: '张伟',
  contactPerson: '李娜',
  contactPhone: '0564-5123456',
  contactEmail: 'lina@yeji.gov.cn',
  docConstructionBasis: '建设依据.pdf',
  docConstructionPlan: '建设方案.pdf',
  docBudgetEstimate: '概算.xlsx',
  docFeasibilityStudy: '可研报告.pdf',
  sharingAnalysisIncluded: true,
  docResourceCatalogue: '信息资源目录.xlsx',
  productSecurityStatement: '所采购产品均为安全可靠产品。',
  r24Compliance: ['gov-cloud', 'domestic-crypto'],
  supervisorOpinion: '同意申报。',
  supervisorSealed: true,
  supervisorOpinionDate: '2026-09-15',
});

describe('server-side form validation (form-js schemas)', () => {
  const application = load('application-form');

  it('should accept a complete 附件1 application', () => {
    const r = validateSubmission(application, validApplication());
    expect(r).toEqual({
      ok: true,
      values: expect.objectContaining({ projectName: '智慧校园统一身份认证平台', fundFiscal: 100 }),
    });
  });

  it('should reject a summary over 200 characters, counting Chinese characters (R6 附件1)', () => {
    const ok = validateSubmission(application, { ...validApplication(), summary: '字'.repeat(200) });
    expect(ok.ok).toBe(true);
    const r = validateSubmission(application, { ...validApplication(), summary: '字'.repeat(201) });
    expect(r).toEqual({ ok: false, errors: [{ field: 'summary', message: expect.stringContaining('200') }] });
  });

  it('should name every missing required field', () => {
    const { projectName: _p, contactEmail: _e, ...rest } = validApplication();
    const r = validateSubmission(application, rest);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.map((e) => e.field).sort()).toEqual(['contactEmail', 'projectName']);
  });

  it('should reject bad phone, e-mail, pattern, option and negative amounts', () => {
    const r = validateSubmission(application, {
      ...validApplication(),
      contactPhone: '12345',
      contactEmail: 'not-an-email',
      constructionStart: '2027-13',
      projectCategory: 'blockchain',
      fundOther: -1,
      r24Compliance: ['gov-cloud', 'bitcoin'],
    });
    expect(!r.ok && r.errors.map((e) => e.field).sort()).toEqual(
      ['constructionStart', 'contactEmail', 'contactPhone', 'fundOther', 'projectCategory', 'r24Compliance'].sort(),
    );
  });

  it('should reject keys the form does not declare (a task sets only what its form shows)', () => {
    const r = validateSubmission(application, { ...validApplication(), reviewPassed: true });
    expect(r).toEqual({ ok: false, errors: [{ field: 'reviewPassed', message: expect.any(String) }] });
  });

  it('should reject wrong types', () => {
    const r = validateSubmission(application, {
      ...validApplication(),
      totalInvestment: 'lots',
      sharingAnalysisIncluded: 'yes',
    });
    expect(!r.ok && r.errors.map((e) => e.field).sort()).toEqual(['sharingAnalysisIncluded', 'totalInvestment']);
  });

  it('should skip hidden fields and validate dynamic lists item by item', () => {
    const form: FormSchema = {
      id: 't',
      components: [
        {
          type: 'radio',
          key: 'decision',
          validate: { required: true },
          values: [
            { label: '通过', value: 'pass' },
            { label: '退回', value: 'return' },
          ],
        },
        {
          type: 'textarea',
          key: 'reason',
          label: '退回理由',
          validate: { required: true },
          conditional: { hide: '=decision != "return"' },
        },
        {
          type: 'dynamiclist',
          path: 'items',
          label: '明细',
          components: [{ type: 'number', key: 'amount', label: '金额', validate: { required: true, min: 0 } }],
        },
      ],
    };
    expect(validateSubmission(form, { decision: 'pass', items: [{ amount: 1 }] })).toEqual({
      ok: true,
      values: { decision: 'pass', items: [{ amount: 1 }] },
    });
    const r = validateSubmission(form, { decision: 'return', items: [{ amount: -5 }, { amount: 2, extra: 1 }] });
    expect(!r.ok && r.errors.map((e) => e.field).sort()).toEqual(['items.0.amount', 'items.1.extra', 'reason']);
  });

  it('should load every form in processes/forms and reject an empty submission where fields are required', () => {
    for (const file of fs.readdirSync(formsDir).filter((f) => f.endsWith('.form'))) {
      const form = JSON.parse(fs.readFileSync(path.join(formsDir, file), 'utf8')) as FormSchema;
      const hasRequired = JSON.stringify(form).includes('"required":true');
      const r = validateSubmission(form, {});
      expect({ file, ok: r.ok }).toEqual({ file, ok: !hasRequired });
    }
  });
});
