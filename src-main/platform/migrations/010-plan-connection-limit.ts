/**
 * A per-plan connection limit: how many sessions a tenant's role may open at once
 * (CONNECTION LIMIT on the role, pushed whenever the limits are). Before it every tenant
 * role had CONNECTION LIMIT 100 on a server with max_connections 300: three tenants filled
 * it. Every existing version of a plan gets its plan's default; a plan the console does not
 * know gets the starter figure. Never unlimited: an unlimited role can take every slot.
 */
export const sql = /* sql */ `
ALTER TABLE plans ADD COLUMN connection_limit integer NOT NULL DEFAULT 10
  CHECK (connection_limit BETWEEN 1 AND 10000);

UPDATE plans SET connection_limit = CASE code
  WHEN 'trial' THEN 5
  WHEN 'starter' THEN 10
  WHEN 'professional' THEN 20
  WHEN 'enterprise' THEN 50
  ELSE 10 END;
`;
