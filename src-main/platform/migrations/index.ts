import type { Migration } from '../../base/migration-runner';
import { sql as registry } from './001-registry';
import { sql as plansLimits } from './002-plans-limits';
import { sql as usage } from './003-usage';
import { sql as audit } from './004-audit';
import { sql as backups } from './005-backups';
import { sql as billing } from './006-billing';
import { sql as billingSuspensionIntent } from './007-billing-suspension-intent';
import { sql as effectiveLimits } from './008-effective-limits';
import { sql as tenantRoleFingerprints } from './009-tenant-role-fingerprints';
import { sql as planConnectionLimit } from './010-plan-connection-limit';
import { sql as operators } from './011-operators';
import { sql as apiKeys } from './012-api-keys';
import { sql as signupsOnboarding } from './013-signups-onboarding';
import { sql as pricingModels } from './014-pricing-models';
import { sql as planMoveSchedules } from './016-plan-move-schedules';


/** Platform database migrations, in order. Never edit a shipped one: add the next. */
export const PLATFORM_MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'registry', sql: registry },
  { version: 2, name: 'plans-limits', sql: plansLimits },
  { version: 3, name: 'usage', sql: usage },
  { version: 4, name: 'audit', sql: audit },
  { version: 5, name: 'backups', sql: backups },
  { version: 6, name: 'billing', sql: billing },
  { version: 7, name: 'billing-suspension-intent', sql: billingSuspensionIntent },
  { version: 8, name: 'effective-limits', sql: effectiveLimits },
  { version: 9, name: 'tenant-role-fingerprints', sql: tenantRoleFingerprints },
  { version: 10, name: 'plan-connection-limit', sql: planConnectionLimit },
  { version: 11, name: 'operators', sql: operators },
  { version: 12, name: 'api-keys', sql: apiKeys },
  { version: 13, name: 'signups-onboarding', sql: signupsOnboarding },
  { version: 14, name: 'pricing-models', sql: pricingModels },
  { version: 16, name: 'plan-move-schedules', sql: planMoveSchedules },
];
