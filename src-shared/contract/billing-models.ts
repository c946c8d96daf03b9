import { z } from 'zod';
import { PRICING_MODELS } from '../domain/pricing';

const isoTime = z.string();
const cents = z.number().int();

export const BILLING_MODES = ['manual', 'stripe'] as const;
export const billingModeSchema = z.enum(BILLING_MODES);
export type BillingMode = z.infer<typeof billingModeSchema>;

/** The tenant's billing state (Stripe's subscription statuses; none = free or not billed). */
export const BILLING_STATES = ['none', 'trialing', 'active', 'past_due', 'unpaid', 'canceled'] as const;
export const billingStateSchema = z.enum(BILLING_STATES);
export type BillingState = z.infer<typeof billingStateSchema>;

export const GRACE_REASONS = ['trial_ended', 'payment_failed', 'invoice_overdue'] as const;
export const graceReasonSchema = z.enum(GRACE_REASONS);
export type GraceReason = z.infer<typeof graceReasonSchema>;

export const PRORATION_BEHAVIORS = ['create_prorations', 'always_invoice', 'none'] as const;
export const prorationBehaviorSchema = z.enum(PRORATION_BEHAVIORS);
export type ProrationBehavior = z.infer<typeof prorationBehaviorSchema>;

export const INVOICE_STATES = ['draft', 'open', 'paid', 'void', 'uncollectible'] as const;
export const invoiceStateSchema = z.enum(INVOICE_STATES);
export type InvoiceState = z.infer<typeof invoiceStateSchema>;

export const NOTICE_KINDS = [
  'welcome',
  'trial_ending',
  'trial_ended',
  'payment_failed',
  'suspended',
  'reactivated',
  'limit_warning',
  'limit_reached',
  'invoice_issued',
  'test',
  /** A trial nobody signed in to: the one reminder (src-main/signups). */
  'onboarding_nudge',
  /** An announced price change: the plan's new version and its date (src-main/billing/price-changes). */
  'price_change',
] as const;
export const noticeKindSchema = z.enum(NOTICE_KINDS);
export type NoticeKind = z.infer<typeof noticeKindSchema>;

export const smtpSettingsSchema = z.object({
  host: z.string().nullable(),
  port: z.number().int(),
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure: z.boolean(),
  username: z.string().nullable(),
  /** The From address, e.g. "Your ERP <billing@yourerp.com>". */
  from: z.string().nullable(),
  /**
   * Off (the default): a server that is not on loopback must speak TLS (port 465) or STARTTLS,
   * or nothing is sent. On: the operator accepted sending the password and mail in clear.
   */
  allowPlaintext: z.boolean(),
});
export type SmtpSettings = z.infer<typeof smtpSettingsSchema>;

/** Billing settings. Secrets are write-only: only whether each one is set comes back. */
export const billingSettingsSchema = z.object({
  mode: billingModeSchema,
  currency: z.string(),
  taxRatePercent: z.number(),
  /** Invoice numbers are `<series>-<number>` (INV-000042), without gaps. */
  invoiceSeries: z.string(),
  invoiceDueDays: z.number().int(),
  /** A manual invoice this many days past due starts the payment-failure grace period. */
  overdueDays: z.number().int(),
  gracePeriodDays: z.number().int(),
  /** The "trial ending" notice goes out this many days before the trial ends. */
  trialNoticeDays: z.number().int(),
  /** Periodic invoices are finalized (numbered, open) when made; off: they wait as drafts. */
  autoFinalize: z.boolean(),
  prorationBehavior: prorationBehaviorSchema,
  jobIntervalMinutes: z.number().int(),
  seller: z.object({ name: z.string(), address: z.string() }),
  smtp: smtpSettingsSchema,
  smtpPasswordSet: z.boolean(),
  stripeSecretKeySet: z.boolean(),
  stripeWebhookSecretSet: z.boolean(),
  /** Where secrets are kept: Electron safeStorage or a mode-0600 file. */
  secretStore: z.enum(['file-0600', 'electron-safe-storage']),
});
export type BillingSettings = z.infer<typeof billingSettingsSchema>;

export const invoiceLineSchema = z.object({
  kind: z.enum(['plan', 'usage', 'overage', 'proration', 'adjustment']),
  description: z.string(),
  quantity: z.number().int(),
  unitCents: cents,
  amountCents: cents,
});
export type InvoiceLine = z.infer<typeof invoiceLineSchema>;

