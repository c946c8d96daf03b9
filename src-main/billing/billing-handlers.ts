import type { Handlers } from '../base/handler-types';
import type { BillingContext } from './billing-context';
import { readBillingSettings, updateBillingSettings } from './billing-settings';
import { getBillingOverview, getTenantBilling } from './billing-queries';
import { createInvoice, finalizeInvoice, getInvoice, listInvoices, recordPayment, voidInvoice, writeInvoicePdf } from './invoices/invoice-service';
import { listJobRuns, runBillingJobs } from './lifecycle/run-billing-jobs';
import { listNotices, sendTestEmail } from './notices/notice-service';
import { cancelSubscription, changePlanWithBilling, quotePlanChange, resumeSubscription, setConversionPlan, setPaymentMethod } from './plan-billing';
import { linkStripePrice, listStripePrices, syncStripeEvents } from './stripe/stripe-billing';

type BillingChannel = Extract<keyof Handlers, `billing:${string}` | `invoices:${string}`>;

/** The billing channels, one line each: the work lives in billing/*. */
export function createBillingHandlers(b: BillingContext): Pick<Handlers, BillingChannel> {
  return {
    'billing:settings': async () => readBillingSettings(b.ctx.pool, b.secrets),
    'billing:updateSettings': async (patch) => updateBillingSettings(b.ctx.pool, b.secrets, patch),
    'billing:testEmail': async ({ to }) => sendTestEmail(b, to),
    'billing:overview': async () => getBillingOverview(b),
    'billing:tenant': async ({ ref }) => getTenantBilling(b, ref),
    'billing:quotePlanChange': async (input) => quotePlanChange(b, input),
    'billing:changePlan': async (input) => changePlanWithBilling(b, input),
    'billing:cancelSubscription': async (input) => cancelSubscription(b, input),
    'billing:resumeSubscription': async (input) => resumeSubscription(b, input),
    'billing:setPaymentMethod': async (input) => setPaymentMethod(b, input),
    'billing:setConversionPlan': async (input) => setConversionPlan(b, input),
    'billing:runJobs': async () => runBillingJobs(b, 'operator'),
    'billing:jobRuns': async ({ limit }) => listJobRuns(b, limit),
    'billing:notices': async (input) => listNotices(b, input),
    'billing:syncStripe': async () => syncStripeEvents(b),
    'billing:stripePrices': async () => listStripePrices(b),
    'billing:linkStripePrice': async (input) => linkStripePrice(b, input),
    'invoices:list': async (input) => listInvoices(b, input),
    'invoices:get': async ({ id }) => getInvoice(b, id),
    'invoices:create': async (input) => createInvoice(b, input),
    'invoices:finalize': async ({ id }) => finalizeInvoice(b, id),
    'invoices:void': async ({ id, reason }) => voidInvoice(b, id, reason),
    'invoices:recordPayment': async (input) => recordPayment(b, input),
    'invoices:pdf': async ({ id }) => writeInvoicePdf(b, id),
  };
}
