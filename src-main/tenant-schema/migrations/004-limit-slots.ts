import { LOCK_LIMIT_SLOTS } from '../../base/advisory-locks';

/**
 * Faster limit checks on inserts, same exactness (see 003-limits for the escrow counters).
 *
 * Under 003 a backend wrote through transaction slot `pid % 16`: with 8 writers two or more
 * usually shared a slot, and each waited for the other's commit on that row. Each statement
 * also went through four functions with SET clauses (a GUC save/restore each) before its
 * one UPDATE.
 *
 * - A backend now claims a slot of its own: the first free one from `pid % slots` on, held
 *   with a session-level advisory lock (LOCK_LIMIT_SLOTS, slot) in this database until it
 *   disconnects, and remembered in the session setting `tenant_console.limit_slot`. With
 *   more writers than slots (or when the setting was forged) backends share a slot: still
 *   exact, since the row lock and the re-check make every slot race-free; only slower.
 * - The transactions trigger takes the fast path inline: the month and the slot come from
 *   expressions, not function calls; only a short or missing slot goes to consume(), whose
 *   slow path (lock every slot of the key in slot order, recount, rebalance) is unchanged.
 *   The fast path keeps its subtransaction: if the UPDATE waited for a rebalance and its
 *   re-check then failed, rolling it back releases the slot before the slow path locks
 *   every slot in order (no deadlock between single-statement writers).
 * - Deleting a company deletes its users' counters, but the cascade's users trigger fired
 *   after that and wrote them back as a negative count for a company that no longer exists.
 *   Users of a deleted company now give nothing back; such left-over rows go.
 */
export const LIMIT_SLOT_SETTING = 'tenant_console.limit_slot';

export const sql = /* sql */ `
-- This backend's slot for a key with p_slots slots (0 when there is one), claimed once per session.
CREATE FUNCTION platform.backend_slot(p_slots integer) RETURNS smallint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  cached text := current_setting('${LIMIT_SLOT_SETTING}', true);
  first integer := pg_backend_pid() % p_slots;
  s integer;
BEGIN
  IF p_slots = 1 THEN RETURN 0; END IF;
  IF cached ~ '^[0-9]{1,4}$' AND cached::integer < p_slots THEN RETURN cached::smallint; END IF;
  -- A slot this session already holds: the setting went with a rolled-back transaction
  -- (or was changed by hand), the session-level lock did not.
  SELECT min(l.objid::text::integer) INTO s FROM pg_locks l
   WHERE l.locktype = 'advisory' AND l.pid = pg_backend_pid() AND l.classid = ${LOCK_LIMIT_SLOTS} AND l.objsubid = 2
     AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database());
  IF s IS NULL OR s >= p_slots THEN
    s := NULL;
    FOR k IN 0 .. p_slots - 1 LOOP
      IF pg_try_advisory_lock(${LOCK_LIMIT_SLOTS}, (first + k) % p_slots) THEN
        s := (first + k) % p_slots;
        EXIT;
      END IF;
    END LOOP;
  END IF;
  -- Every slot taken: share the pid's one (exact, only slower), and look again next time.
  IF s IS NULL THEN RETURN first; END IF;
  PERFORM set_config('${LIMIT_SLOT_SETTING}', s::text, false);
  RETURN s;
END $$;

-- As in 003, with the writer's own slot instead of pid % slots.
CREATE OR REPLACE FUNCTION platform.consume(p_resource text, p_scope bigint, p_period date, p_n bigint) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  slots integer := platform.slot_count(p_resource);
  mine smallint := platform.backend_slot(slots);
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

-- The hot trigger: the fast path inline (period as in platform.current_period(), slot as
-- claimed by platform.backend_slot()); consume() for everything else.
CREATE OR REPLACE FUNCTION platform.on_transactions_insert() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  n bigint;
  this_month date := date_trunc('month', statement_timestamp() AT TIME ZONE 'UTC')::date;
  my_slot text := current_setting('${LIMIT_SLOT_SETTING}', true);
BEGIN
  SELECT count(*) INTO n FROM new_rows;
  IF n = 0 THEN RETURN NULL; END IF;
  IF my_slot ~ '^[0-9]{1,4}$' THEN
    BEGIN
      UPDATE platform.counters c SET used = c.used + n
       WHERE c.resource = 'transactions' AND c.scope = 0 AND c.period = this_month AND c.slot = my_slot::smallint
         AND c.valid_until > statement_timestamp() AND (c.cap IS NULL OR c.used + n <= c.cap);
      IF FOUND THEN RETURN NULL; END IF;
      RAISE EXCEPTION USING ERRCODE = 'TC000'; -- see consume(): hold nothing when the slow path starts
    EXCEPTION WHEN SQLSTATE 'TC000' THEN NULL;
    END;
  END IF;
  PERFORM platform.consume('transactions', 0, this_month, n);
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION platform.on_users_delete() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp AS $$
DECLARE batch record;
BEGIN
  FOR batch IN SELECT r.company_id, count(*) AS n FROM old_rows r
                WHERE EXISTS (SELECT 1 FROM erp.companies c WHERE c.id = r.company_id)
                GROUP BY r.company_id ORDER BY r.company_id LOOP
    PERFORM platform.release('users', batch.company_id, batch.n);
  END LOOP;
  RETURN NULL;
END $$;
DELETE FROM platform.counters c WHERE c.resource = 'users' AND NOT EXISTS (SELECT 1 FROM erp.companies e WHERE e.id = c.scope);

REVOKE ALL ON FUNCTION platform.backend_slot(integer) FROM PUBLIC;
`;