export const invoiceSummarySchema = z.object({
  id: z.string(),
  tenantCode: z.string(),
  companyName: z.string(),
  source: z.enum(['manual', 'stripe']),
  /** null while a draft. */
  number: z.string().nullable(),
  state: invoiceStateSchema,
  currency: z.string(),
  periodStart: isoTime.nullable(),
  periodEnd: isoTime.nullable(),
  subtotalCents: cents,
  taxCents: cents,
  totalCents: cents,
  amountPaidCents: cents,
  issuedAt: isoTime.nullable(),
  dueAt: isoTime.nullable(),
  paidAt: isoTime.nullable(),
  /** Open and past its due date. */
  overdue: z.boolean(),
  /** Stripe's hosted invoice page (opened through the safe external-link function). */
  hostedInvoiceUrl: z.string().nullable(),
});
export type InvoiceSummary = z.infer<typeof invoiceSummarySchema>;

export const invoicePaymentSchema = z.object({
  id: z.string(),
  amountCents: cents,
  method: z.string(),
  reference: z.string().nullable(),
  receivedAt: isoTime,
  recordedBy: z.string(),
});
export type InvoicePayment = z.infer<typeof invoicePaymentSchema>;

export const invoiceDetailSchema = invoiceSummarySchema.extend({
  taxRatePercent: z.number(),
  planCode: z.string().nullable(),
  planVersion: z.number().int().nullable(),
  lines: z.array(invoiceLineSchema),
  payments: z.array(invoicePaymentSchema),
  voidedAt: isoTime.nullable(),
  voidReason: z.string().nullable(),
  createdBy: z.string(),
  createdAt: isoTime,
});
export type InvoiceDetail = z.infer<typeof invoiceDetailSchema>;

export const invoicePageSchema = z.object({ rows: z.array(invoiceSummarySchema), total: z.number().int() });
export type InvoicePage = z.infer<typeof invoicePageSchema>;

export const invoicePdfSchema = z.object({ path: z.string(), bytes: z.number().int(), number: z.string().nullable() });
export type InvoicePdf = z.infer<typeof invoicePdfSchema>;

export const noticeSchema = z.object({
  idempotencyKey: z.string(),
  tenantCode: z.string().nullable(),
  kind: noticeKindSchema,
  recipient: z.string(),
  subject: z.string(),
  state: z.enum(['pending', 'sent', 'failed']),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: isoTime,
  sentAt: isoTime.nullable(),
});
export type Notice = z.infer<typeof noticeSchema>;

export const graceSchema = z.object({ reason: graceReasonSchema, startedAt: isoTime, endsAt: isoTime });
export type Grace = z.infer<typeof graceSchema>;

/** One tenant's billing: the drawer's Billing tab. */
export const tenantBillingSchema = z.object({
  tenantCode: z.string(),
  companyName: z.string(),
  tenantStatus: z.string(),
  tenantVersion: z.number().int(),
  mode: billingModeSchema,
  state: billingStateSchema,
  plan: z.object({
    code: z.string(),
    version: z.number().int(),
    name: z.string(),
    priceCents: cents.nullable(),
    currency: z.string(),
    interval: z.string(),
    pricingModel: z.enum(PRICING_MODELS),
    /** In words: "10.00 USD per user per month, 3 users included". */
    pricing: z.string(),
  }),
  trialEndsAt: isoTime.nullable(),
  /** The plan a trial converts to (starter unless chosen). */
  conversionPlanCode: z.string(),
  paymentMethodPresent: z.boolean(),
  paymentMethodLabel: z.string().nullable(),
  stripe: z
    .object({
      customerId: z.string().nullable(),
      subscriptionId: z.string().nullable(),
      subscriptionStatus: z.string().nullable(),
    })
    .nullable(),
  currentPeriodStart: isoTime.nullable(),
  currentPeriodEnd: isoTime.nullable(),
  cancelAtPeriodEnd: z.boolean(),
  /** A downgrade that takes effect at the end of the period. */
  pendingPlan: z.object({ code: z.string(), version: z.number().int() }).nullable(),
  /** Manual mode: the next periodic invoice as known now, with its lines (usage so far in the period). */
  nextInvoice: z.object({ date: isoTime, estimatedCents: cents, currency: z.string(), lines: z.array(invoiceLineSchema) }).nullable(),
  grace: graceSchema.nullable(),
  suspendedByBilling: z.boolean(),
  lastError: z.string().nullable(),
  invoices: z.array(invoiceSummarySchema),
  notices: z.array(noticeSchema),
});
export type TenantBilling = z.infer<typeof tenantBillingSchema>;

export const planChangeQuoteSchema = z.object({
  tenantCode: z.string(),
  from: z.object({ code: z.string(), version: z.number().int(), priceCents: cents.nullable() }),
  to: z.object({ code: z.string(), version: z.number().int(), priceCents: cents.nullable() }),
  direction: z.enum(['upgrade', 'downgrade', 'same']),
  /** Upgrades take effect now (with proration); downgrades at the end of the period. */
  effective: z.enum(['now', 'period_end']),
  effectiveAt: isoTime,
  prorationBehavior: prorationBehaviorSchema,
  /** What the proration adds to the next invoice (or charges now with always_invoice). */
  prorationCents: cents,
  currency: z.string(),
  lines: z.array(z.object({ description: z.string(), amountCents: cents })),
  /** Limits the tenant would be over on the new plan (a downgrade is refused unless forced). */
  violations: z.array(z.object({ resource: z.string(), companyName: z.string().nullable(), current: z.number().int(), limit: z.number().int() })),
});
export type PlanChangeQuote = z.infer<typeof planChangeQuoteSchema>;

