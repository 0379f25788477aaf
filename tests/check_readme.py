#!/usr/bin/env python3
"""Every example command in README.md, run as a reader would run it (ctest `readme`).

The README's commands are collected in document order: each line of a ```sh block, each
`$ COMMAND` line of a transcript block, and each inline `code` span that is a command rather
than a name or a synopsis. They run verbatim, one after another as in one shell session (what
`eval "$(lab/labctl env)"` exports reaches the commands after it), in a scratch copy of the
source tree with `hopscope` and `build/dev/app/hopscope` being the binary under test, the lab
in a directory and on ports of this test's own (HOPSCOPE_LAB_DIR, HOPSCOPE_LAB_PORTS) and the
audit trail in a scratch data file. `hopscope run` without --yes gets a terminal and answers
"y" to every question, as the README's transcript does.

Each command must exit as the README implies (0, or the status EXPECTED_STATUS gives), and
where a transcript shows output, the output must match it: numbers, run ids, absolute paths
and runs of spaces may differ; a line "..." stands for any lines. The commands this test does
not run are listed in NOT_RUN with the reason; an entry there that matches nothing in the
README fails the test, so the list cannot outlive the README.

Every ```yaml and ```json block (an environment, a runbook, a preset's use) must pass
`hopscope validate` as a file of its own.

Exit status: 0 pass, 1 fail, 77 skipped (the reason is printed).
"""
import argparse
import os
import pty
import re
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SKIP = 77
COMMAND_TIMEOUT = 240  # seconds; `labctl up` from nothing takes 10-30 s on two cores

# Commands the README shows that are not run here: (pattern for the whole command, why).
NOT_RUN = [
    (r"\./scripts/demo( --xvfb)?", "the demo opens a window (the issue exempts it)"),
    (r"(build/dev/app/)?hopscope lab/lab\.yaml", "opens the window on the lab: the demo by hand"),
    (r"\./scripts/test", "runs every test, this one included"),
    (r"(cmake --preset dev && cmake --build --preset dev && )?ctest --preset dev( -L \w+)?",
     "runs the test suite, this test included"),
    (r"cmake --preset release && cmake --build --preset release",
     "a release build takes minutes on two cores; the package test packs the dev build tree with the "
     "same CPack configuration"),
    (r"cpack --config build/release/CPackConfig\.cmake -B build/packages",
     "needs the release build; the package test runs cpack on the dev build tree"),
    (r"sudo apt install \./build/packages/hopscope_(?P<version>[^_]+)_amd64\.deb",
     "installs on this machine; the package test unpacks the .deb into a scratch root (the version "
     "in the file name is checked here)"),
    (r"bench/run( \w+)?", "a benchmark: a release build and minutes of measuring; the README keeps its figures"),
]
# Commands that need tools this machine may not have: (pattern, tools).
NEEDS = [
    (r"lab/labctl aws \w+|eval \"\$\(lab/labctl aws env\)\"", ("moto_server", "aws")),
]
# Exit statuses other than 0 the README implies: (pattern, status, why).
EXPECTED_STATUS = [
    (r"(build/dev/app/)?hopscope check lab/lab\.yaml --env qa", 2,
     "every check of lab.yaml in the README is on the path the tour or the lab section broke"),
    (r"build/dev/app/hopscope validate tests/data/invalid/.*", 1, "the file is invalid on purpose"),
]
SUBCOMMANDS = ("check", "validate", "run", "report")
# Below the ephemeral range (32768), above check_package.py's (30500-31800) and the lab
# fixture's (20000-29400).
PORT_FIRST, PORT_SLOTS, PORT_SPAN = 31900, 20, 40


class Failure(Exception):
    pass


def say(text):
    print(text, flush=True)


class Example:
    def __init__(self, line, command, shown=None):
        self.line = line  # in README.md
        self.command = command
        self.shown = shown  # the transcript's output lines, or None where none is shown


# --- reading the README ----------------------------------------------------------------------

FENCE = re.compile(r"^```(\w*)\n(.*?)^```[ \t]*$", re.M | re.S)
INLINE = re.compile(r"`([^`\n]+)`")


