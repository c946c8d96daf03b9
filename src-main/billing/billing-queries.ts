import type { BillingOverview, TenantBilling } from '../../src-shared/contract/billing-models';
import type { BillingContext } from './billing-context';
import { notBuilt } from './not-built';

export async function getBillingOverview(_b: BillingContext): Promise<BillingOverview> {
  return notBuilt('getBillingOverview');
}
export async function getTenantBilling(_b: BillingContext, _ref: string): Promise<TenantBilling> {
  return notBuilt('getTenantBilling');
}
