import type pg from 'pg';
import type { BillingSettings } from '../../src-shared/contract/billing-models';
import type { ChannelParsedInput } from '../../src-shared/contract/channels';
import { AppError } from '../base/app-error';
import type { SecretStore } from '../secrets/secret-store';
import type { SettingName } from '../settings/setting-definitions';
import { readSettings, writeSettings } from '../settings/settings-store';
import { SECRET_SMTP_PASSWORD, SECRET_STRIPE_KEY, SECRET_STRIPE_WEBHOOK } from './billing-context';
import { assertOneFromAddress } from './notices/from-address';

type Queryable = Pick<pg.ClientBase, 'query'>;

/** Each stored field's setting (src-main/settings); secrets live in the SecretStore instead. */
const SETTING_OF = {
  mode: 'billingMode',
  currency: 'billingCurrency',
  taxRatePercent: 'billingTaxRatePercent',
  invoiceSeries: 'billingInvoiceSeries',
  invoiceDueDays: 'billingInvoiceDueDays',
  overdueDays: 'billingOverdueDays',
  gracePeriodDays: 'billingGracePeriodDays',
  trialNoticeDays: 'billingTrialNoticeDays',
  autoFinalize: 'billingAutoFinalize',
  prorationBehavior: 'billingProrationBehavior',
  jobIntervalMinutes: 'billingJobIntervalMinutes',
  seller: 'billingSeller',
  smtp: 'billingSmtp',
} as const satisfies Record<keyof StoredSettings, SettingName>;

type StoredSettings = Omit<BillingSettings, 'smtpPasswordSet' | 'stripeSecretKeySet' | 'stripeWebhookSecretSet' | 'secretStore'>;
type StoredField = keyof typeof SETTING_OF;

/** The billing settings without the secret flags: what the lifecycle and invoicing read. */
export async function readStoredBillingSettings(db: Queryable): Promise<StoredSettings> {
  const values = await readSettings(db, Object.values(SETTING_OF));
  return Object.fromEntries((Object.keys(SETTING_OF) as StoredField[]).map((field) => [field, values[SETTING_OF[field]]])) as StoredSettings;
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
  if (stored.smtp?.from) assertOneFromAddress(stored.smtp.from);
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
  await writeSettings(db, Object.fromEntries(Object.entries(stored).map(([field, value]) => [SETTING_OF[field as StoredField], value])));
  return readBillingSettings(db, secrets);
}
