import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formsDir, processResources } from '../../processes';
import { eventDefinition, ext, headers, loadAllModels, reachable } from './models';
import type { FlowNode, Model, ModdleElement } from './models';

const root = join(__dirname, '..', '..');
const readme = readFileSync(join(root, 'processes', 'README.md'), 'utf8');

/** Candidate groups of regulation.md (R5). */
const GROUPS = [
  'data-bureau',
  'finance',
  'drc',
  'trading-center',
  'crypto-bureau',
  'cyberspace-office',
  'audit',
  'government',
  'experts',
];

/** Every rule id of regulation.md; cross-checked against the shared copy when it is present. */
const RULE_IDS = [
  'R2.1', 'R2.2', 'R3', 'R5', 'R6', 'R7', 'R8.1', 'R8.2', 'R9', 'R10', 'R11', 'R12', 'R13', 'R14', 'R15', 'R16',
  'R17', 'R18', 'R19.1', 'R19.2', 'R19.3', 'R20', 'R21', 'R22.1', 'R22.2', 'R22.3', 'R23', 'R24', 'R25', 'R26',
  'R27', 'R28', 'R29',
]; // prettier-ignore

const TASK_TYPES = ['bpmn:UserTask', 'bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:CallActivity'];

/** Rows of a markdown table whose first cell matches. */
function tableRows(firstCell: RegExp): string[][] {
  return readme
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) =>
      l
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim()),
    )
    .filter((cells) => firstCell.test(cells[0] ?? ''));
}
const ticks = (cell: string | undefined) => [...(cell ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]!);

let models: Map<string, Model>;
let lifecycle: Model;
let annual: Model;
let quarterly: Model;
let subproject: Model;

beforeAll(async () => {
  models = await loadAllModels();
  lifecycle = models.get('project-lifecycle')!;
  annual = models.get('annual-planning')!;
  quarterly = models.get('quarterly-reporting')!;
  subproject = models.get('cross-department-subproject')!;
});

const all = () => [...models.values()];
const node = (m: Model, id: string): FlowNode => {
  const n = m.nodes.get(id);
  if (!n) throw new Error(`${m.processId} has no element ${id}`);
  return n;
};
const nodesOf = (type: string) => all().flatMap((m) => [...m.nodes.values()].filter((n) => n.type === type));
const groupsOf = (el: ModdleElement) => ext(el, 'zeebe:AssignmentDefinition')?.candidateGroups ?? '';
const outputsOf = (el: ModdleElement) => ext(el, 'zeebe:IoMapping')?.outputParameters ?? [];
const timerOf = (el: ModdleElement) => eventDefinition(el)?.timeDate?.body;
const boundaryOn = (m: Model, host: string) => [...m.nodes.values()].filter((n) => n.el.attachedToRef?.id === host);
const flowTo = (m: Model, from: string, to: string) =>
  node(m, from).outgoing.find((f) => f.target === to) ?? missing(`no flow ${from} → ${to}`);
const defaultTarget = (m: Model, gateway: string) => node(m, gateway).outgoing.find((f) => f.isDefault)?.target;

function missing(message: string): never {
  throw new Error(message);
}

