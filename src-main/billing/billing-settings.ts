import type pg from 'pg';
import type { BillingSettings } from '../../src-shared/contract/billing-models';
import type { ChannelParsedInput } from '../../src-shared/contract/channels';
import { AppError } from '../base/app-error';
import type { SecretStore } from '../secrets/secret-store';
import { writeSettingValues } from '../tenants/tenant-queries';
import { SECRET_SMTP_PASSWORD, SECRET_STRIPE_KEY, SECRET_STRIPE_WEBHOOK } from './billing-context';

type Queryable = Pick<pg.ClientBase, 'query'>;

/** Settings keys (table settings) for each field; secrets live in the SecretStore instead. */
const KEYS = {
  mode: 'billing_mode',
  currency: 'billing_currency',
  taxRatePercent: 'billing_tax_rate_percent',
  invoiceSeries: 'billing_invoice_series',
  invoiceDueDays: 'billing_invoice_due_days',
  overdueDays: 'billing_overdue_days',
  gracePeriodDays: 'billing_grace_period_days',
  trialNoticeDays: 'billing_trial_notice_days',
  autoFinalize: 'billing_auto_finalize',
  prorationBehavior: 'billing_proration_behavior',
  jobIntervalMinutes: 'billing_job_interval_minutes',
  seller: 'billing_seller',
  smtp: 'billing_smtp',
} as const satisfies Partial<Record<keyof BillingSettings, string>>;

type StoredSettings = Omit<BillingSettings, 'smtpPasswordSet' | 'stripeSecretKeySet' | 'stripeWebhookSecretSet' | 'secretStore'>;

const DEFAULTS: StoredSettings = {
  mode: 'manual',
  currency: 'USD',
  taxRatePercent: 0,
  invoiceSeries: 'INV',
  invoiceDueDays: 14,
  overdueDays: 7,
  gracePeriodDays: 7,
  trialNoticeDays: 3,
  autoFinalize: true,
  prorationBehavior: 'create_prorations',
  jobIntervalMinutes: 60,
  seller: { name: 'Your ERP Ltd', address: '' },
  smtp: { host: null, port: 587, secure: false, username: null, from: null },
};

/** The billing settings without the secret flags: what the lifecycle and invoicing read. */
export async function readStoredBillingSettings(db: Queryable): Promise<StoredSettings> {
  const { rows } = await db.query<{ key: string; value: unknown }>("SELECT key, value FROM settings WHERE key LIKE 'billing\\_%'");
  const byKey = new Map(rows.map((row) => [row.key, row.value]));
  const read = <F extends keyof StoredSettings>(field: F): StoredSettings[F] => (byKey.get(KEYS[field]) as StoredSettings[F] | undefined) ?? DEFAULTS[field];
  return {
    mode: read('mode'),
    currency: read('currency'),
    taxRatePercent: Number(read('taxRatePercent')),
    invoiceSeries: read('invoiceSeries'),
    invoiceDueDays: Number(read('invoiceDueDays')),
    overdueDays: Number(read('overdueDays')),
    gracePeriodDays: Number(read('gracePeriodDays')),
    trialNoticeDays: Number(read('trialNoticeDays')),
    autoFinalize: Boolean(read('autoFinalize')),
    prorationBehavior: read('prorationBehavior'),
    jobIntervalMinutes: Number(read('jobIntervalMinutes')),
    seller: { ...DEFAULTS.seller, ...read('seller') },
    smtp: { ...DEFAULTS.smtp, ...read('smtp') },
  };
}

export async function readBillingSettings(db: Queryable, secrets: SecretStore): Promise<BillingSettings> {
  const [stored, smtpPassword, stripeKey, webhookSecret] = await Promise.all([
    readStoredBillingSettings(db),
    secrets.get(SECRET_SMTP_PASSWORD),
    secrets.get(SECRET_STRIPE_KEY),
    secrets.get(SECRET_STRIPE_WEBHOOK),
  ]);
  return {
    ...stored,
    smtpPasswordSet: smtpPassword !== null,
    stripeSecretKeySet: stripeKey !== null,
    stripeWebhookSecretSet: webhookSecret !== null,
    secretStore: secrets.kind,
  };
}

/**
 * Writes the given fields; secrets go to the SecretStore (null removes one). Switching to
 * Stripe mode needs a secret key, so the console never sits in a mode it cannot run.
 */
export async function updateBillingSettings(
  db: Queryable,
  secrets: SecretStore,
  patch: ChannelParsedInput<'billing:updateSettings'>,
): Promise<BillingSettings> {
  const { smtpPassword, stripeSecretKey, stripeWebhookSecret, ...stored } = patch;
  const keyAfter = stripeSecretKey !== undefined ? stripeSecretKey : await secrets.get(SECRET_STRIPE_KEY);
  const modeAfter = stored.mode ?? (await readStoredBillingSettings(db)).mode;
  if (modeAfter === 'stripe' && keyAfter === null) {
    throw new AppError('INVALID_STATE', 'Stripe mode needs a Stripe secret key: set stripeSecretKey first (or in the same change).');
  }
  for (const [name, value] of [
    [SECRET_SMTP_PASSWORD, smtpPassword],
    [SECRET_STRIPE_KEY, stripeSecretKey],
    [SECRET_STRIPE_WEBHOOK, stripeWebhookSecret],
  ] as const) {
    if (value === null) await secrets.delete(name);
    else if (value !== undefined) await secrets.set(name, value);
  }
  await writeSettingValues(
    db,
    Object.entries(stored)
      .filter(([, value]) => value !== undefined)
      .map(([field, value]) => [KEYS[field as keyof typeof KEYS], value] as const),
  );
  return readBillingSettings(db, secrets);
}
