/** Every rule of the domain as a pure function, without I/O. */
import { assessApplicability } from '../../services/domain/applicability';
import {
  applicationDeadline,
  applicationFormSchema,
  diffApplications,
  isApplicationLate,
  totalInvestment,
} from '../../services/domain/application-form';
import { detectType, sanitiseFileName } from '../../services/domain/attachments';
import { contractProblem, gradeOf, postEvaluationProblem, procurementProblem } from '../../services/domain/delivery';
import { checkLedgerEntry, ledgerBalance } from '../../services/domain/ledger';
import {
  acceptanceItemProblems,
  changeRequestProblem,
  delayRequestProblem,
  missingFinalAcceptanceDocuments,
  nextQuarterStart,
  projectRequiresProgressReports,
  quartersOf,
} from '../../services/domain/lifecycle';
import { addMoney, compareMoney, fromCents, moneySchema, normaliseMoney, toCents } from '../../services/domain/money';
import { candidateGroupsOf } from '../../services/domain/organisations';
import { requiredMaterials } from '../../services/domain/project-service';
import { investmentPreconditionProblem, planEntryProblem } from '../../services/domain/plans';
import { catalogueProblems } from '../../services/domain/catalogue';
import { isRectificationOverdue } from '../../services/domain/rectification';
import { aggregateScores, type Scores } from '../../services/domain/review';
import { rolesAllowedFor } from '../../services/domain/identity-service';
import { checkPasswordPolicy, hashPassword, verifyPassword } from '../../services/auth/password';
import { sampleForm } from './support/api';

describe('R2.2 applicability', () => {
  it.each([
    ['9.80', true, false],
    ['10', true, false],
    ['10.00', true, false],
    ['10.01', true, true],
    ['9.80', false, true],
    ['500.00', true, true],
  ])(
    'should treat a project of %s 万元 (department budget: %s) as governed = %s',
    (total, departmentBudget, governed) => {
      const result = assessApplicability({ departmentBudget, totalInvestment: total });
      expect(result.governed).toBe(governed);
      expect(result.rule).toBe(governed ? 'R2.1' : 'R2.2');
      if (!governed) expect(result.reason).toMatch(/R2\.2/);
    },
  );
});

describe('money in 万元', () => {
  it('should add exactly without floating-point error', () => {
    expect(addMoney('0.1', '0.2')).toBe('0.30');
    expect(addMoney('120.50', '0', '30', '0.25')).toBe('150.75');
    expect(addMoney('999999999999.99', '0.01')).toBe('1000000000000.00');
  });
  it('should convert to and from hundredths', () => {
    expect(toCents('12.3')).toBe(1230n);
    expect(fromCents(5n)).toBe('0.05');
    expect(fromCents(-150n)).toBe('-1.50');
    expect(compareMoney('10', '10.00')).toBe(0);
    expect(compareMoney('10.01', '10')).toBe(1);
  });
  it('should normalise what the drivers return', () => {
    expect(normaliseMoney(12.3)).toBe('12.30');
    expect(normaliseMoney('12.30')).toBe('12.30');
    expect(normaliseMoney('7')).toBe('7.00');
    expect(normaliseMoney(null)).toBeNull();
  });
  it('should reject negatives, three decimals, exponents and junk', () => {
    for (const bad of ['-1', '1.234', '1e3', '01', '', ' 1', '1,000', 'NaN']) {
      expect(moneySchema.safeParse(bad).success).toBe(false);
    }
    expect(moneySchema.safeParse(1.5).success).toBe(false);
  });
});

