"""The "containers": instances of the app behind the load balancer, kept at a desired count by
a supervisor that restarts them when they exit, up to a restart limit (10, like the hosting
platform in incident 000), after which an instance stays down until the next deployment."""
import contextlib
import os
import signal
import subprocess
import sys
import time

from .common import (LAB_SOURCE, SERVICE, LabError, alive, read_json, read_pid, say, spawn, stop_pid, tail,
                     wait_for, write_json_atomic)

RESTART_LIMIT = 10
RESTART_DELAY = 0.2  # seconds between an exit and the restart
LOG_LINES = 8


def _dir(lab):
    return lab.path("services")


def _state_file(lab):
    return lab.path("services", "state.json")


def _pidfile(lab):
    return lab.path("services", "supervisor.pid")


def instance_names(lab):
    return [f"{SERVICE}-{i + 1}" for i in range(len(lab.ports.apps))]


# --- the supervisor (runs detached: `labctl _supervise`) ---------------------------------------

class Instance:
    def __init__(self, lab, name, port):
        self.lab, self.name, self.port = lab, name, port
        self.proc = None
        self.restarts = 0
        self.last_exit_code = None
        self.last_exit_at = None
        self.started_at = None
        self.restart_at = None
        self.gave_up = False

    @property
    def log(self):
        return self.lab.path("services", f"{self.name}.log")

    @property
    def ready_file(self):
        return self.lab.path("services", f"{self.name}.ready")

    def start(self):
        with contextlib.suppress(FileNotFoundError):
            os.remove(self.ready_file)
        argv = [sys.executable, os.path.join(LAB_SOURCE, "labapp.py"), "--name", self.name, "--port", str(self.port),
                "--lab-dir", self.lab.dir, "--ready-file", self.ready_file]
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                                         close_fds=True)
        self.started_at = time.time()
        self.restart_at = None

    def ready(self):
        return self.proc is not None and self.proc.poll() is None and read_pid(self.ready_file) == self.proc.pid

    def note(self, line):
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        with open(self.log, "a") as f:
            f.write(f"{stamp} supervisor[{self.name}] {line}\n")

    def poll(self, now):
        """Notices an exit and schedules the restart, or gives up at the limit."""
        if self.proc is not None and self.proc.poll() is not None:
            self.last_exit_code = self.proc.returncode
            self.last_exit_at = now
            self.proc = None
            self.note(f"main child exited with code {self.last_exit_code}")
            if self.restarts >= RESTART_LIMIT:
                self.gave_up = True
                self.note(f"machine has reached its max restart count of {RESTART_LIMIT}")
            else:
                self.restart_at = now + RESTART_DELAY
        if self.restart_at is not None and now >= self.restart_at and not self.gave_up:
            self.restarts += 1
            self.start()

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        self.restart_at = None

    def settled(self):
        return self.ready() or self.gave_up

    def status(self):
        state = ("running" if self.ready() else "starting" if self.proc is not None
                 else "stopped" if self.gave_up else "restarting")
        return {
            "name": self.name,
            "port": self.port,
            "pid": self.proc.pid if self.proc is not None else None,
            "state": state,
            "desired": 1,
            "running": 1 if state == "running" else 0,
            "restarts": self.restarts,
            "restart_limit": RESTART_LIMIT,
            "last_exit_code": self.last_exit_code,
            "last_exit_at": self.last_exit_at,
            "log_tail": tail(self.log, LOG_LINES),
        }


