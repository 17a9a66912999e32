"""Throughput and memory of the pipeline against the spaCy floor, on Reuters articles.

    .venv/bin/python benchmarks/throughput.py                    # 1,000 articles, every step
    .venv/bin/python benchmarks/throughput.py -n 5000            # the whole Reuters set
    .venv/bin/python benchmarks/throughput.py -n 20              # a smoke run
    .venv/bin/python benchmarks/throughput.py --steps floor,process --scaling 500,1000,2000,5000
    .venv/bin/python benchmarks/throughput.py -n 5000 --incremental 10
    .venv/bin/python benchmarks/throughput.py --repeat 3          # three rounds, then medians

Steps, each in its own process, timed from process start to exit (model loads included):

- floor: the spaCy model as shipped (every component) alone, `nlp.pipe` over the same texts on
  every core (`n_process` = cores); its own time excludes the model load, so it is the fastest
  the parse itself can go;
- extract: `python -m pipeline extract FILES...` (read, clean, extract, print events);
- process: `python -m pipeline process` into a fresh output folder (every table, clusters,
  catalog, checks);
- dagster: `python -m assets` (what `make run` does) into a fresh output folder and instance.

Each line gives articles/s, words/s (words of title and body), the ratio to the floor's words/s,
and the peak resident memory of the largest process and of all the step's processes together
(sampled every 50 ms with psutil). `--scaling` times `process` at several corpus sizes;
`--incremental K` times adding K new articles to an output already holding N, through `process`
and through Dagster. `--repeat R` runs the steps R times, interleaved, and prints each step's
median round (ratios against the floor's median). Reuters-21578 is research-only: the files are read from
`shared/data/reuters/` (and copied into a temporary folder for `process`), never into the repository.
`tests/test_benchmarks.py` runs every step on the bundled seeds as CI's smoke run (no figures kept).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.kills import run_env  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "reuters"
STEPS = ("floor", "extract", "process", "dagster")
DAGSTER = [sys.executable, "-m", "assets"]

FLOOR = r"""
import sys, time, spacy
from pipeline.nlp import MODEL_PACKAGE
texts = [open(p, encoding="utf-8", errors="replace").read().partition("\n")[2] for p in sys.argv[2:]]
nlp = spacy.load(MODEL_PACKAGE)
start = time.perf_counter()
for _ in nlp.pipe(texts, n_process=int(sys.argv[1]), batch_size=32):
    pass