describe('附件1 application form (R6)', () => {
  it('should accept a complete form and total the investment split', () => {
    const form = applicationFormSchema.parse(sampleForm());
    expect(totalInvestment(form)).toBe('150.75');
    expect(form.participantOrgCodes).toEqual([]);
  });
  it('should limit the summary to 200 characters (counting Chinese characters as one)', () => {
    expect(applicationFormSchema.safeParse(sampleForm({ summary: '字'.repeat(200) })).success).toBe(true);
    expect(applicationFormSchema.safeParse(sampleForm({ summary: '字'.repeat(201) })).success).toBe(false);
  });
  it('should reject unknown fields, an end before the start, and bad contacts', () => {
    expect(applicationFormSchema.safeParse(sampleForm({ extra: 1 })).success).toBe(false);
    expect(
      applicationFormSchema.safeParse(sampleForm({ constructionPeriod: { start: '2027-10', end: '2027-03' } })).success,
    ).toBe(false);
    expect(applicationFormSchema.safeParse(sampleForm({ contactPhone: '12345' })).success).toBe(false);
    expect(applicationFormSchema.safeParse(sampleForm({ email: 'not-mail' })).success).toBe(false);
    expect(
      applicationFormSchema.safeParse(sampleForm({ investment: { fiscal: '1', loan: '0', selfRaised: '0' } })).success,
    ).toBe(false);
  });
  it('should diff two versions field by field with Chinese labels', () => {
    const a = applicationFormSchema.parse(sampleForm());
    const b = applicationFormSchema.parse(
      sampleForm({ investment: { fiscal: '100.00', loan: '0', selfRaised: '30', other: '0.25' }, remarks: '压缩预算' }),
    );
    expect(diffApplications(a, b)).toEqual([
      { field: 'investment.fiscal', label: '项目投资-财政资金', before: '120.50', after: '100.00' },
      { field: 'remarks', label: '备注', before: null, after: '压缩预算' },
    ]);
    expect(diffApplications(a, a)).toEqual([]);
  });
  it('should set the R6 deadline to 30 September of the year before the plan year', () => {
    expect(applicationDeadline(2027)).toBe('2026-09-30');
    expect(isApplicationLate(2027, '2026-09-30')).toBe(false);
    expect(isApplicationLate(2027, '2026-10-01')).toBe(true);
  });
  it('should require the R6 materials, plus the framework plan for cross-department projects (R10)', () => {
    expect(requiredMaterials(false)).toEqual([
      'construction-basis',
      'construction-plan',
      'budget-estimate',
      'feasibility-report',
    ]);
    expect(requiredMaterials(true)).toContain('framework-plan');
  });
});

describe('R7 review aggregation', () => {
  const s = (v: number, crypto = v): Scores => ({
    planning: v,
    sharing: v,
    feasibility: v,
    budget: v,
    cryptography: crypto,
  });
  it('should be incomplete below the quorum', () => {
    expect(aggregateScores([s(90), s(90)]).outcome).toBe('incomplete');
  });
  it('should pass when the overall mean reaches the pass mark and no criterion is below its floor', () => {
    const r = aggregateScores([s(70), s(70), s(70)]);
    expect(r).toMatchObject({ outcome: 'passed', overall: 70, count: 3 });
  });
  it('should fail below the pass mark', () => {
    expect(aggregateScores([s(69), s(70), s(70)]).outcome).toBe('failed');
  });
  it('should fail on one weak criterion even with a high overall mean, and name it', () => {
    const r = aggregateScores([s(95, 50), s(95, 55), s(95, 50)]);
    expect(r.outcome).toBe('failed');
    expect(r.reason).toMatch(/密码应用安全性/);
  });
  it('should honour configured thresholds', () => {
    expect(aggregateScores([s(60)], { quorum: 1, passMean: 60, criterionFloor: 50 }).outcome).toBe('passed');
  });
});

describe('R19.2 budget ledger', () => {
  it('should compute approved / paid / returned / available', () => {
    const b = ledgerBalance('100.00', [
      { kind: 'payment', amount: '60.00' },
      { kind: 'payment', amount: '30.50' },
      { kind: 'surplus-return', amount: '9.50' },
    ]);
    expect(b).toEqual({ approved: '100.00', paid: '90.50', returned: '9.50', available: '0.00' });
  });
  it('should allow paying exactly the approved amount and nothing beyond it', () => {
    const b = ledgerBalance('100.00', [{ kind: 'payment', amount: '60.00' }]);
    expect(checkLedgerEntry(b, 'payment', '40.00')).toBeNull();
    expect(checkLedgerEntry(b, 'payment', '40.01')).toMatch(/R19\.2/);
    expect(checkLedgerEntry(b, 'surplus-return', '40.00')).toBeNull();
    expect(checkLedgerEntry(b, 'payment', '0')).toMatch(/大于 0/);
  });
  it('should refuse payment without an approved amount (R19.1)', () => {
    expect(checkLedgerEntry(ledgerBalance(null, []), 'payment', '1.00')).toMatch(/R19\.1/);
  });
});

describe('R26 rectification deadlines', () => {
  it('should count the deadline day itself as in time', () => {
    expect(isRectificationOverdue({ status: 'open', deadline: '2026-12-01' }, '2026-12-01')).toBe(false);
    expect(isRectificationOverdue({ status: 'open', deadline: '2026-12-01' }, '2026-12-02')).toBe(true);
    expect(isRectificationOverdue({ status: 'responded', deadline: '2026-12-01' }, '2026-12-02')).toBe(true);
    expect(isRectificationOverdue({ status: 'closed', deadline: '2026-12-01' }, '2027-01-01')).toBe(false);
  });
});

