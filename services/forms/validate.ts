/**
 * Server-side validation of a task's submitted variables against its form-js schema — the same
 * form the browser rendered and validated. The browser is never trusted: every completion goes
 * through here before the variables reach the engine.
 *
 * Rules follow form-js semantics: `validate.required|minLength|maxLength|pattern|min|max|
 * validationType (email|phone)`, option lists for select/radio/checklist, `subtype` of datetime,
 * `conditional.hide` (FEEL) — a hidden field is neither required nor accepted, groups (keyless,
 * optionally with `path`), dynamic lists (`path` → array of objects). Keys the form does not
 * declare are rejected: a task can only set what its form shows.
 */
import { evaluate } from 'feelin';

export interface FormComponent {
  type: string;
  id?: string;
  key?: string;
  path?: string;
  label?: string;
  text?: string;
  validate?: {
    required?: boolean;
    minLength?: number;
    maxLength?: number;
    pattern?: string;
    min?: number;
    max?: number;
    validationType?: 'email' | 'phone' | string;
  };
  values?: { label: string; value: unknown }[];
  valuesKey?: string;
  valuesExpression?: string;
  subtype?: 'date' | 'time' | 'datetime';
  decimalDigits?: number;
  conditional?: { hide?: string };
  disabled?: boolean;
  readonly?: boolean | string;
  components?: FormComponent[];
}

export interface FormSchema {
  id: string;
  components: FormComponent[];
}

export interface FieldError {
  /** dotted path of the field, e.g. `summary` or `participants.1.orgCode` */
  field: string;
  message: string;
}

export type ValidationResult = { ok: true; values: Record<string, unknown> } | { ok: false; errors: FieldError[] };

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;
// mainland mobile, or landline with optional area code and extension (附件1 联系电话)
const PHONE = /^(?:\+?86[- ]?)?(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?)$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?(Z|[+-]\d{2}:?\d{2})?$/;
const PRESENTATIONAL = new Set([
  'text',
  'html',
  'image',
  'spacer',
  'separator',
  'button',
  'iframe',
  'table',
  'documentPreview',
]);

function isHidden(c: FormComponent, data: Record<string, unknown>): boolean {
  const expr = c.conditional?.hide;
  if (!expr) return false;
  try {
    const { value } = evaluate(expr.replace(/^=/, ''), data);
    return value === true;
  } catch {
    // a broken condition shows the field (form-js does the same): validation stays strict
    return false;
  }
}

