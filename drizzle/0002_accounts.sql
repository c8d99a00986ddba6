CREATE TABLE "email_validations" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"token_hash" text NOT NULL,
	"user_id" text NOT NULL,
	"address" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	CONSTRAINT "email_validations_pkey" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "invitations" (
	"tenant_id" text NOT NULL,
	"email" text NOT NULL,
	"token_hash" text NOT NULL,
	"token_lookup" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"accepted_by" text,
	"sender_id" text,
	CONSTRAINT "invitations_pkey" PRIMARY KEY("tenant_id","email")
);
--> statement-breakpoint
CREATE TABLE "login_tokens" (
	"tenant_id" text NOT NULL,
	"token_lookup" text NOT NULL,
	"token_hash" text NOT NULL,
	"user_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	CONSTRAINT "login_tokens_pkey" PRIMARY KEY("tenant_id","token_lookup")
);
--> statement-breakpoint
CREATE TABLE "user_sessions" (
	"tenant_id" text NOT NULL,
	"session_id" text NOT NULL,
	"user_id" text NOT NULL,
	"secret_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	CONSTRAINT "user_sessions_pkey" PRIMARY KEY("tenant_id","session_id")
);
--> statement-breakpoint
CREATE TABLE "notification_receivers" (
	"tenant_id" text NOT NULL,
	"notification_id" text NOT NULL,
	"user_id" text NOT NULL,
	"status" integer DEFAULT 0 NOT NULL,
	"status_updated_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notification_receivers_pkey" PRIMARY KEY("tenant_id","user_id","notification_id")
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"entity_kind" text NOT NULL,
	"entity_id" text NOT NULL,
	"notification_type" text NOT NULL,
	"data" jsonb,
	"sender_id" text,
	"receivers" integer[] NOT NULL,
	"email" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notifications_pkey" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "email_outbox" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"template" text NOT NULL,
	"recipient" jsonb NOT NULL,
	"subject" text NOT NULL,
	"text_body" text NOT NULL,
	"html_body" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "application_limit" jsonb;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "client_limit" jsonb;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "gateway_limit" jsonb;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "organization_limit" jsonb;--> statement-breakpoint
ALTER TABLE "applications" ADD COLUMN "end_device_limit" jsonb;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "application_limit" jsonb;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "client_limit" jsonb;--> statement-breakpoint
ALTER TABLE "organizations" ADD COLUMN "gateway_limit" jsonb;--> statement-breakpoint
CREATE INDEX "email_validations_user_index" ON "email_validations" USING btree ("tenant_id","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "invitations_token_lookup_index" ON "invitations" USING btree ("tenant_id","token_lookup");--> statement-breakpoint
CREATE INDEX "login_tokens_user_index" ON "login_tokens" USING btree ("tenant_id","user_id") WHERE "login_tokens"."used_at" IS NULL;--> statement-breakpoint
CREATE INDEX "user_sessions_user_index" ON "user_sessions" USING btree ("tenant_id","user_id");--> statement-breakpoint
CREATE INDEX "notification_receivers_list_index" ON "notification_receivers" USING btree ("tenant_id","user_id","created_at");--> statement-breakpoint
CREATE INDEX "email_outbox_due_index" ON "email_outbox" USING btree ("next_attempt_at") WHERE "email_outbox"."sent_at" IS NULL;