/**
 * Chinese for the problems the modeler's linter reports (`@camunda/linting` for Camunda 8.8: the
 * camunda-compat messages of `lib/utils/error-messages.js` and the bpmnlint core rules it enables).
 *
 * Those messages are composed in English from a few sentence shapes ("A <User Task> must have a
 * defined <Form ID>", "… is only supported by Camunda 8.9 or newer") around terms in angle
 * brackets (element types, property labels). So the table has two parts: the terms, and the
 * sentence shapes. A message whose shape is unknown keeps its English sentence, with the known
 * terms translated; a term that is unknown stays in English. Nothing is ever dropped.
 */

/** Element type words: getTypeString() = event definition prefix + local type, split into words. */
const EVENT_PREFIXES: Record<string, string> = {
  Message: '消息',
  Timer: '定时器',
  Error: '错误',
  Signal: '信号',
  Escalation: '升级',
  Conditional: '条件',
  Link: '链接',
  Compensate: '补偿',
  Terminate: '终止',
  Cancel: '取消',
  Undefined: '空',
};

const TYPES: Record<string, string> = {
  Process: '流程',
  Collaboration: '协作',
  Participant: '参与者（池）',
  Lane: '泳道',
  'Sequence Flow': '顺序流',
  'Sequence Flows': '顺序流',
  'Message Flow': '消息流',
  'Start Event': '开始事件',
  'End Event': '结束事件',
  'Intermediate Catch Event': '中间捕获事件',
  'Intermediate Throw Event': '中间抛出事件',
  'Boundary Event': '边界事件',
  Task: '任务',
  'Undefined Task': '无类型任务',
  'User Task': '用户任务',
  'Service Task': '服务任务',
  'Script Task': '脚本任务',
  'Business Rule Task': '业务规则任务',
  'Send Task': '发送任务',
  'Receive Task': '接收任务',
  'Manual Task': '手工任务',
  'Call Activity': '调用活动',
  'Sub Process': '子流程',
  'Event Sub Process': '事件子流程',
  'Ad Hoc Sub Process': '即席子流程',
  Transaction: '事务子流程',
  'Exclusive Gateway': '排他网关',
  'Inclusive Gateway': '包容网关',
  'Parallel Gateway': '并行网关',
  'Complex Gateway': '复杂网关',
  'Event Based Gateway': '事件网关',
  'Event-Based Gateway': '事件网关',
  'Event-based Gateway': '事件网关',
  'Data Object Reference': '数据对象',
  'Data Store Reference': '数据存储',
  'Text Annotation': '文本注释',
  Group: '分组',
};

