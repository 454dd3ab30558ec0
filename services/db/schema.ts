/**
 * The domain database schema: every entity and every migration, in order. Each component
 * contributes its own list; migrations are ordered by their timestamp names.
 */
import type { EntitySchema, MigrationInterface } from 'typeorm';
import { AuditLog1764000000000 } from './migrations/1764000000000-AuditLog';
import { WorkerEffects1764000000100 } from './migrations/1764000000100-WorkerEffects';
import { domainEntities } from '../domain/entities';
import { domainMigrations } from '../domain/migrations';
import { MailOutbox1764300000000 } from '../notify/migrations/1764300000000-MailOutbox';
import { DemoState1764306000000 } from '../demo/migrations/1764306000000-DemoState';
import { TaskComments1764400000000 } from '../processes/migrations/1764400000000-TaskComments';

type MigrationClass = new () => MigrationInterface;

export const entities: EntitySchema[] = [...(domainEntities as EntitySchema[])];

export const migrations: MigrationClass[] = [
  AuditLog1764000000000,
  WorkerEffects1764000000100,
  ...domainMigrations,
  MailOutbox1764300000000,
  DemoState1764306000000,
  TaskComments1764400000000,
];
