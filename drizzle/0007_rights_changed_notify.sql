-- Every change to a table that decides what a credential may do notifies
-- is_rights_changed (once per transaction: PostgreSQL folds equal notifications),
-- delivered at commit to every process listening: the auth cache of each
-- replica (src/cache/, src/store/pg/change-feed.ts) drops what it holds.
CREATE FUNCTION is_notify_rights_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('is_rights_changed', '');
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER rights_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON accounts FOR EACH STATEMENT EXECUTE FUNCTION is_notify_rights_changed();
--> statement-breakpoint
CREATE TRIGGER rights_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON users FOR EACH STATEMENT EXECUTE FUNCTION is_notify_rights_changed();
--> statement-breakpoint
CREATE TRIGGER rights_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON organizations FOR EACH STATEMENT EXECUTE FUNCTION is_notify_rights_changed();
--> statement-breakpoint
CREATE TRIGGER rights_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON applications FOR EACH STATEMENT EXECUTE FUNCTION is_notify_rights_changed();
--> statement-breakpoint
CREATE TRIGGER rights_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON gateways FOR EACH STATEMENT EXECUTE FUNCTION is_notify_rights_changed();
--> statement-breakpoint
CREATE TRIGGER rights_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON clients FOR EACH STATEMENT EXECUTE FUNCTION is_notify_rights_changed();
--> statement-breakpoint
CREATE TRIGGER rights_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON memberships FOR EACH STATEMENT EXECUTE FUNCTION is_notify_rights_changed();
--> statement-breakpoint
CREATE TRIGGER rights_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON api_keys FOR EACH STATEMENT EXECUTE FUNCTION is_notify_rights_changed();
--> statement-breakpoint
CREATE TRIGGER rights_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON oauth_access_tokens FOR EACH STATEMENT EXECUTE FUNCTION is_notify_rights_changed();