/** Property and setting labels of the properties panel, as the messages quote them. */
const PROPERTIES: Record<string, string> = {
  Executable: '可执行',
  'Before all': '全部之前（beforeAll）',
  'Binding: version tag': '绑定方式：版本标签',
  'Binding: deployment': '绑定方式：同一部署',
  'Business ID': '业务 ID',
  'Called decision ID': '被调用决策 ID',
  'Called element': '被调用流程',
  'Candidate users': '候选用户',
  'Condition expression': '条件表达式',
  'Due date': '到期日',
  'Follow up date': '跟进日期',
  'Error Reference': '错误引用',
  'Error code': '错误代码',
  'Escalation Reference': '升级引用',
  'Escalation code': '升级代码',
  'Event Type': '事件类型',
  'Execution Listener': '执行监听器',
  'Execution Listeners': '执行监听器',
  'Execution listener': '执行监听器',
  'Execution listeners': '执行监听器',
  'Extension properties': '扩展属性',
  'External reference': '外部引用',
  'FEEL expression': 'FEEL 表达式',
  'Form ID': '表单 ID',
  'Form JSON configuration': '表单 JSON 配置',
  'Form key': '表单键',
  'Form type: Camunda Form': '表单类型：Camunda 表单',
  'Form type: Camunda form (embedded)': '表单类型：Camunda 表单（内嵌）',
  'Form type: Camunda form (linked)': '表单类型：Camunda 表单（链接）',
  'Form type: Custom form key': '表单类型：自定义表单键',
  'Form type: External reference': '表单类型：外部引用',
  Form: '表单',
  Headers: '任务头',
  'History time to live': '历史保留期限',
  'Implementation: Camunda user task': '实现方式：Camunda 用户任务',
  'Implementation: DMN decision': '实现方式：DMN 决策',
  'Implementation: FEEL expression': '实现方式：FEEL 表达式',
  'Implementation: Job worker': '实现方式：作业工作者',
  Implementation: '实现方式',
  'Input collection': '输入集合',
  'Input element': '输入元素',
  Input: '输入映射',
  'Job Priority': '作业优先级',
  Key: '键',
  'Local variable name': '局部变量名',
  'Message Reference': '消息引用',
  'Multi-instance marker': '多实例标记',
  Name: '名称',
  'Output collection': '输出集合',
  'Output element': '输出元素',
  Output: '输出映射',
  Priority: '优先级',
  'Process variable name': '流程变量名',
  'Propagate all variables': '传递全部变量',
  'Result variable': '结果变量',
  'Signal Reference': '信号引用',
  'Subscription correlation key': '订阅关联键',
  'Task Listener': '任务监听器',
  'Task listeners': '任务监听器',
  'Task definition type': '任务定义类型',
  'Time cycle': '循环周期',
  'Time date': '指定时间',
  'Time duration': '持续时间',
  Cycle: '循环周期',
  Date: '指定时间',
  Duration: '持续时间',
  'Timer type': '定时器类型',
  'Timer value': '定时器取值',
  Type: '类型',
  'User Task Form': '用户任务表单',
  'Variable assignment value': '变量赋值',
  'Version tag': '版本标签',
  'Wait for completion': '等待完成',
};

/** Property names of the raw rule messages (moddle attribute names). */
const MODDLE_PROPERTIES: Record<string, string> = {
  formId: '表单 ID',
  formKey: '表单键',
  externalReference: '外部引用',
  type: '类型',
  processId: '被调用流程 ID',
  decisionId: '决策 ID',
  resultVariable: '结果变量',
  expression: '表达式',
  correlationKey: '关联键',
  inputCollection: '输入集合',
  inputElement: '输入元素',
  outputCollection: '输出集合',
  outputElement: '输出元素',
  conditionExpression: '条件表达式',
  timeCycle: '循环周期',
  timeDate: '指定时间',
  timeDuration: '持续时间',
  messageRef: '消息引用',
  errorRef: '错误引用',
  signalRef: '信号引用',
  escalationRef: '升级引用',
  errorCode: '错误代码',
  escalationCode: '升级代码',
  name: '名称',
  source: '来源表达式',
  target: '目标变量',
  incoming: '传入连线',
  eventType: '事件类型',
  dueDate: '到期日',
  followUpDate: '跟进日期',
  priority: '优先级',
  candidateUsers: '候选用户',
  candidateGroups: '候选组',
  assignee: '办理人',
  versionTag: '版本标签',
  bindingType: '绑定方式',
  'zeebe:TaskDefinition': '任务定义',
  'zeebe:FormDefinition': '表单定义',
  'zeebe:CalledElement': '被调用流程',
  'zeebe:CalledDecision': '被调用决策',
  'zeebe:Script': '脚本',
  'zeebe:Subscription': '订阅',
  'zeebe:LoopCharacteristics': '多实例特性',
  'zeebe:IoMapping': '输入输出映射',
  'zeebe:Input': '输入映射',
  'zeebe:Output': '输出映射',
  'zeebe:TaskHeaders': '任务头',
  'zeebe:UserTask': 'Camunda 用户任务',
  'zeebe:ExecutionListener': '执行监听器',
  'zeebe:TaskListener': '任务监听器',
  'zeebe:AssignmentDefinition': '分配定义',
  'zeebe:TaskSchedule': '任务日程',
  'zeebe:PriorityDefinition': '优先级定义',
  'zeebe:Properties': '扩展属性',
};

