import { z } from 'zod';
import { tenantStatusSchema } from './models';

/** Events the core pushes to every window (IPC) or browser (host mode, server-sent events). */
export const events = {
  'job:progress': z.object({
    requestId: z.string(),
    operation: z.string(),
    tenantCode: z.string().nullable(),
    step: z.string(),
    stepIndex: z.number().int(),
    stepCount: z.number().int(),
    message: z.string(),
  }),
  'tenant:changed': z.object({
    tenantCode: z.string(),
    status: tenantStatusSchema,
    version: z.number().int(),
  }),
} as const satisfies Record<string, z.ZodType>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}
