/**
 * Plan limits enforced inside the tenant database (schema `platform`), whatever client writes.
 *
 * - `platform.limits` / `platform.limit_overrides`: written by the console (push-limits.ts);
 *   the effective limit is computed at check time, so an override's expiry needs no job.
 * - `platform.counters`: usage per (resource, scope, period). Transactions are counted per
 *   calendar month (UTC), keyed by the month, created lazily: rollover needs no job.
 * - Statement-level AFTER triggers with transition tables: one counter update per statement,
 *   not per row. Refusal raises SQLSTATE TC001 and the statement (all its rows) fails.
 * - Escrow counters: a key is split into slots, each holding a share (`cap`) of the headroom.
 *   A writer takes from its own slot (by backend pid) with a conditional UPDATE — the row
 *   lock plus the re-check make it race-free under READ COMMITTED. Only when its slot is
 *   short does it lock every slot of the key, in slot order, recount and rebalance.
 *   Invariant: sum(cap) <= effective limit, and used <= cap per slot, so the total never
 *   exceeds the limit. Deletes give the slot's share back (cap stays, used drops).
 * - The tenant's role may read these tables and call check_limit; every other function is
 *   closed to PUBLIC, and the trigger functions run as the owner (SECURITY DEFINER, fixed
 *   search_path, every name schema-qualified).
 */
export const LIMIT_SQLSTATE = 'TC001';
/** Slots per transaction counter key; companies and users are low-rate and use one. */
const TRANSACTION_SLOTS = 16;

