import { z } from 'zod';
import {
  createTenantInputSchema,
  planCodeSchema,
  reasonSchema,
  tenantRefSchema,
} from '../domain/tenant-fields';
import {
  appInfoSchema,
  MAX_SPARE_DATABASES_PER_PLAN,
  planSchema,
  reconcileReportSchema,
  settingsSchema,
  SIGNUP_SETTING_RANGES,
  tenantCredentialsSchema,
  tenantDetailSchema,
  tenantStatusSchema,
  tenantOperationSchema,
  tenantSummarySchema,
  TENANT_SORT_FIELDS,
} from './models';
import type { ChannelDefinition } from './channel-definition';
import { auditChannels } from './audit-channels';
import { planChannels } from './plan-channels';
import { usageChannels } from './usage-channels';
import { backupChannels } from './backup-channels';
import { statusBackupOutcomeSchema } from './backup-models';
import { offlineChannels } from './offline-channels';
import { billingChannels } from './billing-channels';
import { serverCheckChannels } from './server-check-channels';
import { serverChannels } from './server-channels';
import { operatorChannels } from './operator-channels';
import { apiKeyChannels } from './api-key-channels';
import { tenantAccessChannels } from './tenant-access-channels';
import { onboardingChannels } from './onboarding-channels';
import { priceChangeChannels } from './price-change-channels';
import { searchChannels } from './search-channels';
import { onboardingStageSchema } from './onboarding-models';
import { snapshotMarkSchema } from './offline-models';

const empty = z.object({}).strict();

const SPARE_COUNT_MESSAGE = `Keep a whole number from 0 to ${MAX_SPARE_DATABASES_PER_PLAN} of spare databases per plan.`;
/** A sign-up setting within its range, refused with the range in words ("… from 1 to 90"). */
function signupSetting(name: keyof typeof SIGNUP_SETTING_RANGES, what: string) {
  const { min, max } = SIGNUP_SETTING_RANGES[name];
  const message = `${what}: a whole number from ${min} to ${max}.`;
  return z.number().int(message).min(min, message).max(max, message);
}
const expectedVersion = z.number().int().min(1, 'expectedVersion is the tenant version you last saw.');
/** Suspend and cancel back the tenant up first (verified) unless told not to; a failed backup stops them unless overridden. */
const backupFirst = {
  backupFirst: z.boolean().default(true),
  overrideBackupFailure: z.boolean().default(false),
  requestId: z.string().uuid().optional(),
};
const statusChangeOutput = tenantDetailSchema.extend({ backup: statusBackupOutcomeSchema.optional() });

/**
 * The whole contract between the renderer (or host-mode browser, or CLI) and the core.
 * Adding a channel is one entry here (or in a capability's channel group spread below)
 * plus its handler in src-main/app/handlers.
 */
