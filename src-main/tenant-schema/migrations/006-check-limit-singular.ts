/**
 * `platform.check_limit` also accepts the singular names the tenant API speaks (company,
 * user, transaction): an ERP that calls `check_limit('company')` directly gets the same answer
 * as `/api/tenants/{code}/check-limit {"resource_type": "company"}`. The plural names stay
 * as they were; the body is otherwise unchanged from migration 003 (CREATE OR REPLACE keeps
 * the function's owner and its EXECUTE grant to the tenant's role).
 */
export const sql = /* sql */ `
CREATE OR REPLACE FUNCTION platform.check_limit(resource text, company_id bigint DEFAULT NULL,
                                     OUT can_create boolean, OUT current bigint, OUT "limit" bigint, OUT message text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  lim record;
  warn integer;
  label text;
  res text := CASE check_limit.resource WHEN 'company' THEN 'companies' WHEN 'user' THEN 'users'
                                         WHEN 'transaction' THEN 'transactions' ELSE check_limit.resource END;
BEGIN
  IF res IS NULL OR res NOT IN ('companies', 'users', 'transactions') THEN
    RAISE EXCEPTION 'Unknown resource %: use companies, users or transactions (or company, user, transaction).', check_limit.resource USING ERRCODE = '22023';
  END IF;
  IF res = 'users' AND check_limit.company_id IS NULL THEN
    RAISE EXCEPTION 'check_limit(''users'', company_id): the user limit is per company.' USING ERRCODE = '22023';
  END IF;
  SELECT coalesce(sum(c.used), 0) INTO current FROM platform.counters c
   WHERE c.resource = res
     AND c.scope = CASE WHEN res = 'users' THEN check_limit.company_id ELSE 0 END
     AND c.period = CASE WHEN res = 'transactions' THEN platform.current_period() ELSE '-infinity' END;
  SELECT * INTO lim FROM platform.effective_limit(res);
  "limit" := lim.effective;
  can_create := "limit" IS NULL OR current + 1 <= "limit";
  SELECT l.warning_percent INTO warn FROM platform.limits l WHERE l.resource = res;
  label := platform.limit_label(res, coalesce(check_limit.company_id, 0));
  message := CASE
    WHEN NOT can_create THEN format('%s reached (%s of %s). Please upgrade.', label, current, "limit")
    WHEN "limit" > 0 AND current * 100 >= "limit" * coalesce(warn, 80)
      THEN format('%s nearly reached (%s of %s).', label, current, "limit")
    ELSE NULL END;
END $$;
`;
