import { foldForSearch } from '../../src-shared/domain/search-fold';
import { containsPattern, postgresFold, prefixPattern } from './sql-fold';

/**
 * The tenant half of the console search as one statement for both databases that hold
 * tenants: the platform's PostgreSQL (online) and the offline cache's SQLite (a snapshot).
 * One text, so a name ranks and matches the same way in both. Ranked: the exact code, then
 * prefixes (company, subdomain, code), then a word of the company name, then anywhere.
 */
export type SearchDialect = 'postgres' | 'sqlite';

export interface TenantSearchParams {
  readonly exact: string;
  readonly prefix: string;
  readonly word: string;
  readonly contains: string;
}

export type TenantSearchParamName = keyof TenantSearchParams | 'limit';

/** The folded text's LIKE patterns (the text is folded here: callers pass what was typed). */
export function tenantSearchParams(text: string): TenantSearchParams {
  const folded = foldForSearch(text.trim());
  return { exact: folded, prefix: prefixPattern(folded), word: `% ${prefixPattern(folded)}`, contains: containsPattern(folded) };
}

export interface TenantSearchRow {
  tenant_code: string;
  company_name: string;
  subdomain: string;
  admin_email: string;
  status: string;
  matched_field: 'tenantCode' | 'companyName' | 'subdomain' | 'adminEmail';
}

/**
 * `from` is the row source with tenant_code, company_name, subdomain, admin_email and status
 * (a table name, or a subquery); `where` narrows it further (a fixed condition, not input).
 */
export function tenantSearchSql(dialect: SearchDialect, from: string, where: string, param: (name: TenantSearchParamName) => string): string {
  // SQLite has no translate(): the cache registers foldForSearch as search_fold (snapshot-store.ts).
  const fold = (expression: string) => (dialect === 'postgres' ? postgresFold(expression) : `search_fold(${expression})`);
  const like = (expression: string, name: TenantSearchParamName) => `(${expression}) LIKE ${param(name)} ESCAPE '\\'`;
  const code = 'lower(tenant_code)';
  return `
    SELECT tenant_code, company_name, subdomain, admin_email, status,
           CASE WHEN ${like(code, 'contains')} THEN 'tenantCode'
                WHEN ${like('folded_company', 'contains')} THEN 'companyName'
                WHEN ${like('lower(subdomain)', 'contains')} THEN 'subdomain'
                ELSE 'adminEmail' END AS matched_field
      FROM (SELECT tenant_code, company_name, subdomain, admin_email, status,
                   ${fold('company_name')} AS folded_company, ${fold('admin_email')} AS folded_email
              FROM ${from}
             WHERE ${where}
             -- PostgreSQL: a fence, so each row is folded once rather than in every clause below.
             ${dialect === 'postgres' ? 'OFFSET 0' : ''}) AS candidates
     WHERE ${like(code, 'contains')} OR ${like('folded_company', 'contains')}
        OR ${like('lower(subdomain)', 'contains')} OR ${like('folded_email', 'contains')}
     ORDER BY CASE WHEN ${code} = ${param('exact')} THEN 0
                   WHEN ${like('folded_company', 'prefix')} OR ${like('lower(subdomain)', 'prefix')} OR ${like(code, 'prefix')} THEN 1
                   WHEN ${like("' ' || folded_company", 'word')} THEN 2
                   ELSE 3 END,
              folded_company, tenant_code
     LIMIT ${param('limit')}`;
}