function label(c: FormComponent): string {
  return c.label ?? c.key ?? c.id ?? c.type;
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

function checkValue(c: FormComponent, value: unknown, field: string, errors: FieldError[]): unknown {
  const v = c.validate ?? {};
  const name = label(c);
  const fail = (message: string) => {
    errors.push({ field, message });
    return undefined;
  };
  if (isEmpty(value)) {
    if (v.required) return fail(`「${name}」为必填项`);
    return value === '' ? undefined : value;
  }
  switch (c.type) {
    case 'textfield':
    case 'textarea': {
      if (typeof value !== 'string') return fail(`「${name}」应为文本`);
      const length = [...value].length; // count characters, not UTF-16 units (Chinese text)
      if (v.minLength !== undefined && length < v.minLength) return fail(`「${name}」至少 ${v.minLength} 个字`);
      if (v.maxLength !== undefined && length > v.maxLength) return fail(`「${name}」不得超过 ${v.maxLength} 个字`);
      if (v.pattern && !new RegExp(v.pattern, 'u').test(value)) return fail(`「${name}」格式不正确`);
      if (v.validationType === 'email' && !EMAIL.test(value)) return fail(`「${name}」不是有效的电子邮箱`);
      if (v.validationType === 'phone' && !PHONE.test(value.replace(/\s/g, '')))
        return fail(`「${name}」不是有效的电话号码`);
      return value;
    }
    case 'number': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n !== 'number' || !Number.isFinite(n)) return fail(`「${name}」应为数字`);
      if (v.min !== undefined && n < v.min) return fail(`「${name}」不得小于 ${v.min}`);
      if (v.max !== undefined && n > v.max) return fail(`「${name}」不得大于 ${v.max}`);
      if (c.decimalDigits !== undefined) {
        const digits = (String(n).split('.')[1] ?? '').length;
        if (digits > c.decimalDigits) return fail(`「${name}」最多保留 ${c.decimalDigits} 位小数`);
      }
      return n;
    }
    case 'checkbox':
      if (typeof value !== 'boolean') return fail(`「${name}」应为是/否`);
      if (v.required && value !== true) return fail(`「${name}」必须勾选`);
      return value;
    case 'select':
    case 'radio': {
      if (c.values && !c.values.some((o) => o.value === value)) return fail(`「${name}」的取值不在可选范围内`);
      return value;
    }
    case 'checklist':
    case 'taglist': {
      if (!Array.isArray(value)) return fail(`「${name}」应为列表`);
      if (c.values) {
        const allowed = new Set(c.values.map((o) => o.value));
        if (value.some((x) => !allowed.has(x))) return fail(`「${name}」含有不在可选范围内的取值`);
      }
      return value;
    }
    case 'datetime': {
      if (typeof value !== 'string') return fail(`「${name}」应为日期/时间`);
      const sub = c.subtype ?? 'date';
      const ok =
        sub === 'date'
          ? DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`))
          : sub === 'time'
            ? TIME.test(value)
            : !Number.isNaN(Date.parse(value)) && /^\d{4}-\d{2}-\d{2}T/.test(value);
      if (!ok) return fail(`「${name}」不是有效的${sub === 'date' ? '日期' : sub === 'time' ? '时间' : '日期时间'}`);
      return value;
    }
    default:
      return value;
  }
}

/** Validates `input` against the components; returns the accepted values (numbers coerced). */
function validateComponents(
  components: FormComponent[],
  input: Record<string, unknown>,
  scope: Record<string, unknown>,
  prefix: string,
  errors: FieldError[],
  out: Record<string, unknown>,
  declared: Set<string>,
): void {
  for (const c of components) {
    if (PRESENTATIONAL.has(c.type)) continue;
    if (c.type === 'group' || c.type === 'dynamiclist') {
      if (c.type === 'dynamiclist' && c.path) {
        declared.add(c.path);
        if (isHidden(c, scope)) continue;
        const list = input[c.path];
        if (list === undefined || list === null) continue;
        if (!Array.isArray(list)) {
          errors.push({ field: `${prefix}${c.path}`, message: `「${label(c)}」应为列表` });
          continue;
        }
        out[c.path] = list.map((item, i) => {
          const itemOut: Record<string, unknown> = {};
          if (typeof item !== 'object' || item === null || Array.isArray(item)) {
            errors.push({ field: `${prefix}${c.path}.${i}`, message: `「${label(c)}」第 ${i + 1} 项格式不正确` });
            return itemOut;
          }
          const itemDeclared = new Set<string>();
          const itemInput = item as Record<string, unknown>;
          validateComponents(
            c.components ?? [],
            itemInput,
            { ...scope, ...itemInput },
            `${prefix}${c.path}.${i}.`,
            errors,
            itemOut,
            itemDeclared,
          );
          for (const k of Object.keys(itemInput)) {
            if (!itemDeclared.has(k))
              errors.push({ field: `${prefix}${c.path}.${i}.${k}`, message: `表单中没有字段「${k}」` });
          }
          return itemOut;
        });
        continue;
      }
      if (isHidden(c, scope)) {
        collectKeys(c.components ?? [], declared);
        continue;
      }
      if (c.path) {
        declared.add(c.path);
        const nested = input[c.path];
        const nestedIn =
          typeof nested === 'object' && nested !== null && !Array.isArray(nested)
            ? (nested as Record<string, unknown>)
            : {};
        const nestedOut: Record<string, unknown> = {};
        const nestedDeclared = new Set<string>();
        validateComponents(
          c.components ?? [],
          nestedIn,
          { ...scope, ...nestedIn },
          `${prefix}${c.path}.`,
          errors,
          nestedOut,
          nestedDeclared,
        );
        for (const k of Object.keys(nestedIn)) {
          if (!nestedDeclared.has(k))
            errors.push({ field: `${prefix}${c.path}.${k}`, message: `表单中没有字段「${k}」` });
        }
        out[c.path] = nestedOut;
      } else {
        validateComponents(c.components ?? [], input, scope, prefix, errors, out, declared);
      }
      continue;
    }
    if (!c.key) continue;
    declared.add(c.key);
    // disabled, read-only and hidden fields are shown, not submitted
    if (c.disabled || c.readonly === true || isHidden(c, scope)) continue;
    const value = checkValue(c, input[c.key], `${prefix}${c.key}`, errors);
    if (value !== undefined) out[c.key] = value;
  }
}

function collectKeys(components: FormComponent[], into: Set<string>): void {
  for (const c of components) {
    if (c.key) into.add(c.key);
    if (c.path) into.add(c.path);
    if (c.components && !c.path) collectKeys(c.components, into);
  }
}

/**
 * @param context variables the form sees besides the input (process variables), for conditions
 */
export function validateSubmission(
  form: FormSchema,
  input: unknown,
  context: Record<string, unknown> = {},
): ValidationResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { ok: false, errors: [{ field: '', message: '提交内容应为对象' }] };
  }
  const data = input as Record<string, unknown>;
  const errors: FieldError[] = [];
  const values: Record<string, unknown> = {};
  const declared = new Set<string>();
  validateComponents(form.components, data, { ...context, ...data }, '', errors, values, declared);
  for (const k of Object.keys(data)) {
    if (!declared.has(k)) errors.push({ field: k, message: `表单中没有字段「${k}」` });
  }
  return errors.length ? { ok: false, errors } : { ok: true, values };
}
