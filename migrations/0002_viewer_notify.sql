-- Servers cache the viewer of a session for up to a minute (src/modules/auth/viewer-cache.ts).
-- Whatever changes what a cached viewer may do is announced on commit to every server process,
-- whichever process, command or hand-written statement made the change.
CREATE FUNCTION curbside_notify_viewer_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed_id uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
BEGIN
  PERFORM pg_notify('curbside_viewer_changed', CASE WHEN TG_TABLE_NAME = 'sessions' THEN 's:' ELSE 'u:' END || changed_id::text);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER sessions_viewer_changed AFTER UPDATE ON sessions
  FOR EACH ROW WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at OR OLD.expires_at IS DISTINCT FROM NEW.expires_at OR OLD.user_id IS DISTINCT FROM NEW.user_id)
  EXECUTE FUNCTION curbside_notify_viewer_changed();
--> statement-breakpoint
CREATE TRIGGER sessions_viewer_deleted AFTER DELETE ON sessions
  FOR EACH ROW EXECUTE FUNCTION curbside_notify_viewer_changed();
--> statement-breakpoint
CREATE TRIGGER users_viewer_changed AFTER UPDATE ON users
  FOR EACH ROW WHEN (OLD.role IS DISTINCT FROM NEW.role OR OLD.verification IS DISTINCT FROM NEW.verification
    OR OLD.specialty IS DISTINCT FROM NEW.specialty OR OLD.handle IS DISTINCT FROM NEW.handle)
  EXECUTE FUNCTION curbside_notify_viewer_changed();
--> statement-breakpoint
CREATE TRIGGER users_viewer_deleted AFTER DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION curbside_notify_viewer_changed();
