import type { Handlers } from '../../base/handler-types';
import type { BillingContext } from '../billing-context';
import { previewPriceChange } from './price-change-preview';
import { listPriceChanges } from './price-change-rows';
import { cancelPriceChange, schedulePriceChange } from './price-change-schedule';

type PriceChangeChannel = Extract<keyof Handlers, `priceChanges:${string}`>;

/** Announced price changes (issue 15): preview, schedule, list, cancel. The job step applies them. */
export function createPriceChangeHandlers(b: BillingContext): Pick<Handlers, PriceChangeChannel> {
  return {
    'priceChanges:preview': async ({ code }) => previewPriceChange(b, code),
    'priceChanges:schedule': async (input) => schedulePriceChange(b, input),
    'priceChanges:list': async ({ state }) => listPriceChanges(b.ctx.pool, state),
    'priceChanges:cancel': async ({ id }) => cancelPriceChange(b, id),
  };
}

