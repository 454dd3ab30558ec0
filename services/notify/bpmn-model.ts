/**
 * What the gateway notifier needs from a deployed BPMN model: for each gateway its outgoing
 * sequence flows (id, label, target), and for each flow node its type, name and static candidate
 * groups. Read from the deployed XML (GET /v2/process-definitions/{key}/xml), so a gateway a
 * process owner adds in the modeler is known without a code change.
 */
import { XMLParser } from 'fast-xml-parser';

export interface FlowInfo {
  id: string;
  name: string;
  targetRef: string;
  /** zeebe:property values on the flow, e.g. notify-kind = rejected */
  properties: Record<string, string>;
}

export interface NodeInfo {
  id: string;
  /** local BPMN element name, e.g. userTask, exclusiveGateway, endEvent */
  type: string;
  name: string;
  /** zeebe:assignmentDefinition candidateGroups, when static (not a FEEL expression) */
  candidateGroups: string[];
  /** zeebe:property values, e.g. notify = false to silence a gateway */
  properties: Record<string, string>;
  /** zeebe:taskDefinition type of a service/send task, when static (e.g. egov.notify) */
  jobType?: string;
  outgoing: FlowInfo[];
}

export interface ProcessModel {
  nodes: Map<string, NodeInfo>;
}

type XmlNode = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  isArray: (_name: string, _path: unknown, _leaf: boolean, isAttribute: boolean) => !isAttribute,
});

function attr(n: XmlNode, name: string): string {
  const v = n[`@${name}`];
  return typeof v === 'string' ? v : '';
}

function children(n: XmlNode, name: string): XmlNode[] {
  const v = n[name];
  return Array.isArray(v) ? (v as XmlNode[]) : [];
}

function zeebeProperties(n: XmlNode): Record<string, string> {
  const out: Record<string, string> = {};
  for (const ext of children(n, 'extensionElements'))
    for (const props of children(ext, 'properties'))
      for (const p of children(props, 'property')) out[attr(p, 'name')] = attr(p, 'value');
  return out;
}

function staticCandidateGroups(n: XmlNode): string[] {
  for (const ext of children(n, 'extensionElements'))
    for (const a of children(ext, 'assignmentDefinition')) {
      const v = attr(a, 'candidateGroups').trim();
      if (v && !v.startsWith('='))
        return v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
    }
  return [];
}

function staticJobType(n: XmlNode): string | undefined {
  for (const ext of children(n, 'extensionElements'))
    for (const d of children(ext, 'taskDefinition')) {
      const v = attr(d, 'type').trim();
      if (v && !v.startsWith('=')) return v;
    }
  return undefined;
}

const NOT_NODES = new Set([
  'sequenceFlow',
  'extensionElements',
  'laneSet',
  'documentation',
  'textAnnotation',
  'association',
  'dataObject',
  'dataObjectReference',
  'dataStoreReference',
  'incoming',
  'outgoing',
  'ioSpecification',
  'multiInstanceLoopCharacteristics',
  'standardLoopCharacteristics',
]);

/** Parses every process (and nested sub-process) of a BPMN document into one node map. */
export function parseProcessModel(xml: string): ProcessModel {
  const doc = parser.parse(xml) as XmlNode;
  const nodes = new Map<string, NodeInfo>();
  const flows: FlowInfo[] = [];
  const sourceOf = new Map<string, string>();
  const walk = (scope: XmlNode) => {
    for (const [key, value] of Object.entries(scope)) {
      if (key.startsWith('@') || !Array.isArray(value)) continue;
      for (const el of value as XmlNode[]) {
        if (typeof el !== 'object' || el === null) continue;
        if (key === 'sequenceFlow') {
          const f: FlowInfo = {
            id: attr(el, 'id'),
            name: attr(el, 'name'),
            targetRef: attr(el, 'targetRef'),
            properties: zeebeProperties(el),
          };
          flows.push(f);
          sourceOf.set(f.id, attr(el, 'sourceRef'));
          continue;
        }
        if (NOT_NODES.has(key)) continue;
        const id = attr(el, 'id');
        if (id) {
          nodes.set(id, {
            id,
            type: key,
            name: attr(el, 'name'),
            candidateGroups: staticCandidateGroups(el),
            properties: zeebeProperties(el),
            ...(staticJobType(el) ? { jobType: staticJobType(el) } : {}),
            outgoing: [],
          });
        }
        if (key === 'subProcess' || key === 'adHocSubProcess' || key === 'transaction') walk(el);
      }
    }
  };
  for (const defs of children(doc, 'definitions')) for (const p of children(defs, 'process')) walk(p);
  for (const f of flows) nodes.get(sourceOf.get(f.id) ?? '')?.outgoing.push(f);
  return { nodes };
}
