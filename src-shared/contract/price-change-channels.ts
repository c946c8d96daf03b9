import { z } from 'zod';
import { planCodeSchema, reasonSchema } from '../domain/tenant-fields';
import type { ChannelGroup } from './channel-definition';
import { priceChangePreviewSchema, priceChangeScheduleSchema, PRICE_CHANGE_STATES } from './price-change-models';

/** How far ahead a price change may be announced, and the longest notice. */
export const PRICE_CHANGE_MAX_NOTICE_DAYS = 365;
export const PRICE_CHANGE_MAX_DAYS_AHEAD = 2 * 365;

/**
 * Announced price changes (issue 15): a plan's tenants on older versions moved to its
 * current version at a date, with a notice e-mail N days before. Whether the date leaves
 * room for the notice is decided in main, by the billing clock.
 */
export const priceChangeChannels = {
  /** Each tenant that would move: its old and new price, and the limits it would be over. */
  'priceChanges:preview': {
    input: z.object({ code: planCodeSchema }).strict(),
    output: priceChangePreviewSchema,
    mutates: false,
  },
  'priceChanges:schedule': {
    input: z
      .object({
        code: planCodeSchema,
        at: z.iso.datetime({ offset: true }),
        noticeDays: z.number().int().min(0, 'Notice days are 0 or more.').max(PRICE_CHANGE_MAX_NOTICE_DAYS, `At most ${PRICE_CHANGE_MAX_NOTICE_DAYS} days of notice.`),
        reason: reasonSchema.optional(),
      })
      .strict(),
    output: priceChangeScheduleSchema,
    mutates: true,
  },
  'priceChanges:list': {
    input: z.object({ state: z.enum(PRICE_CHANGE_STATES).optional() }).strict(),
    output: z.array(priceChangeScheduleSchema),
    mutates: false,
  },
  /** Cancels a schedule before its date: no notice and no move happen after this. */
  'priceChanges:cancel': {
    input: z.object({ id: z.uuid() }).strict(),
    output: priceChangeScheduleSchema,
    mutates: true,
  },
} as const satisfies ChannelGroup;
