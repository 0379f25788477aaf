"""State directory, ports, and starting and stopping processes by pid."""
import contextlib
import fcntl
import json
import os
import pwd
import shutil
import shlex
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field

LAB_SOURCE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MARKER = "lab.json"  # written by `up`; `down` removes a directory only when it holds this
DEFAULT_BASE_PORT = 18080
HOSTS = {  # the lab's names; all on loopback
    "app": "app.lab.test",
    "admin": "admin.lab.test",
    "lb": "lb.lab.test",
    "db": "db.lab.test",
}
APP_DATABASE = "app"
SECOND_DATABASE = "app_shadow"  # the empty one the wrong-target scenario migrates
DB_USER = "app"
SERVICE = "app"


class LabError(Exception):
    """A failure with a message meant for the user; labctl prints it and exits 1."""


def is_root():
    return os.geteuid() == 0


def default_dir():
    explicit = os.environ.get("HOPSCOPE_LAB_DIR")
    if explicit:
        return os.path.abspath(explicit)
    user = pwd.getpwuid(os.geteuid()).pw_name
    return os.path.join(os.environ.get("TMPDIR", "/tmp"), "hopscope-lab-" + user)


@dataclass
class Ports:
    lb: int
    dns: int
    db: int
    apps: list = field(default_factory=list)

    @staticmethod
    def from_base(base, instances):
        if base < 1024 or base + 10 + instances > 65535:
            raise LabError(f"--ports {base}: the lab needs ports {base} to {base + 10 + instances - 1}, "
                           "between 1024 and 65535")
        return Ports(lb=base, dns=base + 1, db=base + 2, apps=[base + 10 + i for i in range(instances)])

    def named(self):
        named = [("load balancer", self.lb), ("dns", self.dns), ("postgres", self.db)]
        named += [(f"{SERVICE}-{i + 1}", p) for i, p in enumerate(self.apps)]
        return named


class Lab:
    """One lab: its directory, its ports and the paths of everything in it."""

    def __init__(self, directory):
        self.dir = os.path.abspath(directory)
        self._state = None

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    # --- state ---------------------------------------------------------------------------
    def exists(self):
        return os.path.isfile(self.path(MARKER))

    @property
    def state(self):
        if self._state is None:
            try:
                with open(self.path(MARKER)) as f:
                    self._state = json.load(f)
            except FileNotFoundError:
                raise LabError(f"no lab in {self.dir}: start one with `labctl up --dir {self.dir}`") from None
            except (OSError, ValueError) as e:
                raise LabError(f"cannot read {self.path(MARKER)}: {e}") from None
        return self._state

    def save_state(self, state):
        write_json_atomic(self.path(MARKER), state)
        self._state = state

    @property
    def ports(self):
        p = self.state["ports"]
        return Ports(lb=p["lb"], dns=p["dns"], db=p["db"], apps=list(p["apps"]))

    def password(self):
        with open(self.path("secrets", "db-password")) as f:
            return f.read().strip()

    def dsn(self, database=APP_DATABASE, with_password=True):
        """A libpq key/value DSN for the app role over TCP, as the app and the job use."""
        parts = [f"host=127.0.0.1 port={self.ports.db} dbname={database} user={DB_USER}"]
        if with_password:
            parts.append(f"password={self.password()}")
        return " ".join(parts + ["connect_timeout=3"])

    def url(self, database=APP_DATABASE):
        """The same target written as a URL without the password, for records and messages."""
        return f"postgresql://{DB_USER}@127.0.0.1:{self.ports.db}/{database}"

    def env(self):
        p = self.ports
        env = {
            "HOPSCOPE_LAB_DIR": self.dir,
            "HOPSCOPE_LAB_LB_PORT": str(p.lb),
            "HOPSCOPE_LAB_DNS_PORT": str(p.dns),
            "HOPSCOPE_LAB_DB_PORT": str(p.db),
            "HOPSCOPE_LAB_DB_PASSWORD": self.password(),
        }
        for i, port in enumerate(p.apps):
            env[f"HOPSCOPE_LAB_APP{i + 1}_PORT"] = str(port)
        return env

    @contextlib.contextmanager
    def lock(self, create=False):
        """Serialises the commands that change the lab; readers never wait for it. Only `up`
        creates the directory: any other command on a missing lab says so and writes nothing."""
        if create:
            os.makedirs(self.dir, exist_ok=True)
        else:
            self.state  # noqa: B018 -- raises "no lab in DIR" when there is none
        with open(self.path(".lock"), "a") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                say("waiting for another labctl working on this lab...")
                fcntl.flock(f, fcntl.LOCK_EX)
            yield


