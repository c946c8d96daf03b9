import type pg from 'pg';
import type { ChannelOutput, ChannelParsedInput } from '../../src-shared/contract/channels';
import type { SearchHit } from '../../src-shared/contract/search-channels';
import type { TenantStatus } from '../../src-shared/domain/status';
import { foldForSearch } from '../../src-shared/domain/search-fold';
import { containsPattern, prefixPattern } from './sql-fold';
import { tenantSearchParams, tenantSearchSql, type TenantSearchParamName, type TenantSearchRow } from './tenant-search-sql';

type Queryable = Pick<pg.ClientBase, 'query'>;

const POSTGRES_PARAM_ORDER: readonly TenantSearchParamName[] = ['exact', 'prefix', 'word', 'contains', 'limit'];
const TENANT_SQL = tenantSearchSql('postgres', 'tenants', "status <> 'deleted'", (name) => `$${POSTGRES_PARAM_ORDER.indexOf(name) + 1}`);

interface InvoiceSearchRow extends Omit<TenantSearchRow, 'matched_field'> {
  number: string;
}

/** A tenant row as a hit. */
export function tenantHit(row: TenantSearchRow): SearchHit {
  return {
    kind: 'tenant',
    tenantCode: row.tenant_code,
    companyName: row.company_name,
    subdomain: row.subdomain,
    adminEmail: row.admin_email,
    status: row.status as TenantStatus,
    matchedField: row.matched_field,
    invoiceNumber: null,
  };
}

/**
 * Ctrl/⌘-K online: tenants (see tenant-search-sql.ts) and finalized invoices by number
 * (numbers are ASCII: lower() is their fold). Two statements side by side on the pool; over
 * 10,000 tenants both are sequential scans of a few milliseconds (bench/search.ts), so no
 * index or extension (pg_trgm, unaccent) is needed for the target.
 */
export async function searchConsole(db: Queryable, input: ChannelParsedInput<'search:everything'>): Promise<ChannelOutput<'search:everything'>> {
  const params = tenantSearchParams(input.text);
  const folded = foldForSearch(input.text.trim());
  const invoiceLimit = Math.max(1, Math.ceil(input.limit / 2));
  const [tenants, invoices] = await Promise.all([
    db.query<TenantSearchRow>(TENANT_SQL, [params.exact, params.prefix, params.word, params.contains, input.limit]),
    db.query<InvoiceSearchRow>(
      `SELECT i.number, t.tenant_code, t.company_name, t.subdomain, t.admin_email, t.status
         FROM invoices i JOIN tenants t ON t.id = i.tenant_id
        WHERE i.number IS NOT NULL AND lower(i.number) LIKE $1 ESCAPE '\\'
        ORDER BY lower(i.number) = $2 DESC, lower(i.number) LIKE $3 ESCAPE '\\' DESC, i.issued_at DESC NULLS LAST, i.number
        LIMIT $4`,
      [containsPattern(folded), folded, prefixPattern(folded), invoiceLimit],
    ),
  ]);
  const invoiceHits: SearchHit[] = invoices.rows.map((row) => ({
    kind: 'invoice',
    tenantCode: row.tenant_code,
    companyName: row.company_name,
    subdomain: row.subdomain,
    adminEmail: row.admin_email,
    status: row.status as TenantStatus,
    matchedField: 'invoiceNumber',
    invoiceNumber: row.number,
  }));
  return { hits: [...tenants.rows.map(tenantHit), ...invoiceHits], invoicesSearched: true };
}
