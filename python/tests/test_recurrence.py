"""exprjit.recurrence: the Euler loop, trajectories, ensembles, inputs."""

import math

import numpy as np
import pytest

import exprjit
from conftest import bits

SEED = {"y": "y + h*y**2*cos(t+y)"}


def euler_py(y, h, steps, first=0):
    """The seed page's Euler loop in plain Python (the reference)."""
    for i in range(first, first + steps):
        t = i * h
        y = y + h * y * y * math.cos(t + y)
    return y


def test_the_seed_euler_loop_gives_the_published_value():
    got = exprjit.recurrence(SEED, init={"y": 1.0}, steps=1_000_000, define={"t": "i*h"}, params={"h": 0.001})
    assert got == 0.09364552406713246


def test_euler_matches_a_python_loop():
    got = exprjit.recurrence(SEED, init={"y": 1.0}, steps=20_000, define={"t": "i*h"}, params={"h": 0.001})
    assert got == pytest.approx(euler_py(1.0, 0.001, 20_000), rel=1e-13)


def test_every_k_keeps_the_initial_and_every_kth_state():
    traj = exprjit.recurrence(SEED, init={"y": 1.0}, steps=1000, define={"t": "i*h"}, params={"h": 0.01}, every=100)
    assert traj.shape == (11,)
    assert traj[0] == 1.0
    ref = [1.0]
    y = 1.0
    for r in range(10):
        y = euler_py(y, 0.01, 100, first=r * 100)
        ref.append(y)
    np.testing.assert_allclose(traj, ref, rtol=1e-13)


def test_long_runs_in_pieces_equal_the_whole(monkeypatch):
    # 5e6 steps run as several pieces (Ctrl-C checks between them); the kept
    # states at every 1e6 steps equal the last states of shorter runs.
    kw = dict(init={"y": 1.0}, define={"t": "i*h"}, params={"h": 1e-6})
    traj = exprjit.recurrence(SEED, steps=5_000_000, every=1_000_000, **kw)
    for k in range(1, 6):
        last = exprjit.recurrence(SEED, steps=k * 1_000_000, **kw)
        assert last == traj[k]


def test_several_states_give_a_dict():
    # a rotation: x, y on the unit circle
    upd = {"x": "x*c - y*s", "y": "x*s + y*c"}
    d = exprjit.recurrence(upd, init={"x": 1.0, "y": 0.0}, steps=1000, params={"c": math.cos(0.001), "s": math.sin(0.001)})
    assert set(d) == {"x", "y"}
    assert d["x"] == pytest.approx(math.cos(1.0), abs=1e-12)
    assert d["y"] == pytest.approx(math.sin(1.0), abs=1e-12)
    tr = exprjit.recurrence(upd, init={"x": 1.0, "y": 0.0}, steps=10, params={"c": 0.0, "s": 1.0}, every=1)
    assert tr["x"].shape == (11,)
    np.testing.assert_array_equal(tr["x"][:5], [1, 0, -1, 0, 1])


def test_per_step_inputs():
    u = np.arange(100.0)
    got = exprjit.recurrence({"acc": "acc + u"}, init={"acc": 0.0}, steps=100, inputs={"u": u})
    assert got == u.sum()
    with pytest.raises(ValueError, match="`u`"):
        exprjit.recurrence({"acc": "acc + u"}, init={"acc": 0.0}, steps=101, inputs={"u": u})
    with pytest.raises(ValueError, match="1-D"):
        exprjit.recurrence({"acc": "acc + u"}, init={"acc": 0.0}, steps=4, inputs={"u": np.zeros((2, 2))})


def test_ensembles_equal_single_runs_and_do_not_depend_on_threads():
    y0 = np.linspace(0.5, 1.5, 7)
    h = np.array([[0.001], [0.002]])  # broadcasts to (2, 7)
    kw = dict(define={"t": "i*h"}, steps=20_000)
    one = exprjit.recurrence(SEED, init={"y": y0}, params={"h": h}, threads=1, **kw)
    two = exprjit.recurrence(SEED, init={"y": y0}, params={"h": h}, threads=2, **kw)
    assert one.shape == (2, 7)
    assert np.array_equal(bits(one), bits(two))
    for r in range(2):
        for c in range(7):
            single = exprjit.recurrence(SEED, init={"y": y0[c]}, params={"h": h[r, 0]}, **kw)
            assert single == one[r, c]


def test_bad_arguments_are_errors_naming_them():
    with pytest.raises(ValueError, match="`y`"):
        exprjit.recurrence(SEED, init={}, steps=1, define={"t": "i*h"}, params={"h": 1.0})
    with pytest.raises(ValueError, match="`z`"):
        exprjit.recurrence(SEED, init={"y": 1.0, "z": 2.0}, steps=1, define={"t": "i*h"}, params={"h": 1.0})
    with pytest.raises(exprjit.FormulaError, match="`h`"):
        exprjit.recurrence(SEED, init={"y": 1.0}, steps=1, define={"t": "i*h"})
    with pytest.raises(ValueError, match="every"):
        exprjit.recurrence(SEED, init={"y": 1.0}, steps=1, define={"t": "i*h"}, params={"h": 1.0}, every=0)
    with pytest.raises(exprjit.FormulaError):
        exprjit.recurrence({"y": "y +"}, init={"y": 1.0}, steps=1)
    with pytest.raises(TypeError):
        exprjit.recurrence({"y": 3}, init={"y": 1.0}, steps=1)
    with pytest.raises(MemoryError):
        exprjit.recurrence({"y": "y"}, init={"y": 1.0}, steps=10**18, every=1)


def test_cached_recurrences_take_new_values():
    # The compiled recurrence is kept by its formulas; values are per call.
    upd = {"y": "y*a + u"}
    one = exprjit.recurrence(upd, init={"y": 1.0}, steps=3, params={"a": 2.0}, inputs={"u": np.zeros(3)})
    two = exprjit.recurrence(upd, init={"y": 3.0}, steps=3, params={"a": 1.0}, inputs={"u": np.ones(3)})
    assert (one, two) == (8.0, 6.0)