# --- small utilities -----------------------------------------------------------------------

def say(message):
    print(message, file=sys.stderr, flush=True)


def write_json_atomic(path, value):
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w") as f:
        json.dump(value, f, indent=2, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


def read_json(path, default=None):
    try:
        with open(path) as f:
            return json.load(f)
    except (FileNotFoundError, ValueError):
        return default


def write_text(path, text, mode=0o644):
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def tail(path, lines=10):
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 16384))
            text = f.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return []
    return [line for line in text.splitlines() if line.strip()][-lines:]


def pg_error_text(e):
    """The server's own words on one line: `relation "users" does not exist`, plus its DETAIL."""
    text = (getattr(e, "pgerror", None) or str(e)).strip()
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def shell_exports(env):
    """`export NAME=value` lines a shell can eval, values quoted as the shell needs."""
    return "\n".join(f"export {k}={shlex.quote(v)}" for k, v in sorted(env.items()))


def port_in_use(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


def wait_for(predicate, timeout, what, interval=0.05):
    """Polls predicate until it returns a true value; LabError naming `what` on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise LabError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(interval)


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


# --- processes -----------------------------------------------------------------------------

def alive(pid):
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours is dead for our purposes.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def read_pid(path):
    try:
        with open(path) as f:
            return int(f.read().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return None


def spawn(argv, log_path, pid_path, env=None, cwd=None):
    """Starts a long-running program detached from this terminal, its output in log_path."""
    with open(log_path, "ab") as log:
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                    env=env, cwd=cwd, start_new_session=True, close_fds=True)
        except OSError as e:
            raise LabError(f"could not start {argv[0]}: {e.strerror}") from None
    write_text(pid_path, f"{proc.pid}\n")
    return proc


def stop_pid(pid_path, what, timeout=10.0, sig=signal.SIGTERM):
    """Stops the process recorded in pid_path (and its process group), waiting for it to go."""
    pid = read_pid(pid_path)
    if pid and alive(pid):
        try:
            os.killpg(pid, sig)  # spawned as a session leader: its group is its own
        except (ProcessLookupError, PermissionError):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + timeout
        while alive(pid) and time.monotonic() < deadline:
            reap(pid)
            time.sleep(0.05)
        if alive(pid):
            say(f"{what} (pid {pid}) did not stop within {timeout:g} s; killing it")
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            wait_for(lambda: not alive(pid), 5, f"{what} (pid {pid}) to die")
        reap(pid)
    with contextlib.suppress(FileNotFoundError):
        os.remove(pid_path)


def reap(pid):
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def run(argv, what, timeout=120, user=None, check=True, env=None, input_text=None):
    """Runs a program to completion; as another user via runuser when asked (and root)."""
    if user and is_root():
        argv = ["runuser", "-u", user, "--"] + argv
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env, input=input_text,
                              stdin=None if input_text is not None else subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise LabError(f"{what}: {argv[0]} did not finish within {timeout} s") from None
    except OSError as e:
        raise LabError(f"{what}: could not run {argv[0]}: {e.strerror}") from None
    if check and done.returncode != 0:
        output = (done.stderr or done.stdout).strip()
        raise LabError(f"{what} failed (exit {done.returncode}): {output}")
    return done


def which(program, extra_dirs=()):
    for d in extra_dirs:
        candidate = os.path.join(d, program)
        if os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which(program) or shutil.which(program, path="/usr/sbin:/sbin:/usr/bin")
    if not found:
        raise LabError(f"{program} is not installed (run scripts/setup)")
    return found


def hand_to(path, user):
    """As root, gives path to user (PostgreSQL will not run as root)."""
    if is_root():
        pw = pwd.getpwnam(user)
        os.chown(path, pw.pw_uid, pw.pw_gid)


def ensure_reachable_by(path, user):
    """PostgreSQL runs as `user` when we are root: every directory above its data must let it pass."""
    if not is_root():
        return
    done = run(["test", "-x", path], "checking access", user=user, check=False)
    if done.returncode != 0:
        raise LabError(f"the {user} user cannot reach {path}: as root the lab runs PostgreSQL as {user}, and a "
                       "directory above it is closed to other users (allow them through with chmod o+x, or "
                       "use a --dir such as /tmp/hopscope-lab)")

