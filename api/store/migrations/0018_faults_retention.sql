-- Retention (api/retention): the append-only tables may lose or blank rows only inside the retention job's own
-- transaction, which says so with SET LOCAL guardbell.retention = 'on' and writes what it did to the audit log in
-- the same transaction. The audit log itself stays refused: its chain is what proves the rest.
CREATE OR REPLACE FUNCTION guardbell_refuse_change() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'TRUNCATE' AND TG_TABLE_NAME <> 'audit_log' AND current_setting('guardbell.retention', true) = 'on' THEN
    IF TG_OP = 'DELETE' THEN
      RETURN OLD;
    END IF;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
