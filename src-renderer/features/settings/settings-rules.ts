import { MAX_SPARE_DATABASES_PER_PLAN, type Settings } from '../../../src-shared/contract/models';

/** The rules settings:update applies (src-shared/contract/channels.ts), so a problem shows while typing. */
const DOMAIN = /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;
const DOMAIN_MAX = 253;
export const RETENTION_MIN = 1;
export const RETENTION_MAX = 3650;

/** As main stores it: trimmed and lower-cased. */
export function normalizeDomain(value: string): string {
  return value.trim().toLowerCase();
}

export function baseDomainProblem(value: string): string | null {
  const domain = normalizeDomain(value);
  if (domain === '') return 'Enter the base domain, such as example.com.';
  if (domain.length > DOMAIN_MAX) return `Base domain must be at most ${DOMAIN_MAX} characters.`;
  if (!DOMAIN.test(domain)) return 'Base domain must be a domain name such as example.com.';
  return null;
}

/** NumberInput gives a number, or a string while empty or mid-edit. */
export function retentionProblem(value: number | string): string | null {
  if (value === '' || typeof value !== 'number' || Number.isNaN(value)) return 'Enter the number of days.';
  if (!Number.isInteger(value)) return 'Retention must be a whole number of days.';
  if (value < RETENTION_MIN || value > RETENTION_MAX) return `Retention must be between ${RETENTION_MIN} and ${RETENTION_MAX} days.`;
  return null;
}

/** A whole number within a range, as main's schema checks it; NumberInput gives a string while empty. */
export function wholeNumberProblem(value: number | string, min: number, max: number, what: string): string | null {
  if (value === '' || typeof value !== 'number' || Number.isNaN(value)) return `Enter ${what}.`;
  if (!Number.isInteger(value) || value < min || value > max) return `Enter a whole number from ${min} to ${max}.`;
  return null;
}

export const WARNING_PERCENT = { min: 1, max: 100 } as const;
export const USAGE_INTERVAL_HOURS = { min: 1, max: 720 } as const;
export const SPARE_DATABASES = { min: 0, max: MAX_SPARE_DATABASES_PER_PLAN } as const;
/** Host mode's sign-in idle time, as settings:update takes it: one minute to one day. */
export const SESSION_IDLE_MINUTES = { min: 1, max: 1440 } as const;

export interface SettingsValues {
  readonly baseDomain: string;
  readonly cancellationRetentionDays: number | string;
  readonly limitWarningPercent: number | string;
  readonly usageCollectionIntervalHours: number | string;
  readonly spareDatabasesPerPlan: number | string;
}

/** Only the fields that differ from what main has, as settings:update takes them. */
export function settingsChanges(values: SettingsValues, saved: Settings): Partial<Settings> {
  const changes: { -readonly [K in keyof Settings]?: Settings[K] } = {};
  const domain = normalizeDomain(values.baseDomain);
  if (domain !== saved.baseDomain) changes.baseDomain = domain;
  if (values.cancellationRetentionDays !== saved.cancellationRetentionDays && typeof values.cancellationRetentionDays === 'number') {
    changes.cancellationRetentionDays = values.cancellationRetentionDays;
  }
  if (values.limitWarningPercent !== saved.limitWarningPercent && typeof values.limitWarningPercent === 'number') {
    changes.limitWarningPercent = values.limitWarningPercent;
  }
  if (values.usageCollectionIntervalHours !== saved.usageCollectionIntervalHours && typeof values.usageCollectionIntervalHours === 'number') {
    changes.usageCollectionIntervalHours = values.usageCollectionIntervalHours;
  }
  if (values.spareDatabasesPerPlan !== saved.spareDatabasesPerPlan && typeof values.spareDatabasesPerPlan === 'number') {
    changes.spareDatabasesPerPlan = values.spareDatabasesPerPlan;
  }
  return changes;
}