describe('organisations and roles', () => {
  it('should derive candidate groups', () => {
    expect(candidateGroupsOf({ code: 'JYJ', type: 'department' }, ['staff'])).toEqual(['dept:JYJ']);
    expect(candidateGroupsOf({ code: 'finance', type: 'bureau' }, ['manager'])).toEqual(['finance']);
    expect(candidateGroupsOf({ code: 'experts', type: 'expert' }, ['expert'])).toEqual(['experts']);
  });
  it('should restrict roles by kind of organisation', () => {
    expect(rolesAllowedFor({ type: 'department', code: 'JYJ' })).toEqual(['staff', 'manager']);
    expect(rolesAllowedFor({ type: 'expert', code: 'experts' })).toEqual(['expert']);
    expect(rolesAllowedFor({ type: 'bureau', code: 'audit' })).toContain('auditor');
    expect(rolesAllowedFor({ type: 'bureau', code: 'finance' })).not.toContain('admin');
  });
});

describe('passwords (等保 level 3)', () => {
  it('should require length ≥ 10 and three character classes', () => {
    expect(checkPasswordPolicy('Abcdefgh1!')).toEqual([]);
    expect(checkPasswordPolicy('Abcdef1!')).toHaveLength(1);
    expect(checkPasswordPolicy('abcdefghij1')).toHaveLength(1);
    expect(checkPasswordPolicy('alice#Pass2026', 'alice')).toHaveLength(1);
  });
  it('should hash with a random salt and verify in constant time', async () => {
    const a = await hashPassword('Abcdefgh1!', 100_000);
    const b = await hashPassword('Abcdefgh1!', 100_000);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^pbkdf2-sm3\$100000\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(await verifyPassword('Abcdefgh1!', a)).toBe(true);
    expect(await verifyPassword('Abcdefgh1?', a)).toBe(false);
    expect(await verifyPassword('Abcdefgh1!', 'sha256$1$x$y')).toBe(false);
  });
});

describe('attachment content checks', () => {
  it('should recognise files by magic bytes, not by name', () => {
    expect(detectType(Buffer.from('%PDF-1.4 ...'))?.ext).toBe('pdf');
    expect(detectType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))?.ext).toBe('jpg');
    expect(detectType(Buffer.from('MZ\x90\x00'))).toBeNull();
    expect(detectType(Buffer.from('<html><script>'))).toBeNull();
  });
  it('should tell DOCX, XLSX and OFD apart by their ZIP entries, and refuse other ZIPs', () => {
    expect(detectType(zip(['[Content_Types].xml', 'word/document.xml']))?.ext).toBe('docx');
    expect(detectType(zip(['[Content_Types].xml', 'xl/workbook.xml']))?.ext).toBe('xlsx');
    expect(detectType(zip(['OFD.xml', 'Doc_0/Document.xml']))?.ext).toBe('ofd');
    expect(detectType(zip(['evil.sh']))).toBeNull();
  });
  it('should sanitise client file names and never keep a path', () => {
    expect(sanitiseFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitiseFileName('..\\..\\windows\\win.ini')).toBe('win.ini');
    expect(sanitiseFileName('可研报告<终稿>.pdf')).toBe('可研报告_终稿_.pdf');
    expect(sanitiseFileName('..')).toBe('file');
    expect(sanitiseFileName('a\u0000b.pdf')).toBe('a_b.pdf');
    expect([...sanitiseFileName('长'.repeat(300) + '.pdf')].length).toBe(120);
  });
});

