import type { NoticeKind } from '../../../src-shared/contract/billing-models';
import type { NoticeFacts } from './notice-facts';

/** Per-notice details the facts do not hold (which limit, how full). */
export interface NoticeExtra {
  readonly resource?: string;
  readonly current?: number;
  readonly limit?: number;
  readonly percent?: number;
}

export interface RenderedNotice {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/**
 * The kinds the lifecycle sends (invoice_issued belongs to invoicing, test to the settings
 * page, onboarding_nudge to src-main/signups, price_change to billing/price-changes).
 */
export type LifecycleNoticeKind = Exclude<NoticeKind, 'invoice_issued' | 'test' | 'onboarding_nudge' | 'price_change'>;

const RESOURCE_NAMES: Record<string, string> = {
  companies: 'companies',
  users: 'users in a company',
  transactions: 'transactions this month',
};

const day = (at: Date | null) => (at ? at.toISOString().slice(0, 10) : 'soon');
const money = (cents: number | null, currency: string) =>
  cents === null ? 'priced by contract' : `${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${currency}`;
const price = (f: NoticeFacts) => (f.perUnitPricing ? f.perUnitPricing : f.priceCents === null ? 'priced by contract' : f.interval === 'none' ? 'free' : `${money(f.priceCents, f.currency)} per ${f.interval}`);

/** Subject and paragraphs of each notice; the sign-in link and signature are added to all. */
function compose(kind: LifecycleNoticeKind, f: NoticeFacts, extra: NoticeExtra): { subject: string; paragraphs: string[] } {
  const resource = RESOURCE_NAMES[extra.resource ?? ''] ?? extra.resource ?? 'a resource';
  switch (kind) {
    case 'welcome':
      return {
        subject: `Welcome to ${f.sellerName}, ${f.companyName}`,
        paragraphs: [
          `Your account ${f.tenantCode} is ready on the ${f.planName} plan (${price(f)}).`,
          ...(f.trialEndsAt ? [`Your trial runs until ${day(f.trialEndsAt)}.`] : []),
          'Your administrator receives the sign-in details separately.',
        ],
      };
    case 'trial_ending':
      return {
        subject: `Your trial ends on ${day(f.trialEndsAt)}`,
        paragraphs: [
          `The trial of ${f.companyName} (${f.tenantCode}) ends on ${day(f.trialEndsAt)}.`,
          `With a payment method on file it continues on the ${f.conversionPlanName} plan without interruption; without one, a grace period starts and the account is suspended after it.`,
        ],
      };
    case 'trial_ended':
      return {
        subject: `Your trial has ended — add a payment method by ${day(f.graceEndsAt)}`,
        paragraphs: [
          `The trial of ${f.companyName} (${f.tenantCode}) has ended and no payment method is on file.`,
          `Add one by ${day(f.graceEndsAt)} to continue on the ${f.conversionPlanName} plan; after that date the account is suspended (your data is kept).`,
        ],
      };
    case 'payment_failed':
      return {
        subject: `Payment needed for ${f.companyName} by ${day(f.graceEndsAt)}`,
        paragraphs: [
          f.graceReason === 'invoice_overdue'
            ? `An invoice for ${f.companyName} (${f.tenantCode}) is overdue: ${money(f.amountDueCents, f.currency)} is open.`
            : `The last payment for ${f.companyName} (${f.tenantCode}) did not go through.`,
          `Please pay by ${day(f.graceEndsAt)}; after that date the account is suspended (your data is kept).`,
        ],
      };
    case 'suspended':
      return {
        subject: `${f.companyName}'s account is suspended`,
        paragraphs: [
          `The account ${f.tenantCode} is suspended because the payment issue was not resolved in the grace period. Your data is kept and was backed up first.`,
          'As soon as payment is received the account is reactivated automatically.',
        ],
      };
    case 'reactivated':
      return {
        subject: `${f.companyName}'s account is active again`,
        paragraphs: [`Thank you — the account ${f.tenantCode} is active again on the ${f.planName} plan. You can sign in as before.`],
      };
    case 'limit_warning':
      return {
        subject: extra.percent === undefined ? `${f.companyName} is close to its ${resource} limit` : `${f.companyName} has used ${extra.percent}% of its ${resource} limit`,
        paragraphs: [
          extra.current === undefined || extra.limit === undefined
            ? `${f.companyName} (${f.tenantCode}) is close to the ${resource} limit of the ${f.planName} plan.`
            : `${f.companyName} (${f.tenantCode}) uses ${extra.current} of ${extra.limit} ${resource} allowed on the ${f.planName} plan.`,
          'Consider a larger plan before the limit is reached: at the limit, new entries are refused.',
        ],
      };
    case 'limit_reached':
      return {
        subject: `${f.companyName} has reached its ${resource} limit`,
        paragraphs: [
          `${f.companyName} (${f.tenantCode}) has reached the ${resource} limit of the ${f.planName} plan${extra.current === undefined || extra.limit === undefined ? '' : ` (${extra.current} of ${extra.limit})`}.`,
          'New entries of this kind are refused until the plan changes or usage drops. Reply to this e-mail to upgrade.',
        ],
      };
  }
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A notice as plain text and simple HTML. Only NoticeFacts go in: no credential can come out. */
export function renderNotice(kind: LifecycleNoticeKind, facts: NoticeFacts, extra: NoticeExtra = {}): RenderedNotice {
  const { subject, paragraphs } = compose(kind, facts, extra);
  return renderLetter(facts, subject, paragraphs, { link: facts.signInUrl, linkLabel: 'Sign in: ' });
}

/**
 * Every console e-mail's one shape: greeting, paragraphs, one link, optional closing lines,
 * signature — as text and as HTML with every piece escaped.
 */
export function renderLetter(
  facts: Pick<NoticeFacts, 'companyName' | 'sellerName'>,
  subject: string,
  paragraphs: readonly string[],
  options: { readonly link: string; readonly linkLabel?: string; readonly after?: readonly string[] },
): RenderedNotice {
  const greeting = `Hello ${facts.companyName},`;
  const signature = `— ${facts.sellerName}`;
  const after = options.after ?? [];
  const text = [greeting, ...paragraphs, `${options.linkLabel ?? ''}${options.link}`, ...after, signature].join('\n\n') + '\n';
  const html =
    `<!doctype html><html><body style="font-family: sans-serif">` +
    `<p>${escapeHtml(greeting)}</p>` +
    paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('') +
    `<p><a href="${escapeHtml(options.link)}">${escapeHtml(options.link)}</a></p>` +
    after.map((p) => `<p>${escapeHtml(p)}</p>`).join('') +
    `<p>${escapeHtml(signature)}</p></body></html>`;
  return { subject, text, html };
}
