-- When a token was last used, to the minute: written by the lookup that reads the token from the database (at most
-- once per cache period of the server), and only when the stored time is a minute old or more, so a busy token
-- costs one row write a minute, not one per request.
ALTER TABLE api_tokens ADD COLUMN last_used_at timestamptz;
