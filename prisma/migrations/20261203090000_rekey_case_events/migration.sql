-- The case log stays append-only, with one more exception: rotating DATA_KEY (npm run data:rotate-key,
-- issue 13) re-seals a mediation message's sealed fields. It sets kelisim.rekey = 'on' for its own
-- transaction, and then only the payload may change — the event, its case, its kind and its time stay.
CREATE OR REPLACE FUNCTION "case_event_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('kelisim.retention', true) = 'on' THEN
    RETURN OLD;
  END IF;
  IF TG_OP = 'UPDATE' AND current_setting('kelisim.rekey', true) = 'on'
     AND (to_jsonb(NEW) - 'payload') = (to_jsonb(OLD) - 'payload') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'CaseEvent is append-only (% refused)', TG_OP;
END;
$$;