def is_command(span, source):
    """An inline span is a command when it starts with something a reader runs and is not just
    a name (`hopscope check`, `scripts/test` in a list of files) or a synopsis
    (`hopscope run --resume RUN_ID`)."""
    words = span.split()
    first = words[0]
    if len(words) == 1 and not first.startswith("./"):
        return False
    if first in ("hopscope", "build/dev/app/hopscope"):
        if len(words) < 2 or (len(words) == 2 and words[1] in SUBCOMMANDS):
            return False
    elif first not in ("eval", "cmake", "cpack", "ctest", "sudo"):
        path = os.path.join(source, first)
        if "/" not in first or not (os.path.isfile(path) and os.access(path, os.X_OK)):
            return False
    synopsis = re.search(r"\b[A-Z][A-Z_]{1,}\b", span) or re.search(r"[\[\]|]", span.replace("||", ""))
    return not synopsis


def documents(readme):
    """(line, extension, text) of every ```yaml and ```json block."""
    text = open(readme, encoding="utf-8").read()
    return [(text.count("\n", 0, m.start(2)) + 1, m.group(1), m.group(2))
            for m in FENCE.finditer(text) if m.group(1) in ("yaml", "json")]


def examples(readme, source):
    text = open(readme, encoding="utf-8").read()
    found = []

    def line_of(pos):
        return text.count("\n", 0, pos) + 1

    prose_from = 0
    for fence in list(FENCE.finditer(text)) + [None]:
        prose_to = fence.start() if fence else len(text)
        for m in INLINE.finditer(text, prose_from, prose_to):
            span = m.group(1).replace("\\|", "|").strip()
            if is_command(span, source):
                found.append(Example(line_of(m.start()), span))
        if fence is None:
            break
        prose_from = fence.end()
        info, body = fence.group(1), fence.group(2)
        first = line_of(fence.start(2))
        lines = body.splitlines()
        if any(line.startswith("$ ") for line in lines):
            current = None
            for i, line in enumerate(lines):
                if line.startswith("$ "):
                    current = Example(first + i, line[2:].strip(), [])
                    found.append(current)
                elif current is not None:
                    current.shown.append(line)
        elif info == "sh":
            for i, line in enumerate(lines):
                command = re.sub(r"\s+#\s.*$", "", line).strip()
                if command and not command.startswith("#"):
                    found.append(Example(first + i, command))
    for example in found:
        if example.shown == []:  # a transcript line with no output under it: output not shown
            example.shown = None
    return found


# --- comparing output with a transcript ------------------------------------------------------

def normal(line):
    line = line.replace("\r", "")
    line = re.sub(r"(?<![\w.])/[\w.\-]+(?:/[\w.\-]*)+", "PATH", line)
    line = re.sub(r"\b\d{8}-\d{6}-[0-9a-f]{4}\b", "RUN_ID", line)
    line = re.sub(r"\d+", "0", line)
    return " ".join(line.split())


def mismatch(shown, output):
    """None when the output matches the transcript, else what differs. The transcript is
    anchored at both ends unless it starts or ends with "..."."""
    actual = [normal(line) for line in output.splitlines() if line.strip()]
    segments = [[]]
    for line in shown:
        if line.strip() == "...":
            segments.append([])
        elif line.strip():
            segments[-1].append(line)
    pos = 0
    for i, segment in enumerate(segments):
        want = [normal(line) for line in segment]
        last = len(actual) - len(want)
        if i == len(segments) - 1 and want:
            candidates = [last] if last >= pos and (i > 0 or last == 0) else []
        elif i == 0:
            candidates = [0]
        else:
            candidates = range(pos, last + 1)
        at = next((s for s in candidates if actual[s:s + len(want)] == want), None)
        if at is None and i == 0 and (not actual or actual[0] != want[0]):
            return f"the output starts {actual[0] if actual else 'empty'!r}, the README {segment[0]!r}"
        if at is None:
            for k, n in enumerate(want):
                if n not in actual[pos:]:
                    return f"{segment[k]!r} is not in the output"
            if i == len(segments) - 1 and last > pos and segments[-1]:
                return f"the output goes on after {segment[-1]!r}: {actual[-1]!r}"
            return f"the lines from {segment[0]!r} are not in this order in the output"
        pos = at + len(want)
    return None


# --- running ---------------------------------------------------------------------------------

