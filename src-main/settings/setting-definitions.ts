import { z } from 'zod';
import { billingModeSchema, prorationBehaviorSchema, smtpSettingsSchema } from '../../src-shared/contract/billing-models';
import { MAX_SPARE_DATABASES_PER_PLAN, SIGNUP_SETTING_RANGES } from '../../src-shared/contract/models';

/** The soft-limit warning threshold when none is set: dashboards and check_limit warn from 80 % of a limit. */
export const DEFAULT_LIMIT_WARNING_PERCENT = 80;

const DEFAULT_SELLER = { name: 'Your ERP Ltd', address: '' };
const DEFAULT_SMTP = { host: null, port: 587, secure: false, username: null, from: null, allowPlaintext: false };

/**
 * One platform setting: its row in the `settings` table (key → JSON value), how a stored value
 * is read, and the value when the row is missing or unreadable. The one place each default
 * is written (the platform migrations' seed rows are history: never edited).
 */
interface SettingDefinition<T> {
  readonly key: string;
  readonly schema: z.ZodType<T, unknown>;
  readonly defaultValue: T;
}

const setting = <T>(key: string, schema: z.ZodType<T, unknown>, defaultValue: T): SettingDefinition<T> => ({ key, schema, defaultValue });

// Numbers are coerced: a hand-edited row may hold "24" as well as 24.
const wholeNumber = z.coerce.number().int();
const number = z.coerce.number().finite();
const inRange = (name: keyof typeof SIGNUP_SETTING_RANGES) => wholeNumber.min(SIGNUP_SETTING_RANGES[name].min).max(SIGNUP_SETTING_RANGES[name].max);

export const SETTINGS = {
  // Console settings (settings:get / settings:update, tenantctl settings).
  baseDomain: setting('base_domain', z.string(), 'yourerp.com'),
  cancellationRetentionDays: setting('cancellation_retention_days', wholeNumber, 30),
  limitWarningPercent: setting('limit_warning_percent', wholeNumber.min(1).max(100), DEFAULT_LIMIT_WARNING_PERCENT),
  usageCollectionIntervalHours: setting('usage_collection_interval_hours', number.positive(), 24),
  // Host mode: a browser's sign-in ends after this long without a call.
  sessionIdleMinutes: setting('session_idle_minutes', wholeNumber.min(1).max(1440), 30),
  // Spare tenant databases kept ready per plan template (platform/spare-pool.ts): provisioning
  // renames one instead of cloning. 0: none kept, provisioning clones.
  spareDatabasesPerPlan: setting('spare_databases_per_plan', wholeNumber.min(0).max(MAX_SPARE_DATABASES_PER_PLAN), 2),

  // Self-service sign-up (src-main/signups): requests per client address per hour, how
  // long an invitation link works, and after how many days without a sign-in a trial is
  // stalled (listed, and nudged once).
  signupRequestsPerHour: setting('signup_requests_per_hour', inRange('signupRequestsPerHour'), 5),
  signupInvitationDays: setting('signup_invitation_days', inRange('signupInvitationDays'), 7),
  onboardingStalledDays: setting('onboarding_stalled_days', inRange('onboardingStalledDays'), 3),

  // Backups: no directory means <data folder>/backups (the data folder is known at run time).
  backupDirectory: setting<string | null>('backup_directory', z.string().nullable(), null),
  backupKeepLast: setting('backup_keep_last', wholeNumber, 10),
  // Restore only archives carrying this console's manifest HMAC (older, unsigned ones refused).
  backupRequireSigned: setting('backup_require_signed', z.boolean(), false),

  // Billing (secrets are in the SecretStore, not here).
  billingMode: setting('billing_mode', billingModeSchema, 'manual'),
  billingCurrency: setting('billing_currency', z.string(), 'USD'),
  billingTaxRatePercent: setting('billing_tax_rate_percent', number, 0),
  billingInvoiceSeries: setting('billing_invoice_series', z.string(), 'INV'),
  billingInvoiceDueDays: setting('billing_invoice_due_days', wholeNumber, 14),
  billingOverdueDays: setting('billing_overdue_days', wholeNumber, 7),
  billingGracePeriodDays: setting('billing_grace_period_days', wholeNumber, 7),
  billingTrialNoticeDays: setting('billing_trial_notice_days', wholeNumber, 3),
  billingAutoFinalize: setting('billing_auto_finalize', z.boolean(), true),
  billingProrationBehavior: setting('billing_proration_behavior', prorationBehaviorSchema, 'create_prorations'),
  billingJobIntervalMinutes: setting('billing_job_interval_minutes', wholeNumber, 60),
  // Objects stored in part keep the defaults of the fields they lack.
  billingSeller: setting(
    'billing_seller',
    z.object({ name: z.string(), address: z.string() }).partial().transform((stored) => ({ ...DEFAULT_SELLER, ...stored })),
    DEFAULT_SELLER,
  ),
  billingSmtp: setting('billing_smtp', smtpSettingsSchema.partial().transform((stored) => ({ ...DEFAULT_SMTP, ...stored })), DEFAULT_SMTP),
} as const;

export type SettingName = keyof typeof SETTINGS;
export type SettingValue<N extends SettingName> = (typeof SETTINGS)[N] extends SettingDefinition<infer T> ? T : never;
