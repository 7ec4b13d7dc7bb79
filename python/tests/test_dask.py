"""A Formula pickles, so it runs inside dask on a distributed cluster of
worker processes, with the same bits as one process."""

import os

import numpy as np
import pytest

import exprjit

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

N = 10_000_000


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def test_seed_formula_on_two_worker_processes_equals_one_process(client):
    pids = set(client.run(os.getpid).values())
    assert len(pids) == 2 and os.getpid() not in pids
    f = exprjit.compile("y + h*y^2*cos(t+y)", ["y", "t", "h"])
    y = da.linspace(0.5, 1.5, N, chunks=1_000_000)
    t = da.linspace(0.0, 10.0, N, chunks=1_000_000)
    with distributed.get_task_stream(client) as tasks:
        on_cluster = da.map_blocks(f, y, t, h=0.001, dtype=np.float64).compute()
    single = f(y.compute(scheduler="sync"), t.compute(scheduler="sync"), 0.001)
    assert on_cluster.shape == (N,)
    assert np.array_equal(on_cluster.view(np.int64), single.view(np.int64))
    # Both worker processes ran exprjit's tasks.
    ran_formula = {t["worker"] for t in tasks.data if "Formula" in str(t["key"])}
    assert len(ran_formula) == 2


def test_reductions_of_chunks_on_the_cluster(client):
    f = exprjit.compile("x*x")
    x = da.arange(1_000_000, chunks=250_000) / 1e6
    parts = x.map_blocks(lambda b: np.array([f.sum(b)]), chunks=(1,), dtype=np.float64)
    total = parts.sum().compute()
    assert total == pytest.approx(((np.arange(1_000_000) / 1e6) ** 2).sum(), rel=1e-12)


def test_dataframe_map_partitions(client):
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    f = exprjit.compile("a*b + 1", ["a", "b"])
    df = pd.DataFrame({"a": np.arange(1000.0), "b": np.linspace(0, 1, 1000)})
    ddf = dd.from_pandas(df, npartitions=4)
    got = ddf.map_partitions(lambda p: pd.Series(f(p["a"].to_numpy(), p["b"].to_numpy()), index=p.index)).compute()
    np.testing.assert_allclose(got.to_numpy(), df["a"] * df["b"] + 1, rtol=1e-15)
