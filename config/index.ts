/**
 * One typed, validated, frozen configuration object, read once from the environment.
 *
 * Every variable the product reads is declared here, with its default and its meaning;
 * `.env.example` mirrors this table. A wrong value stops start-up with a one-line message
 * that names the variable and what it allows (see `ConfigError`).
 */
import path from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number().int().min(0).max(65535);

const databaseUrl = z
  .string()
  .refine((v) => /^sqlite:(\/\/)?.+/.test(v) || /^mysql:\/\/[^/]+\/\w+/.test(v) || /^mariadb:\/\/[^/]+\/\w+/.test(v), {
    message: 'allowed: sqlite:<file path> or mysql://user:pass@host:port/database',
  });

const httpUrl = z.url({ protocol: /^https?$/, message: 'allowed: an http:// or https:// URL' });

/** The table of variables: name → schema with default and description. */
export const variables = {
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development').describe('runtime mode'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level'),
  HTTP_HOST: z.string().min(1).default('127.0.0.1').describe('address the web UI and API listen on'),
  HTTP_PORT: port.default(3000).describe('port of the web UI and API'),
  PUBLIC_BASE_URL: httpUrl.default('http://localhost:3000').describe('base URL used for links in e-mail'),
  DATABASE_URL: databaseUrl
    .default('sqlite:./data/egov.sqlite')
    .describe('domain and embedded-engine database: sqlite:<file> or mysql://user:pass@host:port/db'),
  ENGINE_DATABASE_URL: databaseUrl
    .optional()
    .describe(
      'embedded engine state: default is engine.sqlite beside a sqlite DATABASE_URL (own file: its single writer never waits on domain transactions), or the same MySQL database (tables zb_*)',
    ),
  ENGINE: z
    .enum(['embedded', 'zeebe'])
    .default('embedded')
    .describe('embedded local runtime, or a real Camunda 8.8 cluster'),
  ENGINE_HOST: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe('embedded engine: bind address (loopback by default, never expose it)'),
  ENGINE_PORT: port.default(8089).describe('embedded engine: port of its /v2 REST API (0 = any free port)'),
  CAMUNDA_REST_ADDRESS: httpUrl
    .optional()
    .describe('zeebe mode: REST address of the Camunda 8.8 cluster, e.g. http://camunda:8080 (the SDK appends /v2)'),
  CAMUNDA_AUTH_STRATEGY: z.enum(['NONE', 'OAUTH', 'BASIC']).default('NONE').describe('zeebe mode: SDK auth strategy'),
  CAMUNDA_SDK_VALIDATION: z
    .string()
    .default('warn')
    .describe('SDK request/response validation: none | warn | strict | fanatical (tests use fanatical)'),
  SMTP_HOST: z.string().optional().describe('SMTP server; unset = mail stays in the outbox (readable in the UI)'),
  SMTP_PORT: port.default(25).describe('SMTP port'),
  SMTP_SECURE: bool.default(false).describe('SMTP over TLS from the first byte (port 465)'),
  SMTP_USER: z.string().optional().describe('SMTP user name'),
  SMTP_PASSWORD: z.string().optional().describe('SMTP password'),
  MAIL_FROM: z.string().default('叶集区数据资源管理局 <noreply@yeji.gov.cn>').describe('From header of outgoing mail'),
  SESSION_SECRET: z.string().min(16).optional().describe('secret for session tokens (generated per start when unset)'),
  UPLOAD_DIR: z.string().default('./data/uploads').describe('where attachments are stored (generated names)'),
  UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(20 * 1024 * 1024)
    .describe('largest accepted attachment'),
  DEMO_DATA: bool.default(true).describe('seed organisations, demo users and sample projects on an empty database'),
  HOLIDAY_OVERRIDE_FILE: z
    .string()
    .optional()
    .describe('JSON file with holidays / make-up working days for years the calendar package lacks'),
  MAIL_DISPATCH_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(5000)
    .describe('mail outbox: pause between dispatcher passes when the queue is empty'),
  MAIL_MAX_ATTEMPTS: z.coerce
    .number()
    .int()
    .min(1)
    .default(8)
    .describe('mail outbox: attempts before a transiently failing mail is given up (dead)'),
  GATEWAY_NOTIFY_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(5000)
    .describe('gateway e-mail: how often completed gateways are looked up'),
} as const;

type Vars = typeof variables;
export type Config = Readonly<{ [K in keyof Vars]: z.output<Vars[K]> }>;

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly reason: string,
  ) {
    super(`invalid configuration: ${variable} — ${reason}`);
    this.name = 'ConfigError';
  }
}

const schema = z.object(variables).superRefine((c, ctx) => {
  if (c.ENGINE === 'zeebe' && !c.CAMUNDA_REST_ADDRESS) {
    ctx.addIssue({ code: 'custom', path: ['CAMUNDA_REST_ADDRESS'], message: 'required when ENGINE=zeebe' });
  }
});

/** Reads and validates the configuration. Empty strings count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, string> = {};
  for (const name of Object.keys(variables)) {
    const value = env[name];
    if (value !== undefined && value !== '') raw[name] = value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = String(issue.path[0] ?? 'configuration');
    throw new ConfigError(variable, describeIssue(variable, issue.message));
  }
  return Object.freeze(parsed.data) as Config;
}

function describeIssue(variable: string, message: string): string {
  const def = variables[variable as keyof Vars] as z.ZodType | undefined;
  const allowed = def ? allowedValues(def) : undefined;
  return allowed ? `${message}; allowed: ${allowed}` : message;
}

function allowedValues(def: z.ZodType): string | undefined {
  let inner: z.ZodType = def;
  // unwrap default/optional wrappers to reach the enum, if any
  while (inner instanceof z.ZodDefault || inner instanceof z.ZodOptional) {
    inner = (inner as z.ZodDefault<z.ZodType> | z.ZodOptional<z.ZodType>).unwrap() as z.ZodType;
  }
  return inner instanceof z.ZodEnum ? (inner.options as string[]).join(' | ') : undefined;
}

/** The documentation table: name, default, description — for `.env.example` and the README. */
export function describeVariables(): { name: string; default: string; description: string }[] {
  return Object.entries(variables).map(([name, def]) => {
    const d = def as z.ZodType;
    const probe = z.object({ v: d }).safeParse({});
    const dflt = probe.success && probe.data.v !== undefined ? String(probe.data.v) : '';
    return { name, default: dflt, description: d.description ?? '' };
  });
}

/** Resolves a sqlite: URL to an absolute file path (or ':memory:'). */
export function sqlitePath(url: string): string {
  const p = url.replace(/^sqlite:(\/\/)?/, '');
  return p === ':memory:' ? p : path.resolve(p);
}
