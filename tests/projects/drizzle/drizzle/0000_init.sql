CREATE TABLE "users" (
	"id" bigint PRIMARY KEY NOT NULL,
	"email" text
);
--> statement-breakpoint
CREATE TABLE "posts" (
	"id" bigint PRIMARY KEY NOT NULL,
	"author_id" bigint NOT NULL
);
