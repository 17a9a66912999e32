"""CI's smoke run of the throughput benchmark: every step, on a few bundled articles. It checks that
the benchmark runs and reports each step, not how fast anything is."""

from __future__ import annotations

import re
import shutil

from benchmarks import throughput

from .conftest import ROOT


def test_throughput_benchmark_runs_every_step_on_a_few_articles(tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    for f in sorted((ROOT / "seeds").glob("*.txt"))[:4]:
        shutil.copy2(f, data / f.name)
    assert throughput.main(["-n", "3", "--data", str(data), "--incremental", "1"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()[2:]  # after the corpus line and the header
    steps = [line[:12].strip() for line in lines]
    assert re.fullmatch(r"floor x\d+", steps[0]), steps
    assert steps[1:] == [
        "extract",
        "process",
        "dagster",
        "process full",
        "process +1",
        "dagster full",
        "dagster +1",
    ]
    # Every line has a ratio to the floor and a memory figure.
    for line in lines:
        assert re.search(r"\d\.\d\d\s+\d[\d,]* MB\s+\d[\d,]* MB$", line), line


def test_throughput_benchmark_refuses_a_missing_data_folder(tmp_path, capsys):
    assert throughput.main(["--data", str(tmp_path / "nowhere")]) == 2
    assert "no data at" in capsys.readouterr().err
