import type { PriceChangePreview } from '../../../src-shared/contract/price-change-models';
import { AppError } from '../../base/app-error';
import { previewMove } from '../../plans/plan-change';
import type { BillingContext } from '../billing-context';
import { planPrice } from '../billing-tenant';
import { toVersionPrice, versionPrices } from './price-change-rows';

/**
 * What announcing a move of the plan's tenants on older versions to its current version
 * would mean for each: the plans' move preview (the limits it would be over, read from its
 * database) with the old and the new price.
 */
export async function previewPriceChange(b: BillingContext, code: string): Promise<PriceChangePreview> {
  const target = await planPrice(b, code);
  const [moves, prices] = await Promise.all([previewMove(b.ctx, { code, version: target.version }), versionPrices(b.ctx.pool, code)]);
  const priceOf = (version: number) => {
    const row = prices.get(version);
    if (!row) throw new AppError('NOT_FOUND', `Plan ${code} has no version ${version}.`);
    return toVersionPrice(row);
  };
  return {
    planCode: code,
    planName: target.name,
    toVersion: target.version,
    tenants: moves
      // Named tenants never come here (the selection is the plan's older versions), but a
      // tenant on a newer version than the current one cannot exist either: older only.
      .filter((move) => move.from.code === code && move.from.version < target.version)
      .map((move) => ({ ...move, fromPrice: priceOf(move.from.version), toPrice: priceOf(target.version) })),
  };
}
