import { z } from 'zod';
import { tenantStatusSchema } from './models';
import { usageRunSummarySchema } from './usage-models';
import { consoleStatusSchema } from './offline-models';

/** Events the core pushes to every window (IPC) or browser (host mode, server-sent events). */
export const events = {
  /**
   * Sent after each milestone of a long operation finishes: stepIndex counts from 1 to
   * stepCount, so stepIndex === stepCount means the last step is done. `requestId` is the
   * one the caller put in its request (tenants:create), so a window follows its own job.
   */
  'job:progress': z.object({
    requestId: z.string(),
    operation: z.string(),
    tenantCode: z.string().nullable(),
    step: z.string(),
    stepIndex: z.number().int(),
    stepCount: z.number().int(),
    message: z.string(),
    /** Backup / restore / export jobs: tables done of the total, and bytes written or read so far. */
    tablesDone: z.number().int().optional(),
    tablesTotal: z.number().int().optional(),
    bytesDone: z.number().int().optional(),
  }),
  /** A tenant's status or version changed (by this console or another through it). */
  'tenant:changed': z.object({
    tenantCode: z.string(),
    status: tenantStatusSchema,
    version: z.number().int(),
  }),
  /** A usage collection run of this console finished (on demand, scheduled or CLI): dashboards reload. */
  'usage:collected': usageRunSummarySchema,
  /** The platform database stopped or started answering, or a snapshot review began or ended. */
  'console:connectivity': consoleStatusSchema,
} as const satisfies Record<string, z.ZodType>;

type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}
