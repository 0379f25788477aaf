#!/usr/bin/env python3
"""The packages end to end (ctest label `package`).

Builds the .deb and .tar.gz with cpack from this build tree, unpacks the .deb into a scratch
root (dpkg -x: no root needed, nothing touches the machine), checks its metadata and files, and
runs the installed copy: `hopscope --version`, `hopscope validate` on the installed examples,
runbooks, presets and lab files, the AppStream and desktop file validators, and `hopscope check`
against a lab started by the installed labctl. To prove the installed data is what the app
uses, it runs from a copy of the prefix elsewhere, with the source tree hidden when a private
mount namespace is available (unshare), and with marker files only that copy has.
Everything lives in one temporary directory, removed at the end with the lab stopped.

Exit status: 0 pass, 1 fail, 77 skipped (the reason is printed).
"""
import argparse
import glob
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tarfile
import tempfile
import time

SKIP = 77
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# Packages the .deb must depend on (patterns): found by dpkg-shlibdeps, or listed by installer/.
REQUIRED_DEPENDS = ("libqt6core6", "libqt6gui6", "libqt6widgets6", "libqt6svg6", "libqt6charts6", "libqt6sql6",
                    "libqt6sql6-sqlite", r"libpqxx-[\d.]+", "libpq5", "libcurl4", r"libyaml-cpp[\d.]+", "libc-ares2")
# Not used by the other lab tests (tests/support/labfixture.cpp: 20000-29400) and below the
# ephemeral range (32768), so a port the kernel handed out cannot be in the way.
LAB_PORT_FIRST = 30500
MARKER = "package-marker"
MARKER_PRESET = """\
preset:
  id: package-marker
  title: Only in the relocated prefix
  checks:
    - name: marker
      command: ["true"]
      expect: ["exit_code == 0"]
"""
MARKER_RUNBOOK = """\
runbook:
  id: package-marker
  title: Only in the relocated prefix
  applies_to: [containers]
  steps:
    - title: marker
      check:
        command: ["true"]
        expect: ["exit_code == 0"]
"""
MARKER_ENVIRONMENT = """\
environments:
  - name: marker
    hops:
      - id: app
        kind: containers
        presets: [{use: package-marker}]
        checks:
          - name: port
            tcp: {host: 127.0.0.1, port: 9}
            remedy: package-marker
"""
BROKEN_PRESET = "preset:\n  id: aws-ecs-service\n"


class Failure(Exception):
    pass


def say(text):
    print(text, flush=True)


def expect(condition, message):
    if not condition:
        raise Failure(message)


def run(argv, timeout=120, **kwargs):
    try:
        return subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout, **kwargs)
    except subprocess.TimeoutExpired as e:
        raise Failure(f"{' '.join(map(str, argv))} took more than {timeout} s") from e


def must(argv, what, **kwargs):
    r = run(argv, **kwargs)
    expect(r.returncode == 0, f"{what}: {' '.join(map(str, argv))} exited {r.returncode}\n"
                              f"stdout: {r.stdout[-2000:]}\nstderr: {r.stderr[-2000:]}")
    return r


