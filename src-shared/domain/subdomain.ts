import { z } from 'zod';

/**
 * Labels an operator can never give a tenant: they name the operator's own services, or are
 * ones mail and certificate authorities treat specially.
 */
export const RESERVED_SUBDOMAINS: ReadonlySet<string> = new Set([
  'www', 'api', 'admin', 'app', 'apps', 'mail', 'email', 'smtp', 'imap', 'pop', 'pop3', 'ftp',
  'sftp', 'ssh', 'vpn', 'ns', 'ns1', 'ns2', 'dns', 'mx', 'webmail', 'autodiscover',
  'autoconfig', 'static', 'assets', 'cdn', 'media', 'img', 'files', 'download', 'downloads',
  'status', 'help', 'support', 'docs', 'blog', 'billing', 'pay', 'payments', 'account',
  'accounts', 'login', 'auth', 'sso', 'oauth', 'id', 'dashboard', 'console', 'portal',
  'internal', 'intranet', 'dev', 'test', 'staging', 'stage', 'demo', 'sandbox', 'beta',
  'preview', 'localhost', 'root', 'system', 'platform', 'tenant', 'tenants', 'postgres',
  'postmaster', 'hostmaster', 'webmaster', 'abuse', 'security', 'noreply', 'no-reply',
]);

const SUBDOMAIN_MIN = 3;
export const SUBDOMAIN_MAX = 63;
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** Why a subdomain is unacceptable, or null when it is a valid, unreserved DNS label. */
export function subdomainProblem(raw: string): string | null {
  const label = raw.trim().toLowerCase();
  if (label.length === 0) return 'Subdomain is required.';
  if (label.length < SUBDOMAIN_MIN) return `Subdomain must be at least ${SUBDOMAIN_MIN} characters.`;
  if (label.length > SUBDOMAIN_MAX) return `Subdomain must be at most ${SUBDOMAIN_MAX} characters.`;
  // Checked before the pattern so a Cyrillic "а" in "аcme" gets the precise reason.
  if (/[^\p{ASCII}]/u.test(label)) {
    return 'Subdomain may only use the letters a–z, digits and hyphens (no accents or look-alike characters).';
  }
  if (label.startsWith('-') || label.endsWith('-')) return 'Subdomain cannot start or end with a hyphen.';
  if (!DNS_LABEL.test(label)) return 'Subdomain may only use the letters a–z, digits and hyphens.';
  if (label.startsWith('xn--')) return 'Subdomain cannot be a punycode (xn--) label.';
  if (RESERVED_SUBDOMAINS.has(label)) return `"${label}" is reserved; choose another subdomain.`;
  return null;
}

export const subdomainSchema = z
  .string()
  .transform((value) => value.trim().toLowerCase())
  .superRefine((value, ctx) => {
    const problem = subdomainProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
