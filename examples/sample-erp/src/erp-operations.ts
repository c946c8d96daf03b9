/**
 * The sample ERP's work, framework-neutral: each operation takes the request's tenant (from
 * the kit) and its validated input, and runs on the tenant's own database as the tenant's
 * role. Plan limits are not checked here: the database refuses, and the kit turns the
 * refusal into 403 "Company limit reached (3 of 3). Please upgrade.".
 */
import type { LimitCheck, TenantHandle } from '../../../erp-kit/src/index.js';
import { z } from 'zod';

/** An answer the ERP gives itself (bad input, no such company), as opposed to the kit's. */
export class ErpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const id = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const companyInput = z.object({ name: z.string().trim().min(1).max(200) }).strict();
const userInput = z.object({ email: z.string().trim().email().max(320), full_name: z.string().trim().max(200).optional() }).strict();
const transactionInput = z
  .object({
    amount: z.union([z.number(), z.string().regex(/^-?\d{1,16}(\.\d{1,2})?$/)]).transform(String),
    currency: z.string().regex(/^[A-Z]{3}$/).default('USD'),
    description: z.string().max(500).optional(),
    kind: z.enum(['sale', 'purchase', 'payment', 'journal', 'other']).default('other'),
  })
  .strict();
const resourceInput = z.enum(['companies', 'users', 'transactions']);

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ErpError(400, 'invalid_input', `${issue?.path.join('.') || 'input'}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

/** The ERP's own meaning of PostgreSQL errors the kit leaves alone. */
function erpMeaning(error: unknown): never {
  const code = (error as { code?: string } | null)?.code;
  if (code === '23505') throw new ErpError(409, 'already_exists', 'That already exists.');
  if (code === '23503') throw new ErpError(404, 'no_such_company', 'No such company.');
  throw error;
}

export interface Company {
  readonly id: number;
  readonly name: string;
}

export async function listCompanies(tenant: TenantHandle): Promise<Company[]> {
  const { rows } = await tenant.query<{ id: string; name: string }>('SELECT id::text AS id, name FROM erp.companies ORDER BY id');
  return rows.map((row) => ({ id: Number(row.id), name: row.name }));
}

export async function createCompany(tenant: TenantHandle, body: unknown): Promise<Company> {
  const input = parse(companyInput, body);
  const { rows } = await tenant.query<{ id: string }>('INSERT INTO erp.companies (name) VALUES ($1) RETURNING id::text AS id', [input.name]).catch(erpMeaning);
  return { id: Number(rows[0]!.id), name: input.name };
}

export async function createUser(tenant: TenantHandle, companyParam: unknown, body: unknown): Promise<{ id: number; company_id: number; email: string }> {
  const companyId = parse(id, companyParam);
  const input = parse(userInput, body);
  const { rows } = await tenant
    .query<{ id: string }>('INSERT INTO erp.users (company_id, email, full_name) VALUES ($1, $2, $3) RETURNING id::text AS id', [companyId, input.email, input.full_name ?? null])
    .catch(erpMeaning);
  return { id: Number(rows[0]!.id), company_id: companyId, email: input.email };
}

export async function postTransaction(tenant: TenantHandle, companyParam: unknown, body: unknown): Promise<{ id: number; company_id: number; amount: string }> {
  const companyId = parse(id, companyParam);
  const input = parse(transactionInput, body);
  const { rows } = await tenant
    .query<{ id: string; amount: string }>(
      'INSERT INTO erp.transactions (company_id, amount, currency, description, kind) VALUES ($1, $2, $3, $4, $5) RETURNING id::text AS id, amount::text AS amount',
      [companyId, input.amount, input.currency, input.description ?? null, input.kind],
    )
    .catch(erpMeaning);
  return { id: Number(rows[0]!.id), company_id: companyId, amount: rows[0]!.amount };
}

/** "May I offer Create?" for the UI: GET /api/limits/companies, /api/limits/users?company_id=7. */
export async function canCreate(tenant: TenantHandle, resourceParam: unknown, companyParam: unknown): Promise<{ can_create: boolean; current: number; limit: number | null; message: string | null }> {
  const resource = parse(resourceInput, resourceParam);
  const companyId = resource === 'users' ? parse(id, companyParam) : undefined;
  const check: LimitCheck = await tenant.checkLimit(resource, companyId);
  return { can_create: check.canCreate, current: check.current, limit: check.limit, message: check.message };
}
