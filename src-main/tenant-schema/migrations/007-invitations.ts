/**
 * The account's first administrator, invited by the self-service sign-up.
 *
 * A sign-up creates the tenant's first user before the tenant has made its first company
 * (that is a step of its onboarding), so an account administrator is a user without a
 * company: `company_id` may be NULL for `is_account_admin` users only, and the users limit
 * (per company) does not count them — at most MAX_ACCOUNT_ADMINS of them (SQLSTATE TC003),
 * so they are no way around that limit. Their e-mail is unique among account administrators.
 *
 * The invitation: only the SHA-256 of a 256-bit random token is stored, with its expiry;
 * `platform.accept_invitation(token, password_hash)` — what the ERP calls when the invited
 * admin chooses a password — sets the password hash the ERP computed, marks the invitation
 * accepted and forgets the token, so a token works once. An unknown, used or expired token
 * fails with SQLSTATE TC002 and changes nothing. The ERP records sign-ins in
 * `last_sign_in_at` (the onboarding checklist's "first sign-in" is read from it).
 */
/** Users without a company (account administrators) one tenant database may hold. */
export const MAX_ACCOUNT_ADMINS = 3;

export const sql = /* sql */ `
ALTER TABLE erp.users
  ALTER COLUMN company_id DROP NOT NULL,
  ADD COLUMN is_account_admin       boolean NOT NULL DEFAULT false,
  ADD COLUMN password_hash          text,
  ADD COLUMN invitation_token_hash  bytea UNIQUE CHECK (octet_length(invitation_token_hash) = 32),
  ADD COLUMN invitation_expires_at  timestamptz,
  ADD COLUMN invitation_accepted_at timestamptz,
  ADD COLUMN last_sign_in_at        timestamptz,
  ADD CONSTRAINT users_company_or_account_admin CHECK (company_id IS NOT NULL OR is_account_admin),
  ADD CONSTRAINT users_invitation_has_expiry CHECK (invitation_token_hash IS NULL OR invitation_expires_at IS NOT NULL);
CREATE UNIQUE INDEX users_account_admin_email ON erp.users (lower(email)) WHERE company_id IS NULL;

-- The users limit is per company: a user without one takes no place (and frees none).
CREATE OR REPLACE FUNCTION platform.on_users_insert() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE batch record;
BEGIN
  FOR batch IN SELECT r.company_id, count(*) AS n FROM new_rows r WHERE r.company_id IS NOT NULL
                GROUP BY r.company_id ORDER BY r.company_id LOOP
    PERFORM platform.consume('users', batch.company_id, '-infinity', batch.n);
  END LOOP;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION platform.on_user_moved() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF NEW.company_id IS NOT NULL THEN
    PERFORM platform.consume('users', NEW.company_id, '-infinity', 1);
  END IF;
  IF OLD.company_id IS NOT NULL THEN
    PERFORM platform.release('users', OLD.company_id, 1);
  END IF;
  RETURN NULL;
END $$;

-- Users without a company are outside every company's user limit: so that they are no way
-- around it, an account has at most ${MAX_ACCOUNT_ADMINS} of them.
CREATE FUNCTION platform.check_account_admins() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE n bigint;
BEGIN
  SELECT count(*) INTO n FROM erp.users WHERE company_id IS NULL;
  IF n > ${MAX_ACCOUNT_ADMINS} THEN
    RAISE EXCEPTION 'Account administrator limit reached (% of ${MAX_ACCOUNT_ADMINS}): give the user a company.', n USING ERRCODE = 'TC003';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER users_account_admins AFTER INSERT OR UPDATE OF company_id ON erp.users
  FOR EACH STATEMENT EXECUTE FUNCTION platform.check_account_admins();

CREATE FUNCTION platform.accept_invitation(token text, password_hash text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  accepted bigint;
BEGIN
  IF token IS NULL OR length(token) < 20 OR length(token) > 200 THEN
    RAISE EXCEPTION 'This invitation is not valid.' USING ERRCODE = 'TC002';
  END IF;
  IF password_hash IS NULL OR length(password_hash) < 20 OR length(password_hash) > 1000 THEN
    RAISE EXCEPTION 'accept_invitation: password_hash must be the hash the application computed (20 to 1000 characters).' USING ERRCODE = '22023';
  END IF;
  UPDATE erp.users u
     SET password_hash = accept_invitation.password_hash,
         invitation_accepted_at = now(),
         invitation_token_hash = NULL,
         invitation_expires_at = NULL
   WHERE u.invitation_token_hash = sha256(convert_to(accept_invitation.token, 'UTF8'))
     AND u.invitation_expires_at > now()
  RETURNING u.id INTO accepted;
  IF accepted IS NULL THEN
    RAISE EXCEPTION 'This invitation is not valid: it was already used, has expired, or was replaced by a newer one.' USING ERRCODE = 'TC002';
  END IF;
  RETURN accepted;
END $$;
REVOKE ALL ON FUNCTION platform.accept_invitation(text, text) FROM PUBLIC;
`;
