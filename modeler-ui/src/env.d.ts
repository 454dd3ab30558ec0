/// <reference types="vite/client" />
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
declare module 'bpmn-js/lib/Modeler';
declare module 'bpmn-js/lib/NavigatedViewer';
declare module 'bpmn-js-properties-panel';
declare module 'camunda-bpmn-js-behaviors/lib/camunda-cloud';
declare module 'zeebe-bpmn-moddle/resources/zeebe.json';
declare module '@camunda/linting';
declare module '@camunda/linting/modeler';
declare module 'element-plus/es/locale/lang/zh-cn';
