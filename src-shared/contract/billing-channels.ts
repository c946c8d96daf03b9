import { z } from 'zod';
import { emailSchema, planCodeSchema, reasonSchema, tenantRefSchema } from '../domain/tenant-fields';
import type { ChannelGroup } from './channel-definition';
import {
  billingModeSchema,
  billingOverviewSchema,
  billingSettingsSchema,
  invoiceDetailSchema,
  invoicePageSchema,
  invoicePdfSchema,
  invoiceStateSchema,
  jobRunReportSchema,
  jobRunSummarySchema,
  noticeSchema,
  planChangeQuoteSchema,
  prorationBehaviorSchema,
  stripePriceLinkSchema,
  stripeSyncReportSchema,
  tenantBillingSchema,
} from './billing-models';
import { multiLineText, singleLineText } from './plain-text';

const empty = z.object({}).strict();
const expectedVersion = z.number().int().min(1, 'expectedVersion is the tenant version you last saw.');
const planVersion = z.number().int().min(1);
/** An invoice by id (uuid) or by number (INV-000042). */
const invoiceRef = z
  .string()
  .trim()
  .min(1, 'An invoice id or number is required.')
  .max(64)
  .regex(/^[A-Za-z0-9-]+$/, 'An invoice is named by its id or its number (letters, digits and dashes).');
const amountCents = z.number().int().min(1, 'An amount is a positive number of cents.').max(1_000_000_000_000);
const secret = (what: string) => z.string().trim().min(1, `The ${what} cannot be empty (send null to remove it).`).max(500).nullable().optional();

