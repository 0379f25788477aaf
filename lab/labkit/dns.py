"""DNS: dnsmasq answering for the lab's names from a hosts file the lab can rewrite."""
import os
import signal
import socket
import struct

from .common import HOSTS, LabError, alive, is_root, read_pid, spawn, stop_pid, tail, wait_for, which, write_text


def _hosts(lab):
    return lab.path("dns", "hosts")


def _pidfile(lab):
    return lab.path("dns", "dnsmasq.pid")


def write_hosts(lab, address="127.0.0.1"):
    os.makedirs(lab.path("dns"), exist_ok=True)
    lines = ["# Written by labctl: the lab's names. dnsmasq re-reads this on SIGHUP."]
    lines += [f"{address} {name}" for name in HOSTS.values()]
    write_text(_hosts(lab), "\n".join(lines) + "\n")


def running(lab):
    return alive(read_pid(_pidfile(lab)))


def start(lab):
    if running(lab):
        return
    port = lab.ports.dns
    argv = [which("dnsmasq", ["/usr/sbin"]), "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv",
            "--no-hosts", f"--addn-hosts={_hosts(lab)}", f"--port={port}", "--listen-address=127.0.0.1",
            "--bind-interfaces", "--pid-file=", "--log-facility=-", "--local=/lab.test/", "--domain-needed"]
    if is_root():
        # dnsmasq would switch to nobody, who may not read the lab's private directory.
        argv += ["--user=root", "--group=root"]
    spawn(argv, lab.path("dns", "dnsmasq.log"), _pidfile(lab))
    wait_for(lambda: _answers(port) or not running(lab), 15, f"dnsmasq to answer on 127.0.0.1:{port}")
    if not running(lab):
        raise LabError("dnsmasq exited at start: " + " ".join(tail(lab.path("dns", "dnsmasq.log"), 3)))


def _answers(port):
    """True once a UDP query for the app's name gets any answer."""
    name = HOSTS["app"]
    query = struct.pack(">HHHHHH", 0x4c41, 0x0100, 1, 0, 0, 0)
    query += b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0" + struct.pack(">HH", 1, 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.3)
        try:
            s.sendto(query, ("127.0.0.1", port))
            return len(s.recv(512)) > 12
        except OSError:
            return False


def reload(lab):
    if running(lab):
        os.kill(read_pid(_pidfile(lab)), signal.SIGHUP)


def stop(lab):
    stop_pid(_pidfile(lab), "dnsmasq")
