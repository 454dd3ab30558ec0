import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describeVariables } from '../../config';

const root = path.resolve(__dirname, '../..');

interface Service {
  image?: string;
  ports?: string[];
  expose?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: unknown };
  depends_on?: Record<string, { condition: string }>;
}

describe('docker-compose.yml (production-like stack)', () => {
  const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, Service>;
    volumes: Record<string, unknown>;
  };

  it('should run Camunda 8.8, MySQL 8.4, Mailpit and the app, each with a health check', () => {
    const s = compose.services;
    expect(s.camunda!.image).toMatch(/^camunda\/camunda:8\.8\./);
    expect(s.mysql!.image).toBe('mysql:8.4');
    expect(s.mailpit!.image).toMatch(/^axllent\/mailpit/);
    for (const name of ['camunda', 'mysql', 'mailpit', 'app']) expect(s[name]!.healthcheck).toBeDefined();
  });

  it('should keep the engine API off the host: no published ports on camunda', () => {
    expect(compose.services.camunda!.ports).toBeUndefined();
    expect(compose.services.camunda!.expose).toEqual(expect.arrayContaining(['8080', '26500']));
  });

  it('should configure the app for a real Zeebe cluster, MySQL and Mailpit', () => {
    const env = compose.services.app!.environment!;
    expect(env.ENGINE).toBe('zeebe');
    expect(env.CAMUNDA_REST_ADDRESS).toBe('http://camunda:8080');
    expect(env.DATABASE_URL).toMatch(/^mysql:\/\/.*@mysql:3306\//);
    expect(env.SMTP_HOST).toBe('mailpit');
    expect(Object.keys(compose.services.app!.depends_on!)).toEqual(expect.arrayContaining(['camunda', 'mysql', 'mailpit']));
    // every variable the app is given is one the config knows
    const known = new Set(describeVariables().map((v) => v.name));
    for (const name of Object.keys(env)) expect(known.has(name) ? name : `unknown: ${name}`).toBe(name);
  });

  it('should use named volumes for every stateful service', () => {
    expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(['camunda-data', 'mysql-data', 'app-uploads']));
  });
});

describe('.env.example', () => {
  it('should document every configuration variable', () => {
    const text = fs.readFileSync(path.join(root, '.env.example'), 'utf8');
    for (const v of describeVariables()) expect(text).toMatch(new RegExp(`^#?\\s*${v.name}=`, 'm'));
  });
});
