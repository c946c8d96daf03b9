import { describePricing, type PricingModel } from '../../src-shared/domain/pricing';
import type { BillingOverview, BillingState, GraceReason, TenantBilling } from '../../src-shared/contract/billing-models';
import { TENANT_CODE_PATTERN } from '../../src-shared/domain/tenant-fields';
import { AppError } from '../base/app-error';
import { monthlyRevenueSql } from '../platform/pricing-sql';
import type { BillingContext } from './billing-context';
import {
  FLEET_ROW_JSON,
  INVOICE_SUMMARY_JSON,
  JOB_RUN_JSON,
  NOTICE_JSON,
  iso,
  toFleetRow,
  toInvoiceSummary,
  toJobRunSummary,
  toNotice,
  type FleetRowJson,
  type InvoiceSummaryJson,
  type JobRunJson,
  type NoticeJson,
} from './billing-rows';
import { readStoredBillingSettings } from './billing-settings';
import { addDays } from './clock';
import { estimateNextInvoice } from './invoices/invoice-service';

/** The one MRR figure per tenant (shared with the Usage page). */
const MRR = monthlyRevenueSql('p', 't.id');

/** The Billing page's lists are worklists: the most urgent rows, with the full counts beside them. */
const LIST_LIMIT = 100;
/** The tenant tab shows the latest invoices and notices. */
const TENANT_LIST_LIMIT = 50;

interface OverviewRow {
  counts: { trialing: number; active: number; past_due: number; unpaid: number; in_grace: number; suspended: number };
  mrr: Array<{ currency: string; cents: number | string }> | null;
  trials: FleetRowJson[] | null;
  past_due: FleetRowJson[] | null;
  open_summary: { count: number; total: number | string; overdue_count: number; overdue: number | string };
  open_rows: InvoiceSummaryJson[] | null;
  last_run: JobRunJson | null;
  sync: { last_synced_at: string | null; last_event_id: string | null; last_error: string | null } | null;
}

/**
 * The Billing page in one statement (plus the settings): counts by state, MRR by currency,
 * the trials ending within a week of the clock's now, the tenants behind on payment, the
 * open invoices, the last lifecycle run and Stripe's sync cursor. Each part is a set-based
 * subselect on indexed columns, so it stays one round trip over 10,000 tenants.
 */
