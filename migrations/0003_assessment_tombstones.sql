DROP INDEX `risk_assessment_subject_uq`;--> statement-breakpoint
ALTER TABLE `risk_assessment` ADD `deleted` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `risk_assessment_live_subject_uq` ON `risk_assessment` (`election_year`,`subject_key`) WHERE "risk_assessment"."deleted" = 0;--> statement-breakpoint
CREATE INDEX `risk_assessment_modified_idx` ON `risk_assessment` (`modified`);