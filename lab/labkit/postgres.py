"""The lab's PostgreSQL 15 cluster: its own data directory, port and socket."""
import glob
import os

from .common import (APP_DATABASE, DB_USER, SECOND_DATABASE, LabError, ensure_reachable_by, hand_to, port_open,
                     run, say, wait_for)

MAX_CONNECTIONS = 30      # small, so the exhaustion scenario is quick to fill
RESERVED_FOR_SUPERUSER = 3


def _bindir():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        raise LabError("PostgreSQL is not installed (run scripts/setup)")
    return os.path.dirname(found[-1])


def _pg(lab, program, args, what, timeout=120, check=True):
    return run([os.path.join(_bindir(), program)] + args, what, timeout=timeout, user="postgres", check=check)


def data_dir(lab):
    return lab.path("postgres", "data")


def socket_dir(lab):
    return lab.path("postgres", "run")


def init(lab, password):
    """initdb, then an hba that trusts the local socket (private to the lab's owner) and asks
    the app role for its password over TCP, as a real server would."""
    root = lab.path("postgres")
    os.makedirs(socket_dir(lab), exist_ok=True)
    for d in (root, socket_dir(lab)):
        os.chmod(d, 0o700)
        hand_to(d, "postgres")
    ensure_reachable_by(root, "postgres")
    _pg(lab, "initdb", ["-D", data_dir(lab), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C",
                        "--no-sync", "--no-instructions"], "initdb")
    hba = ("local all all trust\n"
           "host all all 127.0.0.1/32 scram-sha-256\n")
    run(["tee", os.path.join(data_dir(lab), "pg_hba.conf")], "writing pg_hba.conf", user="postgres",
        input_text=hba)
    start(lab)
    with superuser(lab) as conn:
        cur = conn.cursor()
        cur.execute(f"CREATE ROLE {DB_USER} LOGIN PASSWORD %s", (password,))
        for db in (APP_DATABASE, SECOND_DATABASE):
            cur.execute(f"CREATE DATABASE {db} OWNER {DB_USER}")


def pid(lab):
    try:
        with open(os.path.join(data_dir(lab), "postmaster.pid")) as f:
            return int(f.readline())
    except (OSError, ValueError):
        return None


def running(lab):
    return _pg(lab, "pg_ctl", ["status", "-D", data_dir(lab)], "pg_ctl status", check=False).returncode == 0


def start(lab):
    if running(lab):
        return
    port = lab.ports.db
    options = (f"-p {port} -k {socket_dir(lab)} -c listen_addresses=127.0.0.1 -c fsync=off "
               f"-c max_connections={MAX_CONNECTIONS} -c superuser_reserved_connections={RESERVED_FOR_SUPERUSER} "
               "-c shared_buffers=32MB -c log_min_messages=warning -c log_connections=off")
    log = lab.path("postgres", "server.log")
    _pg(lab, "pg_ctl", ["start", "-D", data_dir(lab), "-l", log, "-w", "-t", "60", "-o", options],
        f"starting PostgreSQL on port {port}")
    wait_for(lambda: port_open(port), 30, f"PostgreSQL to listen on 127.0.0.1:{port}")


def stop(lab):
    if os.path.isdir(data_dir(lab)) and running(lab):
        _pg(lab, "pg_ctl", ["stop", "-D", data_dir(lab), "-m", "fast", "-w", "-t", "30"], "stopping PostgreSQL",
            check=False)


def connect(**kwargs):
    try:
        import psycopg2
    except ImportError:
        raise LabError("python3-psycopg2 is not installed (run scripts/setup)") from None
    return psycopg2.connect(**kwargs)


class superuser:
    """A superuser connection over the lab's private socket (autocommit), as a context manager."""

    def __init__(self, lab, database="postgres"):
        self.lab, self.database = lab, database

    def __enter__(self):
        self.conn = connect(host=socket_dir(self.lab), port=self.lab.ports.db, user="postgres",
                            dbname=self.database, connect_timeout=5)
        self.conn.autocommit = True
        return self.conn

    def __exit__(self, *exc):
        self.conn.close()


def recreate_databases(lab, databases=(APP_DATABASE, SECOND_DATABASE)):
    """Drops and creates the databases empty; their sessions are ended first."""
    with superuser(lab) as conn:
        cur = conn.cursor()
        for db in databases:
            cur.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
            cur.execute(f"CREATE DATABASE {db} OWNER {DB_USER}")


def app_connection(lab, database=APP_DATABASE):
    conn = connect(dsn=lab.dsn(database))
    conn.autocommit = True
    return conn


def settle_connections(lab, timeout=10):
    """Waits until no backend of the app role is left over from processes that were just stopped."""
    def quiet():
        with superuser(lab) as conn:
            cur = conn.cursor()
            cur.execute("SELECT count(*) FROM pg_stat_activity WHERE usename = %s", (DB_USER,))
            return cur.fetchone()[0] == 0
    try:
        wait_for(quiet, timeout, "the app's database sessions to end", interval=0.1)
    except LabError as e:
        say(str(e))


def connection_count(lab):
    with superuser(lab) as conn:
        cur = conn.cursor()
        cur.execute("SELECT count(*), current_setting('max_connections')::int FROM pg_stat_activity "
                    "WHERE backend_type = 'client backend'")
        return cur.fetchone()
