#!/usr/bin/env python3
"""Checks the file formats three ways, so the JSON Schemas editors use and the C++ loader agree:

  (a) every example file (resources/examples/, the starter File ▸ New Environment writes in
      resources/templates/, and lab/, recursively, and runbooks/library/ when it exists) is valid
      against its schema, and the schemas themselves are valid draft 2020-12;
  (b) every file in tests/data/invalid/ is rejected by the schema AND by `hopscope validate`
      (exit status 1);
  (c) `hopscope validate` accepts all the example files together (exit status 0, no warnings).

Prints one line per file and ends with "N passed, M failed"; exits 1 on any failure.
"""
import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

try:
    import jsonschema
    import yaml
except ImportError as missing:  # reported as a skip by ctest (SKIP_RETURN_CODE), never a silent pass
    print(f"SKIP  the schema test needs python3-jsonschema and python3-yaml: {missing}")
    sys.exit(77)

DOC_SUFFIXES = {".yaml", ".yml", ".json"}


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML reads YAML 1.1 (yes/no/on/off are booleans, 2024-01-01 is a date, 0x10 an int).
    The C++ loader reads YAML 1.2 core scalars, and only true/false are booleans; resolve the
    same way so the schema sees the types the loader sees."""


def _yaml12_resolvers():
    bool_tag, int_tag, float_tag = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
    dropped = {bool_tag, int_tag, float_tag, "tag:yaml.org,2002:timestamp"}
    Yaml12Loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in dropped]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    Yaml12Loader.add_implicit_resolver(bool_tag, re.compile(r"^(?:true|false)$"), list("tf"))
    Yaml12Loader.add_implicit_resolver(int_tag, re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
    Yaml12Loader.add_implicit_resolver(
        float_tag, re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"), list("-+0123456789."))


_yaml12_resolvers()


def load_document(path):
    """The parsed document, or raises ValueError with the reason."""
    text = path.read_text(encoding="utf-8")
    try:
        if path.suffix == ".json":
            return json.loads(text)
        return yaml.load(text, Loader=Yaml12Loader)
    except (json.JSONDecodeError, yaml.YAMLError) as e:
        raise ValueError("does not parse: " + str(e).replace("\n", " ")) from e


def document_files(root):
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in DOC_SUFFIXES)


class Report:
    def __init__(self, source_dir):
        self.source_dir = source_dir
        self.passed = 0
        self.failed = 0

    def rel(self, path):
        try:
            return str(Path(path).relative_to(self.source_dir))
        except ValueError:
            return str(path)

    def ok(self, what, detail=""):
        self.passed += 1
        print(f"PASS  {what}" + (f"  ({detail})" if detail else ""))

    def fail(self, what, detail):
        self.failed += 1
        print(f"FAIL  {what}")
        for line in str(detail).rstrip().splitlines():
            print(f"        {line}")


def schema_errors(validators, doc):
    """(schema name, sorted error messages) for a parsed document."""
    kind = "runbook" if isinstance(doc, dict) and "runbook" in doc else "environment"
    errors = sorted(validators[kind].iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    return kind, ["/" + "/".join(map(str, e.absolute_path)) + ": " + e.message[:300] for e in errors]


def run_hopscope(binary, args):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    try:
        proc = subprocess.run([binary, "validate", *map(str, args)], capture_output=True, text=True,
                              timeout=60, env=env)
    except subprocess.TimeoutExpired:
        return None, "timed out after 60 s"
    return proc.returncode, (proc.stdout + proc.stderr).strip()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source-dir", required=True, type=Path, help="the Hopscope source tree")
    ap.add_argument("--hopscope", help="the hopscope executable; without it, only the schema checks run")
    args = ap.parse_args()
    src = args.source_dir.resolve()
    report = Report(src)

    # The schemas themselves.
    schema_dir = src / "resources" / "schemas"
    schemas = {}
    for kind in ("environment", "runbook"):
        path = schema_dir / f"{kind}.schema.json"
        what = f"schema     {report.rel(path)}"
        try:
            schemas[kind] = json.loads(path.read_text(encoding="utf-8"))
            jsonschema.Draft202012Validator.check_schema(schemas[kind])
            report.ok(what)
        except (OSError, ValueError, jsonschema.SchemaError) as e:
            report.fail(what, e)
    if len(schemas) != 2:
        print(f"{report.passed} passed, {report.failed} failed")
        return 1
    # The definitions both files carry (checks, probes, conditions ...) must not drift apart.
    env_defs, rb_defs = schemas["environment"]["$defs"], schemas["runbook"]["$defs"]
    drifted = sorted(k for k in env_defs.keys() & rb_defs.keys() if env_defs[k] != rb_defs[k])
    if drifted:
        report.fail("schema     shared $defs are identical in both schemas", "these differ: " + ", ".join(drifted))
    else:
        report.ok("schema     shared $defs are identical in both schemas",
                  f"{len(env_defs.keys() & rb_defs.keys())} shared")
    validators = {k: jsonschema.Draft202012Validator(s) for k, s in schemas.items()}

    # (a) Examples against the schema.
    examples = (document_files(src / "resources" / "examples") + document_files(src / "resources" / "templates")
                + document_files(src / "lab"))
    library = document_files(src / "runbooks" / "library")
    if not examples:
        report.fail("examples   resources/examples/", "no example files found")
    for path in examples + library:
        what = f"valid      {report.rel(path)}"
        try:
            kind, errors = schema_errors(validators, load_document(path))
        except (OSError, ValueError) as e:
            report.fail(what, e)
            continue
        if errors:
            report.fail(what, f"{kind} schema: " + "\n".join(errors))
        else:
            report.ok(what, f"{kind} schema")

    # (b) Invalid files: the schema and the loader both say no.
    invalid = document_files(src / "tests" / "data" / "invalid")
    if not invalid:
        report.fail("invalid    tests/data/invalid/", "no invalid files found")
    for path in invalid:
        what = f"invalid    {report.rel(path)}"
        try:
            kind, errors = schema_errors(validators, load_document(path))
            schema_says = f"{kind} schema: {errors[0]}" if errors else None
        except ValueError as e:
            schema_says = str(e)[:200]
        problems = []
        if not schema_says:
            problems.append("the schema accepts it")
        if args.hopscope:
            status, output = run_hopscope(args.hopscope, [path])
            if status != 1:
                problems.append(f"`hopscope validate` exited {status}, expected 1:\n{output}")
            else:
                errors_line = next((l for l in output.splitlines() if ": error: " in l), "")
                loader_says = errors_line.split(": error: ", 1)[-1]
        if problems:
            report.fail(what, "\n".join(problems))
        else:
            detail = f"schema: {schema_says}"
            if args.hopscope:
                detail += f"; hopscope: {loader_says}"
            report.ok(what, detail)

    # (c) The loader accepts every example, with remedies and tours resolved across the files.
    if args.hopscope and examples:
        together = examples + library  # the library's runbooks name the lab's variables
        what = f"hopscope   validate {len(together)} example and library files together"
        status, output = run_hopscope(args.hopscope, together)
        warnings = [l for l in output.splitlines() if ": warning: " in l]
        if status != 0:
            report.fail(what, f"exited {status}, expected 0:\n{output}")
        elif warnings:
            report.fail(what, "exited 0 but the examples should be free of warnings:\n" + "\n".join(warnings))
        else:
            report.ok(what, output.splitlines()[-1] if output else "exit 0")
    elif not args.hopscope:
        print("SKIP  hopscope validate (no --hopscope given)")

    print(f"{report.passed} passed, {report.failed} failed")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