/** A minimal ZIP (stored entries, empty contents) with the given entry names. */
function zip(names: string[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const name of names) {
    const n = Buffer.from(name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(n.length, 26);
    locals.push(local, n);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, n);
    offset += 30 + n.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(names.length, 8);
  eocd.writeUInt16LE(names.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

describe('construction and acceptance rules (R15, R20, R22, R14)', () => {
  it('should require progress reports for projects over 6 months or spanning years (R15)', () => {
    expect(projectRequiresProgressReports({ startMonth: '2026-01', endMonth: '2026-06' })).toBe(false);
    expect(projectRequiresProgressReports({ startMonth: '2026-01', endMonth: '2026-07' })).toBe(true);
    expect(projectRequiresProgressReports({ startMonth: '2026-11', endMonth: '2027-01' })).toBe(true);
  });
  it('should enumerate quarters and the quarter after each', () => {
    expect(quartersOf('2026-03', '2027-01')).toEqual(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4', '2027-Q1']);
    expect(nextQuarterStart('2026-Q4')).toBe('2027-01-01');
    expect(nextQuarterStart('2026-Q2')).toBe('2026-07-01');
  });
  it('should keep changes within the approved budget (R20)', () => {
    expect(changeRequestProblem('100.00', '100.00')).toBeNull();
    expect(changeRequestProblem('100.00', '100.01')).toMatch(/R20/);
    expect(changeRequestProblem(null, '1.00')).toMatch(/R20/);
  });
  it('should require delays to be applied for in advance (R22.3)', () => {
    expect(delayRequestProblem('2026-12-30', '2026-12-31', '2027-01-31')).toBeNull();
    expect(delayRequestProblem('2026-12-31', '2026-12-31', '2027-01-31')).toMatch(/R22\.3/);
    expect(delayRequestProblem('2026-12-01', '2026-12-31', '2026-12-31')).not.toBeNull();
  });
  it('should list the missing R22.2 documents', () => {
    expect(missingFinalAcceptanceDocuments(new Set(['acceptance-report', 'crypto-assessment']))).toEqual([
      'construction-summary',
      'security-assessment',
    ]);
  });
  it('should require every R14 item, and PUE for machine-room and cloud projects', () => {
    const ok = { productSecurity: true, cryptography: true, securityReview: true, pue: null };
    expect(acceptanceItemProblems(ok, 'application-system')).toEqual([]);
    expect(acceptanceItemProblems(ok, 'infrastructure')).toEqual(['硬件/机房类项目须填报能效指标 PUE']);
    expect(acceptanceItemProblems({ ...ok, pue: '1.35' }, 'cloud-platform')).toEqual([]);
    expect(acceptanceItemProblems({ ...ok, securityReview: false }, 'network')).toHaveLength(1);
  });
});

describe('delivery rules (R14, R19.1, R29)', () => {
  it('should require a reason for single-source procurement', () => {
    expect(procurementProblem('single-source', '')).toMatch(/单一来源/);
    expect(procurementProblem('single-source', '专利技术唯一供应商')).toBeNull();
    expect(procurementProblem('public-tender')).toBeNull();
  });
  it('should keep contracts within the approved amount (R19.1)', () => {
    expect(contractProblem('68.00', '66.80', '1.20')).toBeNull();
    expect(contractProblem('68.00', '66.80', '1.21')).toMatch(/R19\.1/);
    expect(contractProblem(null, '0', '1.00')).toMatch(/R19\.1/);
  });
  it('should grade post-evaluations and forbid more money for a failed one (R29)', () => {
    expect([gradeOf(90), gradeOf(89), gradeOf(80), gradeOf(60), gradeOf(59)]).toEqual([
      'excellent',
      'good',
      'good',
      'pass',
      'fail',
    ]);
    expect(postEvaluationProblem(59, 'increase')).toMatch(/R29/);
    expect(postEvaluationProblem(59, 'reduce')).toBeNull();
    expect(postEvaluationProblem(95, 'increase')).toBeNull();
  });
});

describe('plan and catalogue rules (R8, R21, R9)', () => {
  const reviewed = { stage: 'approval' as const, approvedAmount: '100.00', totalInvestment: '120.00' };
  it('should admit only reviewed projects within their amount, and only urgent ones after approval (R8)', () => {
    expect(planEntryProblem(reviewed, '100.00', { status: 'draft', urgent: false })).toBeNull();
    expect(planEntryProblem(reviewed, '100.01', { status: 'draft', urgent: false })).toMatch(/超过/);
    expect(planEntryProblem({ ...reviewed, stage: 'joint-review' }, '1.00')).toMatch(/R8\.1/);
    expect(planEntryProblem({ ...reviewed, approvedAmount: null }, '120.00')).toBeNull();
    expect(planEntryProblem(reviewed, '1.00', { status: 'approved', urgent: false })).toMatch(/R8\.2/);
    expect(planEntryProblem(reviewed, '1.00', { status: 'approved', urgent: true })).toBeNull();
    expect(planEntryProblem(reviewed, '1.00', { status: 'submitted', urgent: false })).not.toBeNull();
  });
  it('should gate investment on the investment plan (R21) and the approved annual plan (R8.1)', () => {
    expect(investmentPreconditionProblem({ inInvestmentPlan: false, inApprovedAnnualPlan: true })).toMatch(/R21/);
    expect(investmentPreconditionProblem({ inInvestmentPlan: true, inApprovedAnnualPlan: false })).toMatch(/R8\.1/);
    expect(investmentPreconditionProblem({ inInvestmentPlan: true, inApprovedAnnualPlan: true })).toBeNull();
  });
  it('should share only with government bodies and state conditions or basis (R9)', () => {
    const known = new Set(['MZJ', 'finance']);
    const base = { name: 'x', description: 'y', dataItems: ['a'], updateCycle: '每月' };
    expect(catalogueProblems({ ...base, shareType: 'unconditional', recipients: [] }, known)).toEqual([]);
    expect(
      catalogueProblems({ ...base, shareType: 'conditional', shareBasis: '核验', recipients: ['MZJ'] }, known),
    ).toEqual([]);
    expect(
      catalogueProblems({ ...base, shareType: 'conditional', shareBasis: '核验', recipients: ['某公司'] }, known)[0],
    ).toMatch(/R9/);
    expect(catalogueProblems({ ...base, shareType: 'none', recipients: [] }, known)).toHaveLength(1);
  });
});
