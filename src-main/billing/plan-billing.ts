import type { JobAction, PlanChangeQuote, TenantBilling } from '../../src-shared/contract/billing-models';
import type { ChannelParsedInput } from '../../src-shared/contract/channels';
import type { BillingContext } from './billing-context';
import { notBuilt } from './not-built';

export async function quotePlanChange(_b: BillingContext, _input: ChannelParsedInput<'billing:quotePlanChange'>): Promise<PlanChangeQuote> {
  return notBuilt('quotePlanChange');
}
export async function changePlanWithBilling(_b: BillingContext, _input: ChannelParsedInput<'billing:changePlan'>): Promise<TenantBilling> {
  return notBuilt('changePlanWithBilling');
}
export async function cancelSubscription(_b: BillingContext, _input: ChannelParsedInput<'billing:cancelSubscription'>): Promise<TenantBilling> {
  return notBuilt('cancelSubscription');
}
export async function resumeSubscription(_b: BillingContext, _input: ChannelParsedInput<'billing:resumeSubscription'>): Promise<TenantBilling> {
  return notBuilt('resumeSubscription');
}
export async function setPaymentMethod(_b: BillingContext, _input: ChannelParsedInput<'billing:setPaymentMethod'>): Promise<TenantBilling> {
  return notBuilt('setPaymentMethod');
}
export async function setConversionPlan(_b: BillingContext, _input: ChannelParsedInput<'billing:setConversionPlan'>): Promise<TenantBilling> {
  return notBuilt('setConversionPlan');
}

/**
 * Downgrades waiting for the end of their period, applied (lifecycle step 4). Stub on the
 * lifecycle branch only: the plan-changes helper builds it; the lifecycle calls it.
 */
export async function applyDuePendingDowngrades(_b: BillingContext): Promise<JobAction[]> {
  return notBuilt('applyDuePendingDowngrades');
}
