-- Every notification on is_rights_changed (0007, 0008) now names the tenant
-- whose rows changed, "<scope> <tenant_id>", and every table a tenant's reads
-- may take from a read replica notifies: a server that hears another process
-- write a tenant's rows reads that tenant from the primary for a while
-- (src/store/heard-writes.ts), as it does after its own writes, so a client
-- reads its write back through any server. Scopes, for the auth cache
-- (src/cache/): "any" (the tables that decide rights, as in 0007), "tokens"
-- (OAuth access tokens, as in 0008), "data" (rows no cached answer reads: the
-- cache ignores them). A TRUNCATE names no tenant: it may touch them all.
-- Older servers read any payload but exactly "tokens" as "any": during a
-- rolling upgrade they drop their caches more often, never too rarely.
--
-- Row triggers, as a statement trigger cannot see the rows' tenants; PostgreSQL
-- folds equal notifications of a transaction into one, so a statement writing
-- many rows of a tenant sends one. Not here: the e-mail outbox and the login
-- throttling counters, written often and read only on the primary.
CREATE FUNCTION is_notify_tenant_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'STATEMENT' THEN
    PERFORM pg_notify('is_rights_changed', TG_ARGV[0]);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('is_rights_changed', TG_ARGV[0] || ' ' || OLD.tenant_id);
  ELSE
    -- (No row changes its tenant_id, so NEW's is also OLD's on UPDATE.)
    PERFORM pg_notify('is_rights_changed', TG_ARGV[0] || ' ' || NEW.tenant_id);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP TRIGGER rights_changed ON tenants;
