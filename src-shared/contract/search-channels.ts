import { z } from 'zod';
import type { ChannelGroup } from './channel-definition';
import { tenantStatusSchema } from './models';
import { snapshotMarkSchema } from './snapshot-mark';

/** Which field of the tenant (or which invoice) the text was found in. */
export const SEARCH_MATCH_FIELDS = ['tenantCode', 'companyName', 'subdomain', 'adminEmail', 'invoiceNumber'] as const;
export type SearchMatchField = (typeof SEARCH_MATCH_FIELDS)[number];

export const searchHitSchema = z.object({
  kind: z.enum(['tenant', 'invoice']),
  tenantCode: z.string(),
  companyName: z.string(),
  subdomain: z.string(),
  adminEmail: z.string(),
  status: tenantStatusSchema,
  matchedField: z.enum(SEARCH_MATCH_FIELDS),
  /** Set for invoice hits. */
  invoiceNumber: z.string().nullable(),
});
export type SearchHit = z.infer<typeof searchHitSchema>;

export const SEARCH_MAX_TEXT = 200;

/**
 * Ctrl/⌘-K: one search over tenants (code, company name ignoring accents and case, subdomain,
 * admin e-mail) and invoice numbers. Runs in main: the renderer never holds the whole registry.
 */
export const searchChannels = {
  'search:everything': {
    input: z
      .object({
        text: z.string().trim().min(1, 'Type something to search for.').max(SEARCH_MAX_TEXT, `Search for at most ${SEARCH_MAX_TEXT} characters.`),
        /** Tenant hits at most; invoice hits are at most half as many. */
        limit: z.number().int().min(1).max(50).default(8),
      })
      .strict(),
    output: z.object({
      hits: z.array(searchHitSchema),
      /** False offline and under review: snapshots keep tenants, not invoices. */
      invoicesSearched: z.boolean(),
      snapshot: snapshotMarkSchema.optional(),
    }),
    mutates: false,
  },
} as const satisfies ChannelGroup;
