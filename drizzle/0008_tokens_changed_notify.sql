-- OAuth token rows change on every login, authorization and refresh, and only
-- token lookups depend on them: their notification says "tokens", so a
-- listening replica drops only its cached token lookups (src/cache/), not its
-- API keys, memberships, entities and clients.
CREATE FUNCTION is_notify_tokens_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('is_rights_changed', 'tokens');
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP TRIGGER rights_changed ON oauth_access_tokens;
--> statement-breakpoint
CREATE TRIGGER rights_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON oauth_access_tokens FOR EACH STATEMENT EXECUTE FUNCTION is_notify_tokens_changed();
