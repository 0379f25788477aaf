#!/usr/bin/python3
"""The lab's app: one instance of the service behind the load balancer.

At start it does what the apps in the incident reports did: it checks that the database has
the tables it needs and that the schema is at the release's migration, and exits 1 with the
database's own error when not. Then it serves:

  GET /health                  200 {"status": "ok", ...} or 503 {"status": "unavailable", "error": ...}
  GET /users?segment=NAME      the app's per-request query, by a column that may lack an index
"""
import argparse
import glob
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import psycopg2
import psycopg2.pool

from labkit.common import pg_error_text  # the script's directory is on sys.path

HERE = os.path.dirname(os.path.abspath(__file__))
REQUIRED_TABLES = ("application_logs", "users", "schema_migrations")  # in the order the app touches them


def log(message):
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    print(f"{stamp} app[{ARGS.name}] {message}", flush=True)


def release_head():
    """The newest migration this release was built against."""
    files = sorted(glob.glob(os.path.join(HERE, "migrations", "[0-9]*_*.sql")))
    return os.path.basename(files[-1]).split("_", 1)[0] if files else None


def start_checks(pool):
    conn = pool.getconn()
    try:
        conn.autocommit = True
        cur = conn.cursor()
        for table in REQUIRED_TABLES:
            cur.execute(f"SELECT 1 FROM {table} LIMIT 1")
        cur.execute("SELECT max(version) FROM schema_migrations")
        at = cur.fetchone()[0]
        head = release_head()
        if at != head:
            raise RuntimeError(f"database schema is at {at or 'no migration'} but this release needs {head}; "
                               "run the migrations")
    finally:
        pool.putconn(conn)


class Handler(BaseHTTPRequestHandler):
    server_version = "labapp/1"
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as two writes: no 40 ms delayed-ACK stall

    def log_message(self, *args):  # requests are not worth a log line each
        pass

    def reply(self, status, body):
        data = (json.dumps(body) + "\n").encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def query(self, sql, params=()):
        # A pooled connection the server ended (an administrator ending idle sessions, as the
        # end-idle-connections runbook does) is dropped and the query retried on a fresh one,
        # as pools that check connections before use do: one dead connection per pool slot.
        for attempt in range(POOL.maxconn + 1):
            conn = POOL.getconn()
            try:
                conn.autocommit = True
                with conn.cursor() as cur:
                    cur.execute(sql, params)
                    return cur.fetchall()
            except psycopg2.OperationalError:
                POOL.putconn(conn, close=True)  # a broken connection is not handed out again
                conn = None
                if attempt == POOL.maxconn:
                    raise
            finally:
                if conn is not None:
                    POOL.putconn(conn)

    def do_GET(self):
        url = urlparse(self.path)
        try:
            if url.path == "/health":
                at = self.query("SELECT max(version) FROM schema_migrations")[0][0]
                self.reply(200, {"status": "ok", "instance": ARGS.name, "schema": at})
            elif url.path == "/users":
                segment = parse_qs(url.query).get("segment", ["trial"])[0]
                rows = self.query("SELECT id, email FROM users WHERE user_segment = %s ORDER BY id LIMIT 50",
                                  (segment,))
                self.reply(200, {"segment": segment, "users": [{"id": r[0], "email": r[1]} for r in rows]})
            else:
                self.reply(404, {"error": f"no route {url.path}"})
        except (psycopg2.Error, psycopg2.pool.PoolError) as e:
            self.reply(503, {"status": "unavailable", "instance": ARGS.name, "error": pg_error_text(e)})


def main():
    global ARGS, POOL
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--lab-dir", required=True)
    parser.add_argument("--ready-file", required=True)
    ARGS = parser.parse_args()
    with open(os.path.join(ARGS.lab_dir, "lab.json")) as f:
        lab = json.load(f)
    with open(os.path.join(ARGS.lab_dir, "secrets", "db-password")) as f:
        password = f.read().strip()
    dsn = dict(host="127.0.0.1", port=lab["ports"]["db"], dbname="app", user="app", password=password,
               connect_timeout=3)
    log(f"starting on 127.0.0.1:{ARGS.port}")
    try:
        # Opened at start and kept, as app pools are: a full server refuses only what comes later.
        POOL = psycopg2.pool.ThreadedConnectionPool(4, 4, **dsn)
        start_checks(POOL)
    except (psycopg2.Error, RuntimeError) as e:
        log(f"❌ Database initialization failed: {pg_error_text(e)}")
        return 1
    try:
        server = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    except OSError as e:
        log(f"❌ cannot listen on 127.0.0.1:{ARGS.port}: {e.strerror}")
        return 1
    server.daemon_threads = True
    with open(ARGS.ready_file + ".tmp", "w") as f:
        f.write(f"{os.getpid()}\n")
    os.replace(ARGS.ready_file + ".tmp", ARGS.ready_file)
    log(f"ready: schema at {release_head()}, serving /health and /users")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    import signal
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sys.exit(main())
