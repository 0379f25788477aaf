-- The app's users.
CREATE TABLE users (
    id           bigserial PRIMARY KEY,
    email        text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    user_segment text NOT NULL DEFAULT 'free'
);
