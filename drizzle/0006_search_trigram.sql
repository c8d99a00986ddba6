-- Trigram (pg_trgm) GIN indexes on the ID columns that searches match with ILIKE '%text%'.
-- pg_trgm ships with PostgreSQL's contrib (trusted since PostgreSQL 13) and with PGlite
-- (loaded by the server). Where it cannot be created or is not on the search path, the
-- indexes are left out: searches return the same results, reading every row.
DO $$
BEGIN
  BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
  EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_trgm not created (%): ID substring searches run without trigram indexes', SQLERRM;
  END;
  IF EXISTS (SELECT 1 FROM pg_opclass WHERE opcname = 'gin_trgm_ops' AND pg_opclass_is_visible(oid)) THEN
    CREATE INDEX "accounts_uid_trgm_index" ON "accounts" USING gin ("uid" gin_trgm_ops) WITH (fastupdate = off);
    CREATE INDEX "users_user_id_trgm_index" ON "users" USING gin ("user_id" gin_trgm_ops) WITH (fastupdate = off);
    CREATE INDEX "applications_application_id_trgm_index" ON "applications" USING gin ("application_id" gin_trgm_ops) WITH (fastupdate = off);
    CREATE INDEX "organizations_organization_id_trgm_index" ON "organizations" USING gin ("organization_id" gin_trgm_ops) WITH (fastupdate = off);
    CREATE INDEX "clients_client_id_trgm_index" ON "clients" USING gin ("client_id" gin_trgm_ops) WITH (fastupdate = off);
    CREATE INDEX "gateways_gateway_id_trgm_index" ON "gateways" USING gin ("gateway_id" gin_trgm_ops) WITH (fastupdate = off);
    CREATE INDEX "end_devices_device_id_trgm_index" ON "end_devices" USING gin ("device_id" gin_trgm_ops) WITH (fastupdate = off);
  END IF;
END $$;
