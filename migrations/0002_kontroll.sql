CREATE TABLE `kontroll_plan_body` (
	`plan_id` integer NOT NULL,
	`body_id` integer NOT NULL,
	PRIMARY KEY(`plan_id`, `body_id`),
	FOREIGN KEY (`plan_id`) REFERENCES `kontroll_plan`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`body_id`) REFERENCES `body`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `kontroll_plan_body_body_idx` ON `kontroll_plan_body` (`body_id`);--> statement-breakpoint
CREATE TABLE `kontroll_plan` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`type` text NOT NULL,
	`election_year` integer NOT NULL,
	`title` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`ku_adopted_on` text,
	`ku_case_ref` text,
	`ks_adopted_on` text,
	`ks_case_ref` text,
	`note` text,
	`created` integer NOT NULL,
	`modified` integer NOT NULL,
	`deleted` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE INDEX `kontroll_plan_election_year_idx` ON `kontroll_plan` (`election_year`);--> statement-breakpoint
CREATE INDEX `kontroll_plan_modified_idx` ON `kontroll_plan` (`modified`);--> statement-breakpoint
CREATE TABLE `kontroll_project_milestone` (
	`project_id` integer NOT NULL,
	`milestone` text NOT NULL,
	`body_id` integer NOT NULL,
	`rule_id` integer NOT NULL,
	PRIMARY KEY(`project_id`, `milestone`, `body_id`),
	FOREIGN KEY (`project_id`) REFERENCES `kontroll_project`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`body_id`) REFERENCES `body`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`rule_id`) REFERENCES `rule`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `kontroll_project_milestone_rule_idx` ON `kontroll_project_milestone` (`rule_id`);--> statement-breakpoint
CREATE TABLE `kontroll_project_subject` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`project_id` integer NOT NULL,
	`collaboration_id` integer,
	`municipality_id` integer,
	`service_area` text,
	FOREIGN KEY (`project_id`) REFERENCES `kontroll_project`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`collaboration_id`) REFERENCES `collaboration`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`municipality_id`) REFERENCES `municipality`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "kontroll_project_subject_one" CHECK(("kontroll_project_subject"."collaboration_id" IS NOT NULL AND "kontroll_project_subject"."municipality_id" IS NULL AND "kontroll_project_subject"."service_area" IS NULL)
    OR ("kontroll_project_subject"."collaboration_id" IS NULL AND "kontroll_project_subject"."municipality_id" IS NOT NULL AND "kontroll_project_subject"."service_area" IS NOT NULL))
);
--> statement-breakpoint
CREATE INDEX `kontroll_project_subject_project_idx` ON `kontroll_project_subject` (`project_id`);--> statement-breakpoint
CREATE INDEX `kontroll_project_subject_collaboration_idx` ON `kontroll_project_subject` (`collaboration_id`);--> statement-breakpoint
CREATE TABLE `kontroll_project` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`plan_id` integer NOT NULL,
	`title` text NOT NULL,
	`problem_statement` text,
	`planned_year` integer NOT NULL,
	`planned_quarter` integer,
	`auditor` text,
	`ordered_on` text,
	`report_delivered_on` text,
	`ku_planned_on` text,
	`ku_treated_on` text,
	`ks_planned_on` text,
	`ks_treated_on` text,
	`follow_up_due` text,
	`followed_up_on` text,
	`status` text DEFAULT 'planned' NOT NULL,
	`dropped_reason` text,
	`case_refs` text DEFAULT '{}' NOT NULL,
	`created` integer NOT NULL,
	`modified` integer NOT NULL,
	`deleted` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`plan_id`) REFERENCES `kontroll_plan`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "kontroll_project_quarter" CHECK("kontroll_project"."planned_quarter" IS NULL OR "kontroll_project"."planned_quarter" BETWEEN 1 AND 4)
);
--> statement-breakpoint
CREATE INDEX `kontroll_project_plan_idx` ON `kontroll_project` (`plan_id`);--> statement-breakpoint
CREATE TABLE `risk_assessment` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`election_year` integer NOT NULL,
	`collaboration_id` integer,
	`municipality_id` integer,
	`service_area` text,
	`subject_key` text NOT NULL,
	`risk` integer NOT NULL,
	`materiality` integer NOT NULL,
	`justification` text,
	`assessed_on` text NOT NULL,
	`created` integer NOT NULL,
	`modified` integer NOT NULL,
	FOREIGN KEY (`collaboration_id`) REFERENCES `collaboration`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`municipality_id`) REFERENCES `municipality`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "risk_assessment_scores" CHECK("risk_assessment"."risk" BETWEEN 1 AND 5 AND "risk_assessment"."materiality" BETWEEN 1 AND 5),
	CONSTRAINT "risk_assessment_subject" CHECK(("risk_assessment"."collaboration_id" IS NOT NULL AND "risk_assessment"."municipality_id" IS NULL AND "risk_assessment"."service_area" IS NULL)
    OR ("risk_assessment"."collaboration_id" IS NULL AND "risk_assessment"."municipality_id" IS NOT NULL AND "risk_assessment"."service_area" IS NOT NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `risk_assessment_subject_uq` ON `risk_assessment` (`election_year`,`subject_key`);