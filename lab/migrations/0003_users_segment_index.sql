-- The app looks users up by segment on every request (incident 001): that needs an index.
CREATE INDEX users_user_segment_idx ON users (user_segment);
