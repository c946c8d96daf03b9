import type { NoticeFacts } from '../billing/notices/notice-facts';
import { renderLetter, type RenderedNotice } from '../billing/notices/notice-templates';

const day = (at: Date) => at.toISOString().slice(0, 10);

/**
 * The sign-up's welcome: the tenant's address and the administrator's invitation link,
 * with its expiry. Built from NoticeFacts (which hold no credential) and the link alone:
 * never a password — the administrator chooses one through the link.
 */
export function renderSignupWelcome(facts: NoticeFacts, link: string, expiresAt: Date): RenderedNotice {
  const subject = `Welcome to ${facts.sellerName}, ${facts.companyName}: your account is ready`;
  const paragraphs = [
    `Your account ${facts.tenantCode} is ready at ${facts.signInUrl} on the ${facts.planName} plan.`,
    ...(facts.trialEndsAt ? [`Your trial runs until ${day(facts.trialEndsAt)}.`] : []),
    `To finish setting up, choose your administrator password with this link (it works once, until ${day(expiresAt)}):`,
  ];
  const after = 'Then sign in, create your first company and record your first transaction.';
  return renderLetter(facts, subject, paragraphs, { link, after: [after] });
}

/** The one reminder to a trial nobody has signed in to yet. */
export function renderOnboardingNudge(facts: NoticeFacts, stalledDays: number): RenderedNotice {
  const subject = `${facts.companyName}: your account at ${facts.sellerName} is waiting for you`;
  const paragraphs = [
    `Your account ${facts.tenantCode} was set up ${stalledDays} or more days ago, but nobody has signed in yet.`,
    ...(facts.trialEndsAt ? [`Your trial runs until ${day(facts.trialEndsAt)} — there is still time to try everything.`] : []),
    'Use the invitation link in your welcome e-mail to choose your password, or reply to this e-mail if you need a new one.',
  ];
  return renderLetter(facts, subject, paragraphs, { link: facts.signInUrl, linkLabel: 'Sign in: ' });
}
