"""The GIL is released while compiled code runs; Ctrl-C interrupts."""

import os
import signal
import subprocess
import sys
import threading

import numpy as np

import exprjit


def test_two_python_threads_are_inside_compiled_code_at_once():
    # Each thread runs kernels of ~10 ms for a while; exprjit counts the
    # calls inside compiled code with the GIL released. Holding the GIL
    # would keep that count at 1.
    x = np.linspace(0, 1, 2_000_000)
    f = exprjit.compile("sin(x)*cos(x) + exp(-x)")
    barrier = threading.Barrier(2)

    def work():
        barrier.wait()
        for _ in range(10):
            f(x, threads=1)

    exprjit._exprjit.inside_peak()  # reset
    ts = [threading.Thread(target=work) for _ in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert exprjit._exprjit.inside_peak() == 2


CHILD = r"""
import signal, sys, exprjit
# Python's own Ctrl-C handler, as in an interactive session: a process
# started in the background by a non-interactive shell (as CI may run
# this) inherits SIGINT ignored, and Python then installs no handler.
signal.signal(signal.SIGINT, signal.default_int_handler)
print("ready", flush=True)
# About 10^12 steps: hours, unless Ctrl-C stops it.
exprjit.recurrence({"y": "y + 1e-9*sin(y)"}, init={"y": 1.0}, steps=10**12)
print("finished", flush=True)
"""


def test_ctrl_c_interrupts_a_long_run():
    p = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "ready"
        threading.Event().wait(0.5)  # let it enter the recurrence
        os.kill(p.pid, signal.SIGINT)
        out, err = p.communicate(timeout=60)
    finally:
        if p.poll() is None:
            p.kill()
    assert "KeyboardInterrupt" in err
    assert "finished" not in out
