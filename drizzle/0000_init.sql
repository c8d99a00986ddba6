CREATE TABLE "accounts" (
	"tenant_id" text NOT NULL,
	"uid" text NOT NULL,
	"kind" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "accounts_pkey" PRIMARY KEY("tenant_id","uid")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"tenant_id" text NOT NULL,
	"user_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"name" text DEFAULT '' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"attributes" jsonb,
	"contact_info" jsonb,
	"primary_email_address" text DEFAULT '' NOT NULL,
	"primary_email_address_validated_at" timestamp with time zone,
	"password" text DEFAULT '' NOT NULL,
	"password_updated_at" timestamp with time zone,
	"require_password_update" boolean DEFAULT false NOT NULL,
	"state" integer DEFAULT 0 NOT NULL,
	"state_description" text DEFAULT '' NOT NULL,
	"admin" boolean DEFAULT false NOT NULL,
	"temporary_password" text DEFAULT '' NOT NULL,
	"temporary_password_created_at" timestamp with time zone,
	"temporary_password_expires_at" timestamp with time zone,
	"profile_picture" jsonb,
	"console_preferences" jsonb,
	CONSTRAINT "users_pkey" PRIMARY KEY("tenant_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "applications" (
	"tenant_id" text NOT NULL,
	"application_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"name" text DEFAULT '' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"attributes" jsonb,
	"contact_info" jsonb,
	"administrative_contact" jsonb,
	"technical_contact" jsonb,
	"network_server_address" text DEFAULT '' NOT NULL,
	"application_server_address" text DEFAULT '' NOT NULL,
	"join_server_address" text DEFAULT '' NOT NULL,
	"dev_eui_counter" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "applications_pkey" PRIMARY KEY("tenant_id","application_id")
);
--> statement-breakpoint
CREATE TABLE "memberships" (
	"tenant_id" text NOT NULL,
	"entity_kind" text NOT NULL,
	"entity_id" text NOT NULL,
	"account_kind" text NOT NULL,
	"account_id" text NOT NULL,
	"rights" integer[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "memberships_pkey" PRIMARY KEY("tenant_id","entity_kind","entity_id","account_id")
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"key_id" text PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"secret_hash" text NOT NULL,
	"name" text DEFAULT '' NOT NULL,
	"rights" integer[] NOT NULL,
	"entity_kind" text NOT NULL,
	"entity_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_account_fkey" FOREIGN KEY ("tenant_id","user_id") REFERENCES "public"."accounts"("tenant_id","uid") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_account_fkey" FOREIGN KEY ("tenant_id","account_id") REFERENCES "public"."accounts"("tenant_id","uid") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "users_primary_email_address_index" ON "users" USING btree ("tenant_id",lower("primary_email_address")) WHERE "users"."deleted_at" IS NULL AND "users"."primary_email_address" <> '';--> statement-breakpoint
CREATE INDEX "users_admin_index" ON "users" USING btree ("tenant_id") WHERE "users"."admin" AND "users"."deleted_at" IS NULL;--> statement-breakpoint
CREATE INDEX "memberships_account_index" ON "memberships" USING btree ("tenant_id","account_id","entity_kind");--> statement-breakpoint
CREATE INDEX "api_keys_entity_index" ON "api_keys" USING btree ("tenant_id","entity_kind","entity_id");