/**
 * The modeler's version diff on real BPMN parsed by bpmn-moddle with the Zeebe extension: layout
 * moves are not changes; names, Zeebe extensions and flow targets are.
 */
import { BpmnModdle } from 'bpmn-moddle';
import zeebe from 'zeebe-bpmn-moddle/resources/zeebe.json';
import { diffDefinitions, type ModdleElementLike } from '../../modeler-ui/src/modeler/diff';
import { newDiagramXml, ensureExecutionPlatform } from '../../modeler-ui/src/modeler/newDiagram';

const base = (body: string, shapes: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">${body}</bpmn:process>
  <bpmndi:BPMNDiagram id="dia"><bpmndi:BPMNPlane id="plane" bpmnElement="p">${shapes}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;

const v1 = base(
  `<bpmn:startEvent id="start" name="开始" />
   <bpmn:userTask id="review" name="审查"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="data-bureau" /></bpmn:extensionElements></bpmn:userTask>
   <bpmn:endEvent id="end" />
   <bpmn:endEvent id="oldEnd" />
   <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
   <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end" />`,
  `<bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="10" y="10" width="36" height="36" /></bpmndi:BPMNShape>`,
);

async function parse(xml: string): Promise<ModdleElementLike> {
  const moddle = new BpmnModdle({ zeebe });
  const { rootElement } = await moddle.fromXML(xml);
  return rootElement as unknown as ModdleElementLike;
}

describe('modeler version diff', () => {
  it('should find no change between a version and itself moved around', async () => {
    const moved = v1.replace('x="10" y="10"', 'x="400" y="300"');
    const d = diffDefinitions(await parse(v1), await parse(moved));
    expect(d).toMatchObject({ added: [], removed: [], changed: [] });
  });

  it('should report added, removed and changed elements', async () => {
    // given: review renamed and given another candidate group, f2 retargeted, oldEnd removed, audit added
    const v2 = base(
      `<bpmn:startEvent id="start" name="开始" />
       <bpmn:userTask id="review" name="联合审查"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="finance" /></bpmn:extensionElements></bpmn:userTask>
       <bpmn:serviceTask id="audit" name="记录审计"><bpmn:extensionElements><zeebe:taskDefinition type="audit" /></bpmn:extensionElements></bpmn:serviceTask>
       <bpmn:endEvent id="end" />
       <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
       <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="audit" />
       <bpmn:sequenceFlow id="f3" sourceRef="audit" targetRef="end" />`,
      '',
    );
    // when
    const d = diffDefinitions(await parse(v1), await parse(v2));
    // then
    expect(d.added.sort()).toEqual(['audit', 'f3']);
    expect(d.removed).toEqual(['oldEnd']);
    expect(d.changed.sort()).toEqual(['f2', 'review']);
    expect(d.labels.review).toBe('联合审查');
    expect(d.labels.oldEnd).toBe('EndEvent');
  });

  it('should see a change in a Zeebe extension alone', async () => {
    const v2 = v1.replace('candidateGroups="data-bureau"', 'candidateGroups="data-bureau,finance"');
    expect(diffDefinitions(await parse(v1), await parse(v2)).changed).toEqual(['review']);
  });

  it('should start new diagrams on Camunda 8.8 and mark old ones for 8.8 linting', async () => {
    const defs = (await parse(newDiagramXml('p_new'))) as ModdleElementLike & { $attrs: Record<string, string> };
    expect(defs.$attrs['modeler:executionPlatformVersion']).toBe('8.8.0');
    expect(ensureExecutionPlatform(defs)).toBe(false);
    const old = (await parse(v1)) as ModdleElementLike & { $attrs: Record<string, string> };
    expect(ensureExecutionPlatform(old)).toBe(true);
    expect(old.$attrs['modeler:executionPlatform']).toBe('Camunda Cloud');
  });
});
