import { SUBDOMAIN_MAX } from '../../../../src-shared/domain/subdomain';

/** A subdomain suggestion from a company name: "Müller & Söhne GmbH" → "muller-sohne-gmbh". */
export function suggestSubdomain(companyName: string): string {
  return companyName
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/&/g, ' ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, SUBDOMAIN_MAX)
    .replace(/-+$/g, '');
}
