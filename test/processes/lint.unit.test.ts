import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BpmnModdle } from 'bpmn-moddle';
import zeebeSchema from 'zeebe-bpmn-moddle/resources/zeebe.json';
import { Linter } from 'bpmnlint';
import NodeResolver from 'bpmnlint/lib/resolver/node-resolver';
import { processResources } from '../../processes';

const root = join(__dirname, '..', '..');
const config = JSON.parse(readFileSync(join(root, '.bpmnlintrc'), 'utf8')) as Record<string, unknown>;
const models = processResources().filter((r) => r.name.endsWith('.bpmn'));

describe('bpmnlint (bpmnlint:recommended + camunda-compat camunda-cloud-8-8)', () => {
  it('should extend the Camunda 8.8 compatibility config', () => {
    expect(config.extends).toEqual(expect.arrayContaining(['plugin:camunda-compat/camunda-cloud-8-8']));
  });

  it.each(models.map((m) => [m.name, m.path]))('should report no error and no warning for %s', async (_name, path) => {
    const moddle = new BpmnModdle({ zeebe: zeebeSchema });
    const { rootElement, warnings } = await moddle.fromXML(readFileSync(path, 'utf8'));
    expect(warnings.map((w) => w.message)).toEqual([]);
    const linter = new Linter({ config, resolver: new NodeResolver() });
    const results = await linter.lint(rootElement);
    const problems = Object.entries(results).flatMap(([rule, reports]) =>
      reports.map((r) => `${r.category} ${rule} ${r.id ?? ''}: ${r.message}`),
    );
    expect(problems).toEqual([]);
  });

  it('should catch a violation (the linter really runs the camunda-compat rules)', async () => {
    const broken = readFileSync(models.find((m) => m.name === 'quarterly-reporting.bpmn')!.path, 'utf8').replace(
      '<zeebe:taskDefinition type="egov.progress-report-record" retries="3" />',
      '',
    );
    const moddle = new BpmnModdle({ zeebe: zeebeSchema });
    const { rootElement } = await moddle.fromXML(broken);
    const results = await new Linter({ config, resolver: new NodeResolver() }).lint(rootElement);
    const errors = Object.values(results)
      .flat()
      .filter((r) => r.category === 'error');
    expect(errors.map((e) => e.id)).toContain('Task_ProgressReportRecord');
  });
});