export async function getBillingOverview(b: BillingContext): Promise<BillingOverview> {
  const now = b.clock.now();
  const weekEnd = addDays(now, 7);
  const [settings, { rows }] = await Promise.all([
    readStoredBillingSettings(b.ctx.pool),
    b.ctx.pool.query<OverviewRow>(
      `WITH billed AS (
         SELECT t.id, t.status, tb.state, tb.grace_ends_at, tb.suspended_by_billing, p.currency, p.billing_interval,
                ${MRR.monthlyCents} AS monthly_cents
           FROM tenants t
           JOIN tenant_billing tb ON tb.tenant_id = t.id
           JOIN plans p ON p.code = t.plan_code AND p.version = t.plan_version
           ${MRR.join}
          WHERE t.status <> 'deleted'
       )
       SELECT
         (SELECT json_build_object(
                   'trialing', count(*) FILTER (WHERE state = 'trialing'),
                   'active', count(*) FILTER (WHERE state = 'active'),
                   'past_due', count(*) FILTER (WHERE state = 'past_due'),
                   'unpaid', count(*) FILTER (WHERE state = 'unpaid'),
                   'in_grace', count(*) FILTER (WHERE grace_ends_at IS NOT NULL),
                   'suspended', count(*) FILTER (WHERE suspended_by_billing))
            FROM billed) AS counts,
         -- Paying subscriptions (active, or past due but not yet given up) at their MRR (monthlyRevenueSql:
         -- every pricing model at the latest usage; yearly plans count a twelfth).
         (SELECT json_agg(json_build_object('currency', currency, 'cents', cents) ORDER BY currency)
            FROM (SELECT currency, round(sum(monthly_cents))::bigint AS cents
                    FROM billed
                   WHERE state IN ('active', 'past_due') AND status NOT IN ('cancelled', 'deleted')
                     AND monthly_cents > 0 AND billing_interval IN ('month', 'year')
                   GROUP BY currency) AS m) AS mrr,
         -- Trials ending before a week from now (a lapsed one the job has not handled yet comes first).
         (SELECT json_agg(row ORDER BY trial_ends_at, tenant_code) FROM (
            SELECT ${FLEET_ROW_JSON} AS row, t.trial_ends_at, t.tenant_code
              FROM tenants t JOIN tenant_billing tb ON tb.tenant_id = t.id
             WHERE tb.state = 'trialing' AND t.status <> 'deleted' AND t.trial_ends_at IS NOT NULL AND t.trial_ends_at < $2::timestamptz
             ORDER BY t.trial_ends_at, t.tenant_code LIMIT ${LIST_LIMIT}) AS trials) AS trials,
         -- Behind on payment: past due, unpaid, in a grace period or suspended by billing; the soonest grace end first.
         (SELECT json_agg(row ORDER BY grace_ends_at NULLS LAST, tenant_code) FROM (
            SELECT ${FLEET_ROW_JSON} AS row, tb.grace_ends_at, t.tenant_code
              FROM tenants t JOIN tenant_billing tb ON tb.tenant_id = t.id
             WHERE t.status <> 'deleted'
               AND (tb.state IN ('past_due', 'unpaid') OR tb.grace_ends_at IS NOT NULL OR tb.suspended_by_billing)
             ORDER BY tb.grace_ends_at NULLS LAST, t.tenant_code LIMIT ${LIST_LIMIT}) AS behind) AS past_due,
         (SELECT json_build_object(
                   'count', count(*),
                   'total', COALESCE(sum(total_cents - amount_paid_cents), 0),
                   'overdue_count', count(*) FILTER (WHERE due_at < $1::timestamptz),
                   'overdue', COALESCE(sum(total_cents - amount_paid_cents) FILTER (WHERE due_at < $1::timestamptz), 0))
            FROM invoices WHERE state = 'open') AS open_summary,
         (SELECT json_agg(row ORDER BY due_at NULLS LAST, issued_at) FROM (
            SELECT ${INVOICE_SUMMARY_JSON} AS row, i.due_at, i.issued_at
              FROM invoices i JOIN tenants t ON t.id = i.tenant_id
             WHERE i.state = 'open'
             ORDER BY i.due_at NULLS LAST, i.issued_at LIMIT ${LIST_LIMIT}) AS open_invoices) AS open_rows,
         (SELECT ${JOB_RUN_JSON} FROM billing_job_runs r ORDER BY r.started_at DESC LIMIT 1) AS last_run,
         (SELECT json_build_object('last_synced_at', last_synced_at, 'last_event_id', last_event_id, 'last_error', last_error)
            FROM stripe_sync_state) AS sync`,
      [now, weekEnd],
    ),
  ]);
  const row = rows[0]!;
  return {
    mode: settings.mode,
    currency: settings.currency,
    mrr: (row.mrr ?? []).map((entry) => ({ currency: entry.currency, cents: Number(entry.cents) })),
    counts: {
      trialing: row.counts.trialing,
      active: row.counts.active,
      pastDue: row.counts.past_due,
      unpaid: row.counts.unpaid,
      inGrace: row.counts.in_grace,
      suspendedByBilling: row.counts.suspended,
    },
    trialsEndingThisWeek: (row.trials ?? []).map(toFleetRow),
    pastDue: (row.past_due ?? []).map(toFleetRow),
    openInvoices: {
      count: row.open_summary.count,
      totalCents: Number(row.open_summary.total),
      overdueCount: row.open_summary.overdue_count,
      overdueCents: Number(row.open_summary.overdue),
      rows: (row.open_rows ?? []).map(toInvoiceSummary),
    },
    lastRun: row.last_run ? toJobRunSummary(row.last_run) : null,
    stripeSync:
      settings.mode === 'stripe' && row.sync
        ? { lastSyncedAt: iso(row.sync.last_synced_at), lastEventId: row.sync.last_event_id, lastError: row.sync.last_error }
        : null,
    now: now.toISOString(),
  };
}

interface TenantBillingRow {
  id: string;
  tenant_code: string;
  company_name: string;
  status: string;
  version: number;
  trial_ends_at: Date | null;
  plan_code: string;
  plan_version: number;
  plan_name: string;
  price_cents: number | null;
  currency: string;
  billing_interval: string;
  pricing_model: PricingModel;
  unit_price_cents: number | null;
  included_units: number;
  state: BillingState | null;
  conversion_plan_code: string | null;
  payment_method_present: boolean | null;
  payment_method_label: string | null;
  stripe_customer_id: string | null;
  stripe_subscription_id: string | null;
  stripe_subscription_status: string | null;
  current_period_start: Date | null;
  current_period_end: Date | null;
  cancel_at_period_end: boolean | null;
  pending_plan_code: string | null;
  pending_plan_version: number | null;
  grace_reason: GraceReason | null;
  grace_started_at: Date | null;
  grace_ends_at: Date | null;
  suspended_by_billing: boolean | null;
  last_error: string | null;
  invoices: InvoiceSummaryJson[] | null;
  notices: NoticeJson[] | null;
}

