"""Bringing the whole lab up and down, and what `status` reports."""
import os
import secrets
import shutil
import time

from . import aws, dns, migrate, nginx, postgres, scenarios, services
from .common import MARKER, HOSTS, Lab, LabError, Ports, default_dir, port_in_use, read_json, say, stop_pid, write_text

COMPONENTS = ("postgres", "dns", "lb", "services")


def up(directory, base_port, instances):
    lab = Lab(directory)
    if not lab.exists():
        # Before anything is written: a refused start leaves no directory behind.
        ports = Ports.from_base(base_port or 18080, instances)
        busy = [f"{port} ({what})" for what, port in ports.named() if port_in_use(port)]
        if busy:
            raise LabError("port in use: " + ", ".join(busy) + "; choose another base with --ports")
    with lab.lock(create=True):
        if lab.exists():
            if base_port is not None and base_port != lab.ports.lb:
                raise LabError(f"the lab in {lab.dir} uses ports from {lab.ports.lb}, not {base_port}; "
                               "`labctl down` it first, or choose another --dir")
            _start_all(lab)
            return lab
        os.makedirs(lab.dir, exist_ok=True)
        os.chmod(lab.dir, 0o711 if os.geteuid() == 0 else 0o700)
        for sub in ("secrets", "services", "migrate", "nginx", "dns"):
            os.makedirs(lab.path(sub), exist_ok=True)
        os.chmod(lab.path("secrets"), 0o700)
        password = secrets.token_urlsafe(18)
        write_text(lab.path("secrets", "db-password"), password + "\n", mode=0o600)
        lab.save_state({"version": 1, "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                        "ports": {"lb": ports.lb, "dns": ports.dns, "db": ports.db, "apps": ports.apps}})
        try:
            say(f"creating a lab in {lab.dir}")
            postgres.init(lab, password)
            nginx.write(lab, "forward")
            dns.write_hosts(lab)
            _start_all(lab, fresh=True)
        except BaseException:
            say("start failed; stopping what did start")
            _stop_all(lab)
            raise
    return lab


def _start_all(lab, fresh=False):
    postgres.start(lab)
    dns.start(lab)
    nginx.start(lab)
    if fresh:
        scenarios.reset(lab)
    else:
        services.start(lab)


def down(directory):
    lab = Lab(directory)
    if not os.path.isdir(lab.dir):
        say(f"no lab in {lab.dir}")
        return
    if not lab.exists():
        raise LabError(f"{lab.dir} is not a lab (no {MARKER}); not touching it")
    with lab.lock():
        _stop_all(lab)
        shutil.rmtree(lab.dir)
    say(f"stopped the lab and removed {lab.dir}")


def _stop_all(lab):
    """Every process the lab started, by the pid it recorded, newest first."""
    aws.down(lab)
    stop_pid(lab.path("postgres", "holder.pid"), "the connection holder")
    services.stop(lab)
    nginx.stop(lab)
    dns.stop(lab)
    postgres.stop(lab)


def status(lab):
    p = lab.ports
    scenario = (read_json(lab.path("scenario.json")) or {}).get("scenario")
    svc = services.status(lab)
    runs = migrate.status(lab)
    report = {
        "dir": lab.dir,
        "scenario": scenario,
        "names": {key: name for key, name in HOSTS.items()},
        "dns": {"running": dns.running(lab), "address": f"127.0.0.1:{p.dns}"},
        "lb": {"running": nginx.running(lab), "address": f"127.0.0.1:{p.lb}", "default_action": nginx.describe(lab)},
        "services": {"running": services.running(lab), "service": svc},
        "migrate": runs,
        "postgres": {"running": postgres.running(lab), "address": f"127.0.0.1:{p.db}",
                     "databases": ["app", "app_shadow"]},
    }
    report["healthy"] = (all(report[c]["running"] for c in ("dns", "lb", "services", "postgres"))
                         and svc["running"] == svc["desired"] and scenario is None)
    return report


def summary(lab):
    p = lab.ports
    lines = [f"lab in {lab.dir}",
             f"  dns       127.0.0.1:{p.dns}   dnsmasq: {', '.join(HOSTS.values())} -> 127.0.0.1",
             f"  lb        127.0.0.1:{p.lb}   nginx: host rule {HOSTS['app']}, default action "
             f"{nginx.default_action(lab)}"]
    for i, port in enumerate(p.apps):
        lines.append(f"  app-{i + 1}     127.0.0.1:{port}   the app (supervised; `labctl service status`)")
    lines += [f"  postgres  127.0.0.1:{p.db}   databases app (the app's) and app_shadow; role app",
              "",
              "Point Hopscope at it:",
              f"  eval \"$({os.path.join(os.path.dirname(os.path.dirname(__file__)), 'labctl')} env"
              f"{'' if lab.dir == default_dir() else ' --dir ' + lab.dir})\"",
              "  hopscope check lab/lab.yaml"]
    return "\n".join(lines)
