CREATE TABLE `api_token` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`label` text NOT NULL,
	`role` text NOT NULL,
	`municipality_id` integer,
	`token_hash` text NOT NULL,
	`created` integer NOT NULL,
	`revoked_at` integer,
	`last_used_at` integer,
	FOREIGN KEY (`municipality_id`) REFERENCES `municipality`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_token_token_hash_unique` ON `api_token` (`token_hash`);--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` integer NOT NULL,
	`token_id` integer,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`before` text,
	`after` text,
	FOREIGN KEY (`token_id`) REFERENCES `api_token`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `audit_entity_idx` ON `audit_log` (`entity_type`,`entity_id`);--> statement-breakpoint
CREATE INDEX `audit_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `body` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`municipality_id` integer,
	`collaboration_id` integer,
	`feed_visibility` text DEFAULT 'public' NOT NULL,
	`feed_secret_hash` text,
	`created` integer NOT NULL,
	`modified` integer NOT NULL,
	`deleted` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`municipality_id`) REFERENCES `municipality`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`collaboration_id`) REFERENCES `collaboration`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "body_one_owner" CHECK(("body"."municipality_id" IS NULL) <> ("body"."collaboration_id" IS NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `body_slug_unique` ON `body` (`slug`);--> statement-breakpoint
CREATE INDEX `body_municipality_idx` ON `body` (`municipality_id`);--> statement-breakpoint
CREATE INDEX `body_collaboration_idx` ON `body` (`collaboration_id`);--> statement-breakpoint
CREATE TABLE `collaboration` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`legal_form` text NOT NULL,
	`legal_form_raw` text,
	`area` text,
	`host_municipality_id` integer,
	`parent_id` integer,
	`status` text DEFAULT 'active' NOT NULL,
	`terminated_on` text,
	`status_note` text,
	`other_participants` text,
	`comment` text,
	`valid_from` text,
	`valid_to` text,
	`created` integer NOT NULL,
	`modified` integer NOT NULL,
	`deleted` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`host_municipality_id`) REFERENCES `municipality`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`parent_id`) REFERENCES `collaboration`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `collaboration_slug_unique` ON `collaboration` (`slug`);--> statement-breakpoint
CREATE INDEX `collaboration_modified_idx` ON `collaboration` (`modified`);--> statement-breakpoint
CREATE INDEX `collaboration_area_idx` ON `collaboration` (`area`);--> statement-breakpoint
CREATE TABLE `constitution` (
	`municipality_id` integer NOT NULL,
	`election_year` integer NOT NULL,
	`date` text NOT NULL,
	PRIMARY KEY(`municipality_id`, `election_year`),
	FOREIGN KEY (`municipality_id`) REFERENCES `municipality`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `municipality` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`county` text,
	`organisasjonsnummer` text,
	`in_region` integer DEFAULT false NOT NULL,
	`created` integer NOT NULL,
	`modified` integer NOT NULL,
	`deleted` integer DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `municipality_slug_unique` ON `municipality` (`slug`);--> statement-breakpoint
CREATE INDEX `municipality_modified_idx` ON `municipality` (`modified`);--> statement-breakpoint
CREATE TABLE `occurrence_state` (
	`rule_id` integer NOT NULL,
	`original_key` text NOT NULL,
	`status` text DEFAULT 'planned' NOT NULL,
	`moved_to` text,
	`case_number` text,
	`case_url` text,
	`note` text,
	`delivered_on` text,
	`approved_on` text,
	`cancelled_at` integer,
	`revision` integer DEFAULT 0 NOT NULL,
	`created` integer NOT NULL,
	`modified` integer NOT NULL,
	PRIMARY KEY(`rule_id`, `original_key`),
	FOREIGN KEY (`rule_id`) REFERENCES `rule`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `participation` (
	`collaboration_id` integer NOT NULL,
	`municipality_id` integer NOT NULL,
	`role` text NOT NULL,
	`ownership_share` real,
	PRIMARY KEY(`collaboration_id`, `municipality_id`),
	FOREIGN KEY (`collaboration_id`) REFERENCES `collaboration`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`municipality_id`) REFERENCES `municipality`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `participation_municipality_idx` ON `participation` (`municipality_id`);--> statement-breakpoint
CREATE TABLE `rule` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_type` text NOT NULL,
	`title` text,
	`municipality_id` integer,
	`collaboration_id` integer,
	`subject_key` text NOT NULL,
	`responsible_body_id` integer,
	`treated_by_body_id` integer,
	`schedule_type` text NOT NULL,
	`all_day` integer NOT NULL,
	`dtstart` text,
	`time_zone` text DEFAULT 'Europe/Oslo' NOT NULL,
	`rrule` text,
	`rdates` text DEFAULT '[]' NOT NULL,
	`exdates` text DEFAULT '[]' NOT NULL,
	`anchor` text,
	`duration_minutes` integer,
	`reminder_offsets_days` text,
	`calendar_body_kinds` text,
	`origin` text NOT NULL,
	`package_key` text,
	`overridden` integer DEFAULT false NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`note` text,
	`created` integer NOT NULL,
	`modified` integer NOT NULL,
	`deleted` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`municipality_id`) REFERENCES `municipality`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`collaboration_id`) REFERENCES `collaboration`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`responsible_body_id`) REFERENCES `body`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`treated_by_body_id`) REFERENCES `body`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "rule_one_subject" CHECK(("rule"."municipality_id" IS NULL) <> ("rule"."collaboration_id" IS NULL))
);
--> statement-breakpoint
CREATE INDEX `rule_municipality_idx` ON `rule` (`municipality_id`);--> statement-breakpoint
CREATE INDEX `rule_collaboration_idx` ON `rule` (`collaboration_id`);--> statement-breakpoint
CREATE INDEX `rule_body_idx` ON `rule` (`responsible_body_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `rule_package_subject_uq` ON `rule` (`package_key`,`event_type`,`subject_key`);