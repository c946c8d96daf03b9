import type pg from 'pg';
import type { Settings } from '../../src-shared/contract/models';
import { readSettings, writeSettings } from './settings-store';

type Queryable = Pick<pg.ClientBase, 'query'>;

const CONSOLE_SETTINGS = [
  'baseDomain',
  'cancellationRetentionDays',
  'limitWarningPercent',
  'usageCollectionIntervalHours',
  'spareDatabasesPerPlan',
  'sessionIdleMinutes',
  'signupRequestsPerHour',
  'signupInvitationDays',
  'onboardingStalledDays',
] as const;

/** The console's own settings (settings:get, tenantctl settings). */
export async function readConsoleSettings(db: Queryable): Promise<Settings> {
  return readSettings(db, CONSOLE_SETTINGS);
}

export async function writeConsoleSettings(db: Queryable, patch: Partial<Settings>): Promise<Settings> {
  await writeSettings(db, {
    baseDomain: patch.baseDomain,
    cancellationRetentionDays: patch.cancellationRetentionDays,
    limitWarningPercent: patch.limitWarningPercent,
    usageCollectionIntervalHours: patch.usageCollectionIntervalHours,
    spareDatabasesPerPlan: patch.spareDatabasesPerPlan,
    sessionIdleMinutes: patch.sessionIdleMinutes,
    signupRequestsPerHour: patch.signupRequestsPerHour,
    signupInvitationDays: patch.signupInvitationDays,
    onboardingStalledDays: patch.onboardingStalledDays,
  });
  return readConsoleSettings(db);
}