def supervise(lab):
    """The supervisor's main loop. SIGHUP: a new deployment (every instance replaced, restart
    counts reset). SIGTERM: stop the instances and exit."""
    instances = [Instance(lab, name, port) for name, port in zip(instance_names(lab), lab.ports.apps)]
    flags = {"deploy": True, "stop": False}
    signal.signal(signal.SIGHUP, lambda *_: flags.__setitem__("deploy", True))
    signal.signal(signal.SIGTERM, lambda *_: flags.__setitem__("stop", True))
    signal.signal(signal.SIGINT, lambda *_: flags.__setitem__("stop", True))
    deployment = read_json(_state_file(lab), {}).get("deployment", 0)
    last_written = None
    while not flags["stop"]:
        if flags["deploy"]:
            flags["deploy"] = False
            deployment = read_json(lab.path("services", "deploy-request.json"), {}).get("deployment", deployment + 1)
            for inst in instances:
                inst.stop()
                inst.restarts, inst.gave_up, inst.last_exit_code, inst.last_exit_at = 0, False, None, None
                inst.note(f"deployment {deployment}: starting")
                inst.start()
        now = time.time()
        for inst in instances:
            inst.poll(now)
        state = _aggregate([inst.status() for inst in instances])
        state.update(deployment=deployment, settled=all(i.settled() for i in instances), supervisor_pid=os.getpid())
        if state != last_written:
            write_json_atomic(_state_file(lab), state)
            last_written = state
        time.sleep(0.05)
    for inst in instances:
        inst.stop()
    final = _aggregate([inst.status() for inst in instances])
    final.update(deployment=deployment, settled=True, supervisor_pid=None)
    write_json_atomic(_state_file(lab), final)


def _aggregate(instances):
    running = sum(i["running"] for i in instances)
    failing = [i for i in instances if i["running"] == 0]
    latest_exit = max((i for i in instances if i["last_exit_at"]), key=lambda i: i["last_exit_at"], default=None)
    return {
        "name": SERVICE,
        "desired": len(instances),
        "running": running,
        "restarts": sum(i["restarts"] for i in instances),
        "last_exit_code": latest_exit["last_exit_code"] if latest_exit else None,
        # The lines an engineer would read first: from an instance that is down, if any.
        "log_tail": (failing[0] if failing else instances[0])["log_tail"] if instances else [],
        "instances": instances,
    }


# --- the client side (`labctl service ...`) ---------------------------------------------------

def running(lab):
    return alive(read_pid(_pidfile(lab)))


def start(lab):
    if running(lab):
        return
    labctl = os.path.join(LAB_SOURCE, "labctl")
    spawn([sys.executable, labctl, "--dir", lab.dir, "_supervise"], lab.path("services", "supervisor.log"),
          _pidfile(lab))


def stop(lab):
    stop_pid(_pidfile(lab), "the service supervisor", timeout=15)


def status(lab, name=None):
    """The supervisor's last word; a stopped supervisor means nothing is running."""
    previous = read_json(_state_file(lab))
    state = previous
    if previous is None or not running(lab):
        names = instance_names(lab)
        state = _aggregate([{"name": n, "port": p, "pid": None, "state": "stopped", "desired": 1, "running": 0,
                             "restarts": 0, "restart_limit": RESTART_LIMIT, "last_exit_code": None,
                             "last_exit_at": None, "log_tail": tail(lab.path("services", f"{n}.log"), LOG_LINES)}
                            for n, p in zip(names, lab.ports.apps)])
        state.update(deployment=(previous or {}).get("deployment", 0), settled=True, supervisor_pid=None)
    if name in (None, SERVICE):
        return state
    for inst in state["instances"]:
        if inst["name"] == name:
            return inst
    raise LabError(f"no service or instance \"{name}\"; the lab has {SERVICE} ({', '.join(instance_names(lab))})")


def redeploy(lab, timeout=60.0):
    """A forced new deployment: every instance replaced; waits until each runs or gives up."""
    target = status(lab).get("deployment", 0) + 1
    write_json_atomic(lab.path("services", "deploy-request.json"), {"deployment": target})
    if running(lab):
        os.kill(read_pid(_pidfile(lab)), signal.SIGHUP)
    else:
        start(lab)  # a starting supervisor deploys what was requested
    say(f"deployment {target}: replacing {', '.join(instance_names(lab))}")

    def settled():
        s = read_json(_state_file(lab), {})
        return s if s.get("deployment") == target and s.get("settled") else None
    return wait_for(settled, timeout, f"deployment {target} to settle (every instance running or stopped)",
                    interval=0.1)
