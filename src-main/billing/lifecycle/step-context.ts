import type { BillingContext } from '../billing-context';
import type { readStoredBillingSettings } from '../billing-settings';
import type { MailerSession } from '../notices/send-notice';
import type { JobRecorder } from './job-recorder';

export type StoredBillingSettings = Awaited<ReturnType<typeof readStoredBillingSettings>>;

/** Everything a lifecycle step needs; `now` is read from the clock once per run. */
export interface StepContext {
  readonly b: BillingContext;
  readonly now: Date;
  readonly settings: StoredBillingSettings;
  readonly run: JobRecorder;
  readonly mail: MailerSession;
  /** Notices claimed during this run: the retry step leaves them to the next run. */
  readonly claimedKeys: Set<string>;
}

/** Tenants handled at once by the notice-only steps (SMTP and audit round trips overlap). */
export const NOTICE_CONCURRENCY = 4;

export const DAY_MS = 86_400_000;
export const daysAfter = (at: Date, days: number) => new Date(at.getTime() + days * DAY_MS);

/** The length of a plan's billing period, in SQL; NULL for plans without one. */
export const PERIOD_INTERVAL_SQL = (interval: string) =>
  `CASE ${interval} WHEN 'year' THEN interval '1 year' WHEN 'month' THEN interval '1 month' END`;