/** One term in 「」: a type (with an event prefix, or a Template/Connector prefix) or a property. */
export function translateTerm(term: string): string {
  const t = term.trim();
  if (PROPERTIES[t]) return PROPERTIES[t];
  if (TYPES[t]) return TYPES[t];
  const template = /^(Template|Connector) (.+)$/.exec(t);
  if (template && TYPES[template[2]!]) return `${template[1] === 'Template' ? '模板' : '连接器'}${TYPES[template[2]!]}`;
  // moddle types of the raw rule messages: <bpmn:UserTask>, <bpmn:MessageEventDefinition>
  const moddle = /^bpmn:(\w+)$/.exec(t);
  if (moddle) {
    const local = moddle[1]!;
    const def = /^(\w+)EventDefinition$/.exec(local);
    if (def && EVENT_PREFIXES[def[1]!]) return `${EVENT_PREFIXES[def[1]!]}事件定义`;
    const spaced = local.replace(/([a-z])([A-Z])/g, '$1 $2');
    if (TYPES[spaced]) return TYPES[spaced];
  }
  if (MODDLE_PROPERTIES[t]) return MODDLE_PROPERTIES[t];
  const words = t.split(' ');
  if (words.length > 1 && EVENT_PREFIXES[words[0]!]) {
    const rest = words.slice(1).join(' ');
    if (TYPES[rest]) return `${EVENT_PREFIXES[words[0]!]}${TYPES[rest]}`;
  }
  return t;
}

const q = (term: string) => `「${translateTerm(term)}」`;
/** every <term> in a piece of text, in 「」 */
const terms = (s: string) => s.replace(/<([^<>]+)>/g, (_m, t: string) => q(t));
const T = '<([^<>]+)>';
const ART = '(?:A|An|One)';

/**
 * The subject phrases the messages are built from ("A <X> with <Y>", "A <X> in a <Y>", …).
 * Unknown shapes: terms translated, words kept.
 */
export function translatePhrase(phrase: string): string {
  const p = phrase.trim();
  const rules: [RegExp, (m: string[]) => string][] = [
    [new RegExp(`^${ART} ${T}$`), (m) => q(m[1]!)],
    [new RegExp(`^${ART} ${T} with ${T} or ${T}$`), (m) => `带有${q(m[2]!)}或${q(m[3]!)}的${q(m[1]!)}`],
    [new RegExp(`^${ART} ${T} with ${T} disabled$`), (m) => `关闭了${q(m[2]!)}的${q(m[1]!)}`],
    [new RegExp(`^${ART} ${T} with ${T} event type$`), (m) => `事件类型为${q(m[2]!)}的${q(m[1]!)}`],
    [new RegExp(`^${ART} ${T} with an expression as ${T}$`), (m) => `以表达式作为${q(m[2]!)}的${q(m[1]!)}`],
    [new RegExp(`^${ART} ${T} with ${T} and defined ${T}$`), (m) => `带有${q(m[2]!)}且已定义${q(m[3]!)}的${q(m[1]!)}`],
    [new RegExp(`^${ART} ${T} with defined ${T}$`), (m) => `已定义${q(m[2]!)}的${q(m[1]!)}`],
    [new RegExp(`^${ART} ${T} with ${T}$`), (m) => `带有${q(m[2]!)}的${q(m[1]!)}`],
    [new RegExp(`^${ART} ${T} in (?:a|an) ${T}$`), (m) => `${q(m[2]!)}中的${q(m[1]!)}`],
    [new RegExp(`^A collapsed ${T}$`), (m) => `折叠的${q(m[1]!)}`],
    [
      new RegExp(`^An interrupting ${T} in an ${T} placed in an ${T}$`),
      (m) => `位于${q(m[3]!)}内${q(m[2]!)}中的中断型${q(m[1]!)}`,
    ],
  ];
  for (const [re, fmt] of rules) {
    const m = re.exec(p);
    if (m) return fmt(m);
  }
  return terms(p);
}

