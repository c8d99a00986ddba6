CREATE TABLE "tenants" (
	"tenant_id" text PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"name" text DEFAULT '' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"attributes" jsonb,
	"contact_info" jsonb,
	"max_applications" bigint,
	"max_clients" bigint,
	"max_end_devices" bigint,
	"max_gateways" bigint,
	"max_organizations" bigint,
	"max_users" bigint,
	"state" integer DEFAULT 1 NOT NULL,
	"state_description" text DEFAULT '' NOT NULL,
	"capabilities" jsonb,
	"configuration" jsonb,
	"billing" jsonb,
	"billing_identifiers" jsonb
);
--> statement-breakpoint
CREATE INDEX "gateways_eui_any_tenant_index" ON "gateways" USING btree ("gateway_eui") WHERE "gateways"."deleted_at" IS NULL AND "gateways"."gateway_eui" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "end_devices_eui_any_tenant_index" ON "end_devices" USING btree ("dev_eui","join_eui");--> statement-breakpoint
-- A suspended, deleted or reconfigured tenant reaches every replica's cache of tenant records at once (src/tenancy/).
CREATE TRIGGER rights_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON tenants FOR EACH STATEMENT EXECUTE FUNCTION is_notify_rights_changed();
