import { sql as registry } from './001-registry';
import { sql as backups } from './005-backups';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** Platform database migrations, in order. Never edit a shipped one: add the next. */
export const PLATFORM_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'registry', sql: registry },
  { version: 5, name: 'backups', sql: backups },
];