/** Trials, subscriptions, invoices, Stripe, e-mail notices and the lifecycle job. */
export const billingChannels = {
  'billing:settings': { input: empty, output: billingSettingsSchema, mutates: false },
  /** Secrets (SMTP password, Stripe keys) are written to the secret store, never stored in settings or returned. */
  'billing:updateSettings': {
    input: z
      .object({
        mode: billingModeSchema.optional(),
        currency: z.string().regex(/^[A-Z]{3}$/, 'Currency is an ISO code such as USD.').optional(),
        taxRatePercent: z.number().min(0, 'The tax rate is a percentage from 0 to 100.').max(100, 'The tax rate is a percentage from 0 to 100.').optional(),
        invoiceSeries: z.string().regex(/^[A-Z0-9][A-Z0-9-]{0,23}$/, 'The invoice series is up to 24 capital letters, digits and dashes, e.g. INV.').optional(),
        invoiceDueDays: z.number().int().min(0).max(365).optional(),
        overdueDays: z.number().int().min(0).max(365).optional(),
        gracePeriodDays: z.number().int().min(0).max(365).optional(),
        trialNoticeDays: z.number().int().min(0).max(60).optional(),
        autoFinalize: z.boolean().optional(),
        prorationBehavior: prorationBehaviorSchema.optional(),
        jobIntervalMinutes: z.number().int().min(5, 'Run the billing jobs at most every 5 minutes.').max(1440, 'Run the billing jobs at least daily.').optional(),
        seller: z
          .object({ name: z.string().trim().min(1).max(200).pipe(singleLineText('The seller name')), address: z.string().trim().max(1000).pipe(multiLineText('The seller address')) })
          .strict()
          .optional(),
        smtp: z
          .object({
            host: z.string().trim().min(1).max(253).pipe(singleLineText('The SMTP host')).nullable(),
            port: z.number().int().min(1).max(65535),
            secure: z.boolean(),
            username: z.string().trim().min(1).max(254).pipe(singleLineText('The SMTP user')).nullable(),
            // Parsed as one address in main (nodemailer's parser); here only the characters.
            from: z.string().trim().min(3).max(300).pipe(singleLineText('The From address')).nullable(),
            /** Send without TLS to a server that is not on this machine (the password and mail travel in clear). */
            allowPlaintext: z.boolean().default(false),
          })
          .strict()
          .optional(),
        smtpPassword: secret('SMTP password'),
        stripeSecretKey: z
          .string()
          .trim()
          .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9]{8,}$/, 'A Stripe secret key starts with sk_test_, sk_live_, rk_test_ or rk_live_.')
          .nullable()
          .optional(),
        stripeWebhookSecret: z.string().trim().regex(/^whsec_[A-Za-z0-9]{8,}$/, 'A webhook signing secret starts with whsec_.').nullable().optional(),
      })
      .strict(),
    output: billingSettingsSchema,
    mutates: true,
  },
  /** Sends a test e-mail with the SMTP settings (audited; never contains a secret). */
  'billing:testEmail': { input: z.object({ to: emailSchema }).strict(), output: z.object({ messageId: z.string() }), mutates: true },

  'billing:overview': { input: empty, output: billingOverviewSchema, mutates: false },
  'billing:tenant': { input: z.object({ ref: tenantRefSchema }).strict(), output: tenantBillingSchema, mutates: false },
  /** What a plan change would cost (proration) and whether the tenant fits the new limits. */
  'billing:quotePlanChange': {
    input: z.object({ ref: tenantRefSchema, plan: planCodeSchema, version: planVersion.optional(), prorationBehavior: prorationBehaviorSchema.optional() }).strict(),
    output: planChangeQuoteSchema,
    mutates: false,
  },
  /** Upgrade now with proration; downgrade at the end of the period (limits change then). */
  'billing:changePlan': {
    input: z
      .object({
        ref: tenantRefSchema,
        plan: planCodeSchema,
        version: planVersion.optional(),
        prorationBehavior: prorationBehaviorSchema.optional(),
        expectedVersion,
        force: z.boolean().default(false),
        reason: reasonSchema.optional(),
      })
      .strict(),
    output: tenantBillingSchema,
    mutates: true,
  },
  'billing:cancelSubscription': {
    input: z.object({ ref: tenantRefSchema, when: z.enum(['period_end', 'now']), reason: reasonSchema.optional() }).strict(),
    output: tenantBillingSchema,
    mutates: true,
  },
  /** Takes back a cancellation at the end of the period. */
  'billing:resumeSubscription': { input: z.object({ ref: tenantRefSchema }).strict(), output: tenantBillingSchema, mutates: true },
  /** Manual mode: the operator records that a payment method (card on file, mandate) exists. */
  'billing:setPaymentMethod': {
    input: z.object({ ref: tenantRefSchema, present: z.boolean(), label: z.string().trim().min(1).max(100).optional() }).strict(),
    output: tenantBillingSchema,
    mutates: true,
  },
  /** The plan a trial converts to when it ends with a payment method. */
  'billing:setConversionPlan': { input: z.object({ ref: tenantRefSchema, plan: planCodeSchema }).strict(), output: tenantBillingSchema, mutates: true },

  /** One lifecycle run now (what `tenantctl jobs run` does); returns at once with ran: false if another runner holds it. */
  'billing:runJobs': { input: empty, output: jobRunReportSchema, mutates: true },
  'billing:jobRuns': { input: z.object({ limit: z.number().int().min(1).max(200).default(20) }).strict(), output: z.array(jobRunSummarySchema), mutates: false },
  'billing:notices': {
    input: z.object({ ref: tenantRefSchema.optional(), limit: z.number().int().min(1).max(500).default(50) }).strict(),
    output: z.array(noticeSchema),
    mutates: false,
  },

  /** Polls Stripe's events from the stored cursor now (also done by every lifecycle run). */
  'billing:syncStripe': { input: empty, output: stripeSyncReportSchema, mutates: true },
  'billing:stripePrices': { input: empty, output: z.array(stripePriceLinkSchema), mutates: false },
  /** Links a plan version to an existing Stripe price instead of letting the console create one. */
  'billing:linkStripePrice': {
    input: z.object({ code: planCodeSchema, version: planVersion, priceId: z.string().regex(/^price_[A-Za-z0-9]+$/, 'A Stripe price id starts with price_.') }).strict(),
    output: stripePriceLinkSchema,
    mutates: true,
  },

  'invoices:list': {
    input: z
      .object({
        ref: tenantRefSchema.optional(),
        state: z.array(invoiceStateSchema).max(5).optional(),
        overdueOnly: z.boolean().default(false),
        limit: z.number().int().min(1).max(500).default(50),
        offset: z.number().int().min(0).default(0),
      })
      .strict(),
    output: invoicePageSchema,
    mutates: false,
  },
  'invoices:get': { input: z.object({ id: invoiceRef }).strict(), output: invoiceDetailSchema, mutates: false },
  /** A one-off manual invoice (a draft: finalize it to number and send it). */
  'invoices:create': {
    input: z
      .object({
        ref: tenantRefSchema,
        lines: z
          .array(
            z
              .object({
                description: z.string().trim().min(1).max(300),
                quantity: z.number().int().min(1).max(1_000_000_000).default(1),
                unitCents: z.number().int().min(-1_000_000_000).max(1_000_000_000),
              })
              .strict(),
          )
          .min(1, 'An invoice needs at least one line.')
          .max(100),
      })
      .strict(),
    output: invoiceDetailSchema,
    mutates: true,
  },
  'invoices:finalize': { input: z.object({ id: invoiceRef }).strict(), output: invoiceDetailSchema, mutates: true },
  'invoices:void': { input: z.object({ id: invoiceRef, reason: reasonSchema }).strict(), output: invoiceDetailSchema, mutates: true },
  'invoices:recordPayment': {
    input: z
      .object({
        id: invoiceRef,
        amountCents,
        method: z.string().trim().min(1).max(50),
        reference: z.string().trim().max(200).optional(),
        receivedAt: z.iso.datetime({ offset: true }).optional(),
      })
      .strict(),
    output: invoiceDetailSchema,
    mutates: true,
  },
  /** Writes the invoice's PDF into the data folder (invoices/<number>.pdf) and returns its path. */
  'invoices:pdf': { input: z.object({ id: invoiceRef }).strict(), output: invoicePdfSchema, mutates: false },
} satisfies ChannelGroup;