def free_ports():
    """A base port whose lab ports (base .. base+12) are all free now."""
    for slot in range(PORT_SLOTS):
        base = PORT_FIRST + ((os.getpid() + slot) % PORT_SLOTS) * PORT_SPAN
        try:
            for port in range(base, base + 13):
                with socket.socket() as s:
                    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
    raise Failure(f"no free ports between {PORT_FIRST} and {PORT_FIRST + PORT_SLOTS * PORT_SPAN}")


class Session:
    """One shell session's worth of state: the directory and the environment."""

    def __init__(self, cwd, env, scratch):
        self.cwd = cwd
        self.env = env
        self.env_out = os.path.join(scratch, "env-after")

    def run(self, command, interactive):
        return self._on_terminal(command) if interactive else self._piped(command)

    def _piped(self, command):
        # The command, then the environment it leaves, so that `eval "$(...)"` carries over.
        script = f'{command}\n__rc=$?\nenv -0 > "{self.env_out}"\nexit $__rc\n'
        try:
            r = subprocess.run(["bash", "-c", script], cwd=self.cwd, env=self.env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               timeout=COMMAND_TIMEOUT, start_new_session=True)
        except subprocess.TimeoutExpired as e:
            raise Failure(f"did not finish within {COMMAND_TIMEOUT} s; output so far:\n{e.output}") from e
        if os.path.exists(self.env_out):
            with open(self.env_out, "rb") as f:
                after = dict(item.split(b"=", 1) for item in f.read().split(b"\0") if b"=" in item)
            os.remove(self.env_out)
            for key in (b"_", b"SHLVL", b"PWD", b"OLDPWD", b"__rc"):
                after.pop(key, None)
            self.env = {k.decode(): v.decode() for k, v in after.items()}
        return r.returncode, r.stdout

    def _on_terminal(self, command):
        """On a pseudo-terminal, answering "y" to each question once it is asked (the runner
        discards anything typed before its question)."""
        master, slave = pty.openpty()
        proc = subprocess.Popen(["bash", "-c", command], cwd=self.cwd, env=self.env, stdin=slave, stdout=slave,
                                stderr=slave, start_new_session=True)
        os.close(slave)
        output, answered_to = b"", 0
        deadline = time.monotonic() + COMMAND_TIMEOUT
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    os.killpg(proc.pid, signal.SIGKILL)
                    raise Failure(f"did not finish within {COMMAND_TIMEOUT} s; output so far:\n"
                                  f"{output.decode(errors='replace')[-3000:]}")
                ready, _, _ = select.select([master], [], [], min(left, 1.0))
                if not ready:
                    continue
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the terminal's other end is closed
                    break
                if not chunk:
                    break
                output += chunk
                pending = output[answered_to:].decode(errors="replace")
                if re.search(r"\[y[^\]\n]*\] ?$", pending):
                    os.write(master, b"y\n")
                    answered_to = len(output)
                elif re.search(r"\? \[\w+\] ?$", pending):  # another question: its default
                    os.write(master, b"\n")
                    answered_to = len(output)
        finally:
            os.close(master)
        return proc.wait(timeout=30), output.decode(errors="replace").replace("\r\n", "\n")


def wants_terminal(command):
    """`hopscope run` asks before each change, and without a terminal refuses (exit 4)."""
    return bool(re.match(r"(build/dev/app/)?hopscope run ", command)) and not re.search(
        r"--yes|--dry-run|--help", command)


def problems_of(ex, status, output, work):
    """How a command's run differs from what the README says of it."""
    problems = []
    entry, _ = matching(EXPECTED_STATUS, ex.command)
    want = entry[1] if entry else 0
    if status != want:
        problems.append(f"exited {status}, the README implies {want}")
    if ex.shown is not None:
        difference = mismatch(ex.shown, output)
        if difference is not None:
            problems.append(f"the output differs from the README's transcript: {difference}")
    written = re.search(r"\s-o\s+(\S+)", ex.command)
    if written:
        path = os.path.join(work, written.group(1))
        if not os.path.isfile(path) or os.path.getsize(path) == 0:
            problems.append(f"wrote no {written.group(1)}")
    return problems


