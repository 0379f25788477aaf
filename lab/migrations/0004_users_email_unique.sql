-- One account per email address. Fails when duplicates exist (incident 000): find and
-- resolve them first.
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);
