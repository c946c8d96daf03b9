import type pg from 'pg';
import { AppError } from '../base/app-error';

type Queryable = Pick<pg.ClientBase, 'query'>;

export const SIGNUP_STATUSES = ['pending', 'provisioning', 'ready', 'failed'] as const;
export type SignupState = (typeof SIGNUP_STATUSES)[number];

export interface SignupRow {
  id: string;
  company_name: string;
  subdomain: string;
  admin_email: string;
  plan_code: string | null;
  client_address: string;
  status: SignupState;
  tenant_id: string | null;
  tenant_code: string | null;
  message: string | null;
  created_at: Date;
  updated_at: Date;
}

/** What the sign-up's status URL answers (snake_case: the tenant API's JSON as is). */
export interface SignupStatus {
  readonly signup_id: string;
  readonly status: SignupState;
  /** Once ready. */
  readonly tenant_code?: string;
  /** What the applicant may read: why it failed, or what happens next. Never an internal name. */
  readonly message?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function findSignup(db: Queryable, id: string): Promise<SignupRow | null> {
  if (!UUID.test(id)) return null;
  const { rows } = await db.query<SignupRow>('SELECT * FROM signups WHERE id = $1', [id]);
  return rows[0] ?? null;
}

export async function getSignup(db: Queryable, id: string): Promise<SignupRow> {
  const row = await findSignup(db, id);
  if (!row) throw new AppError('NOT_FOUND', 'No such sign-up.');
  return row;
}

/** The live sign-up (pending, provisioning or ready) of a subdomain, if any. */
export async function liveSignupFor(db: Queryable, subdomain: string): Promise<SignupRow | null> {
  const { rows } = await db.query<SignupRow>(`SELECT * FROM signups WHERE subdomain = $1 AND status <> 'failed'`, [subdomain]);
  return rows[0] ?? null;
}

export function toSignupStatus(row: SignupRow): SignupStatus {
  return {
    signup_id: row.id,
    status: row.status,
    ...(row.status === 'ready' && row.tenant_code ? { tenant_code: row.tenant_code } : {}),
    ...(row.message ? { message: row.message } : {}),
  };
}

export async function setSignupState(db: Queryable, id: string, patch: { status: SignupState; message?: string | null; tenantId?: string; tenantCode?: string }): Promise<void> {
  await db.query(
    `UPDATE signups SET status = $2, message = COALESCE($3, message), tenant_id = COALESCE($4, tenant_id), tenant_code = COALESCE($5, tenant_code),
                        updated_at = now(), finished_at = CASE WHEN $2 IN ('ready', 'failed') THEN now() ELSE finished_at END
      WHERE id = $1`,
    [id, patch.status, patch.message ?? null, patch.tenantId ?? null, patch.tenantCode ?? null],
  );
}
