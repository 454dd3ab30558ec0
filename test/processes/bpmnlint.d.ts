// bpmnlint ships no declarations for its CommonJS entry points; the tests need only this much.
declare module 'bpmnlint' {
  export interface LintReport {
    id?: string;
    message: string;
    category: 'error' | 'warn' | 'info' | 'rule-error';
  }
  export class Linter {
    constructor(options: { config?: Record<string, unknown>; resolver: unknown });
    lint(moddleRoot: unknown): Promise<Record<string, LintReport[]>>;
  }
}
declare module 'bpmnlint/lib/resolver/node-resolver' {
  export default class NodeResolver {
    constructor(options?: Record<string, unknown>);
  }
}
