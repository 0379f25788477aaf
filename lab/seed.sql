-- The lab's healthy data: a thousand users across the segments, and a few log lines.
-- 'enterprise' is rare, so looking it up is a needle in a haystack: an index finds it at
-- once, a sequential scan reads every row.
INSERT INTO users (email, user_segment, created_at)
SELECT 'user' || g || '@example.test',
       CASE WHEN g % 500 = 0 THEN 'enterprise' WHEN g % 10 = 0 THEN 'team' WHEN g % 4 = 0 THEN 'pro' ELSE 'free' END,
       now() - g * interval '1 hour'
FROM generate_series(1, 1000) AS g;
INSERT INTO application_logs (level, message) VALUES ('info', 'lab seeded');
ANALYZE users;
