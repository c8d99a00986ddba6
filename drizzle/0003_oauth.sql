CREATE TABLE "oauth_access_tokens" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"access_token_hash" text NOT NULL,
	"refresh_token_hash" text,
	"user_id" text NOT NULL,
	"client_id" text NOT NULL,
	"user_session_id" text,
	"rights" integer[] NOT NULL,
	"scopes" text[],
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "oauth_access_tokens_pkey" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "oauth_authorization_codes" (
	"tenant_id" text NOT NULL,
	"id" text NOT NULL,
	"code_hash" text NOT NULL,
	"user_id" text NOT NULL,
	"client_id" text NOT NULL,
	"user_session_id" text,
	"rights" integer[] NOT NULL,
	"redirect_uri" text NOT NULL,
	"state" text DEFAULT '' NOT NULL,
	"code_challenge" text,
	"code_challenge_method" text,
	"nonce" text,
	"scopes" text[],
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"access_token_id" text,
	CONSTRAINT "oauth_authorization_codes_pkey" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "oauth_client_authorizations" (
	"tenant_id" text NOT NULL,
	"user_id" text NOT NULL,
	"client_id" text NOT NULL,
	"rights" integer[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "oauth_client_authorizations_pkey" PRIMARY KEY("tenant_id","user_id","client_id")
);
--> statement-breakpoint
CREATE TABLE "oauth_signing_keys" (
	"tenant_id" text NOT NULL,
	"kid" text NOT NULL,
	"private_jwk" jsonb NOT NULL,
	"public_jwk" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"retired_at" timestamp with time zone,
	CONSTRAINT "oauth_signing_keys_pkey" PRIMARY KEY("tenant_id","kid")
);
--> statement-breakpoint
CREATE INDEX "oauth_access_tokens_user_client_index" ON "oauth_access_tokens" USING btree ("tenant_id","user_id","client_id");--> statement-breakpoint
CREATE INDEX "oauth_signing_keys_active_index" ON "oauth_signing_keys" USING btree ("tenant_id") WHERE "oauth_signing_keys"."retired_at" IS NULL;