-- What the app writes as it works; it refuses to start without it (incident 004).
CREATE TABLE application_logs (
    id         bigserial PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    level      text NOT NULL,
    message    text NOT NULL
);
CREATE INDEX application_logs_created_at_idx ON application_logs (created_at);
