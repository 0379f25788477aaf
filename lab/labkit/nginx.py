"""The load balancer: nginx with host rules that forward to the target group, and a default
action for everything else that is either `forward` or a fixed 404 (as an ALB listener's)."""
import os
import signal

from .common import HOSTS, LabError, alive, is_root, port_open, read_json, read_pid, run, spawn, stop_pid, wait_for, \
    which, write_json_atomic, write_text

ACTIONS = ("forward", "fixed-404")


def _conf(lab):
    return lab.path("nginx", "nginx.conf")


def _pidfile(lab):
    return lab.path("nginx", "master.pid")


def _action_file(lab):
    return lab.path("nginx", "default-action.json")


def default_action(lab):
    return read_json(_action_file(lab), {"type": "forward"})["type"]


def describe(lab):
    """What `labctl lb default-action --json` prints: shaped like an ALB listener's DefaultActions."""
    action = default_action(lab)
    if action == "forward":
        return {"type": "forward", "target_group": "app", "targets": [f"127.0.0.1:{p}" for p in lab.ports.apps]}
    return {"type": "fixed-response", "status_code": 404, "content_type": "application/json"}


def render(lab, action):
    p = lab.ports
    d = lab.path("nginx")
    servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=0;" for port in p.apps)
    if action == "forward":
        default = "proxy_pass http://target_group;"
    else:
        default = "return 404 '{\"error\": \"no listener rule matched this request (fixed-response 404)\"}\\n';"
    return f"""# Written by labctl: the lab's load balancer on 127.0.0.1:{p.lb}. Do not edit; use
# `labctl lb default-action forward|fixed-404`.
{"user root root;" if is_root() else ""}
worker_processes 1;
daemon off;
pid {_pidfile(lab)}.nginx;
error_log {d}/error.log warn;
events {{ worker_connections 512; }}
http {{
    access_log {d}/access.log;
    client_body_temp_path {d}/tmp/body;
    proxy_temp_path {d}/tmp/proxy;
    fastcgi_temp_path {d}/tmp/fastcgi;
    uwsgi_temp_path {d}/tmp/uwsgi;
    scgi_temp_path {d}/tmp/scgi;
    default_type application/json;
    proxy_connect_timeout 2s;
    proxy_read_timeout 10s;
    proxy_next_upstream error timeout http_502;

    # The target group: the app's instances, whichever are up.
    upstream target_group {{
{servers}
    }}

    # The default action: requests that match no host rule.
    server {{
        listen 127.0.0.1:{p.lb} default_server;
        server_name _;
        location / {{ {default} }}
    }}

    # Host rule: the app's public name forwards to the target group.
    server {{
        listen 127.0.0.1:{p.lb};
        server_name {HOSTS["app"]};
        location / {{ proxy_pass http://target_group; proxy_set_header Host $host; }}
    }}
}}
"""


def write(lab, action):
    if action not in ACTIONS:
        raise LabError(f"unknown default action \"{action}\"; expected one of: {', '.join(ACTIONS)}")
    os.makedirs(lab.path("nginx", "tmp"), exist_ok=True)
    write_text(_conf(lab), render(lab, action))
    write_json_atomic(_action_file(lab), {"type": action})


def _check_config(lab):
    nginx = which("nginx", ["/usr/sbin"])
    run([nginx, "-t", "-q", "-p", lab.path("nginx"), "-e", lab.path("nginx", "error.log"), "-c", _conf(lab)],
        "checking the nginx configuration")
    return nginx


def running(lab):
    return alive(read_pid(_pidfile(lab)))


def start(lab):
    if running(lab):
        return
    nginx = _check_config(lab)
    spawn([nginx, "-p", lab.path("nginx"), "-e", lab.path("nginx", "error.log"), "-c", _conf(lab)],
          lab.path("nginx", "stderr.log"), _pidfile(lab))
    port = lab.ports.lb
    wait_for(lambda: port_open(port) or not running(lab), 15, f"nginx to listen on 127.0.0.1:{port}")
    if not running(lab):
        raise LabError(f"nginx exited at start; see {lab.path('nginx', 'error.log')}")


def set_default_action(lab, action):
    """Rewrites the configuration and reloads, like `aws elbv2 modify-listener --default-actions`."""
    previous = default_action(lab)
    write(lab, action)
    try:
        _check_config(lab)
    except LabError:
        write(lab, previous)
        raise
    if running(lab):
        os.kill(read_pid(_pidfile(lab)), signal.SIGHUP)
        _wait_reloaded(lab, action)


def _wait_reloaded(lab, action):
    """A reload is done when a request that matches no host rule gets the new answer."""
    import http.client

    def answers():
        try:
            c = http.client.HTTPConnection("127.0.0.1", lab.ports.lb, timeout=2)
            c.request("GET", "/health", headers={"Host": "labctl-probe.invalid"})
            body = c.getresponse().read()
            return (b"fixed-response 404" in body) == (action == "fixed-404")
        except OSError:
            return False
    wait_for(answers, 10, "nginx to reload its configuration", interval=0.05)


def stop(lab):
    stop_pid(_pidfile(lab), "nginx")