def matching(table, command):
    for entry in table:
        m = re.fullmatch(entry[0], command)
        if m:
            return entry, m
    return None, None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", required=True, help="the hopscope executable under test")
    ap.add_argument("--source-dir", required=True)
    ap.add_argument("--version", required=True, help="the project version")
    ap.add_argument("--list", action="store_true", help="list the commands and whether they run; run nothing")
    args = ap.parse_args()
    source = os.path.realpath(args.source_dir)
    binary = os.path.realpath(args.binary)
    all_examples = examples(os.path.join(source, "README.md"), source)
    if not all_examples:
        say("FAIL: no example commands found in README.md")
        return 1

    if args.list:
        for ex in all_examples:
            entry, _ = matching(NOT_RUN, ex.command)
            say(f"README.md:{ex.line}: {'not run' if entry else 'run'}: {ex.command}")
        return 0

    tmp = tempfile.mkdtemp(prefix="hopscope-readme-")
    os.chmod(tmp, 0o711)  # as root the lab runs PostgreSQL as postgres, which must reach its directory
    work = os.path.join(tmp, "clone")
    shutil.copytree(source, work, symlinks=True,
                    ignore=shutil.ignore_patterns(".git", "build", "__pycache__", "*.pyc"))
    os.makedirs(os.path.join(work, "build", "dev", "app"))
    os.symlink(binary, os.path.join(work, "build", "dev", "app", "hopscope"))
    bin_dir = os.path.join(tmp, "bin")
    os.makedirs(bin_dir)
    os.symlink(binary, os.path.join(bin_dir, "hopscope"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOPSCOPE_")}
    env.update({
        "PATH": bin_dir + os.pathsep + env.get("PATH", "/usr/bin:/bin"),
        "HOPSCOPE_LAB_DIR": os.path.join(tmp, "lab"),
        "HOPSCOPE_LAB_PORTS": str(free_ports()),
        "HOPSCOPE_DATA_FILE": os.path.join(tmp, "data.sqlite"),
        "QT_QPA_PLATFORM": "offscreen",
    })
    session = Session(work, env, tmp)
    say(f"{len(all_examples)} commands in README.md; running them in {work}, the lab on ports "
        f"{env['HOPSCOPE_LAB_PORTS']}+")

    failures, ran, not_run, used = [], 0, 0, set()
    try:
        for ex in all_examples:
            where = f"README.md:{ex.line}"
            entry, m = matching(NOT_RUN, ex.command)
            if entry:
                used.add(entry[0])
                not_run += 1
                say(f"{where}: not run: {ex.command}\n    ({entry[1]})")
                if "version" in m.groupdict() and m.group("version") != args.version:
                    failures.append(f"{where}: {ex.command}: the package is named for version "
                                    f"{m.group('version')}, the build is {args.version}")
                continue
            need, _ = matching(NEEDS, ex.command)
            missing = [tool for tool in (need[1] if need else ()) if not shutil.which(tool)]
            if missing:
                not_run += 1
                say(f"{where}: not run: {ex.command}\n    ({' and '.join(missing)} not installed here)")
                continue
            interactive = wants_terminal(ex.command)
            started = time.monotonic()
            try:
                status, output = session.run(ex.command, interactive)
            except Failure as e:
                failures.append(f"{where}: {ex.command}: {e}")
                say(f"{where}: FAIL {ex.command}")
                continue
            ran += 1
            took = time.monotonic() - started
            problems = problems_of(ex, status, output, work)
            say(f"{where}: {'FAIL' if problems else 'ok'} {ex.command}  "
                f"(exit {status}{', on a terminal' if interactive else ''}, {took:.1f} s)")
            if problems:
                tail = output[-3000:]
                failures.append(f"{where}: {ex.command}: " + "; ".join(problems) + f"\n  output:\n{tail}")
        for line, extension, text in documents(os.path.join(source, "README.md")):
            path = os.path.join(tmp, f"readme-line-{line}.{extension}")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            status, output = session.run(f"hopscope validate {shlex.quote(path)}", interactive=False)
            say(f"README.md:{line}: {'ok' if status == 0 else 'FAIL'} the {extension} block validates")
            if status != 0:
                failures.append(f"README.md:{line}: the {extension} block does not validate:\n{output}")
        for pattern, why in NOT_RUN:
            if pattern not in used:
                failures.append(f"NOT_RUN entry {pattern!r} matches no command in README.md: remove it")
    finally:
        subprocess.run([os.path.join(work, "lab", "labctl"), "down"], env=session.env, cwd=work,
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
        shutil.rmtree(tmp, ignore_errors=True)

    say(f"{ran} commands run, {not_run} not run (reasons above)")
    if failures:
        say("\nFAIL:\n" + "\n\n".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
