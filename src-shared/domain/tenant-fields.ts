import { z } from 'zod';
import { hasInvisibleOrControl, normaliseText } from './text';
import { subdomainSchema } from './subdomain';

const COMPANY_NAME_MAX = 200;

/**
 * Any printable text: "Smith — Partners", `Café "Zur Post"` and names with quotes,
 * semicolons or angle brackets are real company names. What makes text lie on screen
 * (control, bidi-override and zero-width characters) is refused. The name never reaches
 * SQL as text (always a bound parameter), React escapes it, e-mails escape it
 * (notice-templates.ts), and CSV exports neutralise cells that a spreadsheet would run as
 * a formula (base/csv-cell.ts).
 */
export function companyNameProblem(raw: string): string | null {
  const name = normaliseText(raw);
  if (name.length === 0) return 'Company name is required.';
  if (name.length > COMPANY_NAME_MAX) return `Company name must be at most ${COMPANY_NAME_MAX} characters.`;
  if (hasInvisibleOrControl(name)) return 'Company name contains invisible or control characters.';
  if (!/[\p{L}\p{N}]/u.test(name)) return 'Company name must contain a letter or a digit.';
  return null;
}

export const companyNameSchema = z
  .string()
  .transform(normaliseText)
  .superRefine((value, ctx) => {
    const problem = companyNameProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const EMAIL_MAX = 254;
// Deliberately ASCII-only: an internationalised address with look-alike letters is a
// phishing risk for the welcome email and the billing contact.
const EMAIL = /^[A-Za-z0-9.!#$%&*+/?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function emailProblem(raw: string): string | null {
  const email = raw.trim();
  if (email.length === 0) return 'Admin email is required.';
  if (email.length > EMAIL_MAX) return `Admin email must be at most ${EMAIL_MAX} characters.`;
  if (/[^\p{ASCII}]/u.test(email)) return 'Admin email must use plain ASCII characters.';
  if (!EMAIL.test(email) || email.includes('..') || email.startsWith('.') || email.split('@')[0]!.endsWith('.')) {
    return 'Admin email is not a valid address.';
  }
  return null;
}

export const emailSchema = z
  .string()
  .transform((value) => value.trim().toLowerCase())
  .superRefine((value, ctx) => {
    const problem = emailProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const planCodeSchema = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_-]{1,31}$/, 'Plan code must be 2–32 characters: a–z, digits, _ and -.');

export const REASON_MAX = 500;
export const reasonSchema = z
  .string()
  .transform(normaliseText)
  .refine((value) => value.length > 0, 'A reason is required.')
  .refine((value) => value.length <= REASON_MAX, `Reason must be at most ${REASON_MAX} characters.`)
  .refine((value) => !hasInvisibleOrControl(value), 'Reason contains invisible or control characters.');

export const TENANT_CODE_PATTERN = /^[A-Z]{2,4}[0-9]{3,6}$/;
/** A tenant named by its code (ACME001) or its subdomain (acme). */
export const tenantRefSchema = z
  .string()
  .trim()
  .min(1, 'Name a tenant by its code or subdomain.')
  .max(63, 'A tenant reference is a code or a subdomain (at most 63 characters).')
  .refine((value) => /^[A-Za-z0-9-]+$/.test(value), 'A tenant reference is a code (ACME001) or a subdomain (acme).');

export const createTenantInputSchema = z.object({
  companyName: companyNameSchema,
  subdomain: subdomainSchema,
  plan: planCodeSchema,
  adminEmail: emailSchema,
  /** Chosen by the caller so it can match the progress events of this request. */
  requestId: z.string().uuid().optional(),
});
