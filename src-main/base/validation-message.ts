import type { z } from 'zod';

/** Turns a zod failure into one line an operator can act on. */
export function describeValidationError(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
