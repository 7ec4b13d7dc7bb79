#!/usr/bin/env bash
# Every test, Rust and Python (the README's test command; .ci/run calls it):
#   1. `cargo test` (the Rust crate: unit, integration and doc tests);
#   2. a virtual environment (.venv/, gitignored; EXPRJIT_VENV overrides)
#      with the package built from python/ (`pip install ./python`, which
#      builds the extension with maturin; cargo's dev profile unless
#      EXPRJIT_WHEEL_PROFILE says otherwise) and pytest, numpy, hypothesis,
#      dask and distributed from the package index;
#   3. pytest over python/tests/.
# Needs Rust (rustup) and Python >= 3.9 with venv; the network for crates
# and packages. PYTHON picks the interpreter (default python3).
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${EXPRJIT_VENV:-.venv}"
PYTHON="${PYTHON:-python3}"

echo "== cargo test"
cargo test

echo "== Python: virtual environment in $VENV"
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q pytest numpy hypothesis "dask[array,dataframe]" distributed

echo "== pip install ./python"
# The wheel is built with cargo's dev profile by default: `cargo test` has
# just built every dependency in it (Cranelift at opt-level 3, as the root
# Cargo.toml sets), so this takes about a minute instead of a separate
# optimized build of everything (5-8 minutes on 2 cores). The compiled
# formulas are the same code either way. EXPRJIT_WHEEL_PROFILE=release
# tests the release build that a plain `pip install ./python` makes.
PROFILE="${EXPRJIT_WHEEL_PROFILE:-dev}"
MATURIN_PEP517_ARGS="--profile $PROFILE" \
    "$VENV/bin/python" -m pip install -q --force-reinstall --no-deps ./python

echo "== pytest python/tests"
# From the repository root, so `import exprjit` is the installed package,
# not the source folder python/exprjit.
"$VENV/bin/python" -c "import exprjit, sys; print('exprjit', exprjit.__version__, 'from', exprjit.__file__, 'on Python', sys.version.split()[0])"
"$VENV/bin/pytest" -q -p no:cacheprovider python/tests