/** "Camunda 8.8", "Camunda 8 (Zeebe 1.3)": kept as they are */
const V = '(.+?)';

const SENTENCES: [RegExp, (m: string[]) => string][] = [
  // getSupportedMessage()
  [
    new RegExp(`^(.+) is only supported by ${V} or newer$`),
    (m) => `${translatePhrase(m[1]!)}仅在 ${m[2]} 及以上版本中受支持`,
  ],
  [
    new RegExp(`^${ART} ${T} with more than one incoming ${T} is not supported by ${V}$`),
    (m) => `${m[3]} 不支持有多条传入${q(m[2]!)}的${q(m[1]!)}`,
  ],
  [new RegExp(`^(.+) is not supported by ${V}$`), (m) => `${m[2]} 不支持${translatePhrase(m[1]!)}`],
  // required properties
  [
    new RegExp(`^(.+) must have a defined ${T} or be the default ${T}$`),
    (m) => `${translatePhrase(m[1]!)}必须定义${q(m[2]!)}，或设为默认${q(m[3]!)}`,
  ],
  [
    new RegExp(`^(.+) must have a defined ${T}\\. Empty variable assignments are only supported by ${V} or newer$`),
    (m) => `${translatePhrase(m[1]!)}必须定义${q(m[2]!)}（空赋值仅在 ${m[3]} 及以上版本中受支持）`,
  ],
  [new RegExp(`^(.+) must have a defined ${T}$`), (m) => `${translatePhrase(m[1]!)}必须定义${q(m[2]!)}`],
  [new RegExp(`^(.+) should have a defined ${T}$`), (m) => `${translatePhrase(m[1]!)}应当定义${q(m[2]!)}`],
  [new RegExp(`^(.+) must have a unique ${T}$`), (m) => `${translatePhrase(m[1]!)}的${q(m[2]!)}必须唯一`],
  [new RegExp(`^(.+) must have an? ${T}$`), (m) => `${translatePhrase(m[1]!)}必须设置${q(m[2]!)}`],
  [new RegExp(`^One ${T} must be ${T}$`), (m) => `至少一个${q(m[1]!)}必须设为${q(m[2]!)}`],
  [new RegExp(`^A ${T} must be ${T}$`), (m) => `${q(m[1]!)}必须设为${q(m[2]!)}`],
  // values
  [
    new RegExp(
      `^(.+) ${T} must be an expression, an ISO 8601 repeating interval, or a cron expression(?: \\(cron only supported by ${V} or newer\\))?$`,
    ),
    (m) =>
      `${translatePhrase(m[1]!)}的${q(m[2]!)}必须是表达式、ISO 8601 重复间隔或 cron 表达式` +
      (m[3] ? `（cron 仅在 ${m[3]} 及以上版本中受支持）` : ''),
  ],
  [
    new RegExp(`^(.+) ${T} must be an expression, or an ISO 8601 date$`),
    (m) => `${translatePhrase(m[1]!)}的${q(m[2]!)}必须是表达式或 ISO 8601 日期时间`,
  ],
  [
    new RegExp(`^(.+) ${T} must be an expression, or an ISO 8601 interval$`),
    (m) => `${translatePhrase(m[1]!)}的${q(m[2]!)}必须是表达式或 ISO 8601 时间间隔`,
  ],
  [
    new RegExp(`^(.+) ${T} must be an ISO 8601 date$`),
    (m) => `${translatePhrase(m[1]!)}的${q(m[2]!)}必须是 ISO 8601 日期时间`,
  ],
  [
    new RegExp(`^(.+) ${T} must be an expression, or an integer between 0 and 100$`),
    (m) => `${translatePhrase(m[1]!)}的${q(m[2]!)}必须是表达式或 0–100 之间的整数`,
  ],
  [
    new RegExp(`^(.+) with a ${T} longer than 255 characters is not supported$`),
    (m) => `${translatePhrase(m[1]!)}的${q(m[2]!)}不得超过 255 个字符`,
  ],
  [
    new RegExp(`^(.+) with ${T} is only supported if the source is an ${T} or ${T}$`),
    (m) => `只有源元素为${q(m[3]!)}或${q(m[4]!)}时，${translatePhrase(m[1]!)}才可设置${q(m[2]!)}`,
  ],
  [
    new RegExp(`^(.+) with ${T} managed by Camunda is not supported\\. Migrate to ${T}\\.$`),
    (m) => `不再支持由 Camunda 管理的${q(m[2]!)}的${translatePhrase(m[1]!)}，请改为${q(m[3]!)}`,
  ],
  [
    new RegExp(`^(.+) with ${T} managed by Camunda is deprecated\\. Consider migrating to ${T}\\.$`),
    (m) => `由 Camunda 管理的${q(m[2]!)}的${translatePhrase(m[1]!)}已弃用，建议改为${q(m[3]!)}`,
  ],
  [
    new RegExp(`^(.+) with two or more ${T} with the same ${T} \\((.*)\\) is not supported$`),
    (m) => `${translatePhrase(m[1]!)}不能有两个及以上${q(m[3]!)}相同（${m[4]}）的${q(m[2]!)}`,
  ],
  [
    new RegExp(`^(.+) with two or more ${T} with the same ${T} \\((.*)\\) and ${T} \\((.*)\\) is not supported$`),
    (m) => `${translatePhrase(m[1]!)}不能有两个及以上${q(m[3]!)}（${m[4]}）和${q(m[5]!)}（${m[6]}）都相同的${q(m[2]!)}`,
  ],
  [
    new RegExp(`^An ${T} with ${T} event type is only allowed on multi-instance elements$`),
    (m) => `事件类型为${q(m[2]!)}的${q(m[1]!)}只能用于多实例元素`,
  ],
  [
    new RegExp(`^A ${T} is not allowed to contain a straight-through processing loop: (.+)$`),
    (m) => `${q(m[1]!)}不得包含无等待状态的直通循环：${terms(m[2]!).replace(/, /g, '、')}`,
  ],
  [new RegExp(`^(.+) is not allowed on (?:a|an) ${T}$`), (m) => `${q(m[2]!)}上不允许附加${translatePhrase(m[1]!)}`],
  [new RegExp(`^(.+) cannot be the target of an? ${T}$`), (m) => `${translatePhrase(m[1]!)}不能作为${q(m[2]!)}的目标`],
  [/^Escalation code used in a catch event must be a static value$/, () => '捕获事件中使用的升级代码必须是静态值'],
  [/^Error code used in a catch event must be a static value$/, () => '捕获事件中使用的错误代码必须是静态值'],
  [
    /^Variable name must start with a letter or an underscore, and may contain only letters, digits, underscores, and dots\.$/,
    () => '变量名须以字母或下划线开头，只能包含字母、数字、下划线和点',
  ],
  [
    new RegExp(
      `^Property ${T} uses deprecated secret expression format secrets\\.SECRET, (?:migrate to camunda\\.secrets format|use \\{\\{secrets\\.SECRET\\}\\} instead)$`,
    ),
    (m) => `属性${q(m[1]!)}使用了已弃用的密钥表达式格式 secrets.SECRET，请改用 camunda.secrets 格式`,
  ],
  [
    new RegExp(
      `^Property ${T} uses legacy secret expression format \\{\\{secrets\\.SECRET\\}\\}, migrate to camunda\\.secrets format$`,
    ),
    (m) => `属性${q(m[1]!)}使用了旧的密钥表达式格式 {{secrets.SECRET}}，请改用 camunda.secrets 格式`,
  ],
  // raw rule messages, shown when @camunda/linting has no sentence of its own for a report
  [new RegExp(`^Expression value of ${T} not allowed$`), (m) => `表达式取值${q(m[1]!)}不被允许`],
  [new RegExp(`^Expression statement ${T} not supported$`), (m) => `不支持表达式语句${q(m[1]!)}`],
  [
    new RegExp(`^Expression statement ${T} only supported by ${V} or newer$`),
    (m) => `表达式语句${q(m[1]!)}仅在 ${m[2]} 及以上版本中受支持`,
  ],
  [new RegExp(`^FEEL function ${T} requires ${V}$`), (m) => `FEEL 函数${q(m[1]!)}需要 ${m[2]}`],
  [new RegExp(`^Property ${T} must have expression value$`), (m) => `属性${q(m[1]!)}必须是表达式`],
  [new RegExp(`^Property ${T} is not a valid FEEL expression$`), (m) => `属性${q(m[1]!)}不是有效的 FEEL 表达式`],
  [new RegExp(`^Property ${T} must have value of ${T}$`), (m) => `属性${q(m[1]!)}的取值必须为${q(m[2]!)}`],
  [
    new RegExp(`^Element of type ${T} must have property ${T} if it has property ${T}$`),
    (m) => `设置了属性${q(m[3]!)}的${q(m[1]!)}必须有属性${q(m[2]!)}`,
  ],
  [
    new RegExp(`^Element of type ${T} must have property (${T}(?:(?:, | or | and )${T})*)$`),
    (m) => `${q(m[1]!)}必须有属性${terms(m[2]!).replace(/ or /g, '或').replace(/ and /g, '和').replace(/, /g, '、')}`,
  ],
  [
    new RegExp(`^Element of type ${T} must have one extension element of type (${T}(?:(?:, | or )${T})*)$`),
    (m) => `${q(m[1]!)}必须有一个扩展元素：${terms(m[2]!).replace(/ or /g, '或').replace(/, /g, '、')}`,
  ],
  [
    new RegExp(`^Element of type ${T} must have one property ${T} of type ${T}$`),
    (m) => `${q(m[1]!)}必须有一条${q(m[3]!)}作为${q(m[2]!)}`,
  ],
  [
    new RegExp(`^Element of type ${T} with event definition of type ${T} not allowed$`),
    (m) => `不允许带有${q(m[2]!)}的${q(m[1]!)}`,
  ],
  [
    new RegExp(`^Element of type ${T} with event definition of type ${T} only allowed by ${V} or newer$`),
    (m) => `带有${q(m[2]!)}的${q(m[1]!)}仅在 ${m[3]} 及以上版本中受支持`,
  ],
  [new RegExp(`^Element of type ${T} with no event definition not allowed$`), (m) => `不允许没有事件定义的${q(m[1]!)}`],
  [
    new RegExp(`^Element of type ${T} with no event definition only allowed by ${V} or newer$`),
    (m) => `没有事件定义的${q(m[1]!)}仅在 ${m[2]} 及以上版本中受支持`,
  ],
  [new RegExp(`^Element of type ${T} not allowed$`), (m) => `不允许使用${q(m[1]!)}`],
  [
    new RegExp(`^Element of type ${T} only allowed by ${V} or newer$`),
    (m) => `${q(m[1]!)}仅在 ${m[2]} 及以上版本中受支持`,
  ],
  [new RegExp(`^A ${T} must be expanded$`), (m) => `${q(m[1]!)}必须展开`],
  [
    new RegExp(`^Properties of type ${T} have property ${T} with duplicate value of ${T}$`),
    (m) => `多个${q(m[1]!)}的${q(m[2]!)}取值重复：${q(m[3]!)}`,
  ],
  [/^Loop detected: (.+)$/, (m) => `检测到循环：${m[1]}`],
  [
    /^Embedded forms on start events are deprecated; use a linked form instead$/,
    () => '开始事件的内嵌表单已弃用，请改用链接表单',
  ],
  // bpmnlint core rules enabled for Camunda 8 (camunda-cloud config)
  [/^Element is missing label\/name$/, () => '元素缺少名称'],
  [/^Element is missing name$/, () => '元素缺少名称'],
  [/^Element name is not unique$/, () => '元素名称不唯一'],
  [/^Element is not connected$/, () => '元素未连接'],
  [/^Element is unused$/, () => '元素未被使用'],
  [/^Element is an implicit end$/, () => '元素是隐式结束（缺少结束事件）'],
  [/^Element is an implicit start$/, () => '元素是隐式开始（缺少开始事件）'],
  [/^Element is missing bpmndi$/, () => '元素缺少图形信息（BPMNDI）'],
  [/^Element overlaps with other element$/, () => '元素与其他元素重叠'],
  [/^Element is outside of parent boundary$/, () => '元素超出了父元素边界'],
  [/^Element type <(.+)> is discouraged$/, (m) => `不建议使用元素类型 ${m[1]}`],
  [/^Event has multiple event definitions$/, () => '事件有多个事件定义'],
  [/^Flow splits implicitly$/, () => '流程隐式分支（应使用网关）'],
  [/^Gateway forks and joins$/, () => '网关同时用于分支和汇合'],
  [/^Gateway is superfluous\. It only has one source and target\.$/, () => '网关多余：只有一个来源和一个目标'],
  [/^Incoming flows do not join$/, () => '多条传入流未通过网关汇合'],
  [/^Sequence flow is missing condition$/, () => '顺序流缺少条件'],
  [/^Sequence flow has superfluous label$/, () => '顺序流的标签多余'],
  [/^SequenceFlow is a duplicate$/, () => '顺序流重复'],
  [/^Duplicate (incoming|outgoing) sequence flows$/, (m) => `${m[1] === 'incoming' ? '传入' : '传出'}顺序流重复`],
  [/^Conditional event is missing a condition$/, () => '条件事件缺少条件'],
  [/^Link event is missing link name$/, () => '链接事件缺少链接名称'],
  [/^Start event is missing event definition$/, () => '开始事件缺少事件定义'],
  [/^Start event must be blank$/, () => '开始事件必须为空开始事件'],
  [/^Termination is superfluous\.$/, () => '终止结束事件多余'],
  [/^(.+) is missing start event$/, (m) => `${terms(m[1]!)}缺少开始事件`],
  [/^(.+) is missing end event$/, (m) => `${terms(m[1]!)}缺少结束事件`],
  [/^(.+) has multiple blank start events$/, (m) => `${terms(m[1]!)}有多个空开始事件`],
  [new RegExp(`^An ${T} must have at least 2 outgoing ${T}$`), (m) => `${q(m[1]!)}至少需要 2 条传出${q(m[2]!)}`],
  [
    new RegExp(`^A ${T} outgoing from an ${T} must not be conditional$`),
    (m) => `从${q(m[2]!)}传出的${q(m[1]!)}不得带条件`,
  ],
  [new RegExp(`^(?:A|An) ${T} is not allowed in ${T}$`), (m) => `${q(m[2]!)}中不允许${q(m[1]!)}`],
  [
    /^Duplicate link catch event with link name <(.+)> in scope$/,
    (m) => `同一范围内链接名称为「${m[1]}」的链接捕获事件重复`,
  ],
  [
    /^Link (catch|throw) event with link name <(.+)> missing in scope$/,
    (m) => `同一范围内缺少链接名称为「${m[2]}」的链接${m[1] === 'catch' ? '捕获' : '抛出'}事件`,
  ],
];

/** The Chinese text of a lint message; unknown shapes keep their words, with known terms in Chinese. */
export function translateLintMessage(message: string): string {
  const text = message.trim();
  for (const [re, fmt] of SENTENCES) {
    const m = re.exec(text);
    if (m) return fmt(m);
  }
  return terms(text);
}

/** True when the message was recognised as a whole (not only its terms). */
export function isTranslated(message: string): boolean {
  return SENTENCES.some(([re]) => re.test(message.trim()));
}
