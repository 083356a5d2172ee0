CREATE TABLE `reminder_outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`outbox_key` text NOT NULL,
	`kind` text NOT NULL,
	`occurrence_id` text,
	`reminder_key` text NOT NULL,
	`recipient` text NOT NULL,
	`subscription_id` integer NOT NULL,
	`channel` text NOT NULL,
	`municipality_id` integer,
	`send_on` text NOT NULL,
	`due_date` text,
	`message_id` text NOT NULL,
	`payload` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`claimed_by` text,
	`claim_expires_at` integer,
	`last_attempt_at` integer,
	`last_error` text,
	`last_response` text,
	`sent_at` integer,
	`created` integer NOT NULL,
	FOREIGN KEY (`subscription_id`) REFERENCES `subscription`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`municipality_id`) REFERENCES `municipality`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reminder_outbox_key_uq` ON `reminder_outbox` (`outbox_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `reminder_outbox_occurrence_key_recipient_uq` ON `reminder_outbox` (`occurrence_id`,`reminder_key`,`recipient`);--> statement-breakpoint
CREATE INDEX `reminder_outbox_due_idx` ON `reminder_outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `reminder_outbox_occurrence_idx` ON `reminder_outbox` (`occurrence_id`);--> statement-breakpoint
CREATE INDEX `reminder_outbox_municipality_idx` ON `reminder_outbox` (`municipality_id`);--> statement-breakpoint
CREATE TABLE `subscription` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`channel` text NOT NULL,
	`email` text,
	`webhook_url` text,
	`webhook_secret` text,
	`municipality_id` integer,
	`collaboration_id` integer,
	`body_id` integer,
	`event_types` text,
	`digest` integer DEFAULT false NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created` integer NOT NULL,
	`modified` integer NOT NULL,
	`deleted` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`municipality_id`) REFERENCES `municipality`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`collaboration_id`) REFERENCES `collaboration`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`body_id`) REFERENCES `body`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "subscription_channel" CHECK(("subscription"."channel" = 'email' AND "subscription"."email" IS NOT NULL AND "subscription"."webhook_url" IS NULL)
    OR ("subscription"."channel" = 'webhook' AND "subscription"."webhook_url" IS NOT NULL AND "subscription"."webhook_secret" IS NOT NULL AND "subscription"."email" IS NULL)),
	CONSTRAINT "subscription_one_scope" CHECK(("subscription"."municipality_id" IS NOT NULL) + ("subscription"."collaboration_id" IS NOT NULL) + ("subscription"."body_id" IS NOT NULL) <= 1)
);
--> statement-breakpoint
CREATE INDEX `subscription_municipality_idx` ON `subscription` (`municipality_id`);--> statement-breakpoint
CREATE INDEX `subscription_body_idx` ON `subscription` (`body_id`);--> statement-breakpoint
CREATE INDEX `subscription_modified_idx` ON `subscription` (`modified`);