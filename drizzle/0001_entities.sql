CREATE TABLE "organizations" (
	"tenant_id" text NOT NULL,
	"organization_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"name" text DEFAULT '' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"attributes" jsonb,
	"contact_info" jsonb,
	"administrative_contact" jsonb,
	"technical_contact" jsonb,
	"fanout_notifications" boolean DEFAULT false NOT NULL,
	CONSTRAINT "organizations_pkey" PRIMARY KEY("tenant_id","organization_id")
);
--> statement-breakpoint
CREATE TABLE "clients" (
	"tenant_id" text NOT NULL,
	"client_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"name" text DEFAULT '' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"attributes" jsonb,
	"contact_info" jsonb,
	"administrative_contact" jsonb,
	"technical_contact" jsonb,
	"secret" text DEFAULT '' NOT NULL,
	"redirect_uris" jsonb,
	"logout_redirect_uris" jsonb,
	"state" integer DEFAULT 0 NOT NULL,
	"state_description" text DEFAULT '' NOT NULL,
	"skip_authorization" boolean DEFAULT false NOT NULL,
	"endorsed" boolean DEFAULT false NOT NULL,
	"grants" jsonb,
	"rights" jsonb,
	CONSTRAINT "clients_pkey" PRIMARY KEY("tenant_id","client_id")
);
--> statement-breakpoint
CREATE TABLE "gateways" (
	"tenant_id" text NOT NULL,
	"gateway_id" text NOT NULL,
	"gateway_eui" "bytea",
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"name" text DEFAULT '' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"attributes" jsonb,
	"contact_info" jsonb,
	"administrative_contact" jsonb,
	"technical_contact" jsonb,
	"version_ids" jsonb,
	"gateway_server_address" text DEFAULT '' NOT NULL,
	"auto_update" boolean DEFAULT false NOT NULL,
	"update_channel" text DEFAULT '' NOT NULL,
	"frequency_plan_ids" jsonb,
	"antennas" jsonb,
	"status_public" boolean DEFAULT false NOT NULL,
	"location_public" boolean DEFAULT false NOT NULL,
	"schedule_downlink_late" boolean DEFAULT false NOT NULL,
	"enforce_duty_cycle" boolean DEFAULT false NOT NULL,
	"downlink_path_constraint" integer DEFAULT 0 NOT NULL,
	"schedule_anytime_delay" jsonb,
	"update_location_from_status" boolean DEFAULT false NOT NULL,
	"lbs_lns_secret" jsonb,
	"claim_authentication_code" jsonb,
	"target_cups_uri" text DEFAULT '' NOT NULL,
	"target_cups_key" jsonb,
	"require_authenticated_connection" boolean DEFAULT false NOT NULL,
	"lrfhss" jsonb,
	"disable_packet_broker_forwarding" boolean DEFAULT false NOT NULL,
	CONSTRAINT "gateways_pkey" PRIMARY KEY("tenant_id","gateway_id")
);
--> statement-breakpoint
CREATE TABLE "end_devices" (
	"tenant_id" text NOT NULL,
	"application_id" text NOT NULL,
	"device_id" text NOT NULL,
	"dev_eui" "bytea",
	"join_eui" "bytea",
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"name" text DEFAULT '' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"attributes" jsonb,
	"version_ids" jsonb,
	"service_profile_id" text DEFAULT '' NOT NULL,
	"network_server_address" text DEFAULT '' NOT NULL,
	"application_server_address" text DEFAULT '' NOT NULL,
	"join_server_address" text DEFAULT '' NOT NULL,
	"locations" jsonb,
	"picture" jsonb,
	"claim_authentication_code" jsonb,
	"activated_at" timestamp with time zone,
	"last_seen_at" timestamp with time zone,
	"serial_number" text DEFAULT '' NOT NULL,
	"lora_alliance_profile_ids" jsonb,
	CONSTRAINT "end_devices_pkey" PRIMARY KEY("tenant_id","application_id","device_id")
);
--> statement-breakpoint
CREATE TABLE "bookmarks" (
	"tenant_id" text NOT NULL,
	"user_id" text NOT NULL,
	"entity_kind" text NOT NULL,
	"entity_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "bookmarks_pkey" PRIMARY KEY("tenant_id","user_id","entity_kind","entity_id")
);
--> statement-breakpoint
CREATE TABLE "eui_blocks" (
	"tenant_id" text NOT NULL,
	"type" text NOT NULL,
	"start_eui" "bytea" NOT NULL,
	"current_counter" bigint NOT NULL,
	"end_counter" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "eui_blocks_pkey" PRIMARY KEY("tenant_id","type","start_eui")
);
--> statement-breakpoint
ALTER TABLE "organizations" ADD CONSTRAINT "organizations_account_fkey" FOREIGN KEY ("tenant_id","organization_id") REFERENCES "public"."accounts"("tenant_id","uid") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "gateways_eui_index" ON "gateways" USING btree ("tenant_id","gateway_eui") WHERE "gateways"."deleted_at" IS NULL AND "gateways"."gateway_eui" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "end_devices_eui_index" ON "end_devices" USING btree ("tenant_id","join_eui","dev_eui") WHERE "end_devices"."join_eui" IS NOT NULL AND "end_devices"."dev_eui" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "end_devices_dev_eui_index" ON "end_devices" USING btree ("tenant_id","dev_eui");