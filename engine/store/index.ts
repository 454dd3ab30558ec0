export { engineMigrations, ZbRowidKeys1764200000000, ZbSchema1764100000000 } from './migrations';
export { KeyGenerator, Store } from './sql';
export type { Row, Sql } from './sql';
