#!/usr/bin/env bash
# Builds the libFuzzer target in its own clang build dir and fuzzes the loaders for a bounded
# time. On a crash, leak, timeout or OOM it prints the input (path and base64, so it survives a
# CI log) and exits non-zero; keep that input in tests/fuzz/regressions/ once it is fixed.
# Usage: run_fuzz.sh [--source DIR] [--build DIR] [--seconds N] [-- extra libFuzzer flags]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$(cd "$here/../.." && pwd)"
build="$src/build/fuzz"
seconds=60
while [[ $# -gt 0 ]]; do
    case "$1" in
        --source) src="$2"; shift 2 ;;
        --build) build="$2"; shift 2 ;;
        --seconds) seconds="$2"; shift 2 ;;
        --) shift; break ;;
        *) echo "usage: $0 [--source DIR] [--build DIR] [--seconds N] [-- libFuzzer flags]" >&2; exit 2 ;;
    esac
done

command -v clang++ >/dev/null || { echo "clang++ not found: run scripts/setup" >&2; exit 1; }

# The same settings as the "fuzz" preset, but in a build dir we choose (the preset's is fixed).
cmake -S "$src" -B "$build" -G Ninja \
    -DCMAKE_CXX_COMPILER=clang++ -DHOPSCOPE_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer" >/dev/null
cmake --build "$build" --target fuzz_loader

work="$(mktemp -d "${TMPDIR:-/tmp}/hopscope-fuzz.XXXXXX")"
keep_work=0
cleanup() { if [[ $keep_work -eq 0 ]]; then rm -rf "$work"; fi; }
trap cleanup EXIT
mkdir -p "$work/corpus" "$work/artifacts"

# Seeds are real files, so the fuzzer starts from inputs that reach deep into the loaders.
# Each copy is prefixed with its folder so same-named files from different folders survive.
for dir in resources/examples tests/data tests/fuzz/regressions; do
    [[ -d "$src/$dir" ]] || continue
    while IFS= read -r -d '' f; do
        cp "$f" "$work/corpus/${dir//\//_}_$(basename "$f")"
    done < <(find "$src/$dir" -type f ! -name '.*' -print0)
done
echo "seed corpus: $(find "$work/corpus" -type f | wc -l) files"

dict=()
if [[ -f "$here/dict/yaml.dict" ]]; then
    dict=(-dict="$here/dict/yaml.dict")
fi

# UBSan only reports and goes on by default; halting makes libFuzzer keep the input.
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export ASAN_OPTIONS="detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
status=0
"$build/tests/fuzz/fuzz_loader" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$work/artifacts/" "${dict[@]}" "$@" \
    "$work/corpus" </dev/null || status=$?

if [[ $status -ne 0 ]]; then
    keep_work=1
    echo "FUZZ FAILURE (libFuzzer exit $status). Inputs kept in $work/artifacts:"
    for f in "$work/artifacts"/*; do
        [[ -f "$f" ]] || continue
        echo "--- $f ($(stat -c %s "$f") bytes), base64:"
        base64 -w 76 "$f"
    done
    echo "Reproduce: $build/tests/fuzz/fuzz_loader <input>"
    exit 1
fi
echo "No crash in ${seconds}s of fuzzing."
