// Migration 19: accreditation as a process (issue 21, item 1; domain/organisation-stages.ts).
// An organisation moves through stages (proposed, in progress, accredited, suspended,
// withdrawn); each step is kept in organisation_stages with its date, who took it, the
// named responsible officer, the agreement's date and the evidence noted. The
// organisation keeps its current stage and preparation beside them, plus its ODS code,
// DfE URN, and for a cross-border agency the authority it is based in.
//
// `accredited` stays: every request checks it (service/accounts/accreditation.ts), and
// it is now derived from the stage by a trigger, so nothing can set one without the
// other. A row written the old way (an `accredited` and no stage, as the training seed
// and older fixtures write it) gets the stage that matches: accredited, or proposed.
// Existing organisations keep their accreditation and get one history entry saying so.
export const sql = /* sql */ `
ALTER TABLE organisations ADD COLUMN stage text;
ALTER TABLE organisations ADD COLUMN ods_code text;
ALTER TABLE organisations ADD COLUMN urn text;
ALTER TABLE organisations ADD COLUMN based_in text;
ALTER TABLE organisations ADD COLUMN responsible_officer text;
ALTER TABLE organisations ADD COLUMN agreement_signed_on date;
ALTER TABLE organisations ADD COLUMN evidence text;
ALTER TABLE organisations ADD COLUMN stage_since timestamptz;

UPDATE organisations SET stage = CASE WHEN accredited THEN 'accredited' ELSE 'proposed' END;
ALTER TABLE organisations ALTER COLUMN stage SET NOT NULL;
ALTER TABLE organisations ADD CONSTRAINT organisations_stage CHECK (
  stage IN ('proposed', 'in-progress', 'accredited', 'suspended', 'withdrawn') AND accredited = (stage = 'accredited')
);
CREATE UNIQUE INDEX organisations_ods_code ON organisations (ods_code) WHERE ods_code IS NOT NULL;
CREATE UNIQUE INDEX organisations_urn ON organisations (urn) WHERE urn IS NOT NULL;
CREATE INDEX organisations_by_authority ON organisations (local_authority, stage);

CREATE FUNCTION organisations_stage_accredited() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.stage IS NULL THEN
      NEW.stage := CASE WHEN NEW.accredited THEN 'accredited' ELSE 'proposed' END;
    END IF;
  ELSIF NEW.stage IS NOT DISTINCT FROM OLD.stage AND NEW.accredited IS DISTINCT FROM OLD.accredited THEN
    NEW.stage := CASE WHEN NEW.accredited THEN 'accredited' ELSE 'proposed' END;
  END IF;
  NEW.accredited := NEW.stage = 'accredited';
  RETURN NEW;
END;
$$;
CREATE TRIGGER organisations_stage_accredited BEFORE INSERT OR UPDATE ON organisations
  FOR EACH ROW EXECUTE FUNCTION organisations_stage_accredited();

CREATE TABLE organisation_stages (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  organisation_id text NOT NULL REFERENCES organisations (id),
  action text NOT NULL,
  stage text NOT NULL,
  at timestamptz NOT NULL,
  decided_by text,
  responsible_officer text,
  agreement_signed_on date,
  evidence text
);
CREATE INDEX organisation_stages_by_organisation ON organisation_stages (organisation_id, id);

INSERT INTO organisation_stages (organisation_id, action, stage, at)
  SELECT id, 'recorded', stage, now() FROM organisations;
`;
