-- What the archiver has written to the immutable container: one row per UTC day, recorded only
-- after the blob exists (its name, row count and SHA-256 as uploaded). A day is archived once;
-- a rerun finds the row and does nothing.
CREATE TABLE audit.archived_days (
  day date PRIMARY KEY,
  blob_name text NOT NULL UNIQUE CHECK (blob_name ~ '^events/[0-9]{4}/[0-9]{2}/[0-9]{2}\.jsonl\.gz$'),
  row_count bigint NOT NULL CHECK (row_count >= 0),
  sha256 char(64) NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  archived_at timestamptz NOT NULL DEFAULT now(),
  archived_by text NOT NULL DEFAULT current_user
);
CREATE TRIGGER archived_days_append_only BEFORE UPDATE OR DELETE ON audit.archived_days FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER archived_days_no_truncate BEFORE TRUNCATE ON audit.archived_days FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();

-- The archiver records a day through this function only: the day must have ended, the row count
-- must be what the table holds for it, and a second call for the same day must describe the
-- same blob (idempotent), else it fails loudly.
CREATE FUNCTION audit.record_archived_day(p_day date, p_blob_name text, p_row_count bigint, p_sha256 text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, audit AS $fn$
DECLARE
  known audit.archived_days;
  actual bigint;
BEGIN
  IF p_day >= (now() AT TIME ZONE 'UTC')::date THEN
    RAISE EXCEPTION 'day % has not ended (UTC); only closed days are archived', p_day;
  END IF;
  SELECT * INTO known FROM audit.archived_days WHERE day = p_day;
  IF FOUND THEN
    IF known.blob_name = p_blob_name AND known.row_count = p_row_count AND known.sha256 = p_sha256 THEN
      RETURN false;
    END IF;
    RAISE EXCEPTION 'day % is already archived as % (% rows, sha256 %), not as % (% rows, sha256 %)',
      p_day, known.blob_name, known.row_count, known.sha256, p_blob_name, p_row_count, p_sha256;
  END IF;
  SELECT count(*) INTO actual FROM audit.events
    WHERE occurred_at >= p_day::timestamp AT TIME ZONE 'UTC' AND occurred_at < (p_day + 1)::timestamp AT TIME ZONE 'UTC';
  IF actual <> p_row_count THEN
    RAISE EXCEPTION 'day % has % events, the blob % has %', p_day, actual, p_blob_name, p_row_count;
  END IF;
  INSERT INTO audit.archived_days (day, blob_name, row_count, sha256, archived_by) VALUES (p_day, p_blob_name, p_row_count, p_sha256, session_user);
  RETURN true;
END
$fn$;

-- Days that have ended and are not archived yet, oldest first: the archiver's work list.
CREATE VIEW audit.days_to_archive AS
  SELECT d::date AS day
  FROM generate_series(
    (SELECT coalesce(min(occurred_at AT TIME ZONE 'UTC')::date, (now() AT TIME ZONE 'UTC')::date) FROM audit.events),
    (now() AT TIME ZONE 'UTC')::date - 1,
    interval '1 day') AS d
  WHERE NOT EXISTS (SELECT FROM audit.archived_days a WHERE a.day = d::date)
  ORDER BY 1;

REVOKE ALL ON audit.archived_days FROM PUBLIC;
REVOKE ALL ON audit.days_to_archive FROM PUBLIC;
REVOKE ALL ON FUNCTION audit.record_archived_day(date, text, bigint, text) FROM PUBLIC;
GRANT SELECT ON audit.archived_days, audit.days_to_archive TO audit_reader, audit_archiver;
GRANT EXECUTE ON FUNCTION audit.record_archived_day(date, text, bigint, text) TO audit_archiver;
