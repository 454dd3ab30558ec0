/**
 * form-js cannot be imported in Node (its viewer touches the DOM at load time), so the structure is
 * checked here; `processes/tools/render.ts` additionally imports every form in form-js in Chromium.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { formsDir } from '../../processes';
import { loadAllModels, ext } from './models';
import { GENERATOR_EXPORTER, generatedForms } from '../../processes/tools/forms';

type Exporter = { exporter?: { name?: string } };

interface Component {
  type: string;
  id?: string;
  key?: string;
  path?: string;
  label?: string;
  dateLabel?: string;
  text?: string;
  values?: { label: string; value: string }[];
  validate?: {
    required?: boolean;
    maxLength?: number;
    min?: number;
    max?: number;
    pattern?: string;
    validationType?: string;
  };
  components?: Component[];
}
interface FormSchema {
  id: string;
  type: string;
  schemaVersion: number;
  executionPlatform: string;
  executionPlatformVersion: string;
  components: Component[];
}

const CONTAINERS = new Set(['group', 'dynamiclist']);
const DISPLAY = new Set(['text', 'spacer', 'separator', 'html', 'image']);
const INPUTS = new Set(['textfield', 'textarea', 'number', 'datetime', 'radio', 'select', 'checkbox', 'checklist']);

const files = readdirSync(formsDir).filter((f) => f.endsWith('.form'));
const forms = new Map(
  files.map((f) => [f.replace(/\.form$/, ''), JSON.parse(readFileSync(join(formsDir, f), 'utf8')) as FormSchema]),
);
const form = (id: string) => forms.get(id)!;

function flatten(components: Component[]): Component[] {
  return components.flatMap((c) => [c, ...(c.components ? flatten(c.components) : [])]);
}
const field = (formId: string, key: string): Component => {
  const c = flatten(form(formId).components).find((x) => x.key === key);
  if (!c) throw new Error(`${formId} has no field ${key}`);
  return c;
};
const matches = (pattern: string | undefined, value: string) => new RegExp(pattern!).test(value);

describe('form-js forms', () => {
  it.each(files)('%s should be a form-js 1.x schema with id = file name and well-formed components', (file) => {
    const id = file.replace(/\.form$/, '');
    const f = form(id);
    expect(f).toMatchObject({
      id,
      type: 'default',
      schemaVersion: 19,
      executionPlatform: 'Camunda Cloud',
      executionPlatformVersion: '8.8.0',
    });
    const all = flatten(f.components);
    const ids = all.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    const keys: string[] = [];
    // Keys are unique per scope: the form root, and each dynamic list's own items.
    const collect = (components: Component[], scope: string[]) => {
      for (const c of components) {
        expect(INPUTS.has(c.type) || CONTAINERS.has(c.type) || DISPLAY.has(c.type)).toBe(true);
        if (INPUTS.has(c.type)) {
          expect({ id: c.id, key: c.key }).toEqual({ id: c.id, key: expect.stringMatching(/^[a-zA-Z][a-zA-Z0-9]*$/) });
          const label = c.type === 'datetime' ? c.dateLabel : c.label;
          expect({ key: c.key, label }).toEqual({
            key: c.key,
            label: expect.stringMatching(/[\u4e00-\u9fff]|E-MAIL|PUE/),
          });
          scope.push(c.key!);
        }
        if (c.type === 'radio' || c.type === 'select' || c.type === 'checklist')
          expect(c.values!.length).toBeGreaterThan(1);
        if (c.type === 'number')
          expect({ key: c.key, min: c.validate?.min }).toEqual({ key: c.key, min: expect.any(Number) });
        if (c.type === 'number') expect(c.validate!.min!).toBeGreaterThanOrEqual(0);
        if (c.type === 'group') collect(c.components!, scope);
        if (c.type === 'dynamiclist') {
          expect(c.path).toMatch(/^[a-zA-Z]+$/);
          const inner: string[] = [];
          collect(c.components!, inner);
          expect(new Set(inner).size).toBe(inner.length);
        }
      }
    };
    collect(f.components, keys);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('should be linked from a user task (every form but the application, which the API also uses)', async () => {
    const models = await loadAllModels();
    const linked = new Set(
      [...models.values()].flatMap((m) =>
        [...m.nodes.values()].map((n) => ext(n.el, 'zeebe:FormDefinition')?.formId).filter((x) => x !== undefined),
      ),
    );
    for (const id of forms.keys()) expect({ id, linked: linked.has(id) }).toEqual({ id, linked: true });
  });

  it('附件1 application: every field of the official form, investment split, R6 documents and R9/R14/R24 statements', () => {
    for (const key of [
      'serialNo',
      'departmentName',
      'projectName',
      'summary',
      'constructionStart',
      'constructionEnd',
      'totalInvestment',
      'fundFiscal',
      'fundBankLoan',
      'fundSelfRaised',
      'fundOther',
      'responsiblePerson',
      'contactPerson',
      'contactPhone',
      'contactEmail',
      'remarks',
      'supervisorOpinion',
      'supervisorSealed',
      'docConstructionBasis',
      'docConstructionPlan',
      'docBudgetEstimate',
      'docFeasibilityStudy',
      'sharingAnalysisIncluded',
      'docResourceCatalogue',
      'productSecurityStatement',
      'r24Compliance',
      'listedInDepartmentBudget',
      'projectCategory',
      'crossDepartment',
      'urgentAdHoc',
    ])
      field('application-form', key);
    expect(field('application-form', 'summary').validate).toMatchObject({ required: true, maxLength: 200 });
    for (const k of ['totalInvestment', 'fundFiscal', 'fundBankLoan', 'fundSelfRaised', 'fundOther'])
      expect(field('application-form', k).validate?.min).toBe(0);
    const phone = field('application-form', 'contactPhone').validate?.pattern;
    for (const ok of ['0564-5123456', '05645123456', '13812345678', '0564-5123456-801'])
      expect({ ok, valid: matches(phone, ok) }).toEqual({ ok, valid: true });
    for (const bad of ['12345', '1381234567', 'abc', '+86 138'])
      expect({ bad, valid: matches(phone, bad) }).toEqual({ bad, valid: false });
    expect(field('application-form', 'contactEmail').validate?.validationType).toBe('email');
    const month = field('application-form', 'constructionStart').validate?.pattern;
    expect([matches(month, '2027-01'), matches(month, '2027-13'), matches(month, '27-1')]).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('附件2 progress report: every field of the official form', () => {
    for (const key of [
      'reportDepartmentName',
      'reportResponsiblePerson',
      'reportDate',
      'reportFax',
      'reportContactPerson',
      'reportPhone',
      'reportMobile',
      'reportEmail',
      'reportProjectName',
      'reportMainContent',
      'reportConstructionUnit',
      'reportProgress',
      'expectedCompletionDate',
      'reportTotalInvestment',
      'reportInvestedAmount',
    ])
      field('progress-report', key);
    expect(field('progress-report', 'reportEmail').validate?.validationType).toBe('email');
    expect(matches(field('progress-report', 'reportMobile').validate?.pattern, '13912345678')).toBe(true);
    expect(matches(field('progress-report', 'reportMobile').validate?.pattern, '0564-5123456')).toBe(false);
  });

  it('R7 expert scoring sheet: the five criteria, each 0–100 like the domain score API and egov.review-aggregate (pass mean 70, floors 60)', () => {
    for (const key of ['scorePlanning', 'scoreSharing', 'scoreFeasibility', 'scoreBudget', 'scoreCrypto'])
      expect(field('expert-scoring', key).validate).toMatchObject({ required: true, min: 0, max: 100 });
  });

  it('review opinion: pass / fail / return with a reason', () => {
    expect(field('review-opinion', 'decision').values!.map((v) => v.value)).toEqual(['pass', 'fail', 'return']);
    expect(field('review-opinion', 'reason').validate?.required).toBe(true);
  });

  it('R20 change request: case 一/二/三 or none', () => {
    expect(field('change-request', 'changeCase').values!.map((v) => v.value)).toEqual([
      'case-1',
      'case-2',
      'case-3',
      'none',
    ]);
  });

  it('R22.2 / R14 final acceptance: the four documents and the acceptance items incl. PUE', () => {
    for (const key of [
      'docAcceptanceApplication',
      'docConstructionSummary',
      'docSecurityRiskReport',
      'docCryptoAssessmentReport',
      'securityReportType',
      'productSecurityStatus',
      'cryptoApplicationStatus',
      'securityReviewStatus',
      'pue',
    ])
      field('final-acceptance-application', key);
    expect(field('final-acceptance-application', 'pue').validate?.min).toBeGreaterThanOrEqual(1);
    for (const key of ['itemProductSecurity', 'itemCryptography', 'itemSecurityReview', 'itemEnergyEfficiency'])
      field('final-acceptance-opinion', key);
    expect(field('final-acceptance-opinion', 'finalAcceptanceResult').values!.map((v) => v.value)).toEqual([
      'pass',
      'fail',
    ]);
  });

  it('R19.2 / R23 / R29 payment, self-evaluation and post-evaluation fields', () => {
    field('payment-request', 'requestedAmount');
    field('payment-request', 'auditRequested');
    field('surplus-return', 'returnedAmount');
    field('self-evaluation', 'operationEffect');
    field('self-evaluation', 'problemsMet');
    field('post-evaluation', 'scoreOperationEfficiency');
    field('post-evaluation', 'budgetRecommendation');
  });

  it('should be what processes/tools/forms.ts writes, for every form the generator still owns (exporter)', () => {
    // a form saved by the Modeler names the Modeler as exporter and is the Modeler's from then on;
    // the generator must not revert the ones it still owns (it did: the 0–20 expert sheet)
    const generated = generatedForms();
    expect([...generated.keys()].sort()).toEqual([...files].sort());
    const owned = files.filter(
      (f) => (form(f.replace(/\.form$/, '')) as unknown as Exporter).exporter?.name === GENERATOR_EXPORTER,
    );
    expect(owned.length).toBeGreaterThan(0);
    for (const f of owned)
      expect({ f, content: readFileSync(join(formsDir, f), 'utf8') }).toEqual({ f, content: generated.get(f) });
  });
});
