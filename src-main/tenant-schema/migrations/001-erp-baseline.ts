/**
 * The ERP's baseline schema in every tenant database. Owned by the platform's admin role,
 * never by the tenant; the tenant's role gets DML only (see privileges.ts).
 */
export const sql = /* sql */ `
REVOKE ALL ON SCHEMA public FROM PUBLIC;

CREATE SCHEMA erp;
CREATE SCHEMA IF NOT EXISTS platform;

CREATE TABLE erp.companies (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name       text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE erp.users (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  company_id bigint NOT NULL REFERENCES erp.companies (id) ON DELETE CASCADE,
  email      text NOT NULL,
  full_name  text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (company_id, email)
);

CREATE TABLE erp.transactions (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  company_id  bigint NOT NULL REFERENCES erp.companies (id),
  user_id     bigint REFERENCES erp.users (id) ON DELETE SET NULL,
  amount      numeric(18, 2) NOT NULL,
  currency    char(3) NOT NULL DEFAULT 'USD',
  description text,
  occurred_at timestamptz NOT NULL DEFAULT now(),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX transactions_company_occurred ON erp.transactions (company_id, occurred_at);
CREATE INDEX users_company ON erp.users (company_id);
`;