describe('process models: structure', () => {
  it('should deploy the four models, called processes first, and every form', () => {
    const names = processResources().map((r) => r.name);
    expect(names.filter((n) => n.endsWith('.bpmn'))).toEqual([
      'cross-department-subproject.bpmn',
      'quarterly-reporting.bpmn',
      'project-lifecycle.bpmn',
      'annual-planning.bpmn',
    ]);
    expect(names.filter((n) => n.endsWith('.form')).length).toBeGreaterThanOrEqual(30);
    for (const r of processResources()) expect(existsSync(r.path)).toBe(true);
  });

  it('should parse every model with bpmn-moddle + zeebe-bpmn-moddle without warnings, executable for Camunda 8.8', () => {
    for (const m of all()) {
      expect({ file: m.file, warnings: m.warnings }).toEqual({ file: m.file, warnings: [] });
      expect(m.process.isExecutable).toBe(true);
      const xml = readFileSync(join(root, 'processes', m.file), 'utf8');
      expect(xml).toContain('modeler:executionPlatform="Camunda Cloud"');
      expect(xml).toContain('modeler:executionPlatformVersion="8.8.0"');
      expect(xml).toContain('xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"');
    }
  });

  it('should give every user task zeebe:userTask, known candidate groups and an existing form with the declared id', () => {
    const userTasks = nodesOf('bpmn:UserTask');
    expect(userTasks.length).toBeGreaterThan(40);
    for (const t of userTasks) {
      expect({ id: t.id, userTask: !!ext(t.el, 'zeebe:UserTask') }).toEqual({ id: t.id, userTask: true });
      const groups = groupsOf(t.el);
      expect({ id: t.id, groups }).toEqual({ id: t.id, groups: expect.stringMatching(/\S/) });
      if (groups.startsWith('=')) {
        // FEEL list: string literals must be known groups, the rest the applying or participating
        // department, or the body that issued a rectification order (`orderedBy`: a bureau code,
        // validated by egov.rectification-register against the R26 supervising bodies).
        const literals = [...groups.matchAll(/"([^"]+)"/g)].map((x) => x[1]!);
        for (const l of literals.filter((x) => x !== 'dept:')) expect(GROUPS).toContain(l);
        expect(groups).toMatch(/^=\[.*\]$/);
        const rest = groups.replace(/"[^"]*"/g, '').replace(/[=[\],+\s]/g, '');
        expect(['', 'departmentGroup', 'participant.departmentCode', 'orderedBy']).toContain(rest);
      } else {
        for (const g of groups.split(',').map((x) => x.trim())) expect(GROUPS).toContain(g);
      }
      const formId = ext(t.el, 'zeebe:FormDefinition')?.formId;
      expect({ id: t.id, formId }).toEqual({ id: t.id, formId: expect.any(String) });
      const file = join(formsDir, `${formId}.form`);
      expect({ id: t.id, exists: existsSync(file) }).toEqual({ id: t.id, exists: true });
      expect((JSON.parse(readFileSync(file, 'utf8')) as { id: string }).id).toBe(formId);
    }
  });

  it('should use only job types listed in the README job-type table, and list no job type that is not used', () => {
    const documented = new Map(tableRows(/^`egov\./).map((cells) => [ticks(cells[0])[0]!, ticks(cells[1])]));
    const used = new Map<string, string[]>();
    for (const t of [...nodesOf('bpmn:ServiceTask'), ...nodesOf('bpmn:SendTask')]) {
      const type = ext(t.el, 'zeebe:TaskDefinition')?.type;
      expect({ id: t.id, type }).toEqual({ id: t.id, type: expect.stringMatching(/^egov\.[a-z0-9-]+$/) });
      used.set(type!, [...(used.get(type!) ?? []), t.id]);
    }
    expect([...documented.keys()].sort()).toEqual([...used.keys()].sort());
    for (const [type, ids] of used)
      expect({ type, ids: [...(documented.get(type) ?? [])].sort() }).toEqual({ type, ids: ids.sort() });
  });

  it('should cover every rule id of regulation.md in the README rule table, citing only existing element ids', () => {
    const shared = '/work/shared/docs/regulation.md';
    if (existsSync(shared)) {
      const ids = new Set([...readFileSync(shared, 'utf8').matchAll(/\*\*(R\d+(?:\.\d+)?)\*\*/g)].map((x) => x[1]!));
      for (const id of ids) expect(RULE_IDS).toContain(id);
    }
    const rows = tableRows(/^R\d/);
    expect(rows.map((r) => r[0])).toEqual(RULE_IDS);
    const allIds = new Set(all().flatMap((m) => [...m.nodes.keys()]));
    for (const row of rows) {
      const ids = ticks(row[1]);
      expect({ rule: row[0], count: ids.length > 0 }).toEqual({ rule: row[0], count: true });
      for (const id of ids)
        expect({ rule: row[0], id, exists: allIds.has(id) }).toEqual({ rule: row[0], id, exists: true });
      expect({ rule: row[0], test: row[2] }).toEqual({ rule: row[0], test: expect.stringMatching(/\S/) });
    }
  });

  it('should document every task and sub-process with the rule or 附件 it implements', () => {
    for (const m of all())
      for (const n of m.nodes.values()) {
        if (![...TASK_TYPES, 'bpmn:SubProcess'].includes(n.type)) continue;
        const doc = n.el.documentation?.map((d) => d.text).join(' ') ?? '';
        expect({ id: n.id, doc }).toEqual({ id: n.id, doc: expect.stringMatching(/R\d|附件/) });
      }
  });

  it('should name every task, sub-process and non-merge gateway in Chinese', () => {
    for (const m of all())
      for (const n of m.nodes.values()) {
        const mustName =
          [...TASK_TYPES, 'bpmn:SubProcess'].includes(n.type) ||
          (n.type === 'bpmn:ExclusiveGateway' && n.outgoing.length > 1);
        if (mustName)
          expect({ id: n.id, name: n.el.name }).toEqual({ id: n.id, name: expect.stringMatching(/[\u4e00-\u9fff]/) });
      }
  });

  it('should give every exclusive split a default flow and a FEEL condition on each other flow', () => {
    for (const m of all())
      for (const g of m.nodes.values()) {
        if (g.type !== 'bpmn:ExclusiveGateway' || g.outgoing.length < 2) continue;
        expect({ id: g.id, defaults: g.outgoing.filter((f) => f.isDefault).length }).toEqual({ id: g.id, defaults: 1 });
        for (const f of g.outgoing.filter((x) => !x.isDefault))
          expect({ flow: f.id, condition: f.condition }).toEqual({
            flow: f.id,
            condition: expect.stringMatching(/^=/),
          });
      }
  });

  it('should take every timer date and task due date from a variable that a worker output mapping sets', () => {
    for (const m of all()) {
      const mapped = new Set([...m.nodes.values()].flatMap((n) => outputsOf(n.el).map((o) => o.target)));
      const used: [string, string][] = [];
      for (const n of m.nodes.values()) {
        const t = timerOf(n.el);
        if (t) used.push([n.id, t]);
        const due = ext(n.el, 'zeebe:TaskSchedule')?.dueDate;
        if (due) used.push([n.id, due]);
      }
      for (const [id, expr] of used) {
        const v = /^=([A-Za-z]+)$/.exec(expr)?.[1];
        expect({ id, expr, mapped: v !== undefined && mapped.has(v) }).toEqual({ id, expr, mapped: true });
      }
    }
  });

  it('should correlate every message by =projectId and publish the annual messages the lifecycle waits for', () => {
    const caught = new Set<string>();
    for (const m of all())
      for (const n of m.nodes.values()) {
        const def = eventDefinition(n.el);
        if (def?.$type !== 'bpmn:MessageEventDefinition') continue;
        const msg = def.messageRef!;
        expect({ id: n.id, key: ext(msg, 'zeebe:Subscription')?.correlationKey }).toEqual({
          id: n.id,
          key: '=projectId',
        });
        caught.add(msg.name!);
      }
    const published = [...annual.nodes.values()]
      .filter((n) => n.type === 'bpmn:SendTask')
      .map((n) => headers(n.el).messageName);
    expect(published.sort()).toEqual(['annual-plan-included', 'annual-plan-not-included', 'joint-review-opened']);
    for (const p of published) expect(caught).toContain(p);
    const rows = tableRows(/^`[a-z-]+`$/).map((r) => ticks(r[0])[0]);
    for (const name of caught) expect(rows).toContain(name);
  });

  it('should call only processes that are deployed', () => {
    for (const c of nodesOf('bpmn:CallActivity')) {
      const id = ext(c.el, 'zeebe:CalledElement')?.processId;
      expect(models.has(id!)).toBe(true);
    }
  });

  it('should have DI: a shape for every flow node, an edge for every flow, and no overlapping shapes', () => {
    for (const m of all()) {
      for (const id of m.nodes.keys())
        expect({ file: m.file, id, shape: m.shapes.has(id) }).toEqual({ file: m.file, id, shape: true });
      for (const f of m.flows)
        expect({ id: f.id, points: (m.edges.get(f.id)?.length ?? 0) >= 2 }).toEqual({ id: f.id, points: true });
      const ancestors = (id: string): string[] => {
        const n = m.nodes.get(id)!;
        const p = n.el.attachedToRef?.id ?? n.parent;
        return p ? [p, ...ancestors(p)] : [];
      };
      const ids = [...m.nodes.keys()];
      const overlaps: string[] = [];
      for (let i = 0; i < ids.length; i++)
        for (let j = i + 1; j < ids.length; j++) {
          const [a, b] = [ids[i]!, ids[j]!];
          if (ancestors(a).includes(b) || ancestors(b).includes(a)) continue;
          const [r, s] = [m.shapes.get(a)!, m.shapes.get(b)!];
          const apart = r.x + r.width <= s.x || s.x + s.width <= r.x || r.y + r.height <= s.y || s.y + s.height <= r.y;
          if (!apart) overlaps.push(`${a} × ${b}`);
        }
      expect({ file: m.file, overlaps }).toEqual({ file: m.file, overlaps: [] });
      // Edges start and end on their shapes (within a small tolerance), so the modeler draws them attached.
      for (const f of m.flows) {
        const pts = m.edges.get(f.id)!;
        const on = (p: { x: number; y: number }, id: string) => {
          const r = m.shapes.get(id)!;
          return p.x >= r.x - 1 && p.x <= r.x + r.width + 1 && p.y >= r.y - 1 && p.y <= r.y + r.height + 1;
        };
        expect({ id: f.id, start: on(pts[0]!, f.source), end: on(pts[pts.length - 1]!, f.target) }).toEqual({
          id: f.id,
          start: true,
          end: true,
        });
      }
    }
  });

  it('should route no sequence flow through a shape other than its own ends and their containers', () => {
    for (const m of all()) {
      const ancestors = (id: string): string[] => {
        const n = m.nodes.get(id)!;
        const p = n.el.attachedToRef?.id ?? n.parent;
        return p ? [p, ...ancestors(p)] : [];
      };
      const crossings: string[] = [];
      for (const f of m.flows) {
        const pts = m.edges.get(f.id)!;
        const own = new Set([f.source, f.target, ...ancestors(f.source), ...ancestors(f.target)]);
        for (const [id, r] of m.shapes) {
          if (own.has(id)) continue;
          for (let i = 0; i + 1 < pts.length; i++) {
            const [a, b] = [pts[i]!, pts[i + 1]!];
            const [x1, x2, y1, y2] = [Math.min(a.x, b.x), Math.max(a.x, b.x), Math.min(a.y, b.y), Math.max(a.y, b.y)];
            if (x2 > r.x + 1 && x1 < r.x + r.width - 1 && y2 > r.y + 1 && y1 < r.y + r.height - 1)
              crossings.push(`${f.id} × ${id}`);
          }
        }
      }
      expect({ file: m.file, crossings }).toEqual({ file: m.file, crossings: [] });
    }
  });
});

describe('process models: the rules they enforce', () => {
  it('R2.2 a not-governed project is told so and never reaches the review', () => {
    expect(flowTo(lifecycle, 'Gateway_Governed', 'Gateway_CrossDepartment').condition).toBe('=governed = true');
    const notGoverned = defaultTarget(lifecycle, 'Gateway_Governed')!;
    expect(notGoverned).toBe('Task_NotifyNotGoverned');
    expect(headers(node(lifecycle, notGoverned).el).template).toBe('not-governed');
    const after = reachable(lifecycle, notGoverned);
    expect(after).toContain('EndEvent_NotGoverned');
    expect(after).not.toContain('Task_MaterialsCheck');
    expect(after).not.toContain('Gateway_ReviewSplit');
    expect(ext(node(lifecycle, 'Task_ApplicabilityCheck').el, 'zeebe:TaskDefinition')?.type).toBe(
      'egov.applicability-check',
    );
  });

  it('R6 incomplete or non-compliant materials loop back to 退回修改 and are checked again', () => {
    expect(reachable(lifecycle, 'Gateway_MaterialsOk', new Set(['Gateway_AwaitReviewWindow']))).toContain(
      'Task_ReviseApplication',
    );
    expect(flowTo(lifecycle, 'Gateway_MaterialsOk', 'Gateway_AwaitReviewWindow').condition).toBe(
      '=materialsComplete = true and duplicateFound = false',
    );
    expect(reachable(lifecycle, 'Task_ReviseApplication')).toContain('Task_MaterialsCheck');
    expect(ext(node(lifecycle, 'Task_ReviseApplication').el, 'zeebe:FormDefinition')?.formId).toBe('application-form');
    // The annual window closes at the computed R6 deadline.
    expect(timerOf(node(annual, 'Event_ApplicationDeadline').el)).toBe('=applicationDeadline');
    expect(headers(node(annual, 'Task_PlanCalendar').el).rule).toBe('R6.application-deadline');
  });

  it('R7 joint review: five bodies and expert scoring in parallel; fail ends, return goes back for revision', () => {
    const split = node(lifecycle, 'Gateway_ReviewSplit');
    expect(split.type).toBe('bpmn:ParallelGateway');
    const groups = split.outgoing.map((f) => groupsOf(node(lifecycle, f.target).el)).sort();
    expect(groups).toEqual(['crypto-bureau', 'cyberspace-office', 'data-bureau', 'drc', 'experts', 'finance']);
    const experts = node(lifecycle, 'Task_ExpertScoring').el;
    expect(ext(experts.loopCharacteristics!, 'zeebe:LoopCharacteristics')?.inputCollection).toBe('=expertPanel');
    expect(node(lifecycle, 'Gateway_ReviewJoin').type).toBe('bpmn:ParallelGateway');
    expect(defaultTarget(lifecycle, 'Gateway_ReviewOutcome')).toBe('Task_NotifyReviewFailed');
    const failed = reachable(lifecycle, 'Task_NotifyReviewFailed');
    expect(failed).toContain('EndEvent_ReviewFailed');
    expect(failed).not.toContain('Task_InvestmentPlan');
    expect(flowTo(lifecycle, 'Gateway_ReviewOutcome', 'Gateway_ReviseMerge').condition).toBe(
      '=reviewOutcome = "return"',
    );
    for (const t of ['Task_ReviewDataBureau', 'Task_ReviewFinance', 'Task_ExpertScoring'])
      expect(ext(node(lifecycle, t).el, 'zeebe:TaskSchedule')?.dueDate).toBe('=reviewDueDate');
    // Parallel reviewers write distinct variables.
    const targets = split.outgoing.flatMap((f) => outputsOf(node(lifecycle, f.target).el).map((o) => o.target));
    expect(new Set(targets).size).toBe(targets.length);
  });

  it('R5 / 附件3 a key project is approved separately by the DRC before the investment plan', () => {
    expect(flowTo(lifecycle, 'Gateway_KeyProject', 'Task_KeyProjectApproval').condition).toBe('=isKeyProject = true');
    expect(groupsOf(node(lifecycle, 'Task_KeyProjectApproval').el)).toBe('drc');
    expect(groupsOf(node(lifecycle, 'Task_InvestmentPlan').el)).toBe('drc');
    expect(reachable(lifecycle, 'Task_KeyProjectApproval')).toContain('Task_InvestmentPlan');
  });

  it('R21 no construction step before the investment plan is registered', () => {
    const withoutPlan = reachable(lifecycle, 'StartEvent_Application', new Set(['Task_InvestmentPlanRegister']));
    for (const id of ['SubProcess_Construction', 'Task_ProjectStart', 'Task_Procurement', 'Task_Implementation'])
      expect(withoutPlan).not.toContain(id);
    expect(reachable(lifecycle, 'StartEvent_Application')).toContain('Task_ProjectStart');
  });

  it('R8.1 the project waits for the annual plan; not included → carry over (loop) or withdraw', () => {
    const gw = node(lifecycle, 'Gateway_PlanDecision');
    expect(gw.type).toBe('bpmn:EventBasedGateway');
    expect(gw.outgoing.map((f) => eventDefinition(node(lifecycle, f.target).el)?.messageRef?.name).sort()).toEqual([
      'annual-plan-included',
      'annual-plan-not-included',
    ]);
    expect(reachable(lifecycle, 'Task_PlanCarryOver')).toContain('Gateway_PlanDecision');
    expect(defaultTarget(lifecycle, 'Gateway_CarryOver')).toBe('Task_NotifyWithdrawn');
    // The annual plan is published only after the district government approves it.
    const unapproved = reachable(annual, 'StartEvent_PlanYear', new Set(['Task_GovernmentApproval']));
    expect(unapproved).not.toContain('Task_PublishIncluded');
    expect(groupsOf(node(annual, 'Task_GovernmentApproval').el)).toBe('government');
    expect(reachable(annual, 'Gateway_PlanApproved', new Set(['Task_PlanPublish']))).toContain(
      'Task_CompileAnnualPlan',
    );
  });

  it('R8.2 an urgent ad-hoc project enters the plan by its own approval, without waiting for the annual plan', () => {
    expect(flowTo(lifecycle, 'Gateway_AdHoc', 'Task_AdHocApproval').condition).toBe('=urgentAdHoc = true');
    expect(groupsOf(node(lifecycle, 'Task_AdHocApproval').el)).toBe('government');
    const adHoc = reachable(lifecycle, 'Task_AdHocApproval', new Set(['Gateway_PlanDecision']));
    expect(adHoc).toContain('Task_AdHocPlanAdd');
    expect(adHoc).toContain('Task_ProjectStart');
  });

  it('R10 a cross-department project: framework plan, one sub-project per participant, all joined before acceptance', () => {
    expect(flowTo(lifecycle, 'Gateway_CrossDepartment', 'Task_FrameworkPlan').condition).toBe(
      '=crossDepartment = true',
    );
    const call = node(lifecycle, 'CallActivity_SubProjects');
    expect(call.parent).toBe('SubProcess_Implementation');
    expect(ext(call.el, 'zeebe:CalledElement')?.processId).toBe('cross-department-subproject');
    const loop = ext(call.el.loopCharacteristics!, 'zeebe:LoopCharacteristics')!;
    expect([loop.inputCollection, loop.inputElement]).toEqual(['=participants', 'participant']);
    expect(node(lifecycle, 'Gateway_ImplementationJoin').type).toBe('bpmn:ParallelGateway');
    expect(reachable(lifecycle, 'CallActivity_SubProjects')).toContain('Gateway_ImplementationJoin');
    expect(groupsOf(node(subproject, 'Task_SubProjectApplication').el)).toBe('=["dept:" + participant.departmentCode]');
    expect(reachable(subproject, 'Gateway_SubProjectOk', new Set(['Task_SubProjectImplementation']))).toContain(
      'Task_SubProjectApplication',
    );
  });

  it('R11/R18/R14 construction order: start with a responsible person, units designated, procurement, then implementation', () => {
    for (const step of ['Task_ProjectStart', 'Task_UnitsDesignation', 'Task_Procurement'])
      expect(reachable(lifecycle, 'StartEvent_Construction', new Set([step]))).not.toContain(
        'SubProcess_Implementation',
      );
    expect(groupsOf(node(lifecycle, 'Task_UnitsDesignation').el)).toBe('data-bureau');
    expect(groupsOf(node(lifecycle, 'Task_Procurement').el)).toBe(
      '=["trading-center", "data-bureau", departmentGroup]',
    );
    expect(reachable(lifecycle, 'Gateway_ProcurementOk', new Set(['SubProcess_Implementation']))).toContain(
      'Task_Procurement',
    );
  });

  it('R12/R13 security inspection and cryptography review, each behind its document gate, both before acceptance', () => {
    for (const [gate, docsOk, task, group] of [
      ['Task_SecurityGate', 'Gateway_SecurityDocsOk', 'Task_SecurityInspection', 'cyberspace-office'],
      ['Task_CryptoGate', 'Gateway_CryptoDocsOk', 'Task_CryptoReview', 'crypto-bureau'],
    ] as const) {
      expect(groupsOf(node(lifecycle, task).el)).toBe(group);
      expect(reachable(lifecycle, 'Gateway_InspectionSplit', new Set([gate]))).not.toContain(task);
      expect(reachable(lifecycle, docsOk, new Set([task]))).toContain(gate);
    }
    const join = node(lifecycle, 'Gateway_InspectionJoin');
    expect(join.type).toBe('bpmn:ParallelGateway');
    expect(join.incoming.map((f) => f.source).sort()).toEqual([
      'Task_CryptoReviewPassedRecord',
      'Task_SecurityInspectionPassedRecord',
    ]);
    expect(reachable(lifecycle, 'Gateway_InspectionSplit', new Set(['Task_SecurityInspection']))).not.toContain(
      'Gateway_SecurityPassed',
    );
    // a failed round is recorded with its findings before the department rectifies
    for (const [passed, record, kind, rectify] of [
      ['Gateway_SecurityPassed', 'Task_SecurityInspectionFailedRecord', 'security-inspection', 'Task_SecurityRectify'],
      ['Gateway_CryptoPassed', 'Task_CryptoReviewFailedRecord', 'crypto-review', 'Task_CryptoRectify'],
    ] as const) {
      expect(defaultTarget(lifecycle, passed)).toBe(record);
      const el = node(lifecycle, record);
      expect(ext(el.el, 'zeebe:TaskDefinition')?.type).toBe('egov.check-failed-record');
      expect(headers(el.el)).toEqual({ kind });
      expect(el.outgoing.map((f) => f.target)).toEqual([rectify]);
    }
    // a passed round is recorded when it passes, on the 是 path before the join
    for (const [passed, record, kind, condition] of [
      [
        'Gateway_SecurityPassed',
        'Task_SecurityInspectionPassedRecord',
        'security-inspection',
        '=securityInspectionResult = "pass"',
      ],
      ['Gateway_CryptoPassed', 'Task_CryptoReviewPassedRecord', 'crypto-review', '=cryptoReviewResult = "pass"'],
    ] as const) {
      expect(flowTo(lifecycle, passed, record).condition).toBe(condition);
      const el = node(lifecycle, record);
      expect(ext(el.el, 'zeebe:TaskDefinition')?.type).toBe('egov.check-passed-record');
      expect(headers(el.el)).toEqual({ kind });
      expect(el.outgoing.map((f) => f.target)).toEqual(['Gateway_InspectionJoin']);
    }
  });

  it('R15 quarterly reports with working-day window, reminder and escalation, stopped when construction completes', () => {
    expect(flowTo(lifecycle, 'Gateway_QuarterlyReportsRequired', 'CallActivity_QuarterlyReporting').condition).toBe(
      '=quarterlyReportsRequired = true',
    );
    expect(eventDefinition(node(lifecycle, 'EndEvent_ConstructionCompleted').el)?.$type).toBe(
      'bpmn:TerminateEventDefinition',
    );
    expect(node(lifecycle, 'EndEvent_ConstructionCompleted').parent).toBe('SubProcess_Implementation');
    expect(headers(node(quarterly, 'Task_NextReportWindow').el).rule).toBe('R15.next-quarter');
    expect(timerOf(node(quarterly, 'Event_ReportWindowOpens').el)).toBe('=reportWindowOpensAt');
    const report = node(quarterly, 'Task_ProgressReport').el;
    expect(ext(report, 'zeebe:FormDefinition')?.formId).toBe('progress-report');
    expect(ext(report, 'zeebe:TaskSchedule')?.dueDate).toBe('=reportDueDate');
    const timers = boundaryOn(quarterly, 'Task_ProgressReport');
    expect(timers.map((t) => [timerOf(t.el), t.el.cancelActivity]).sort()).toEqual([
      ['=reportDueDate', false],
      ['=reportReminderAt', false],
    ]);
    expect(reachable(quarterly, 'Task_ProgressReportRecord')).toContain('Task_NextReportWindow');
  });

  it('R19.2 payment never exceeds the approved investment; surplus is returned', () => {
    const [err] = boundaryOn(lifecycle, 'Task_Payment');
    expect(eventDefinition(err!.el)?.errorRef?.errorCode).toBe('ERR_PAYMENT_EXCEEDS_APPROVED');
    expect(reachable(lifecycle, err!.id, new Set(['Task_Payment']))).toContain('Task_PaymentRequest');
    expect(flowTo(lifecycle, 'Gateway_Surplus', 'Task_SurplusReturn').condition).toBe('=surplusAmount > 0');
    expect(reachable(lifecycle, 'Task_SurplusReturn')).toContain('Task_SurplusReturnRecord');
  });

  it('R19.3 a project not carried out in its year: written explanation, possible fund recovery', () => {
    const start = node(lifecycle, 'StartEvent_YearEndCheck');
    expect(start.el.isInterrupting).toBe(false);
    expect(timerOf(start.el)).toBe('=yearEndCheckAt');
    expect(node(lifecycle, 'SubProcess_YearEndCheck').parent).toBe('SubProcess_Construction');
    expect(headers(node(lifecycle, 'Task_YearEndCheckDate').el).rule).toBe('R19.3.year-end-check');
    expect(reachable(lifecycle, 'Task_YearEndCheckDate')).toContain('SubProcess_Construction');
    expect(defaultTarget(lifecycle, 'Gateway_CarriedOut')).toBe('Task_YearEndExplanation');
    expect(reachable(lifecycle, 'Task_YearEndExplanation')).toContain('Task_FundRecovery');
  });

  it('R20/R22.3/R26 change, delay and rectification are event sub-processes of the construction phase', () => {
    for (const [sub, start, message, interrupting] of [
      ['SubProcess_ChangeRequest', 'StartEvent_ChangeRequested', 'change-requested', false],
      ['SubProcess_DelayRequest', 'StartEvent_DelayRequested', 'acceptance-delay-requested', false],
      ['SubProcess_Rectification', 'StartEvent_RectificationOrdered', 'rectification-ordered', false],
    ] as const) {
      expect(node(lifecycle, sub).el.triggeredByEvent).toBe(true);
      expect(node(lifecycle, sub).parent).toBe('SubProcess_Construction');
      const s = node(lifecycle, start);
      expect(s.el.isInterrupting).toBe(interrupting);
      expect(eventDefinition(s.el)?.messageRef?.name).toBe(message);
    }
    expect(groupsOf(node(lifecycle, 'Task_ChangeApproval').el)).toBe('government');
    expect(reachable(lifecycle, 'Task_ChangeApproval')).toContain('Task_ChangeFile');
    expect(defaultTarget(lifecycle, 'Gateway_ChangeEligible')).toBe('Task_NotifyChangeIneligible');
    expect(groupsOf(node(lifecycle, 'Task_DelayReview').el)).toBe('data-bureau');
    expect(reachable(lifecycle, 'Task_DelayReview')).toContain('Task_AcceptanceDateUpdate');
  });

  it('R26 overdue rectification suspends the project; termination ends the whole project', () => {
    const [overdue] = boundaryOn(lifecycle, 'Task_Rectify');
    expect(overdue!.el.cancelActivity).toBe(true);
    expect(timerOf(overdue!.el)).toBe('=rectificationDueDate');
    expect(ext(node(lifecycle, 'Task_Rectify').el, 'zeebe:TaskSchedule')?.dueDate).toBe('=rectificationDueDate');
    expect(reachable(lifecycle, overdue!.id)).toContain('Task_ProjectSuspend');
    expect(defaultTarget(lifecycle, 'Gateway_RectificationAccepted')).toBe('Gateway_SuspendMerge');
    // R26: the supervisor that ordered the rectification verifies it — the order's own issuer,
    // kept local to its event sub-process instance (two orders of two bodies do not mix)
    expect(groupsOf(node(lifecycle, 'Task_RectificationVerify').el)).toBe('=[orderedBy]');
    const locals = (ext(node(lifecycle, 'SubProcess_Rectification').el, 'zeebe:IoMapping')?.inputParameters ?? []) as {
      target: string;
    }[];
    expect(locals.map((i) => i.target)).toContain('orderedBy');
    expect(defaultTarget(lifecycle, 'Gateway_SuspensionDecision')).toBe('Task_ProjectTerminate');
    const thrown = eventDefinition(node(lifecycle, 'EndEvent_ProjectTerminated').el)?.errorRef?.errorCode;
    const [caught] = boundaryOn(lifecycle, 'SubProcess_Construction');
    expect(eventDefinition(caught!.el)?.errorRef?.errorCode).toBe(thrown);
    expect(thrown).toBe('ERR_PROJECT_TERMINATED');
    const after = reachable(lifecycle, caught!.id);
    expect(after).toContain('EndEvent_Terminated');
    expect(after).not.toContain('Task_PreliminaryAcceptance');
  });

  it('R22 preliminary then final acceptance within one month, four documents, expert opinion, failure → rectification and re-acceptance', () => {
    expect(reachable(lifecycle, 'SubProcess_Construction')).toContain('Task_PreliminaryAcceptance');
    expect(defaultTarget(lifecycle, 'Gateway_PreliminaryPassed')).toBe('Task_PreliminaryRectify');
    const due = node(lifecycle, 'Task_FinalApplicationDueDate').el;
    expect(headers(due).rule).toBe('R22.2.final-acceptance-application');
    expect(ext(due, 'zeebe:IoMapping')?.inputParameters).toEqual([
      expect.objectContaining({ source: '=preliminaryAcceptanceDate', target: 'anchorDate' }),
    ]);
    const app = node(lifecycle, 'Task_FinalAcceptanceApplication').el;
    expect(ext(app, 'zeebe:TaskSchedule')?.dueDate).toBe('=finalApplicationDueDate');
    const [late] = boundaryOn(lifecycle, 'Task_FinalAcceptanceApplication');
    expect([timerOf(late!.el), late!.el.cancelActivity]).toEqual(['=finalApplicationDueDate', false]);
    expect(reachable(lifecycle, late!.id)).toContain('Task_NotifyFinalApplicationOverdue');
    expect(groupsOf(node(lifecycle, 'Task_FinalAcceptanceReview').el)).toBe('experts');
    // the panel's lead expert named by the organiser takes it (an expert sees only tasks assigned to them)
    expect(ext(node(lifecycle, 'Task_FinalAcceptanceReview').el, 'zeebe:AssignmentDefinition')?.assignee).toBe(
      '=finalAcceptancePanelLead',
    );
    expect(groupsOf(node(lifecycle, 'Task_AcceptanceOrganisation').el)).toBe('=["data-bureau", "trading-center"]');
    // 不合格: the failed attempt is recorded (R22.2/R14) before the department rectifies
    expect(defaultTarget(lifecycle, 'Gateway_FinalAcceptancePassed')).toBe('Task_FinalAcceptanceFailedRecord');
    const failed = node(lifecycle, 'Task_FinalAcceptanceFailedRecord');
    expect(ext(failed.el, 'zeebe:TaskDefinition')?.type).toBe('egov.acceptance-failed-record');
    expect(failed.outgoing.map((f) => f.target)).toEqual(['Task_AcceptanceRectify']);
    expect(reachable(lifecycle, 'Task_AcceptanceRectify', new Set(['Task_AcceptanceRecord']))).toContain(
      'Task_FinalAcceptanceReview',
    );
  });

  it('R23 self-evaluation within six months of going live, escalated when overdue', () => {
    const due = node(lifecycle, 'Task_SelfEvaluationDueDate').el;
    expect(headers(due).rule).toBe('R23.self-evaluation');
    expect(ext(node(lifecycle, 'Task_SelfEvaluation').el, 'zeebe:TaskSchedule')?.dueDate).toBe(
      '=selfEvaluationDueDate',
    );
    const [late] = boundaryOn(lifecycle, 'Task_SelfEvaluation');
    expect([timerOf(late!.el), late!.el.cancelActivity]).toEqual(['=selfEvaluationDueDate', false]);
    const notify = node(lifecycle, 'Task_NotifySelfEvaluationOverdue').el;
    expect(headers(notify).recipients).toContain('finance');
  });

  it('R28/R29 optional audit at the department’s request; post-evaluation after a period of operation is recorded', () => {
    expect(flowTo(lifecycle, 'Gateway_AuditRequested', 'Task_Audit').condition).toBe('=auditRequested = true');
    expect(groupsOf(node(lifecycle, 'Task_Audit').el)).toBe('audit');
    expect(timerOf(node(lifecycle, 'Event_PostEvaluationStart').el)).toBe('=postEvaluationStartAt');
    expect(groupsOf(node(lifecycle, 'Task_PostEvaluation').el)).toBe('data-bureau');
    expect(reachable(lifecycle, 'Task_PostEvaluation')).toContain('Task_PostEvaluationRecord');
    expect(reachable(lifecycle, 'Task_PostEvaluationRecord')).toContain('EndEvent_Completed');
  });

  it('附件3 the skeleton runs in the chart’s order from 项目申报 to 项目后评价', () => {
    const chart = [
      'StartEvent_Application',
      'Gateway_ReviewSplit',
      'Task_InvestmentPlan',
      'Gateway_PlanMerge',
      'Task_ProjectStart',
      'Task_UnitsDesignation',
      'Task_Procurement',
      'Task_Implementation',
      'Gateway_InspectionSplit',
      'Task_SecurityInspection',
      'Task_FinalAcceptanceReview',
      'Task_Payment',
      'Task_SelfEvaluation',
      'Task_PostEvaluation',
      'EndEvent_Completed',
    ];
    for (let i = 0; i + 1 < chart.length; i++) expect(reachable(lifecycle, chart[i]!)).toContain(chart[i + 1]);
    expect(reachable(lifecycle, 'Gateway_InspectionSplit')).toContain('Task_CryptoReview');
    expect(reachable(lifecycle, 'Task_CryptoReview')).toContain('Task_FinalAcceptanceReview');
  });
});