--> statement-breakpoint
CREATE TRIGGER rights_changed AFTER INSERT OR UPDATE OR DELETE ON tenants FOR EACH ROW EXECUTE FUNCTION is_notify_tenant_changed('any');
--> statement-breakpoint
CREATE TRIGGER rights_truncated AFTER TRUNCATE ON tenants FOR EACH STATEMENT EXECUTE FUNCTION is_notify_tenant_changed('any');
--> statement-breakpoint
DROP TRIGGER rights_changed ON accounts;
--> statement-breakpoint
CREATE TRIGGER rights_changed AFTER INSERT OR UPDATE OR DELETE ON accounts FOR EACH ROW EXECUTE FUNCTION is_notify_tenant_changed('any');
--> statement-breakpoint
CREATE TRIGGER rights_truncated AFTER TRUNCATE ON accounts FOR EACH STATEMENT EXECUTE FUNCTION is_notify_tenant_changed('any');
--> statement-breakpoint
DROP TRIGGER rights_changed ON users;
--> statement-breakpoint
CREATE TRIGGER rights_changed AFTER INSERT OR UPDATE OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION is_notify_tenant_changed('any');
--> statement-breakpoint
CREATE TRIGGER rights_truncated AFTER TRUNCATE ON users FOR EACH STATEMENT EXECUTE FUNCTION is_notify_tenant_changed('any');
--> statement-breakpoint
DROP TRIGGER rights_changed ON organizations;
--> statement-breakpoint
CREATE TRIGGER rights_changed AFTER INSERT OR UPDATE OR DELETE ON organizations FOR EACH ROW EXECUTE FUNCTION is_notify_tenant_changed('any');
--> statement-breakpoint
CREATE TRIGGER rights_truncated AFTER TRUNCATE ON organizations FOR EACH STATEMENT EXECUTE FUNCTION is_notify_tenant_changed('any');
--> statement-breakpoint
DROP TRIGGER rights_changed ON applications;
--> statement-breakpoint
CREATE TRIGGER rights_changed AFTER INSERT OR UPDATE OR DELETE ON applications FOR EACH ROW EXECUTE FUNCTION is_notify_tenant_changed('any');
--> statement-breakpoint
CREATE TRIGGER rights_truncated AFTER TRUNCATE ON applications FOR EACH STATEMENT EXECUTE FUNCTION is_notify_tenant_changed('any');
--> statement-breakpoint
DROP TRIGGER rights_changed ON gateways;
--> statement-breakpoint
CREATE TRIGGER rights_changed AFTER INSERT OR UPDATE OR DELETE ON gateways FOR EACH ROW EXECUTE FUNCTION is_notify_tenant_changed('any');
--> statement-breakpoint
CREATE TRIGGER rights_truncated AFTER TRUNCATE ON gateways FOR EACH STATEMENT EXECUTE FUNCTION is_notify_tenant_changed('any');
--> statement-breakpoint
DROP TRIGGER rights_changed ON clients;
--> statement-breakpoint
CREATE TRIGGER rights_changed AFTER INSERT OR UPDATE OR DELETE ON clients FOR EACH ROW EXECUTE FUNCTION is_notify_tenant_changed('any');
--> statement-breakpoint
CREATE TRIGGER rights_truncated AFTER TRUNCATE ON clients FOR EACH STATEMENT EXECUTE FUNCTION is_notify_tenant_changed('any');
--> statement-breakpoint
DROP TRIGGER rights_changed ON memberships;
--> statement-breakpoint
CREATE TRIGGER rights_changed AFTER INSERT OR UPDATE OR DELETE ON memberships FOR EACH ROW EXECUTE FUNCTION is_notify_tenant_changed('any');
--> statement-breakpoint
CREATE TRIGGER rights_truncated AFTER TRUNCATE ON memberships FOR EACH STATEMENT EXECUTE FUNCTION is_notify_tenant_changed('any');
--> statement-breakpoint
DROP TRIGGER rights_changed ON api_keys;
--> statement-breakpoint
CREATE TRIGGER rights_changed AFTER INSERT OR UPDATE OR DELETE ON api_keys FOR EACH ROW EXECUTE FUNCTION is_notify_tenant_changed('any');
--> statement-breakpoint
CREATE TRIGGER rights_truncated AFTER TRUNCATE ON api_keys FOR EACH STATEMENT EXECUTE FUNCTION is_notify_tenant_changed('any');
--> statement-breakpoint
DROP TRIGGER rights_changed ON oauth_access_tokens;
--> statement-breakpoint
CREATE TRIGGER rights_changed AFTER INSERT OR UPDATE OR DELETE ON oauth_access_tokens FOR EACH ROW EXECUTE FUNCTION is_notify_tenant_changed('tokens');
--> statement-breakpoint
CREATE TRIGGER rights_truncated AFTER TRUNCATE ON oauth_access_tokens FOR EACH STATEMENT EXECUTE FUNCTION is_notify_tenant_changed('tokens');
--> statement-breakpoint
CREATE TRIGGER rows_changed AFTER INSERT OR UPDATE OR DELETE ON authentication_providers FOR EACH ROW EXECUTE FUNCTION is_notify_tenant_changed('data');
--> statement-breakpoint
CREATE TRIGGER rows_truncated AFTER TRUNCATE ON authentication_providers FOR EACH STATEMENT EXECUTE FUNCTION is_notify_tenant_changed('data');
--> statement-breakpoint
CREATE TRIGGER rows_changed AFTER INSERT OR UPDATE OR DELETE ON bookmarks FOR EACH ROW EXECUTE FUNCTION is_notify_tenant_changed('data');
--> statement-breakpoint
CREATE TRIGGER rows_truncated AFTER TRUNCATE ON bookmarks FOR EACH STATEMENT EXECUTE FUNCTION is_notify_tenant_changed('data');
--> statement-breakpoint
CREATE TRIGGER rows_changed AFTER INSERT OR UPDATE OR DELETE ON email_validations FOR EACH ROW EXECUTE FUNCTION is_notify_tenant_changed('data');
--> statement-breakpoint
CREATE TRIGGER rows_truncated AFTER TRUNCATE ON email_validations FOR EACH STATEMENT EXECUTE FUNCTION is_notify_tenant_changed('data');
--> statement-breakpoint
CREATE TRIGGER rows_changed AFTER INSERT OR UPDATE OR DELETE ON end_devices FOR EACH ROW EXECUTE FUNCTION is_notify_tenant_changed('data');
--> statement-breakpoint
CREATE TRIGGER rows_truncated AFTER TRUNCATE ON end_devices FOR EACH STATEMENT EXECUTE FUNCTION is_notify_tenant_changed('data');
--> statement-breakpoint
CREATE TRIGGER rows_changed AFTER INSERT OR UPDATE OR DELETE ON eui_blocks FOR EACH ROW EXECUTE FUNCTION is_notify_tenant_changed('data');
--> statement-breakpoint
CREATE TRIGGER rows_truncated AFTER TRUNCATE ON eui_blocks FOR EACH STATEMENT EXECUTE FUNCTION is_notify_tenant_changed('data');
--> statement-breakpoint
CREATE TRIGGER rows_changed AFTER INSERT OR UPDATE OR DELETE ON external_users FOR EACH ROW EXECUTE FUNCTION is_notify_tenant_changed('data');
--> statement-breakpoint
CREATE TRIGGER rows_truncated AFTER TRUNCATE ON external_users FOR EACH STATEMENT EXECUTE FUNCTION is_notify_tenant_changed('data');
--> statement-breakpoint
CREATE TRIGGER rows_changed AFTER INSERT OR UPDATE OR DELETE ON invitations FOR EACH ROW EXECUTE FUNCTION is_notify_tenant_changed('data');
--> statement-breakpoint
CREATE TRIGGER rows_truncated AFTER TRUNCATE ON invitations FOR EACH STATEMENT EXECUTE FUNCTION is_notify_tenant_changed('data');
--> statement-breakpoint
CREATE TRIGGER rows_changed AFTER INSERT OR UPDATE OR DELETE ON login_tokens FOR EACH ROW EXECUTE FUNCTION is_notify_tenant_changed('data');
--> statement-breakpoint
CREATE TRIGGER rows_truncated AFTER TRUNCATE ON login_tokens FOR EACH STATEMENT EXECUTE FUNCTION is_notify_tenant_changed('data');
--> statement-breakpoint
CREATE TRIGGER rows_changed AFTER INSERT OR UPDATE OR DELETE ON notification_receivers FOR EACH ROW EXECUTE FUNCTION is_notify_tenant_changed('data');
--> statement-breakpoint
CREATE TRIGGER rows_truncated AFTER TRUNCATE ON notification_receivers FOR EACH STATEMENT EXECUTE FUNCTION is_notify_tenant_changed('data');
--> statement-breakpoint
CREATE TRIGGER rows_changed AFTER INSERT OR UPDATE OR DELETE ON notifications FOR EACH ROW EXECUTE FUNCTION is_notify_tenant_changed('data');
--> statement-breakpoint
CREATE TRIGGER rows_truncated AFTER TRUNCATE ON notifications FOR EACH STATEMENT EXECUTE FUNCTION is_notify_tenant_changed('data');
--> statement-breakpoint
CREATE TRIGGER rows_changed AFTER INSERT OR UPDATE OR DELETE ON oauth_authorization_codes FOR EACH ROW EXECUTE FUNCTION is_notify_tenant_changed('data');
--> statement-breakpoint
CREATE TRIGGER rows_truncated AFTER TRUNCATE ON oauth_authorization_codes FOR EACH STATEMENT EXECUTE FUNCTION is_notify_tenant_changed('data');
--> statement-breakpoint
CREATE TRIGGER rows_changed AFTER INSERT OR UPDATE OR DELETE ON oauth_client_authorizations FOR EACH ROW EXECUTE FUNCTION is_notify_tenant_changed('data');
--> statement-breakpoint
CREATE TRIGGER rows_truncated AFTER TRUNCATE ON oauth_client_authorizations FOR EACH STATEMENT EXECUTE FUNCTION is_notify_tenant_changed('data');
--> statement-breakpoint
CREATE TRIGGER rows_changed AFTER INSERT OR UPDATE OR DELETE ON oauth_signing_keys FOR EACH ROW EXECUTE FUNCTION is_notify_tenant_changed('data');
--> statement-breakpoint
CREATE TRIGGER rows_truncated AFTER TRUNCATE ON oauth_signing_keys FOR EACH STATEMENT EXECUTE FUNCTION is_notify_tenant_changed('data');
--> statement-breakpoint
CREATE TRIGGER rows_changed AFTER INSERT OR UPDATE OR DELETE ON user_sessions FOR EACH ROW EXECUTE FUNCTION is_notify_tenant_changed('data');
--> statement-breakpoint
CREATE TRIGGER rows_truncated AFTER TRUNCATE ON user_sessions FOR EACH STATEMENT EXECUTE FUNCTION is_notify_tenant_changed('data');
--> statement-breakpoint
DROP FUNCTION is_notify_rights_changed();
--> statement-breakpoint
DROP FUNCTION is_notify_tokens_changed();
