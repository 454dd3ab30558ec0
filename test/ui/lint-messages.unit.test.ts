/**
 * The modeler's lint messages in Chinese: the real @camunda/linting (Camunda 8.8 rules) is run on
 * diagrams that break many rules, and every message it produces must come out as a recognised,
 * fully Chinese sentence; unknown messages keep their text with the known terms translated.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Linter } from '@camunda/linting';
import { isTranslated, translateLintMessage, translateTerm } from '../../modeler-ui/src/modeler/lint-messages';

const NS =
  'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" ' +
  'xmlns:modeler="http://camunda.org/schema/modeler/1.0" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.8.0"';

/** a process body that breaks as many Camunda 8.8 rules as one process can */
const BROKEN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="d" targetNamespace="http://yeji.gov.cn/test">
  <bpmn:message id="m1" name="消息" />
  <bpmn:message id="m2" />
  <bpmn:error id="e1" />
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="s" />
    <bpmn:serviceTask id="noType" />
    <bpmn:userTask id="ut"><bpmn:extensionElements><zeebe:userTask /><zeebe:formDefinition /></bpmn:extensionElements></bpmn:userTask>
    <bpmn:callActivity id="ca" />
    <bpmn:businessRuleTask id="brt"><bpmn:extensionElements><zeebe:calledDecision /></bpmn:extensionElements></bpmn:businessRuleTask>
    <bpmn:scriptTask id="st"><bpmn:extensionElements><zeebe:script /></bpmn:extensionElements></bpmn:scriptTask>
    <bpmn:serviceTask id="mi"><bpmn:extensionElements><zeebe:taskDefinition type="x" /></bpmn:extensionElements>
      <bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics outputCollection="out" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics>
    </bpmn:serviceTask>
    <bpmn:intermediateCatchEvent id="msgCatch"><bpmn:messageEventDefinition messageRef="m1" /></bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="msgNoName"><bpmn:messageEventDefinition messageRef="m2" /></bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="msgNoRef"><bpmn:messageEventDefinition /></bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="timerNoType"><bpmn:timerEventDefinition /></bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="timerBad"><bpmn:timerEventDefinition><bpmn:timeDuration>soon</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="errEnd"><bpmn:errorEventDefinition errorRef="e1" /></bpmn:endEvent>
    <bpmn:endEvent id="errNoRef"><bpmn:errorEventDefinition /></bpmn:endEvent>
    <bpmn:exclusiveGateway id="gw" />
    <bpmn:task id="t1" />
    <bpmn:task id="t2" />
    <bpmn:sequenceFlow id="f1" sourceRef="gw" targetRef="t1" />
    <bpmn:sequenceFlow id="f2" sourceRef="gw" targetRef="t2" />
    <bpmn:complexGateway id="cg" />
    <bpmn:serviceTask id="inputs"><bpmn:extensionElements><zeebe:taskDefinition type="y" />
      <zeebe:ioMapping><zeebe:input source="=1" /><zeebe:output source="=2" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:serviceTask>
  </bpmn:process>
</bpmn:definitions>`;

async function lint(xml: string): Promise<{ message: string; rule: string; id: string }[]> {
  return new Linter({ modeler: 'web', type: 'cloud' }).lint(xml);
}

describe('lint messages in Chinese', () => {
  it('should translate every message the 8.8 rules produce on a broken diagram', async () => {
    const reports = await lint(BROKEN);
    // the diagram is broken in many ways: the translation is tested against many shapes
    expect(new Set(reports.map((r) => r.rule)).size).toBeGreaterThanOrEqual(8);
    for (const r of reports) {
      const zh = translateLintMessage(r.message);
      expect({ rule: r.rule, message: r.message, recognised: isTranslated(r.message) }).toEqual({
        rule: r.rule,
        message: r.message,
        recognised: true,
      });
      // no English words left, except names and formats that stay as they are
      // (「…」 without Chinese in it quotes the model's own content: an expression, a property name)
      const english = zh
        .replace(/「[^「」\u4e00-\u9fff]*」/g, '')
        .replace(/Camunda|FEEL|ISO|DMN|JSON|BPMNDI|ID|cron|secrets\.SECRET|camunda\.secrets/g, '');
      expect({ message: r.message, zh, english: english.match(/[A-Za-z]{3,}/g) }).toEqual({
        message: r.message,
        zh,
        english: null,
      });
    }
  });

  it('should translate the processes of processes/ without a problem (clean models stay clean)', async () => {
    const dir = path.resolve(__dirname, '../../processes');
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.bpmn'))) {
      const reports = await lint(fs.readFileSync(path.join(dir, f), 'utf8'));
      for (const r of reports) expect(isTranslated(r.message)).toBe(true);
    }
  });

  it.each([
    [
      'A <Service Task> with <Implementation: Job worker> must have a defined <Task definition type>',
      '带有「实现方式：作业工作者」的「服务任务」必须定义「任务定义类型」',
    ],
    [
      'A <User Task> with <Form type: Camunda form (linked)> must have a defined <Form ID>',
      '带有「表单类型：Camunda 表单（链接）」的「用户任务」必须定义「表单 ID」',
    ],
    [
      'A <Message Intermediate Catch Event> with <Message Reference> must have a defined <Subscription correlation key>',
      '带有「消息引用」的「消息中间捕获事件」必须定义「订阅关联键」',
    ],
    ['A <Complex Gateway> is not supported by Camunda 8.8', 'Camunda 8.8 不支持「复杂网关」'],
    [
      'A <Signal Start Event> in an <Event Sub Process> is only supported by Camunda 8.9 or newer',
      '「事件子流程」中的「信号开始事件」仅在 Camunda 8.9 及以上版本中受支持',
    ],
    [
      'A <Sequence Flow> must have a defined <Condition expression> or be the default <Sequence Flow>',
      '「顺序流」必须定义「条件表达式」，或设为默认「顺序流」',
    ],
    [
      'A <Timer Boundary Event> <Time duration> must be an expression, or an ISO 8601 interval',
      '「定时器边界事件」的「持续时间」必须是表达式或 ISO 8601 时间间隔',
    ],
    ['One <Process> must be <Executable>', '至少一个「流程」必须设为「可执行」'],
    ['Element is missing label/name', '元素缺少名称'],
    ['Process is missing start event', 'Process缺少开始事件'],
    ['Expression value of <soon> not allowed', '表达式取值「soon」不被允许'],
    [
      'Element of type <zeebe:FormDefinition> must have property <externalReference> or <formId>',
      '「表单定义」必须有属性「外部引用」或「表单 ID」',
    ],
    ['Element of type <bpmn:ComplexGateway> not allowed', '不允许使用「复杂网关」'],
  ])('should translate %s', (en, zh) => {
    expect(translateLintMessage(en)).toBe(zh);
  });

  it('should keep an unknown message, translating only the terms it knows', () => {
    expect(translateLintMessage('A <User Task> does something new with <Frobnicator>')).toBe(
      'A 「用户任务」 does something new with 「Frobnicator」',
    );
    expect(isTranslated('Something entirely new')).toBe(false);
    expect(translateLintMessage('Something entirely new')).toBe('Something entirely new');
    expect(translateTerm('Escalation Intermediate Throw Event')).toBe('升级中间抛出事件');
    expect(translateTerm('Template Service Task')).toBe('模板服务任务');
  });
});