export const channels = {
  'app:info': { input: empty, output: appInfoSchema, mutates: false },

  'plans:list': { input: empty, output: z.array(planSchema), mutates: false },

  'settings:get': { input: empty, output: settingsSchema, mutates: false },
  'settings:update': {
    input: z
      .object({
        baseDomain: z
          .string()
          .trim()
          .toLowerCase()
          .max(253)
          .regex(/^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/, 'Base domain must be a domain name such as example.com.')
          .optional(),
        cancellationRetentionDays: z.number().int().min(1).max(3650).optional(),
        limitWarningPercent: z.number().int().min(1, 'The warning threshold is a percentage from 1 to 100.').max(100, 'The warning threshold is a percentage from 1 to 100.').optional(),
        usageCollectionIntervalHours: z.number().int().min(1, 'Collect usage at least once every 720 hours (30 days) and at most hourly.').max(720, 'Collect usage at least once every 720 hours (30 days) and at most hourly.').optional(),
        spareDatabasesPerPlan: z
          .number()
          .int(SPARE_COUNT_MESSAGE)
          .min(0, SPARE_COUNT_MESSAGE)
          .max(MAX_SPARE_DATABASES_PER_PLAN, SPARE_COUNT_MESSAGE)
          .optional(),
        sessionIdleMinutes: z.number().int().min(1, 'The idle time is from 1 to 1440 minutes (one day).').max(1440, 'The idle time is from 1 to 1440 minutes (one day).').optional(),
        signupRequestsPerHour: signupSetting('signupRequestsPerHour', 'Sign-up requests per address per hour').optional(),
        signupInvitationDays: signupSetting('signupInvitationDays', 'An invitation link works for').optional(),
        onboardingStalledDays: signupSetting('onboardingStalledDays', 'A trial is stalled after').optional(),
      })
      .strict(),
    output: settingsSchema,
    mutates: true,
  },

  'tenants:list': {
    input: z
      .object({
        search: z.string().trim().max(200).optional(),
        status: z.array(tenantStatusSchema).max(10).optional(),
        plan: z.array(planCodeSchema).max(20).optional(),
        /** Onboarding: tenants at these checklist stages, and/or only stalled trials. */
        onboarding: z.array(onboardingStageSchema).max(10).optional(),
        stalled: z.boolean().optional(),
        sort: z.enum(TENANT_SORT_FIELDS).default('createdAt'),
        direction: z.enum(['asc', 'desc']).default('desc'),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(500).default(50),
      })
      .strict(),
    output: z.object({ rows: z.array(tenantSummarySchema), total: z.number().int(), snapshot: snapshotMarkSchema.optional() }),
    mutates: false,
  },
  'tenants:get': {
    input: z.object({ ref: tenantRefSchema }).strict(),
    output: tenantDetailSchema.extend({ snapshot: snapshotMarkSchema.optional() }),
    mutates: false,
  },
  'tenants:operations': {
    input: z.object({ ref: tenantRefSchema, limit: z.number().int().min(1).max(200).default(50) }).strict(),
    output: z.array(tenantOperationSchema),
    mutates: false,
  },
  'tenants:checkSubdomain': {
    input: z.object({ subdomain: z.string().max(200) }).strict(),
    output: z.object({ available: z.boolean(), problem: z.string().nullable() }),
    mutates: false,
  },
  'tenants:create': {
    input: createTenantInputSchema.strict(),
    output: z.object({ tenant: tenantDetailSchema, credentials: tenantCredentialsSchema }),
    mutates: true,
  },
  'tenants:suspend': {
    input: z.object({ ref: tenantRefSchema, reason: reasonSchema, expectedVersion, ...backupFirst }).strict(),
    output: statusChangeOutput,
    mutates: true,
  },
  'tenants:activate': {
    input: z.object({ ref: tenantRefSchema, expectedVersion }).strict(),
    output: tenantDetailSchema,
    mutates: true,
  },
  'tenants:cancel': {
    input: z.object({ ref: tenantRefSchema, reason: reasonSchema.optional(), expectedVersion, ...backupFirst }).strict(),
    output: statusChangeOutput,
    mutates: true,
  },
  'tenants:reconcile': { input: empty, output: reconcileReportSchema, mutates: true },
  ...auditChannels,
  ...planChannels,
  ...usageChannels,
  ...backupChannels,
  ...offlineChannels,
  ...billingChannels,
  ...serverCheckChannels,
  ...serverChannels,
  ...operatorChannels,
  ...tenantAccessChannels,
  ...apiKeyChannels,
  ...onboardingChannels,
  ...priceChangeChannels,
  ...searchChannels,
} as const satisfies Record<string, ChannelDefinition>;

type Channels = typeof channels;
export type ChannelName = keyof Channels;
/** What a caller sends (before defaults and transforms). */
export type ChannelInput<C extends ChannelName> = z.input<Channels[C]['input']>;
/** What a handler receives (after validation, defaults and transforms). */
export type ChannelParsedInput<C extends ChannelName> = z.output<Channels[C]['input']>;
export type ChannelOutput<C extends ChannelName> = z.output<Channels[C]['output']>;

export const CHANNEL_NAMES = Object.keys(channels) as ChannelName[];

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(channels, name);
}