/** One tenant's billing (the drawer's Billing tab): its subscription, latest invoices and notices, and the next invoice's estimate. */
export async function getTenantBilling(b: BillingContext, ref: string): Promise<TenantBilling> {
  const now = b.clock.now();
  const byCode = TENANT_CODE_PATTERN.test(ref.toUpperCase());
  const [settings, { rows }] = await Promise.all([
    readStoredBillingSettings(b.ctx.pool),
    b.ctx.pool.query<TenantBillingRow>(
      `SELECT t.id, t.tenant_code, t.company_name, t.status, t.version, t.trial_ends_at, t.plan_code, t.plan_version,
              p.name AS plan_name, p.price_cents, p.currency, p.billing_interval, p.pricing_model, p.unit_price_cents, p.included_units,
              tb.state, tb.conversion_plan_code, tb.payment_method_present, tb.payment_method_label,
              tb.stripe_customer_id, tb.stripe_subscription_id, tb.stripe_subscription_status,
              tb.current_period_start, tb.current_period_end, tb.cancel_at_period_end,
              tb.pending_plan_code, tb.pending_plan_version, tb.grace_reason, tb.grace_started_at, tb.grace_ends_at,
              tb.suspended_by_billing, tb.last_error,
              (SELECT json_agg(row ORDER BY created_at DESC) FROM (
                 SELECT ${INVOICE_SUMMARY_JSON} AS row, i.created_at
                   FROM invoices i WHERE i.tenant_id = t.id ORDER BY i.created_at DESC LIMIT ${TENANT_LIST_LIMIT}) AS inv) AS invoices,
              (SELECT json_agg(row ORDER BY created_at DESC) FROM (
                 SELECT ${NOTICE_JSON} AS row, n.created_at
                   FROM billing_notices n WHERE n.tenant_id = t.id ORDER BY n.created_at DESC LIMIT ${TENANT_LIST_LIMIT}) AS nts) AS notices
         FROM tenants t
         JOIN plans p ON p.code = t.plan_code AND p.version = t.plan_version
         LEFT JOIN tenant_billing tb ON tb.tenant_id = t.id
        WHERE ${byCode ? 't.tenant_code = upper($2)' : 'lower(t.subdomain) = lower($2)'} AND t.status <> 'deleted'`,
      [now, ref],
    ),
  ]);
  const row = rows[0];
  if (!row) throw new AppError('NOT_FOUND', `No tenant ${ref}.`);
  // Invoicing's estimate of the next periodic invoice (null in Stripe mode and for a tenant not billed each period).
  const nextInvoice = await estimateNextInvoice(b, row.id);
  const hasStripe = settings.mode === 'stripe' || row.stripe_customer_id !== null;
  return {
    tenantCode: row.tenant_code,
    companyName: row.company_name,
    tenantStatus: row.status,
    tenantVersion: row.version,
    mode: settings.mode,
    state: row.state ?? 'none',
    plan: {
      code: row.plan_code,
      version: row.plan_version,
      name: row.plan_name,
      priceCents: row.price_cents,
      currency: row.currency,
      interval: row.billing_interval,
      pricingModel: row.pricing_model,
      pricing: describePricing({
        pricingModel: row.pricing_model,
        priceCents: row.price_cents,
        unitPriceCents: row.unit_price_cents,
        includedUnits: row.included_units,
        interval: row.billing_interval as 'month' | 'year' | 'none',
        currency: row.currency,
      }),
    },
    trialEndsAt: iso(row.trial_ends_at),
    conversionPlanCode: row.conversion_plan_code ?? 'starter',
    paymentMethodPresent: row.payment_method_present ?? false,
    paymentMethodLabel: row.payment_method_label,
    stripe: hasStripe
      ? { customerId: row.stripe_customer_id, subscriptionId: row.stripe_subscription_id, subscriptionStatus: row.stripe_subscription_status }
      : null,
    currentPeriodStart: iso(row.current_period_start),
    currentPeriodEnd: iso(row.current_period_end),
    cancelAtPeriodEnd: row.cancel_at_period_end ?? false,
    pendingPlan: row.pending_plan_code !== null && row.pending_plan_version !== null ? { code: row.pending_plan_code, version: row.pending_plan_version } : null,
    nextInvoice,
    grace:
      row.grace_reason && row.grace_ends_at
        ? { reason: row.grace_reason, startedAt: iso(row.grace_started_at ?? row.grace_ends_at)!, endsAt: iso(row.grace_ends_at)! }
        : null,
    suspendedByBilling: row.suspended_by_billing ?? false,
    lastError: row.last_error,
    invoices: (row.invoices ?? []).map(toInvoiceSummary),
    notices: (row.notices ?? []).map(toNotice),
  };
}
