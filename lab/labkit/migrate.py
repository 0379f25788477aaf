"""The migration job: applies lab/migrations/NNNN_name.sql in order, each in a transaction,
recording versions in schema_migrations; every run is recorded (time, target database, exit
status, output) so `labctl migrate status --json` can say what the last job really did."""
import glob
import json
import os
import time

from .common import APP_DATABASE, LAB_SOURCE, DB_USER, LabError, pg_error_text, say

SCHEMA_TABLE = "schema_migrations"
OUTPUT_LIMIT = 8000  # characters of a run's output kept in the record


def migrations():
    """(version, file) in order; the version is the file's number, as schema_migrations records it."""
    files = sorted(glob.glob(os.path.join(LAB_SOURCE, "migrations", "[0-9]*_*.sql")))
    return [(os.path.basename(f).split("_", 1)[0], f) for f in files]


def _runs_file(lab):
    return lab.path("migrate", "runs.jsonl")


def parse_target(lab, database):
    """`--database` takes a database name or a DSN URL; the lab's password fills in for the app role."""
    if not database:
        return APP_DATABASE, lab.dsn(APP_DATABASE)
    if "://" not in database and "=" not in database:
        return database, lab.dsn(database)
    from psycopg2.extensions import parse_dsn
    try:
        params = parse_dsn(database)
    except Exception as e:  # psycopg2.ProgrammingError, but the message is what matters
        raise LabError(f"--database: not a connection string: {e}") from None
    params.setdefault("password", lab.password() if params.get("user", DB_USER) == DB_USER else None)
    params.setdefault("connect_timeout", "3")
    dsn = " ".join(f"{k}={v}" for k, v in params.items() if v is not None)
    return params.get("dbname", APP_DATABASE), dsn


def run_job(lab, database=None):
    """Runs the job and records it; returns the record. Exit code 1 when a migration failed."""
    from .postgres import connect
    name, dsn = parse_target(lab, database)
    started = time.time()
    out = []
    applied = []
    exit_code = 0
    out.append(f"migrating database \"{name}\"")
    try:
        conn = connect(dsn=dsn)
    except Exception as e:
        exit_code = 1
        out.append(f"ERROR: could not connect: {pg_error_text(e)}")
    else:
        try:
            with conn:
                conn.cursor().execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA_TABLE} "
                                      "(version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
            with conn.cursor() as cur:
                cur.execute(f"SELECT version FROM {SCHEMA_TABLE}")
                done = {r[0] for r in cur.fetchall()}
            conn.commit()
            pending = [(v, f) for v, f in migrations() if v not in done]
            if not pending:
                out.append("nothing to do: the schema is at the newest migration")
            for version, path in pending:
                out.append(f"applying {os.path.basename(path)}")
                with open(path) as f:
                    sql = f.read()
                try:
                    with conn:  # one transaction per migration
                        with conn.cursor() as cur:
                            cur.execute(sql)
                            cur.execute(f"INSERT INTO {SCHEMA_TABLE} (version) VALUES (%s)", (version,))
                    applied.append(version)
                except Exception as e:
                    exit_code = 1
                    out.append(f"ERROR in {os.path.basename(path)}: {pg_error_text(e)}")
                    break
        finally:
            conn.close()
    out.append("done" if exit_code == 0 else "failed")
    output = "\n".join(out)
    record = {
        "started": _iso(started),
        "finished": _iso(time.time()),
        "duration_ms": round((time.time() - started) * 1000),
        "database": name,
        "target": _without_password(dsn),
        "exit_code": exit_code,
        "applied": applied,
        "output": output[-OUTPUT_LIMIT:],
    }
    os.makedirs(lab.path("migrate"), exist_ok=True)
    with open(_runs_file(lab), "a") as f:
        f.write(json.dumps(record, sort_keys=True) + "\n")
        f.flush()
        os.fsync(f.fileno())
    for line in out:
        say(line)
    return record


def status(lab):
    runs = []
    try:
        with open(_runs_file(lab)) as f:
            runs = [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        pass
    except ValueError as e:
        raise LabError(f"{_runs_file(lab)} is damaged: {e}") from None
    return {"runs": len(runs), "last": runs[-1] if runs else None,
            "newest_migration": migrations()[-1][0] if migrations() else None}


def forget_runs(lab):
    """As if no migration job had ever run here (incident 004: none in the task history)."""
    try:
        os.remove(_runs_file(lab))
    except FileNotFoundError:
        pass


def _without_password(dsn):
    return " ".join(p for p in dsn.split() if not p.startswith("password="))


def _iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
