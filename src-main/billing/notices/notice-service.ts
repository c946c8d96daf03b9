import type { Notice } from '../../../src-shared/contract/billing-models';
import type { ChannelParsedInput } from '../../../src-shared/contract/channels';
import type { BillingContext } from '../billing-context';
import { notBuilt } from '../not-built';

export async function sendTestEmail(_b: BillingContext, _to: string): Promise<{ messageId: string }> {
  return notBuilt('sendTestEmail');
}
export async function listNotices(_b: BillingContext, _input: ChannelParsedInput<'billing:notices'>): Promise<Notice[]> {
  return notBuilt('listNotices');
}