print(f"PIPE {time.perf_counter() - start:.3f}")
"""


@dataclass
class Measure:
    step: str
    articles: int
    words: int
    seconds: float
    rss_max_mb: float
    rss_sum_mb: float
    inner_seconds: float | None = None  # the floor's own pipe time

    def time(self) -> float:
        return self.inner_seconds or self.seconds

    def line(self, floor_wps: float | None) -> str:
        secs = self.time()
        wps = self.words / secs
        ratio = f"{wps / floor_wps:5.2f}" if floor_wps else "    -"
        return (
            f"{self.step:<12} {self.articles:>6} {self.words:>9,} {secs:>8.1f} s {self.articles / secs:>8.1f} "
            f"{wps:>9,.0f} {ratio}   {self.rss_max_mb:>6,.0f} MB {self.rss_sum_mb:>6,.0f} MB"
        )


HEADER = (
    f"{'step':<12} {'files':>6} {'words':>9} {'time':>10} {'art/s':>8} {'words/s':>9} "
    f"{'floor':>5}   {'max RSS':>9} {'sum RSS':>9}"
)


def sample(folder: Path, n: int) -> list[Path]:
    files = sorted(folder.glob("*.txt"), key=lambda p: int(re.sub(r"\D", "", p.stem) or 0))
    if len(files) < n:
        print(f"note: only {len(files)} files in {folder}", file=sys.stderr)
    return files[:n]


def words(files: list[Path]) -> int:
    total = 0
    for f in files:
        first, _, body = f.read_text(encoding="utf-8", errors="replace").partition("\n")
        total += len(body.split()) + max(0, len(first.split()) - 2)
    return total


def measured(cmd: list[str], env: dict | None = None, cwd: Path = ROOT) -> tuple[float, float, float, str]:
    """Run a command; (seconds, peak RSS of its largest process, peak summed RSS, stdout)."""
    start = time.perf_counter()
    # Output goes to files, not pipes: a step that prints much would block on a full pipe.
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        proc = subprocess.Popen(
            cmd, cwd=cwd, env={**os.environ, **(env or {})}, stdout=out_file, stderr=err_file
        )
        top = psutil.Process(proc.pid)
        peak_max = peak_sum = 0.0
        while proc.poll() is None:
            try:
                rss = [top.memory_info().rss] + [c.memory_info().rss for c in top.children(recursive=True)]
            except psutil.Error:
                rss = []
            if rss:
                peak_max = max(peak_max, max(rss) / 2**20)
                peak_sum = max(peak_sum, sum(rss) / 2**20)
            time.sleep(0.05)
        proc.wait()
        seconds = time.perf_counter() - start
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read(), err_file.read()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} ... failed ({proc.returncode}):\n{err.decode()[-3000:]}")
    return seconds, peak_max, peak_sum, out.decode()


def copy_inputs(files: list[Path], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for f in files:
        shutil.copy2(f, folder / f.name)
    return folder


def step_floor(files: list[Path]) -> Measure:
    cores = os.cpu_count() or 1
    secs, rss_max, rss_sum, out = measured([sys.executable, "-c", FLOOR, str(cores), *map(str, files)])
    inner = float(re.search(r"PIPE (\S+)", out).group(1))
    return Measure(f"floor x{cores}", len(files), words(files), secs, rss_max, rss_sum, inner)


def timed(name: str, files: list[Path], cmd: list[str], env: dict | None = None) -> Measure:
    """One step: the command run to its end, measured, over `files`."""
    secs, rss_max, rss_sum, _ = measured(cmd, env=env)
    return Measure(name, len(files), words(files), secs, rss_max, rss_sum)


def process_cmd(landing: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "pipeline", "process", "--input", str(landing), "--output", str(out)]


def step_extract(files: list[Path]) -> Measure:
    return timed("extract", files, [sys.executable, "-m", "pipeline", "extract", *map(str, files)])


def step_process(files: list[Path], tmp: Path, name: str = "process") -> Measure:
    landing = copy_inputs(files, tmp / f"in-{name}")
    return timed(name, files, process_cmd(landing, tmp / f"out-{name}"))


def step_dagster(files: list[Path], tmp: Path, name: str = "dagster") -> Measure:
    landing = copy_inputs(files, tmp / f"in-{name}")
    return timed(name, files, DAGSTER, run_env(landing, tmp / f"out-{name}", tmp / f"home-{name}"))


def incremental(files: list[Path], extra: list[Path], tmp: Path) -> list[Measure]:
    """Time adding `extra` to an output that already holds `files`, through process and Dagster."""
    landing = copy_inputs(files, tmp / "in-inc")
    cmd = process_cmd(landing, tmp / "out-inc")
    out = [timed("process full", files, cmd)]
    copy_inputs(extra, landing)
    out.append(timed(f"process +{len(extra)}", extra, cmd))
    dlanding = copy_inputs(files, tmp / "in-dinc")
    env = run_env(dlanding, tmp / "out-dinc", tmp / "home-dinc")
    out.append(timed("dagster full", files, DAGSTER, env))
    copy_inputs(extra, dlanding)
    out.append(timed(f"dagster +{len(extra)}", extra, DAGSTER, env))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=1000, help="articles (default 1,000; Reuters has 5,000)")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--steps", default=",".join(STEPS), help=f"comma-separated, of {', '.join(STEPS)}")
    parser.add_argument("--scaling", default="", help="comma-separated corpus sizes to time `process` at")
    parser.add_argument("--incremental", type=int, default=0, help="time adding K articles to N")
    parser.add_argument(
        "--repeat", type=int, default=1, help="rounds of the steps (interleaved), then their medians"
    )
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"no data at {args.data}: the Reuters files live in shared/data/reuters/", file=sys.stderr)
        return 2
    steps = [s for s in args.steps.split(",") if s]
    unknown = set(steps) - set(STEPS)
    if unknown:
        parser.error(f"unknown steps {sorted(unknown)}")
    files = sample(args.data, args.n)
    if args.incremental and len(sample(args.data, args.n + args.incremental)) < args.n + args.incremental:
        parser.error(f"--incremental {args.incremental} needs {args.n + args.incremental} files: lower -n")
    print(
        f"{len(files)} articles from {args.data}, {words(files):,} words, {os.cpu_count()} cores", flush=True
    )
    print(HEADER, flush=True)
    floor_wps = None
    rounds: dict[str, list[Measure]] = {}
    with tempfile.TemporaryDirectory(prefix="throughput-") as tmp_name:
        tmp = Path(tmp_name)
        # Rounds interleave the steps, so that a machine that speeds up or slows down meanwhile
        # (a shared one does, by a third) weighs on every step alike.
        for r in range(args.repeat):
            here = tmp / f"round-{r}"
            for step in steps:
                if step == "floor":
                    m = step_floor(files)
                    floor_wps = m.words / m.inner_seconds
                elif step == "extract":
                    m = step_extract(files)
                elif step == "process":
                    m = step_process(files, here)
                else:
                    m = step_dagster(files, here)
                rounds.setdefault(step, []).append(m)
                print(m.line(floor_wps), flush=True)
        if args.repeat > 1 and rounds:
            print(f"median of {args.repeat} rounds:", flush=True)
            median = {step: sorted(ms, key=Measure.time)[len(ms) // 2] for step, ms in rounds.items()}
            floor = median.get("floor")
            for m in median.values():
                print(m.line(floor.words / floor.time() if floor else None), flush=True)
        for size in [int(s) for s in args.scaling.split(",") if s]:
            print(
                step_process(sample(args.data, size), tmp, name=f"process@{size}").line(floor_wps), flush=True
            )
        if args.incremental:
            extra = sample(args.data, args.n + args.incremental)[args.n :]
            for m in incremental(files, extra, tmp):
                print(m.line(floor_wps), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
