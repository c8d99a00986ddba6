CREATE TABLE "authentication_providers" (
	"tenant_id" text NOT NULL,
	"provider_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"name" text DEFAULT '' NOT NULL,
	"allow_registrations" boolean DEFAULT false NOT NULL,
	"allowed_email_domains" jsonb,
	"oidc_client_id" text DEFAULT '' NOT NULL,
	"oidc_client_secret" text DEFAULT '' NOT NULL,
	"oidc_provider_url" text DEFAULT '' NOT NULL,
	"oidc_preferred_response_type" text DEFAULT '' NOT NULL,
	CONSTRAINT "authentication_providers_pkey" PRIMARY KEY("tenant_id","provider_id")
);
--> statement-breakpoint
CREATE TABLE "external_users" (
	"tenant_id" text NOT NULL,
	"provider_id" text NOT NULL,
	"external_id" text NOT NULL,
	"user_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "external_users_pkey" PRIMARY KEY("tenant_id","provider_id","external_id")
);
--> statement-breakpoint
ALTER TABLE "external_users" ADD CONSTRAINT "external_users_provider_fkey" FOREIGN KEY ("tenant_id","provider_id") REFERENCES "public"."authentication_providers"("tenant_id","provider_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "external_users" ADD CONSTRAINT "external_users_user_fkey" FOREIGN KEY ("tenant_id","user_id") REFERENCES "public"."users"("tenant_id","user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "external_users_user_index" ON "external_users" USING btree ("tenant_id","provider_id","user_id");--> statement-breakpoint
CREATE INDEX "external_users_by_user_index" ON "external_users" USING btree ("tenant_id","user_id");