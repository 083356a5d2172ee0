CREATE TABLE `kontroll_plan_adoption` (
	`version_id` integer NOT NULL,
	`body_id` integer NOT NULL,
	`ku_adopted_on` text,
	`ku_case_ref` text,
	`ks_adopted_on` text,
	`ks_case_ref` text,
	PRIMARY KEY(`version_id`, `body_id`),
	FOREIGN KEY (`version_id`) REFERENCES `kontroll_plan_version`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`body_id`) REFERENCES `body`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `kontroll_plan_adoption_body_idx` ON `kontroll_plan_adoption` (`body_id`);--> statement-breakpoint
CREATE TABLE `kontroll_plan_version` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plan_id` integer NOT NULL,
	`version` integer NOT NULL,
	`reason` text,
	`snapshot` text,
	`created` integer NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `kontroll_plan`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `kontroll_plan_version_uq` ON `kontroll_plan_version` (`plan_id`,`version`);--> statement-breakpoint
ALTER TABLE `kontroll_project` ADD `position` integer;--> statement-breakpoint
-- Every existing plan becomes version 1, its one adoption recorded for each of its kontrollutvalg (issue 15).
INSERT INTO `kontroll_plan_version` (`plan_id`, `version`, `reason`, `snapshot`, `created`) SELECT `id`, 1, NULL, NULL, `created` FROM `kontroll_plan`;--> statement-breakpoint
INSERT INTO `kontroll_plan_adoption` (`version_id`, `body_id`, `ku_adopted_on`, `ku_case_ref`, `ks_adopted_on`, `ks_case_ref`)
  SELECT v.`id`, pb.`body_id`, p.`ku_adopted_on`, p.`ku_case_ref`, p.`ks_adopted_on`, p.`ks_case_ref`
  FROM `kontroll_plan` p JOIN `kontroll_plan_version` v ON v.`plan_id` = p.`id` JOIN `kontroll_plan_body` pb ON pb.`plan_id` = p.`id`;--> statement-breakpoint
ALTER TABLE `kontroll_plan` DROP COLUMN `ku_adopted_on`;--> statement-breakpoint
ALTER TABLE `kontroll_plan` DROP COLUMN `ku_case_ref`;--> statement-breakpoint
ALTER TABLE `kontroll_plan` DROP COLUMN `ks_adopted_on`;--> statement-breakpoint
ALTER TABLE `kontroll_plan` DROP COLUMN `ks_case_ref`;