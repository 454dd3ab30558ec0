export { ACTIVITY_KINDS, compileBpmn } from './compile';
export type { CompileResult } from './compile';
export * from './types';
