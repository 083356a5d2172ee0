CREATE TABLE `calendar_revision` (
	`key` text PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `calendar_revision_seq_idx` ON `calendar_revision` (`seq`);--> statement-breakpoint
CREATE TABLE `occurrence` (
	`id` text PRIMARY KEY NOT NULL,
	`rule_id` integer NOT NULL,
	`original_key` text NOT NULL,
	`event_type` text NOT NULL,
	`kind` text NOT NULL,
	`municipality_id` integer,
	`collaboration_id` integer,
	`responsible_body_id` integer,
	`treated_by_body_id` integer,
	`related_body_id` integer,
	`member_specific` integer NOT NULL,
	`calendar_kinds` text NOT NULL,
	`all_day` integer NOT NULL,
	`date` text NOT NULL,
	`local_start` text,
	`start_ms` integer,
	`end_ms` integer,
	`moved` integer NOT NULL,
	`status` text NOT NULL,
	`revision` integer NOT NULL,
	`modified` integer NOT NULL,
	`cancelled_at` integer,
	`case_number` text,
	`case_url` text,
	`note` text,
	`delivered_on` text,
	`approved_on` text,
	`title` text,
	`reminder_offsets_days` text,
	`origin` text NOT NULL,
	`treating_meeting_id` text,
	`treating_meeting_date` text,
	`treating_meeting_local_start` text
);
--> statement-breakpoint
CREATE INDEX `occurrence_rule_idx` ON `occurrence` (`rule_id`);--> statement-breakpoint
CREATE INDEX `occurrence_date_idx` ON `occurrence` (`date`,`local_start`,`id`);--> statement-breakpoint
CREATE INDEX `occurrence_municipality_idx` ON `occurrence` (`municipality_id`,`date`);--> statement-breakpoint
CREATE INDEX `occurrence_collaboration_idx` ON `occurrence` (`collaboration_id`,`date`);--> statement-breakpoint
CREATE INDEX `occurrence_responsible_idx` ON `occurrence` (`responsible_body_id`,`date`);--> statement-breakpoint
CREATE INDEX `occurrence_treated_idx` ON `occurrence` (`treated_by_body_id`,`date`);--> statement-breakpoint
CREATE TABLE `occurrence_index_dirty` (
	`kind` text NOT NULL,
	`ref_id` integer NOT NULL,
	`key` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE `occurrence_index_meta` (
	`id` integer PRIMARY KEY NOT NULL,
	`fingerprint` text NOT NULL,
	`valid_from` text,
	`valid_to` text,
	`target_from` text NOT NULL,
	`target_to` text NOT NULL,
	`cursor` integer,
	`seq` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
-- Hand-written: every change the occurrence index depends on is noted here, whichever code path made it.
CREATE TRIGGER rule_dirty_insert AFTER INSERT ON rule BEGIN INSERT INTO occurrence_index_dirty (kind, ref_id, key) VALUES ('rule', NEW.id, ''); END;
--> statement-breakpoint
CREATE TRIGGER rule_dirty_update AFTER UPDATE ON rule BEGIN INSERT INTO occurrence_index_dirty (kind, ref_id, key) VALUES ('rule', NEW.id, ''); END;
--> statement-breakpoint
CREATE TRIGGER rule_dirty_delete AFTER DELETE ON rule BEGIN INSERT INTO occurrence_index_dirty (kind, ref_id, key) VALUES ('rule', OLD.id, ''); END;
--> statement-breakpoint
CREATE TRIGGER state_dirty_insert AFTER INSERT ON occurrence_state BEGIN INSERT INTO occurrence_index_dirty (kind, ref_id, key) VALUES ('state', NEW.rule_id, NEW.original_key); END;
--> statement-breakpoint
CREATE TRIGGER state_dirty_update AFTER UPDATE ON occurrence_state BEGIN INSERT INTO occurrence_index_dirty (kind, ref_id, key) VALUES ('state', OLD.rule_id, OLD.original_key); INSERT INTO occurrence_index_dirty (kind, ref_id, key) VALUES ('state', NEW.rule_id, NEW.original_key); END;
--> statement-breakpoint
CREATE TRIGGER state_dirty_delete AFTER DELETE ON occurrence_state BEGIN INSERT INTO occurrence_index_dirty (kind, ref_id, key) VALUES ('state', OLD.rule_id, OLD.original_key); END;
--> statement-breakpoint
CREATE TRIGGER participation_dirty_insert AFTER INSERT ON participation BEGIN INSERT INTO occurrence_index_dirty (kind, ref_id, key) VALUES ('participation', NEW.collaboration_id, CAST(NEW.municipality_id AS TEXT)); END;
--> statement-breakpoint
CREATE TRIGGER participation_dirty_update AFTER UPDATE ON participation BEGIN INSERT INTO occurrence_index_dirty (kind, ref_id, key) VALUES ('participation', OLD.collaboration_id, CAST(OLD.municipality_id AS TEXT)); INSERT INTO occurrence_index_dirty (kind, ref_id, key) VALUES ('participation', NEW.collaboration_id, CAST(NEW.municipality_id AS TEXT)); END;
--> statement-breakpoint
CREATE TRIGGER participation_dirty_delete AFTER DELETE ON participation BEGIN INSERT INTO occurrence_index_dirty (kind, ref_id, key) VALUES ('participation', OLD.collaboration_id, CAST(OLD.municipality_id AS TEXT)); END;
--> statement-breakpoint
CREATE TRIGGER collaboration_dirty_update AFTER UPDATE ON collaboration BEGIN INSERT INTO occurrence_index_dirty (kind, ref_id, key) VALUES ('collaboration', NEW.id, ''); END;
--> statement-breakpoint
CREATE TRIGGER municipality_dirty_update AFTER UPDATE ON municipality BEGIN INSERT INTO occurrence_index_dirty (kind, ref_id, key) VALUES ('municipality', NEW.id, ''); END;
--> statement-breakpoint
CREATE TRIGGER body_dirty_insert AFTER INSERT ON body BEGIN INSERT INTO occurrence_index_dirty (kind, ref_id, key) VALUES ('body', NEW.id, ''); END;
--> statement-breakpoint
CREATE TRIGGER body_dirty_update AFTER UPDATE ON body BEGIN INSERT INTO occurrence_index_dirty (kind, ref_id, key) VALUES ('body', NEW.id, ''); END;
--> statement-breakpoint
CREATE TRIGGER constitution_dirty_insert AFTER INSERT ON constitution BEGIN INSERT INTO occurrence_index_dirty (kind, ref_id, key) VALUES ('constitution', NEW.municipality_id, ''); END;
--> statement-breakpoint
CREATE TRIGGER constitution_dirty_update AFTER UPDATE ON constitution BEGIN INSERT INTO occurrence_index_dirty (kind, ref_id, key) VALUES ('constitution', OLD.municipality_id, ''); INSERT INTO occurrence_index_dirty (kind, ref_id, key) VALUES ('constitution', NEW.municipality_id, ''); END;
--> statement-breakpoint
CREATE TRIGGER constitution_dirty_delete AFTER DELETE ON constitution BEGIN INSERT INTO occurrence_index_dirty (kind, ref_id, key) VALUES ('constitution', OLD.municipality_id, ''); END;
--> statement-breakpoint
INSERT INTO occurrence_index_dirty (kind, ref_id, key) SELECT 'rule', id, '' FROM rule;
