ALTER TABLE `collaboration` ADD `tracking_from` text;--> statement-breakpoint
ALTER TABLE `municipality` ADD `kommunenummer` text;--> statement-breakpoint
ALTER TABLE `municipality` ADD `tracking_from` text;--> statement-breakpoint
CREATE UNIQUE INDEX `municipality_kommunenummer_idx` ON `municipality` (`kommunenummer`);--> statement-breakpoint
ALTER TABLE `occurrence` ADD `tracking_from` text;