/**
 * Each test file gets its own fresh database: a temporary SQLite file, or — with
 * TEST_DATABASE_URL=mysql://… — a freshly created MySQL/MariaDB database dropped afterwards.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';

export interface TestDatabase {
  url: string;
  kind: 'sqlite' | 'mysql';
  drop(): Promise<void>;
}

export function testDbKind(): 'sqlite' | 'mysql' {
  return process.env.TEST_DATABASE_URL?.startsWith('mysql') ? 'mysql' : 'sqlite';
}

export async function createTestDatabase(label = 't'): Promise<TestDatabase> {
  const base = process.env.TEST_DATABASE_URL;
  const suffix = `${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  if (base && /^(mysql|mariadb):/.test(base)) {
    const u = new URL(base.replace(/^mariadb:/, 'mysql:'));
    const name = `${label.replace(/\W/g, '').slice(0, 20)}_${suffix}`;
    const conn = await mysql.createConnection({
      host: u.hostname,
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username || 'root'),
      password: decodeURIComponent(u.password),
    });
    await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await conn.end();
    u.pathname = `/${name}`;
    return {
      url: u.toString(),
      kind: 'mysql',
      async drop() {
        const c = await mysql.createConnection({
          host: u.hostname,
          port: Number(u.port || 3306),
          user: decodeURIComponent(u.username || 'root'),
          password: decodeURIComponent(u.password),
        });
        await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
        await c.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `egov-${label}-`));
  return {
    url: `sqlite:${path.join(dir, 'test.sqlite')}`,
    kind: 'sqlite',
    async drop() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
