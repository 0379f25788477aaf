"""The incident scenarios, each applied from healthy, and reset (back to healthy)."""
import os
import signal
import sys
import time

from . import dns, migrate, nginx, postgres, services
from .common import (APP_DATABASE, LAB_SOURCE, SECOND_DATABASE, LabError, alive, pg_error_text, read_json, read_pid,
                     say, spawn, stop_pid, wait_for, write_json_atomic)

BULK_USERS = 300_000


def _held_file(lab):
    return lab.path("postgres", "held-connections.json")


def _holder_pid(lab):
    return lab.path("postgres", "holder.pid")


def reset(lab):
    """Healthy: forward default action, the lab's names, no held connections, fresh databases
    migrated to the newest migration and seeded, and a new deployment of the app."""
    say("resetting the lab to healthy")
    stop_pid(_holder_pid(lab), "the connection holder")
    nginx.set_default_action(lab, "forward")
    dns.write_hosts(lab)
    dns.reload(lab)
    services.stop(lab)  # no app sessions while the databases are replaced
    postgres.recreate_databases(lab)
    record = migrate.run_job(lab)
    if record["exit_code"] != 0:
        raise LabError("the migration job failed on a fresh database:\n" + record["output"])
    seed(lab)
    deployed = services.redeploy(lab)
    if deployed["running"] != deployed["desired"]:
        raise LabError("the app did not start after reset:\n" + "\n".join(deployed["log_tail"]))
    write_json_atomic(lab.path("scenario.json"), {"scenario": None})
    say("healthy")


def seed(lab):
    with open(os.path.join(LAB_SOURCE, "seed.sql")) as f:
        sql = f.read()
    conn = postgres.app_connection(lab)
    try:
        conn.cursor().execute(sql)
    finally:
        conn.close()


def _sql(lab, sql, params=None):
    conn = postgres.app_connection(lab)
    try:
        with conn.cursor() as cur:
            cur.execute(sql, params)  # without params, a "%" in the SQL is just a "%"
            return cur.rowcount
    finally:
        conn.close()


def _crash_loop(lab):
    """A new deployment of a release the database cannot serve: each instance exits at start,
    is restarted, and stops at the restart limit. Returns when every instance has stopped."""
    state = services.redeploy(lab, timeout=120)
    say(f"the app: {state['running']}/{state['desired']} running, {state['restarts']} restarts")


def duplicate_key_migration(lab):
    """Incident 000: duplicate rows exist and the pending migration adds a unique constraint
    over them; the job fails, the new release refuses the old schema and crash-loops."""
    _sql(lab, "ALTER TABLE users DROP CONSTRAINT users_email_key")
    _sql(lab, "DELETE FROM schema_migrations WHERE version = '0004'")
    copied = _sql(lab, "INSERT INTO users (email, user_segment) "
                       "SELECT email, user_segment FROM users WHERE id IN (7, 42, 313)")
    say(f"added {copied} users whose email is already taken")
    record = migrate.run_job(lab)
    if record["exit_code"] == 0:
        raise LabError("the migration unexpectedly succeeded")
    _crash_loop(lab)


def migration_wrong_database(lab):
    """Incident 003: the job migrates the second database, exits 0, and the app's database
    still lacks its tables."""
    postgres.recreate_databases(lab, [APP_DATABASE, SECOND_DATABASE])
    record = migrate.run_job(lab, SECOND_DATABASE)
    say(f"the migration job exited {record['exit_code']} after migrating \"{record['database']}\"")
    _crash_loop(lab)


def migrations_never_ran(lab):
    """Incident 004: a fresh database, and no migration job in the history at all."""
    postgres.recreate_databases(lab, [APP_DATABASE])
    migrate.forget_runs(lab)
    _crash_loop(lab)


def default_action_404(lab):
    """Incident 004: the listener's default action is a fixed 404; the targets are healthy."""
    nginx.set_default_action(lab, "fixed-404")


def connection_exhaustion(lab):
    """Incident 001, attempt 1: idle connections fill max_connections; new ones are refused."""
    labctl = os.path.join(LAB_SOURCE, "labctl")
    stop_pid(_holder_pid(lab), "the connection holder")
    try:
        os.remove(_held_file(lab))
    except FileNotFoundError:
        pass
    spawn([sys.executable, labctl, "--dir", lab.dir, "_hold-connections"], lab.path("postgres", "holder.log"),
          _holder_pid(lab))
    held = wait_for(lambda: read_json(_held_file(lab)) or (None if alive(read_pid(_holder_pid(lab))) else
                                                           {"error": "the holder exited"}),
                    60, "the connection holder to fill the server")
    if "error" in held:
        raise LabError(f"could not fill the server's connections: {held['error']}")
    say(f"holding {held['held']} idle connections; the server refuses more: {held['refusal']}")


def hold_connections(lab):
    """`labctl _hold-connections`: opens connections as the app role until the server refuses,
    writes how many, and keeps them idle until SIGTERM."""
    import psycopg2
    conns = []
    refusal = None
    while refusal is None and len(conns) < 1000:
        try:
            conns.append(psycopg2.connect(dsn=lab.dsn()))
        except psycopg2.OperationalError as e:
            refusal = pg_error_text(e)
    write_json_atomic(_held_file(lab), {"held": len(conns), "refusal": refusal, "pid": os.getpid()})
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    while not stop:
        time.sleep(0.2)
    for c in conns:
        c.close()


def missing_index(lab):
    """Incident 001, attempt 2: a big table and the app's per-request lookup by user_segment
    without its index: a sequential scan of every row on every request."""
    _sql(lab, "INSERT INTO users (email, user_segment, created_at) "
              "SELECT 'bulk' || g || '@example.test', "
              "       CASE WHEN g % 10 = 0 THEN 'team' WHEN g % 4 = 0 THEN 'pro' ELSE 'free' END, "
              "       now() - g * interval '1 second' "
              f"FROM generate_series(1, {BULK_USERS}) AS g")
    _sql(lab, "DROP INDEX users_user_segment_idx")
    _sql(lab, "ANALYZE users")
    say(f"users now has {BULK_USERS + 1000:,} rows and no index on user_segment")


SCENARIOS = {
    "duplicate-key-migration": duplicate_key_migration,
    "migration-wrong-database": migration_wrong_database,
    "migrations-never-ran": migrations_never_ran,
    "default-action-404": default_action_404,
    "connection-exhaustion": connection_exhaustion,
    "missing-index": missing_index,
}


def describe(name):
    return " ".join(SCENARIOS[name].__doc__.split())


def apply(lab, name):
    if name not in SCENARIOS:
        from difflib import get_close_matches
        near = get_close_matches(name, SCENARIOS, n=1)
        hint = f"; did you mean \"{near[0]}\"?" if near else ""
        raise LabError(f"no scenario \"{name}\"{hint} (labctl scenario --list)")
    reset(lab)
    say(f"scenario {name}: {describe(name)}")
    SCENARIOS[name](lab)
    write_json_atomic(lab.path("scenario.json"), {"scenario": name})
