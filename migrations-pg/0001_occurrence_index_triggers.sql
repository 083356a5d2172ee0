-- The occurrence index's dirty triggers: PostgreSQL's spelling of migrations/0004_occurrence_index.sql's 16 SQLite triggers.
-- PostgreSQL version of the occurrence index's triggers (migrations/0004_occurrence_index.sql, SQLite).
-- Each notes in occurrence_index_dirty what a write changed, row by row, exactly as the SQLite ones do:
-- rule (insert/update: NEW.id, delete: OLD.id); occurrence_state, participation, constitution (OLD on
-- update/delete, NEW on insert/update); collaboration, municipality (update: NEW.id); body (insert/update: NEW.id).
CREATE FUNCTION occurrence_index_note() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'rule' THEN
    IF TG_OP = 'DELETE' THEN INSERT INTO occurrence_index_dirty (kind, ref_id, key) VALUES ('rule', OLD.id, '');
    ELSE INSERT INTO occurrence_index_dirty (kind, ref_id, key) VALUES ('rule', NEW.id, ''); END IF;
  ELSIF TG_TABLE_NAME = 'occurrence_state' THEN
    IF TG_OP <> 'INSERT' THEN INSERT INTO occurrence_index_dirty (kind, ref_id, key) VALUES ('state', OLD.rule_id, OLD.original_key); END IF;
    IF TG_OP <> 'DELETE' THEN INSERT INTO occurrence_index_dirty (kind, ref_id, key) VALUES ('state', NEW.rule_id, NEW.original_key); END IF;
  ELSIF TG_TABLE_NAME = 'participation' THEN
    IF TG_OP <> 'INSERT' THEN INSERT INTO occurrence_index_dirty (kind, ref_id, key) VALUES ('participation', OLD.collaboration_id, OLD.municipality_id::text); END IF;
    IF TG_OP <> 'DELETE' THEN INSERT INTO occurrence_index_dirty (kind, ref_id, key) VALUES ('participation', NEW.collaboration_id, NEW.municipality_id::text); END IF;
  ELSIF TG_TABLE_NAME = 'constitution' THEN
    IF TG_OP <> 'INSERT' THEN INSERT INTO occurrence_index_dirty (kind, ref_id, key) VALUES ('constitution', OLD.municipality_id, ''); END IF;
    IF TG_OP <> 'DELETE' THEN INSERT INTO occurrence_index_dirty (kind, ref_id, key) VALUES ('constitution', NEW.municipality_id, ''); END IF;
  ELSE -- collaboration, municipality, body
    INSERT INTO occurrence_index_dirty (kind, ref_id, key) VALUES (TG_TABLE_NAME, NEW.id, '');
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER rule_dirty AFTER INSERT OR UPDATE OR DELETE ON rule FOR EACH ROW EXECUTE FUNCTION occurrence_index_note();
--> statement-breakpoint
CREATE TRIGGER state_dirty AFTER INSERT OR UPDATE OR DELETE ON occurrence_state FOR EACH ROW EXECUTE FUNCTION occurrence_index_note();
--> statement-breakpoint
CREATE TRIGGER participation_dirty AFTER INSERT OR UPDATE OR DELETE ON participation FOR EACH ROW EXECUTE FUNCTION occurrence_index_note();
--> statement-breakpoint
CREATE TRIGGER constitution_dirty AFTER INSERT OR UPDATE OR DELETE ON constitution FOR EACH ROW EXECUTE FUNCTION occurrence_index_note();
--> statement-breakpoint
CREATE TRIGGER collaboration_dirty AFTER UPDATE ON collaboration FOR EACH ROW EXECUTE FUNCTION occurrence_index_note();
--> statement-breakpoint
CREATE TRIGGER municipality_dirty AFTER UPDATE ON municipality FOR EACH ROW EXECUTE FUNCTION occurrence_index_note();
--> statement-breakpoint
CREATE TRIGGER body_dirty AFTER INSERT OR UPDATE ON body FOR EACH ROW EXECUTE FUNCTION occurrence_index_note();
