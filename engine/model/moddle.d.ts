// bpmn-moddle ships types only under its './types' export; the runtime needs just this much.
declare module 'bpmn-moddle' {
  interface ParseResult {
    rootElement: unknown;
    warnings: { message: string; element?: unknown; property?: string }[];
  }
  export class BpmnModdle {
    constructor(packages?: Record<string, unknown>);
    fromXML(xml: string, type?: string): Promise<ParseResult>;
  }
}
