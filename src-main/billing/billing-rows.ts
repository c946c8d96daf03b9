import type { FleetBillingRow, InvoiceSummary, JobRunSummary, Notice } from '../../src-shared/contract/billing-models';

/**
 * Row shapes of the billing read side as they come out of json_build_object, and their
 * mapping to the contract. Times inside json come as text in the session's time zone, so
 * each is re-read and sent as ISO (UTC); bigint cents come as numbers or strings.
 */

export const iso = (value: string | Date | null | undefined): string | null => (value === null || value === undefined ? null : new Date(value).toISOString());
const isoRequired = (value: string | Date): string => new Date(value).toISOString();
const cents = (value: string | number | null | undefined): number => (value === null || value === undefined ? 0 : Number(value));

/** The json_build_object of one invoice (alias i, its tenant t); $1 is the clock's time. */
export const INVOICE_SUMMARY_JSON = /* sql */ `json_build_object(
  'id', i.id, 'tenant_code', t.tenant_code, 'company_name', t.company_name, 'source', i.source, 'number', i.number,
  'state', i.state, 'currency', i.currency, 'period_start', i.period_start, 'period_end', i.period_end,
  'subtotal_cents', i.subtotal_cents, 'tax_cents', i.tax_cents, 'total_cents', i.total_cents,
  'amount_paid_cents', i.amount_paid_cents, 'issued_at', i.issued_at, 'due_at', i.due_at, 'paid_at', i.paid_at,
  'overdue', (i.state = 'open' AND i.due_at IS NOT NULL AND i.due_at < $1::timestamptz),
  'hosted_invoice_url', i.hosted_invoice_url)`;

export interface InvoiceSummaryJson {
  id: string;
  tenant_code: string;
  company_name: string;
  source: 'manual' | 'stripe';
  number: string | null;
  state: InvoiceSummary['state'];
  currency: string;
  period_start: string | null;
  period_end: string | null;
  subtotal_cents: number | string;
  tax_cents: number | string;
  total_cents: number | string;
  amount_paid_cents: number | string;
  issued_at: string | null;
  due_at: string | null;
  paid_at: string | null;
  overdue: boolean;
  hosted_invoice_url: string | null;
}

export function toInvoiceSummary(row: InvoiceSummaryJson): InvoiceSummary {
  return {
    id: row.id,
    tenantCode: row.tenant_code,
    companyName: row.company_name,
    source: row.source,
    number: row.number,
    state: row.state,
    currency: row.currency,
    periodStart: iso(row.period_start),
    periodEnd: iso(row.period_end),
    subtotalCents: cents(row.subtotal_cents),
    taxCents: cents(row.tax_cents),
    totalCents: cents(row.total_cents),
    amountPaidCents: cents(row.amount_paid_cents),
    issuedAt: iso(row.issued_at),
    dueAt: iso(row.due_at),
    paidAt: iso(row.paid_at),
    overdue: row.overdue,
    hostedInvoiceUrl: row.hosted_invoice_url,
  };
}

/** One tenant in the Billing page's lists (alias t, tb, its plan p); open invoices' unpaid total alongside. */
export const FLEET_ROW_JSON = /* sql */ `json_build_object(
  'tenant_code', t.tenant_code, 'company_name', t.company_name, 'plan_code', t.plan_code, 'state', tb.state,
  'tenant_status', t.status, 'trial_ends_at', t.trial_ends_at, 'grace_ends_at', tb.grace_ends_at,
  'grace_reason', tb.grace_reason, 'payment_method_present', tb.payment_method_present,
  'amount_due_cents', (SELECT COALESCE(sum(oi.total_cents - oi.amount_paid_cents), 0) FROM invoices oi
                        WHERE oi.tenant_id = t.id AND oi.state = 'open'))`;

export interface FleetRowJson {
  tenant_code: string;
  company_name: string;
  plan_code: string;
  state: FleetBillingRow['state'];
  tenant_status: string;
  trial_ends_at: string | null;
  grace_ends_at: string | null;
  grace_reason: FleetBillingRow['graceReason'];
  payment_method_present: boolean;
  amount_due_cents: number | string;
}

export function toFleetRow(row: FleetRowJson): FleetBillingRow {
  return {
    tenantCode: row.tenant_code,
    companyName: row.company_name,
    planCode: row.plan_code,
    state: row.state,
    tenantStatus: row.tenant_status,
    trialEndsAt: iso(row.trial_ends_at),
    graceEndsAt: iso(row.grace_ends_at),
    graceReason: row.grace_reason,
    paymentMethodPresent: row.payment_method_present,
    amountDueCents: cents(row.amount_due_cents),
  };
}

/** A notice (alias n, its tenant t — NULL for a test e-mail). */
export const NOTICE_JSON = /* sql */ `json_build_object(
  'idempotency_key', n.idempotency_key, 'tenant_code', t.tenant_code, 'kind', n.kind, 'recipient', n.recipient,
  'subject', n.subject, 'state', n.state, 'attempts', n.attempts, 'last_error', n.last_error,
  'created_at', n.created_at, 'sent_at', n.sent_at)`;

export interface NoticeJson {
  idempotency_key: string;
  tenant_code: string | null;
  kind: Notice['kind'];
  recipient: string;
  subject: string;
  state: Notice['state'];
  attempts: number;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

export function toNotice(row: NoticeJson): Notice {
  return {
    idempotencyKey: row.idempotency_key,
    tenantCode: row.tenant_code,
    kind: row.kind,
    recipient: row.recipient,
    subject: row.subject,
    state: row.state,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: isoRequired(row.created_at),
    sentAt: iso(row.sent_at),
  };
}

/**
 * A lifecycle run (alias r). The run's summary is the lifecycle job's JSON; its action and
 * error counts are read from actionCount / errorCount when it keeps them, else from the
 * lengths of its actions / errors arrays.
 */
export const JOB_RUN_JSON = /* sql */ `json_build_object(
  'id', r.id, 'trigger', r.trigger, 'runner', r.runner, 'clock_at', r.clock_at, 'started_at', r.started_at,
  'finished_at', r.finished_at, 'outcome', r.outcome,
  'action_count', COALESCE(CASE WHEN jsonb_typeof(r.summary -> 'actionCount') = 'number' THEN (r.summary ->> 'actionCount')::int END,
                           CASE WHEN jsonb_typeof(r.summary -> 'actions') = 'array' THEN jsonb_array_length(r.summary -> 'actions') END, 0),
  'error_count', COALESCE(CASE WHEN jsonb_typeof(r.summary -> 'errorCount') = 'number' THEN (r.summary ->> 'errorCount')::int END,
                          CASE WHEN jsonb_typeof(r.summary -> 'errors') = 'array' THEN jsonb_array_length(r.summary -> 'errors') END, 0))`;

export interface JobRunJson {
  id: string;
  trigger: JobRunSummary['trigger'];
  runner: string;
  clock_at: string;
  started_at: string;
  finished_at: string | null;
  outcome: JobRunSummary['outcome'];
  action_count: number;
  error_count: number;
}

export function toJobRunSummary(row: JobRunJson): JobRunSummary {
  return {
    id: row.id,
    trigger: row.trigger,
    runner: row.runner,
    clockAt: isoRequired(row.clock_at),
    startedAt: isoRequired(row.started_at),
    finishedAt: iso(row.finished_at),
    outcome: row.outcome,
    actionCount: row.action_count,
    errorCount: row.error_count,
  };
}
