import type { VersionPrice } from '../../../src-shared/contract/price-change-models';
import type { NoticeFacts } from '../notices/notice-facts';
import { renderLetter, type RenderedNotice } from '../notices/notice-templates';

/** One notice per tenant and announcement, ever (billing_notices' idempotency key). */
export const priceChangeNoticeKey = (scheduleId: string, tenantId: string) => `price_change:${scheduleId}:${tenantId}`;

/** The notice of an announced price change: the plan, the date, the price now and from then. */
export function renderPriceChangeNotice(facts: NoticeFacts, change: { planName: string; moveAt: Date; from: VersionPrice; to: VersionPrice }): RenderedNotice {
  const date = change.moveAt.toISOString().slice(0, 10);
  return renderLetter(facts, `${change.planName}: new price from ${date}`, [
    `From ${date}, the ${change.planName} plan of ${facts.companyName} (${facts.tenantCode}) moves to its current version: ${change.to.words}.`,
    `Until then you keep your current price: ${change.from.words}.`,
    'Nothing is needed from you. To change plans or ask a question, reply to this e-mail.',
  ], { link: facts.signInUrl, linkLabel: 'Sign in: ' });
}