def relative_files(root, patterns=("*",)):
    """The files below root matching any pattern, relative to root, without caches."""
    found = set()
    for pattern in patterns:
        for path in glob.glob(os.path.join(root, "**", pattern), recursive=True):
            if os.path.isfile(path) and "__pycache__" not in path:
                found.add(os.path.relpath(path, root))
    return found


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    expect(head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG")
    return struct.unpack(">II", head[16:24])


class PackageTest:
    def __init__(self, args, tmp):
        self.args = args
        self.tmp = tmp
        self.source = os.path.realpath(args.source_dir)
        self.lab = None  # (labctl, dir) while a lab is up
        self.hide = None  # argv prefix that runs a command with the source tree hidden
        # The app must not be pointed anywhere: it finds its data itself.
        self.env = {k: v for k, v in os.environ.items() if k not in ("HOPSCOPE_RUNBOOK_PATH", "HOPSCOPE_PRESET_PATH")}
        self.env["QT_QPA_PLATFORM"] = "offscreen"

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    # --- building and unpacking ------------------------------------------------------------
    def build_packages(self):
        out = self.path("out")
        started = time.monotonic()
        must([self.args.cpack, "--config", self.args.cpack_config, "-B", out], "cpack", timeout=240, cwd=self.tmp)
        debs = glob.glob(os.path.join(out, "*.deb"))
        tgzs = glob.glob(os.path.join(out, "*.tar.gz"))
        expect(len(debs) == 1 and len(tgzs) == 1, f"cpack made {os.listdir(out)}, not one .deb and one .tar.gz")
        for p in debs + tgzs:
            say(f"  {os.path.basename(p)}: {os.path.getsize(p) / 1e6:.1f} MB")
        say(f"  cpack took {time.monotonic() - started:.0f} s")
        return debs[0], tgzs[0]

    def check_metadata(self, deb):
        fields = must(["dpkg-deb", "-f", deb], "dpkg-deb -f").stdout
        control = dict(re.findall(r"^([A-Za-z-]+): (.*)$", fields, re.M))
        expect(control.get("Package") == "hopscope", f"Package: {control.get('Package')}")
        expect(control.get("Version") == self.args.version, f"Version {control.get('Version')}, not {self.args.version}")
        depends = [alt.split("(")[0].strip() for item in control.get("Depends", "").split(",") for alt in item.split("|")]
        for wanted in REQUIRED_DEPENDS:
            expect(any(re.fullmatch(wanted, d) for d in depends),
                   f"the .deb does not depend on {wanted}: Depends: {control.get('Depends')}")
        say(f"  Depends: {control['Depends']}")
        say(f"  Recommends: {control.get('Recommends', '')}")

    def unpack(self, deb):
        root = self.path("root")
        must(["dpkg-deb", "-x", deb, root], "dpkg-deb -x")
        outside = [p for p in os.listdir(root) if p != "usr"]
        expect(not outside, f"the .deb installs outside /usr: {outside}")
        return os.path.join(root, "usr")

    # --- the installed files -----------------------------------------------------------------
    def check_files(self, prefix):
        data = os.path.join(prefix, "share", "hopscope")
        expect(os.listdir(os.path.join(prefix, "bin")) == ["hopscope"], f"bin/: {os.listdir(os.path.join(prefix, 'bin'))}")
        same = {
            "runbooks": (os.path.join(self.source, "runbooks", "library"), ("*.yaml",)),
            "providers": (os.path.join(self.source, "resources", "providers"), ("*.yaml",)),
            "schemas": (os.path.join(self.source, "resources", "schemas"), ("*.json",)),
            "examples": (os.path.join(self.source, "resources", "examples"), ("*.json", "*.yaml", "*.yml")),
            "lab": (os.path.join(self.source, "lab"), ("*",)),
        }
        for sub, (src, patterns) in same.items():
            installed, bundled = relative_files(os.path.join(data, sub)), relative_files(src, patterns)
            expect(installed == bundled, f"share/hopscope/{sub}: missing {sorted(bundled - installed)}, "
                                         f"extra {sorted(installed - bundled)}")
        for program in ("labctl", "labapp.py"):
            expect(os.access(os.path.join(data, "lab", program), os.X_OK), f"lab/{program} is not executable")
        for doc in ("file-formats.md", "licensing.md", "README.md"):  # Help ▸ File Format Reference, About
            expect(os.path.isfile(os.path.join(data, "doc", doc)), f"share/hopscope/doc/{doc} is missing")

        app_id = self.args.app_id
        share = os.path.join(prefix, "share")
        desktop = os.path.join(share, "applications", f"{app_id}.desktop")
        metainfo = os.path.join(share, "metainfo", f"{app_id}.metainfo.xml")
        expect(os.path.isfile(desktop) and os.path.isfile(metainfo), "the .desktop or metainfo file is missing")
        with open(desktop) as f:
            entry = f.read()
        expect(f"\nIcon={app_id}\n" in entry and re.search(r"^Exec=hopscope\b", entry, re.M), "the .desktop file's Icon or Exec")
        with open(metainfo) as f:
            meta = f.read()
        expect(f"<id>{app_id}</id>" in meta and f">{app_id}.desktop</launchable>" in meta, "the metainfo's id or launchable")
        release = re.search(r'<release version="([^"]+)" date="(\d{4}-\d\d-\d\d)"', meta)
        expect(release and release.group(1) == self.args.version,
               f"the metainfo's release is {release and release.group(1)}, the build {self.args.version}")
        self.check_schema_references(data)
        icons = os.path.join(share, "icons", "hicolor")
        expect(os.path.isfile(os.path.join(icons, "scalable", "apps", f"{app_id}.svg")), "the scalable icon is missing")
        for size in ICON_SIZES:
            png = os.path.join(icons, f"{size}x{size}", "apps", f"{app_id}.png")
            expect(os.path.isfile(png), f"the {size}x{size} icon is missing")
            expect(png_size(png) == (size, size), f"{png} is {png_size(png)}, not {size}x{size}")
        installed_icons = relative_files(icons)
        expect(len(installed_icons) == len(ICON_SIZES) + 1, f"unexpected icons: {sorted(installed_icons)}")

        must(["desktop-file-validate", desktop], "desktop-file-validate")
        must(["appstreamcli", "validate", "--no-net", metainfo], "appstreamcli validate")
        # and the tree as a software centre reads it: the metainfo with its desktop file and icons
        must(["appstreamcli", "validate-tree", "--no-net", os.path.dirname(prefix)], "appstreamcli validate-tree")
        say("  files, icons, desktop-file-validate and appstreamcli validate(-tree): ok")

    def check_schema_references(self, data):
        """Every installed file that names its JSON Schema (a "$schema" key, or the YAML
        language server's modeline) names one that is installed, relative to itself."""
        named = 0
        for path in glob.glob(os.path.join(data, "**", "*.*"), recursive=True):
            if not path.endswith((".yaml", ".yml", ".json")):
                continue
            with open(path, encoding="utf-8") as f:
                head = f.read(4096)
            m = re.search(r'\$schema=(\S+)|"\$schema"\s*:\s*"([^"]+)"', head)
            if not m or "://" in (m.group(1) or m.group(2)):  # none, or a schema's own meta-schema
                continue
            named += 1
            target = os.path.normpath(os.path.join(os.path.dirname(path), m.group(1) or m.group(2)))
            expect(os.path.isfile(target), f"{os.path.relpath(path, data)} names its schema as "
                                           f"{m.group(1) or m.group(2)}, which is not installed")
        expect(named > 0, "no installed file names its schema: the check looked in the wrong place")

    # --- running the installed app -----------------------------------------------------------
    def find_hiding(self):
        """A command prefix that runs argv with an empty tmpfs over the source tree, or None."""
        if os.path.commonpath([self.tmp, self.source]) == self.source:
            return None, "the temporary directory is inside the source tree"
        unshare = shutil.which("unshare")
        if not unshare:
            return None, "unshare is not installed"
        mount = 'mount -t tmpfs -o ro,size=4k hopscope-hidden "$0" && exec "$@"'
        for flags in (["-m"], ["-r", "-m"]) if os.geteuid() == 0 else (["-r", "-m"],):
            prefix = [unshare, *flags, "sh", "-c", mount, self.source]
            probe = run(prefix + ["test", "!", "-e", os.path.join(self.source, "CMakeLists.txt")], timeout=30)
            if probe.returncode == 0:
                return prefix, None
            why = probe.stderr.strip() or f"exit {probe.returncode}"
        return None, f"no private mount namespace ({why})"

    def hopscope(self, prefix, args, env=None, hidden=True, timeout=120):
        argv = [os.path.join(prefix, "bin", "hopscope"), *args]
        if hidden and self.hide:
            argv = self.hide + argv
        return run(argv, env=env or self.env, cwd=self.tmp, timeout=timeout)

    def must_hopscope(self, prefix, args, what, **kwargs):
        r = self.hopscope(prefix, args, **kwargs)
        expect(r.returncode == 0, f"{what}: hopscope {' '.join(args)} exited {r.returncode}\n"
                                  f"stdout: {r.stdout[-2000:]}\nstderr: {r.stderr[-3000:]}")
        return r

    def check_installed_app(self, prefix):
        version = self.must_hopscope(prefix, ["--version"], "version", hidden=False).stdout.strip()
        expect(version == f"hopscope {self.args.version}", f"--version printed {version!r}")
        say(f"  {version}")

        # A copy of the prefix elsewhere: the app finds its data beside itself, wherever that is.
        moved = self.path("moved", "usr")
        shutil.copytree(prefix, moved, symlinks=True)
        self.hide, why = self.find_hiding()
        say("  running with the source tree hidden (private mount namespace)" if self.hide
            else f"  the source tree stays visible: {why}; the marker files below still prove the prefix is used")
        data = os.path.join(moved, "share", "hopscope")
        self.must_hopscope(moved, ["validate", os.path.join(data, "examples"), os.path.join(data, "runbooks"),
                                   os.path.join(data, "providers"), os.path.join(data, "lab")],
                           "validate the installed examples, runbooks, presets and lab files")

        # Files only the moved prefix has: found, so its providers/ and runbooks/ are searched.
        marker_env = self.path("marker.yaml")
        with open(marker_env, "w") as f:
            f.write(MARKER_ENVIRONMENT)
        unmarked = self.hopscope(moved, ["validate", marker_env])
        expect(unmarked.returncode == 1 and MARKER in unmarked.stderr,
               f"the marker environment validated before the markers were installed:\n{unmarked.stderr}")
        with open(os.path.join(data, "providers", f"{MARKER}.yaml"), "w") as f:
            f.write(MARKER_PRESET)
        with open(os.path.join(data, "runbooks", f"{MARKER}.yaml"), "w") as f:
            f.write(MARKER_RUNBOOK)
        self.must_hopscope(moved, ["validate", marker_env], "a preset and a runbook only the installed prefix has")

        # A broken installed copy of a bundled preset is the one read: the prefix comes first.
        ecs = os.path.join(data, "providers", "aws-ecs-service.yaml")
        shutil.copy(ecs, ecs + ".orig")
        with open(ecs, "w") as f:
            f.write(BROKEN_PRESET)
        broken = self.hopscope(moved, ["validate", os.path.join(data, "lab", "aws-lab.yaml")], hidden=False)
        expect(broken.returncode == 1 and ecs in broken.stderr,
               f"a broken installed aws-ecs-service.yaml was not the one read (the source tree's came first?):\n"
               f"{broken.stderr[-2000:]}")
        os.replace(ecs + ".orig", ecs)
        say("  validate on the installed files, and presets and runbooks found from the prefix first: ok")

    def check_tarball(self, tgz):
        dest = self.path("tgz")
        with tarfile.open(tgz) as t:
            t.extractall(dest)
        (top,) = os.listdir(dest)
        prefix = os.path.join(dest, top)
        self.must_hopscope(prefix, ["validate", os.path.join(prefix, "share", "hopscope", "examples"),
                                    os.path.join(prefix, "share", "hopscope", "lab", "aws-lab.yaml")],
                           "validate from the unpacked .tar.gz")
        say(f"  {os.path.basename(tgz)} unpacks to {top}/ and runs from there: ok")

    # --- the lab -----------------------------------------------------------------------------
    def check_against_lab(self, prefix):
        labctl = os.path.join(prefix, "share", "hopscope", "lab", "labctl")
        lab_dir = self.path("lab")
        base = LAB_PORT_FIRST + (os.getpid() % 30) * 40
        for attempt in range(4):
            ports = base + attempt * 37
            self.lab = (labctl, lab_dir)
            up = run([labctl, "up", "--dir", lab_dir, "--ports", str(ports)], timeout=240, cwd=self.tmp)
            if up.returncode == 0:
                break
            self.stop_lab()
            expect("port in use" in up.stderr, f"labctl up exited {up.returncode}\n{up.stdout[-1500:]}\n{up.stderr[-2500:]}")
        else:
            raise Failure(f"labctl up: ports in use from {base} on, four times")
        say(f"  the installed labctl started a lab on ports {ports}+")
        variables = json.loads(must([labctl, "env", "--json", "--dir", lab_dir], "labctl env").stdout)
        env = dict(self.env, **variables)
        lab_file = os.path.join(prefix, "share", "hopscope", "lab", "lab.yaml")
        # lab.yaml's command checks run labctl, which would take a user namespace's uid 0 (unshare -r)
        # for root: hide the source tree here only when that is real root.
        as_is = bool(self.hide) and "-r" not in self.hide
        check = self.hopscope(prefix, ["check", lab_file, "--env", "qa", "--format", "json"], env=env, hidden=as_is,
                              timeout=90)
        report = json.loads(check.stdout) if check.stdout.strip().startswith("{") else {}
        problems = [f"{hop.get('id')}/{c.get('name')}: {c.get('message')}"
                    for e in report.get("environments", [])[:1] for hop in e.get("hops", [])
                    for c in hop.get("checks", []) if c.get("status") != "pass"]
        # As in tests/support/labfixture.cpp: a slow loaded machine may fail latency thresholds only.
        slow_only = check.returncode == 1 and problems and all("latency_ms" in p for p in problems)
        expect(check.returncode == 0 or slow_only,
               f"hopscope check on the healthy lab exited {check.returncode}\nnot passing: {problems}\n{check.stderr[-2000:]}")
        hops = report["environments"][0]["hops"]
        say(f"  hopscope check against it: {len(hops)} hops, exit {check.returncode}"
            + (f" (slow only: {problems})" if slow_only else ""))
        self.stop_lab(strict=True)
        expect(not os.path.exists(lab_dir), "labctl down left the lab's directory")

    def stop_lab(self, strict=False):
        if not self.lab:
            return
        labctl, lab_dir = self.lab
        self.lab = None
        down = run([labctl, "down", "--dir", lab_dir], timeout=120, cwd=self.tmp)
        if strict:
            expect(down.returncode == 0, f"labctl down exited {down.returncode}: {down.stderr[-1500:]}")
        elif down.returncode != 0:
            say(f"labctl down exited {down.returncode}: {down.stderr[-1500:]}")

    def run(self):
        say("building the packages")
        deb, tgz = self.build_packages()
        self.check_metadata(deb)
        prefix = self.unpack(deb)
        self.check_files(prefix)
        self.check_installed_app(prefix)
        self.check_tarball(tgz)
        self.check_against_lab(prefix)


def interrupted(signum, _frame):
    raise SystemExit(f"stopped by signal {signum}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cpack", required=True)
    parser.add_argument("--cpack-config", required=True, help="the build tree's CPackConfig.cmake")
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--app-id", required=True)
    parser.add_argument("--version", required=True)
    args = parser.parse_args()

    for tool, package in (("dpkg-deb", "dpkg"), ("appstreamcli", "appstream"),
                          ("desktop-file-validate", "desktop-file-utils")):
        if not shutil.which(tool):
            print(f"SKIP: {tool} is not installed (apt package {package}; scripts/setup installs it)")
            return SKIP
    if not os.path.exists("/usr/bin/python3"):
        print("SKIP: the lab needs /usr/bin/python3 (scripts/setup installs it)")
        return SKIP

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, interrupted)
    started = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="hopscope-package-")
    # As root the lab runs PostgreSQL as postgres, who must be let through to the lab's directory.
    os.chmod(tmp, 0o711)
    test = PackageTest(args, tmp)
    status = 1
    try:
        test.run()
        status = 0
    except Failure as e:
        print(f"FAIL: {e}")
    finally:
        test.stop_lab()
        shutil.rmtree(tmp, ignore_errors=True)
        if os.path.exists(tmp):
            print(f"FAIL: could not remove {tmp}")
            status = 1
    say(f"{'passed' if status == 0 else 'failed'} in {time.monotonic() - started:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
