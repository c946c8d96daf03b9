import type { MantineColor } from '@mantine/core';
import type { BillingState, GraceReason, InvoiceState, NoticeKind, ProrationBehavior } from '../../../src-shared/contract/billing-models';

export const BILLING_STATE_LABELS: Readonly<Record<BillingState, string>> = {
  none: 'Not billed',
  trialing: 'Trialing',
  active: 'Active',
  past_due: 'Past due',
  unpaid: 'Unpaid',
  canceled: 'Canceled',
};

export const BILLING_STATE_COLORS: Readonly<Record<BillingState, MantineColor>> = {
  none: 'gray',
  trialing: 'blue',
  active: 'teal',
  past_due: 'orange',
  unpaid: 'red',
  canceled: 'gray',
};

export const GRACE_REASON_LABELS: Readonly<Record<GraceReason, string>> = {
  trial_ended: 'Trial ended without a payment method',
  payment_failed: 'Payment failed',
  invoice_overdue: 'Invoice overdue',
};

export const INVOICE_STATE_COLORS: Readonly<Record<InvoiceState, MantineColor>> = {
  draft: 'gray',
  open: 'blue',
  paid: 'teal',
  void: 'gray',
  uncollectible: 'red',
};

export const NOTICE_KIND_LABELS: Readonly<Record<NoticeKind, string>> = {
  welcome: 'Welcome',
  onboarding_nudge: 'Onboarding reminder',
  trial_ending: 'Trial ending',
  trial_ended: 'Trial ended',
  payment_failed: 'Payment failed',
  suspended: 'Suspended',
  reactivated: 'Reactivated',
  limit_warning: 'Limit warning',
  limit_reached: 'Limit reached',
  invoice_issued: 'Invoice issued',
  test: 'Test e-mail',
  price_change: 'Price change',
};

export const PRORATION_LABELS: Readonly<Record<ProrationBehavior, string>> = {
  create_prorations: 'Prorate onto the next invoice',
  always_invoice: 'Prorate and invoice now',
  none: 'No proration',
};

const DAY_MS = 86_400_000;

/** Whole days from `now` to `iso` (negative once past), by the console's clock. */
export function daysUntil(iso: string | null, now: string | number): number | null {
  if (!iso) return null;
  const from = typeof now === 'number' ? now : Date.parse(now);
  return Math.ceil((Date.parse(iso) - from) / DAY_MS);
}

/** "in 3 days", "today", "2 days ago". */
export function daysPhrase(days: number | null): string {
  if (days === null) return '—';
  if (days === 0) return 'today';
  if (days === 1) return 'tomorrow';
  if (days > 0) return `in ${days} days`;
  return days === -1 ? 'yesterday' : `${-days} days ago`;
}
