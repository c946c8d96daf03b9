/** The one nudge per tenant, ever: its billing_notices idempotency key. */
export const onboardingNudgeKey = (tenantId: string) => `onboarding_nudge:${tenantId}`;
