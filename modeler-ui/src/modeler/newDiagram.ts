/** A blank Camunda 8.8 process, so new drafts lint against the right rule set from the start. */
export const EXECUTION_PLATFORM = 'Camunda Cloud';
export const EXECUTION_PLATFORM_VERSION = '8.8.0';

export function newDiagramXml(processId = `Process_${Math.random().toString(36).slice(2, 9)}`): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn" exporter="yeji-modeler" exporterVersion="1.0" modeler:executionPlatform="${EXECUTION_PLATFORM}" modeler:executionPlatformVersion="${EXECUTION_PLATFORM_VERSION}">
  <bpmn:process id="${processId}" name="新流程" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1" name="开始" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="${processId}">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1">
        <dc:Bounds x="180" y="160" width="36" height="36" />
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
}

interface DefinitionsLike {
  $attrs: Record<string, string>;
}

/**
 * Diagrams without an execution platform are linted as Camunda 8.8 (the engine we deploy to);
 * the attributes are added to the model so they are also saved with the next export.
 */
export function ensureExecutionPlatform(definitions: DefinitionsLike): boolean {
  const a = definitions.$attrs;
  if (a['modeler:executionPlatform'] && a['modeler:executionPlatformVersion']) return false;
  a['xmlns:modeler'] = 'http://camunda.org/schema/modeler/1.0';
  a['modeler:executionPlatform'] = EXECUTION_PLATFORM;
  a['modeler:executionPlatformVersion'] = EXECUTION_PLATFORM_VERSION;
  return true;
}
