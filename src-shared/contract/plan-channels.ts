import { z } from 'zod';
import { PRICING_MODELS } from '../domain/pricing';
import { planCodeSchema, reasonSchema, tenantRefSchema } from '../domain/tenant-fields';
import type { ChannelGroup } from './channel-definition';
import { tenantDetailSchema } from './models';
import {
  fleetMigrateReportSchema,
  fleetStatusSchema,
  limitOverrideSchema,
  limitResourceSchema,
  moveTenantsResultSchema,
  planChangePreviewSchema,
  planHistoryEntrySchema,
  planVersionSchema,
  tenantLimitsSchema,
} from './plan-models';

const expectedVersion = z.number().int().min(1, 'expectedVersion is the tenant version you last saw.');
const limitValue = z.number().int().min(0, 'A limit is 0 or more.').max(1_000_000_000);
const planVersion = z.number().int().min(1);
/** A bulk move names its tenants or the version they are on, not both. */
const oneSelection = (input: { tenants?: unknown; fromVersion?: unknown }) => input.tenants === undefined || input.fromVersion === undefined;
const oneSelectionError = { message: 'Give either the tenants or the version to move from, not both.', path: ['fromVersion'] };

/** Plans, limits, overrides and fleet tenant-schema migrations. */
export const planChannels = {
  /** Every version of every plan (current and grandfathered), with how many tenants are on each. */
  'plans:catalog': {
    input: z.object({}).strict(),
    output: z.array(planVersionSchema),
    mutates: false,
  },
  'plans:versions': {
    input: z.object({ code: planCodeSchema }).strict(),
    output: z.array(planVersionSchema),
    mutates: false,
  },
  /** Edits a plan by adding a version; tenants stay on theirs until moved. */
  'plans:update': {
    input: z
      .object({
        code: planCodeSchema,
        name: z.string().trim().min(1).max(100).optional(),
        priceCents: z.number().int().min(0).nullable().optional(),
        currency: z.string().regex(/^[A-Z]{3}$/, 'Currency is an ISO code such as USD.').optional(),
        interval: z.enum(['month', 'year', 'none']).optional(),
        trialDays: z.number().int().min(0).max(365).nullable().optional(),
        limits: z
          .object({ companies: limitValue.nullable().optional(), usersPerCompany: limitValue.nullable().optional(), transactionsPerMonth: limitValue.nullable().optional() })
          .strict()
          .optional(),
        overagePriceCents: z.number().int().min(0).nullable().optional(),
        // Never unlimited: one tenant could then take every slot of its server.
        connectionLimit: z.number().int().min(1).max(10000).optional(),
        supportLevel: z.string().trim().min(1).max(50).optional(),
        pricingModel: z.enum(PRICING_MODELS).optional(),
        unitPriceCents: z.number().int().min(0).max(100_000_000).nullable().optional(),
        includedUnits: z.number().int().min(0).max(1_000_000_000).optional(),
        trialCardRequired: z.boolean().optional(),
      })
      .strict(),
    output: planVersionSchema,
    mutates: true,
  },
  /** Who would be over the limits of a plan version if moved to it (default: the current version; all tenants on older versions of the plan). */
  'plans:previewMove': {
    input: z
      .object({ code: planCodeSchema, version: planVersion.optional(), tenants: z.array(tenantRefSchema).max(1000).optional(), fromVersion: planVersion.optional() })
      .strict()
      .refine(oneSelection, oneSelectionError),
    output: z.array(planChangePreviewSchema),
    mutates: false,
  },
  'plans:moveTenants': {
    input: z
      .object({
        code: planCodeSchema,
        version: planVersion.optional(),
        tenants: z.array(tenantRefSchema).max(1000).optional(),
        /** Only the tenants on this version of the plan (default: every older version). */
        fromVersion: planVersion.optional(),
        force: z.boolean().default(false),
        reason: reasonSchema.optional(),
      })
      .strict()
      .refine(oneSelection, oneSelectionError),
    output: moveTenantsResultSchema,
    mutates: true,
  },
  'tenants:limits': {
    input: z.object({ ref: tenantRefSchema }).strict(),
    output: tenantLimitsSchema,
    mutates: false,
  },
  'tenants:previewPlanChange': {
    input: z.object({ ref: tenantRefSchema, plan: planCodeSchema, version: planVersion.optional() }).strict(),
    output: planChangePreviewSchema,
    mutates: false,
  },
  'tenants:changePlan': {
    input: z
      .object({
        ref: tenantRefSchema,
        plan: planCodeSchema,
        version: planVersion.optional(),
        force: z.boolean().default(false),
        expectedVersion,
        reason: reasonSchema.optional(),
      })
      .strict(),
    output: tenantDetailSchema,
    mutates: true,
  },
  'tenants:setOverride': {
    input: z
      .object({
        ref: tenantRefSchema,
        resource: limitResourceSchema,
        kind: z.enum(['limit', 'allowance']),
        /** limit: null = unlimited; allowance: required. */
        value: limitValue.nullable(),
        reason: reasonSchema,
        expiresAt: z.iso.datetime({ offset: true }).optional(),
      })
      .strict()
      .refine((input) => input.kind === 'limit' || input.value !== null, { message: 'An allowance needs a value.', path: ['value'] })
      .refine((input) => input.expiresAt === undefined || Date.parse(input.expiresAt) > Date.now(), { message: 'The expiry must be in the future.', path: ['expiresAt'] }),
    output: limitOverrideSchema,
    mutates: true,
  },
  'tenants:revokeOverride': {
    input: z.object({ ref: tenantRefSchema, id: z.uuid() }).strict(),
    output: limitOverrideSchema,
    mutates: true,
  },
  'tenants:planHistory': {
    input: z.object({ ref: tenantRefSchema }).strict(),
    output: z.array(planHistoryEntrySchema),
    mutates: false,
  },
  /** How many tenant databases are behind the newest tenant schema. */
  'fleet:status': {
    input: z.object({}).strict(),
    output: fleetStatusSchema,
    mutates: false,
  },
  /** Applies the tenant-schema migrations to every tenant database not yet at the newest version. */
  'fleet:migrate': {
    input: z.object({ requestId: z.uuid().optional() }).strict(),
    output: fleetMigrateReportSchema,
    mutates: true,
  },
} as const satisfies ChannelGroup;
