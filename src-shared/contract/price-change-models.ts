import { z } from 'zod';
import { PRICING_MODELS } from '../domain/pricing';
import { planChangePreviewSchema } from './plan-models';

const isoTime = z.string();

/** A plan version's price, as numbers and in words ("49.00 USD per month"). */
export const versionPriceSchema = z.object({
  version: z.number().int(),
  pricingModel: z.enum(PRICING_MODELS),
  priceCents: z.number().int().nullable(),
  unitPriceCents: z.number().int().nullable(),
  currency: z.string(),
  interval: z.string(),
  words: z.string(),
});
export type VersionPrice = z.infer<typeof versionPriceSchema>;

/** One tenant of an announced move: the move preview (limits) with the old and new price. */
export const priceChangeTenantPreviewSchema = planChangePreviewSchema.extend({
  fromPrice: versionPriceSchema,
  toPrice: versionPriceSchema,
});
export type PriceChangeTenantPreview = z.infer<typeof priceChangeTenantPreviewSchema>;

export const priceChangePreviewSchema = z.object({
  planCode: z.string(),
  planName: z.string(),
  /** The plan's current version: what the tenants on older versions would move to. */
  toVersion: z.number().int(),
  tenants: z.array(priceChangeTenantPreviewSchema),
});
export type PriceChangePreview = z.infer<typeof priceChangePreviewSchema>;

export const PRICE_CHANGE_STATES = ['scheduled', 'done', 'canceled'] as const;
export const PRICE_CHANGE_TENANT_STATES = ['pending', 'moved', 'skipped'] as const;

export const priceChangeTenantSchema = z.object({
  tenantCode: z.string(),
  companyName: z.string(),
  fromVersion: z.number().int(),
  /** pending: not moved yet; moved; skipped: no longer on an older version of the plan (or gone). */
  state: z.enum(PRICE_CHANGE_TENANT_STATES),
  noticedAt: isoTime.nullable(),
  /** Stripe mode: the subscription schedule that changes the price at the date. */
  stripeScheduleId: z.string().nullable(),
  movedAt: isoTime.nullable(),
  /** Why the last attempt (notice, Stripe schedule or move) did not go through; retried by the next run. */
  lastError: z.string().nullable(),
});
export type PriceChangeTenant = z.infer<typeof priceChangeTenantSchema>;

/** An announced move of a plan's tenants on older versions to a newer version, at a date. */
export const priceChangeScheduleSchema = z.object({
  id: z.string(),
  planCode: z.string(),
  planName: z.string(),
  toVersion: z.number().int(),
  moveAt: isoTime,
  noticeDays: z.number().int(),
  /** moveAt − noticeDays: when the notices go out. */
  noticeAt: isoTime,
  state: z.enum(PRICE_CHANGE_STATES),
  reason: z.string().nullable(),
  createdBy: z.string(),
  createdAt: isoTime,
  canceledBy: z.string().nullable(),
  canceledAt: isoTime.nullable(),
  finishedAt: isoTime.nullable(),
  tenants: z.array(priceChangeTenantSchema),
});
export type PriceChangeSchedule = z.infer<typeof priceChangeScheduleSchema>;