export const fleetBillingRowSchema = z.object({
  tenantCode: z.string(),
  companyName: z.string(),
  planCode: z.string(),
  state: billingStateSchema,
  tenantStatus: z.string(),
  trialEndsAt: isoTime.nullable(),
  graceEndsAt: isoTime.nullable(),
  graceReason: graceReasonSchema.nullable(),
  paymentMethodPresent: z.boolean(),
  /** Open invoices' unpaid total. */
  amountDueCents: cents,
});
export type FleetBillingRow = z.infer<typeof fleetBillingRowSchema>;

export const jobRunSummarySchema = z.object({
  id: z.string(),
  trigger: z.enum(['schedule', 'cli', 'operator', 'test']),
  runner: z.string(),
  clockAt: isoTime,
  startedAt: isoTime,
  finishedAt: isoTime.nullable(),
  outcome: z.enum(['ok', 'partial', 'failed']).nullable(),
  actionCount: z.number().int(),
  errorCount: z.number().int(),
});
export type JobRunSummary = z.infer<typeof jobRunSummarySchema>;

/** The Billing page. */
export const billingOverviewSchema = z.object({
  mode: billingModeSchema,
  currency: z.string(),
  /** Monthly recurring revenue of active subscriptions (yearly plans ÷ 12), by currency. */
  mrr: z.array(z.object({ currency: z.string(), cents })),
  counts: z.object({ trialing: z.number().int(), active: z.number().int(), pastDue: z.number().int(), unpaid: z.number().int(), inGrace: z.number().int(), suspendedByBilling: z.number().int() }),
  trialsEndingThisWeek: z.array(fleetBillingRowSchema),
  pastDue: z.array(fleetBillingRowSchema),
  openInvoices: z.object({ count: z.number().int(), totalCents: cents, overdueCount: z.number().int(), overdueCents: cents, rows: z.array(invoiceSummarySchema) }),
  lastRun: jobRunSummarySchema.nullable(),
  stripeSync: z.object({ lastSyncedAt: isoTime.nullable(), lastEventId: z.string().nullable(), lastError: z.string().nullable() }).nullable(),
  /** The time the console's clock says it is (an injected clock in drills and tests). */
  now: isoTime,
});
export type BillingOverview = z.infer<typeof billingOverviewSchema>;

export const JOB_ACTION_KINDS = [
  'enrolled',
  'stripe_customer_created',
  'stripe_event_applied',
  'invoice_issued',
  'invoice_drafted',
  'trial_converted',
  'grace_started',
  'grace_cleared',
  'suspended',
  'reactivated',
  'downgrade_applied',
  'price_change_applied',
  'subscription_ended',
  'notice_sent',
  'notice_failed',
] as const;

/** One thing a lifecycle run did. */
export const jobActionSchema = z.object({
  kind: z.enum(JOB_ACTION_KINDS),
  tenantCode: z.string().nullable(),
  detail: z.string(),
});
export type JobAction = z.infer<typeof jobActionSchema>;

/** `tenantctl jobs run --json` and billing:runJobs. */
export const jobRunReportSchema = z.object({
  /** false: another runner held the lock, so this one did nothing. */
  ran: z.boolean(),
  runId: z.string().nullable(),
  clockAt: isoTime,
  startedAt: isoTime,
  finishedAt: isoTime,
  durationMs: z.number().int(),
  outcome: z.enum(['ok', 'partial', 'failed', 'locked']),
  counts: z.record(z.string(), z.number().int()),
  actions: z.array(jobActionSchema),
  errors: z.array(z.object({ step: z.string(), tenantCode: z.string().nullable(), message: z.string() })),
});
export type JobRunReport = z.infer<typeof jobRunReportSchema>;

export const stripeSyncReportSchema = z.object({
  eventsSeen: z.number().int(),
  eventsApplied: z.number().int(),
  /** Already applied (by a webhook or an earlier poll). */
  eventsSkipped: z.number().int(),
  cursor: z.string().nullable(),
  tenantsUpdated: z.array(z.string()),
});
export type StripeSyncReport = z.infer<typeof stripeSyncReportSchema>;

export const stripePriceLinkSchema = z.object({
  planCode: z.string(),
  planVersion: z.number().int(),
  stripeProductId: z.string(),
  stripePriceId: z.string(),
  linked: z.boolean(),
});
export type StripePriceLink = z.infer<typeof stripePriceLinkSchema>;