export const sql = /* sql */ `
CREATE SCHEMA IF NOT EXISTS platform;
ALTER DEFAULT PRIVILEGES IN SCHEMA platform REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

CREATE TABLE platform.limits (
  resource        text PRIMARY KEY CHECK (resource IN ('companies', 'users', 'transactions')),
  plan_limit      bigint CHECK (plan_limit >= 0),          -- NULL = unlimited
  warning_percent integer NOT NULL DEFAULT 80 CHECK (warning_percent BETWEEN 1 AND 100),
  plan_code       text,
  plan_version    integer,
  pushed_at       timestamptz NOT NULL DEFAULT now()
);
-- No limits pushed yet (a template, or a tenant before its first push): unlimited, still counted.
INSERT INTO platform.limits (resource, plan_limit) VALUES ('companies', NULL), ('users', NULL), ('transactions', NULL);

CREATE TABLE platform.limit_overrides (
  id         uuid PRIMARY KEY,
  resource   text NOT NULL CHECK (resource IN ('companies', 'users', 'transactions')),
  kind       text NOT NULL CHECK (kind IN ('limit', 'allowance')),
  value      bigint CHECK (value >= 0),                   -- limit: NULL = unlimited
  expires_at timestamptz,
  reason     text NOT NULL,
  CHECK (kind = 'limit' OR value IS NOT NULL)
);

CREATE TABLE platform.counters (
  resource    text NOT NULL CHECK (resource IN ('companies', 'users', 'transactions')),
  scope       bigint NOT NULL DEFAULT 0,                  -- the company for users, else 0
  period      date NOT NULL DEFAULT '-infinity',          -- the month for transactions
  slot        smallint NOT NULL DEFAULT 0,
  used        bigint NOT NULL DEFAULT 0,                  -- may go negative in one slot after deletes; the sum is the truth
  cap         bigint,                                     -- this slot's share; NULL = unlimited
  valid_until timestamptz NOT NULL DEFAULT '-infinity',   -- the share was computed with limits valid until then
  PRIMARY KEY (resource, scope, period, slot)
) WITH (fillfactor = 50); -- room for HOT updates of the hot rows

CREATE FUNCTION platform.current_period() RETURNS date LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp AS $$
  SELECT date_trunc('month', statement_timestamp() AT TIME ZONE 'UTC')::date
$$;

CREATE FUNCTION platform.slot_count(p_resource text) RETURNS integer LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp AS $$
  SELECT CASE WHEN p_resource = 'transactions' THEN ${TRANSACTION_SLOTS} ELSE 1 END
$$;

-- The limit in force now: the newest active custom limit, else the plan's; plus active
-- allowances. valid_until: when an active override expires (the limit changes then).
CREATE FUNCTION platform.effective_limit(p_resource text, OUT effective bigint, OUT valid_until timestamptz)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  at timestamptz := statement_timestamp();
  custom record;
  extra bigint;
BEGIN
  SELECT o.value INTO custom FROM platform.limit_overrides o
   WHERE o.resource = p_resource AND o.kind = 'limit' AND (o.expires_at IS NULL OR o.expires_at > at)
   ORDER BY o.expires_at NULLS LAST LIMIT 1;
  IF FOUND THEN
    effective := custom.value;
  ELSE
    SELECT l.plan_limit INTO effective FROM platform.limits l WHERE l.resource = p_resource;
  END IF;
  SELECT sum(o.value) INTO extra FROM platform.limit_overrides o
   WHERE o.resource = p_resource AND o.kind = 'allowance' AND (o.expires_at IS NULL OR o.expires_at > at);
  IF effective IS NOT NULL THEN effective := effective + coalesce(extra, 0); END IF;
  SELECT coalesce(min(o.expires_at), 'infinity') INTO valid_until FROM platform.limit_overrides o
   WHERE o.resource = p_resource AND o.expires_at > at;
END $$;

CREATE FUNCTION platform.limit_label(p_resource text, p_scope bigint) RETURNS text LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp AS $$
  SELECT CASE p_resource
    WHEN 'companies' THEN 'Company limit'
    WHEN 'users' THEN 'User limit for company ' || coalesce((SELECT c.name FROM erp.companies c WHERE c.id = p_scope), '#' || p_scope)
    ELSE 'Monthly transaction limit' END
$$;

CREATE FUNCTION platform.refuse(p_resource text, p_scope bigint, p_current bigint, p_limit bigint, p_adding bigint) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  label text := platform.limit_label(p_resource, p_scope);
BEGIN
  RAISE EXCEPTION USING
    ERRCODE = '${LIMIT_SQLSTATE}',
    MESSAGE = CASE WHEN p_current >= p_limit
      THEN format('%s reached (%s of %s). Please upgrade.', label, p_current, p_limit)
      ELSE format('%s would be exceeded (%s of %s, this adds %s). Please upgrade.', label, p_current, p_limit, p_adding) END,
    DETAIL = format('resource=%s scope=%s current=%s limit=%s adding=%s', p_resource, p_scope, p_current, p_limit, p_adding),
    HINT = 'Ask your provider for a larger plan.';
END $$;

-- Takes n units of a counter key, or raises TC001. See the escrow notes above.
CREATE FUNCTION platform.consume(p_resource text, p_scope bigint, p_period date, p_n bigint) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  slots integer := platform.slot_count(p_resource);
  mine smallint := pg_backend_pid() % slots;
  total bigint;
  present integer;
  lim record;
  headroom bigint;
BEGIN
  BEGIN
    UPDATE platform.counters SET used = used + p_n
     WHERE resource = p_resource AND scope = p_scope AND period = p_period AND slot = mine
       AND valid_until > statement_timestamp() AND (cap IS NULL OR used + p_n <= cap);
    IF FOUND THEN RETURN; END IF;
    -- Not enough in this slot. If the UPDATE waited for a rebalance and its re-check then
    -- failed, the slot stays locked (EvalPlanQual locks before re-checking): roll the
    -- attempt back, so the slow path holds nothing when it locks every slot in order.
    RAISE EXCEPTION USING ERRCODE = 'TC000';
  EXCEPTION WHEN SQLSTATE 'TC000' THEN NULL;
  END;

  -- Slow path: lock the whole key in slot order (one order for everyone: no deadlock
  -- between single-statement writers), creating its slots the first time.
  LOOP
    SELECT coalesce(sum(k.used), 0), count(*) INTO total, present FROM (
      SELECT c.used FROM platform.counters c
       WHERE c.resource = p_resource AND c.scope = p_scope AND c.period = p_period
       ORDER BY c.slot FOR UPDATE) k;
    EXIT WHEN present >= slots;
    INSERT INTO platform.counters (resource, scope, period, slot)
    SELECT p_resource, p_scope, p_period, s FROM generate_series(0, slots - 1) s
    ON CONFLICT DO NOTHING;
  END LOOP;

  SELECT * INTO lim FROM platform.effective_limit(p_resource);
  IF lim.effective IS NOT NULL AND total + p_n > lim.effective THEN
    PERFORM platform.refuse(p_resource, p_scope, total, lim.effective, p_n);
  END IF;
  headroom := lim.effective - total - p_n;  -- NULL when unlimited
  UPDATE platform.counters c
     SET used = c.used + CASE WHEN c.slot = mine THEN p_n ELSE 0 END,
         cap = c.used + CASE WHEN c.slot = mine THEN p_n + headroom - (headroom / slots) * slots ELSE 0 END + headroom / slots,
         valid_until = lim.valid_until
   WHERE c.resource = p_resource AND c.scope = p_scope AND c.period = p_period;
END $$;

-- Gives n units back (a deleted company or user). The slot keeps its cap, so the freed
-- unit becomes headroom; monthly transactions are never given back.
CREATE FUNCTION platform.release(p_resource text, p_scope bigint, p_n bigint) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  mine smallint := pg_backend_pid() % platform.slot_count(p_resource);
BEGIN
  UPDATE platform.counters SET used = used - p_n
   WHERE resource = p_resource AND scope = p_scope AND period = '-infinity' AND slot = mine;
  IF NOT FOUND THEN
    INSERT INTO platform.counters (resource, scope, slot, used) VALUES (p_resource, p_scope, mine, -p_n)
    ON CONFLICT (resource, scope, period, slot) DO UPDATE SET used = platform.counters.used - p_n;
  END IF;
END $$;

-- Trigger functions: SECURITY DEFINER (the tenant's role cannot touch the counters itself).
CREATE FUNCTION platform.on_companies_insert() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE n bigint;
BEGIN
  SELECT count(*) INTO n FROM new_rows;
  IF n > 0 THEN PERFORM platform.consume('companies', 0, '-infinity', n); END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION platform.on_companies_delete() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE n bigint;
BEGIN
  SELECT count(*) INTO n FROM old_rows;
  IF n > 0 THEN
    PERFORM platform.release('companies', 0, n);
    -- Their users went with them (ON DELETE CASCADE, counted down by the users trigger).
    DELETE FROM platform.counters c WHERE c.resource = 'users' AND c.scope IN (SELECT o.id FROM old_rows o);
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION platform.on_users_insert() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE batch record;
BEGIN
  FOR batch IN SELECT r.company_id, count(*) AS n FROM new_rows r GROUP BY r.company_id ORDER BY r.company_id LOOP
    PERFORM platform.consume('users', batch.company_id, '-infinity', batch.n);
  END LOOP;
  RETURN NULL;
END $$;

CREATE FUNCTION platform.on_users_delete() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE batch record;
BEGIN
  FOR batch IN SELECT r.company_id, count(*) AS n FROM old_rows r GROUP BY r.company_id ORDER BY r.company_id LOOP
    PERFORM platform.release('users', batch.company_id, batch.n);
  END LOOP;
  RETURN NULL;
END $$;

-- Moving a user to another company takes a place there (checked) and frees the old one.
CREATE FUNCTION platform.on_user_moved() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  PERFORM platform.consume('users', NEW.company_id, '-infinity', 1);
  PERFORM platform.release('users', OLD.company_id, 1);
  RETURN NULL;
END $$;

CREATE FUNCTION platform.on_transactions_insert() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE n bigint;
BEGIN
  SELECT count(*) INTO n FROM new_rows;
  IF n > 0 THEN PERFORM platform.consume('transactions', 0, platform.current_period(), n); END IF;
  RETURN NULL;
END $$;

-- Only the owner can TRUNCATE (the tenant's role has no such privilege); keep the counts true.
CREATE FUNCTION platform.on_truncate() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF TG_TABLE_NAME = 'companies' THEN
    DELETE FROM platform.counters c WHERE c.resource IN ('companies', 'users');
  ELSIF TG_TABLE_NAME = 'users' THEN
    DELETE FROM platform.counters c WHERE c.resource = 'users';
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER companies_limit AFTER INSERT ON erp.companies REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION platform.on_companies_insert();
CREATE TRIGGER companies_release AFTER DELETE ON erp.companies REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION platform.on_companies_delete();
CREATE TRIGGER companies_truncate AFTER TRUNCATE ON erp.companies
  FOR EACH STATEMENT EXECUTE FUNCTION platform.on_truncate();
CREATE TRIGGER users_limit AFTER INSERT ON erp.users REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION platform.on_users_insert();
CREATE TRIGGER users_release AFTER DELETE ON erp.users REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION platform.on_users_delete();
CREATE TRIGGER users_moved AFTER UPDATE OF company_id ON erp.users
  FOR EACH ROW WHEN (OLD.company_id IS DISTINCT FROM NEW.company_id) EXECUTE FUNCTION platform.on_user_moved();
CREATE TRIGGER users_truncate AFTER TRUNCATE ON erp.users
  FOR EACH STATEMENT EXECUTE FUNCTION platform.on_truncate();
CREATE TRIGGER transactions_limit AFTER INSERT ON erp.transactions REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION platform.on_transactions_insert();

-- An existing tenant database starts with its real counts (a new one with zero).
INSERT INTO platform.counters (resource, used) SELECT 'companies', count(*) FROM erp.companies;
INSERT INTO platform.counters (resource, scope, used) SELECT 'users', u.company_id, count(*) FROM erp.users u GROUP BY u.company_id;
INSERT INTO platform.counters (resource, period, used)
SELECT 'transactions', platform.current_period(), count(*) FROM erp.transactions t
 WHERE t.created_at >= (platform.current_period()::timestamp AT TIME ZONE 'UTC');

-- The ERP's API: may this tenant create one more? Also what the console shows.
CREATE FUNCTION platform.check_limit(resource text, company_id bigint DEFAULT NULL,
                                     OUT can_create boolean, OUT current bigint, OUT "limit" bigint, OUT message text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  lim record;
  warn integer;
  label text;
BEGIN
  IF check_limit.resource NOT IN ('companies', 'users', 'transactions') THEN
    RAISE EXCEPTION 'Unknown resource %: use companies, users or transactions.', check_limit.resource USING ERRCODE = '22023';
  END IF;
  IF check_limit.resource = 'users' AND check_limit.company_id IS NULL THEN
    RAISE EXCEPTION 'check_limit(''users'', company_id): the user limit is per company.' USING ERRCODE = '22023';
  END IF;
  SELECT coalesce(sum(c.used), 0) INTO current FROM platform.counters c
   WHERE c.resource = check_limit.resource
     AND c.scope = CASE WHEN check_limit.resource = 'users' THEN check_limit.company_id ELSE 0 END
     AND c.period = CASE WHEN check_limit.resource = 'transactions' THEN platform.current_period() ELSE '-infinity' END;
  SELECT * INTO lim FROM platform.effective_limit(check_limit.resource);
  "limit" := lim.effective;
  can_create := "limit" IS NULL OR current + 1 <= "limit";
  SELECT l.warning_percent INTO warn FROM platform.limits l WHERE l.resource = check_limit.resource;
  label := platform.limit_label(check_limit.resource, coalesce(check_limit.company_id, 0));
  message := CASE
    WHEN NOT can_create THEN format('%s reached (%s of %s). Please upgrade.', label, current, "limit")
    WHEN "limit" > 0 AND current * 100 >= "limit" * coalesce(warn, 80)
      THEN format('%s nearly reached (%s of %s).', label, current, "limit")
    ELSE NULL END;
END $$;

REVOKE ALL ON ALL FUNCTIONS IN SCHEMA platform FROM PUBLIC;
`;
