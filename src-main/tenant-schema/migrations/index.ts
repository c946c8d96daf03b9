import type { Migration } from '../../base/migration-runner';
import { sql as erpBaseline } from './001-erp-baseline';
import { sql as erpCore } from './002-erp-core';
import { sql as limits } from './003-limits';
import { sql as limitSlots } from './004-limit-slots';
import { sql as noLargeObjects } from './005-no-large-objects';
import { sql as checkLimitSingular } from './006-check-limit-singular';
import { sql as invitations } from './007-invitations';

/** Tenant database migrations, in order. Never edit a shipped one: add the next. */
export const TENANT_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'erp-baseline', sql: erpBaseline },
  { version: 2, name: 'erp-core', sql: erpCore },
  { version: 3, name: 'limits', sql: limits },
  { version: 4, name: 'limit-slots', sql: limitSlots },
  { version: 5, name: 'no-large-objects', sql: noLargeObjects },
  { version: 6, name: 'check-limit-singular', sql: checkLimitSingular },
  { version: 7, name: 'invitations', sql: invitations },
];
