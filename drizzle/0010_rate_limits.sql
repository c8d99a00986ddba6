CREATE TABLE "rate_limit_counters" (
	"tenant_id" text NOT NULL,
	"key" text NOT NULL,
	"window_start" bigint NOT NULL,
	"hits" integer NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "rate_limit_counters_pkey" PRIMARY KEY("tenant_id","key","window_start")
);
--> statement-breakpoint
CREATE INDEX "rate_limit_counters_expiry_index" ON "rate_limit_counters" USING btree ("expires_at");--> statement-breakpoint
-- Counters are not worth WAL, and a read replica never needs them (src/store/pg/schema/rate-limits.ts).
ALTER TABLE "rate_limit_counters" SET UNLOGGED;