CREATE TABLE `app_secret` (
	`name` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`created` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `login_link` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`created` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `app_user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `login_link_user_idx` ON `login_link` (`user_id`);--> statement-breakpoint
CREATE TABLE `session` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`method` text NOT NULL,
	`created` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `app_user`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `session_user_idx` ON `session` (`user_id`);--> statement-breakpoint
CREATE INDEX `session_expires_idx` ON `session` (`expires_at`);--> statement-breakpoint
CREATE TABLE `sign_in_state` (
	`state_hash` text PRIMARY KEY NOT NULL,
	`provider` text NOT NULL,
	`code_verifier` text NOT NULL,
	`nonce` text NOT NULL,
	`return_to` text NOT NULL,
	`created` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `user_role` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`role` text NOT NULL,
	`municipality_id` integer,
	`body_id` integer,
	`scope_key` text NOT NULL,
	`source` text DEFAULT 'manual' NOT NULL,
	`created` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `app_user`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`municipality_id`) REFERENCES `municipality`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`body_id`) REFERENCES `body`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "user_role_scope" CHECK(("user_role"."role" = 'admin' AND "user_role"."municipality_id" IS NULL AND "user_role"."body_id" IS NULL)
    OR ("user_role"."role" = 'editor' AND "user_role"."municipality_id" IS NOT NULL AND "user_role"."body_id" IS NULL)
    OR ("user_role"."role" = 'sekretariat' AND "user_role"."body_id" IS NOT NULL AND "user_role"."municipality_id" IS NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `user_role_uq` ON `user_role` (`user_id`,`role`,`scope_key`,`source`);--> statement-breakpoint
CREATE INDEX `user_role_user_idx` ON `user_role` (`user_id`);--> statement-breakpoint
CREATE TABLE `app_user` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`email_verified_at` integer,
	`active` integer DEFAULT true NOT NULL,
	`last_sign_in_at` integer,
	`created` integer NOT NULL,
	`modified` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `app_user_email_unique` ON `app_user` (`email`);--> statement-breakpoint
ALTER TABLE `api_token` ADD `user_id` integer REFERENCES app_user(id);--> statement-breakpoint
ALTER TABLE `audit_log` ADD `user_id` integer REFERENCES app_user(id);--> statement-breakpoint
ALTER TABLE `subscription` ADD `user_id` integer REFERENCES app_user(id);--> statement-breakpoint
ALTER TABLE `subscription` ADD `lead_days` text;--> statement-breakpoint
CREATE INDEX `subscription_user_idx` ON `subscription` (`user_id`);