import type { BillingContext } from '../billing/billing-context';

/**
 * What a sign-up needs: the platform (to provision), the audit log, the secret store and
 * SMTP settings (the welcome e-mail) and billing's clock — exactly billing's context, which
 * the console core builds once (`core.billing`). The tenant API passes it in.
 */
export type SignupContext = BillingContext;
