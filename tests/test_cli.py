"""The command-line interface, run as users run it: `python -m pipeline ...` in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, SEED_ARTICLE, write


def cli(*args: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env=env,
    )


def lines(proc: subprocess.CompletedProcess) -> list[dict]:
    return [json.loads(line) for line in proc.stdout.splitlines()]


def test_clean_prints_articles_and_quarantine_rows(tmp_path):
    bad = write(tmp_path, "bad.txt", "no header here\n\nbody")
    proc = cli("clean", str(SEED_ARTICLE), str(bad))
    assert proc.returncode == 0, proc.stderr
    rows = lines(proc)
    article = next(r for r in rows if "article_id" in r)
    assert article["publication_date"] == "2025-10-17" and isinstance(article["summary"], list)
    assert len(article["summary"]) == 3
    quarantined = next(r for r in rows if "reason_code" in r)
    assert (quarantined["source_file"], quarantined["reason_code"]) == ("bad.txt", "no_header")


def test_extract_prints_event_rows_with_source_file():
    proc = cli("extract", str(SEED_ARTICLE))
    assert proc.returncode == 0, proc.stderr
    rows = lines(proc)
    assert rows and all(r["source_file"] == SEED_ARTICLE.name for r in rows)
    assert {"event_id", "event_type", "confidence", "sentence_start"} <= set(rows[0])


def test_dates_with_anchor_and_jsonl():
    proc = cli(
        "dates", "--anchor", "2025-10-17", stdin="a phone call on October 16 and talks within two weeks"
    )
    assert proc.returncode == 0, proc.stderr
    found = lines(proc)
    assert [(d["text"], d["type"], d["value"]) for d in found] == [
        ("October 16", "DATE", "2025-10-16"),
        ("within two weeks", "DURATION", "P2W"),
    ]
    assert found[1]["precision"] == "window" and found[1]["end_date"] == "2025-10-31"
    stdin = json.dumps({"id": "a", "text": "They met yesterday.", "date": "2025-10-17"}) + "\n"
    out = lines(cli("dates", "--jsonl", stdin=stdin))
    assert out == [
        {
            "id": "a",
            "dates": [
                {
                    "start": 9,
                    "end": 18,
                    "text": "yesterday",
                    "type": "DATE",
                    "value": "2025-10-16",
                    "start_date": "2025-10-16",
                    "end_date": "2025-10-16",
                    "precision": "day",
                }
            ],
        }
    ]


def test_places_plain_and_jsonl():
    proc = cli("places", stdin="Trump proposed Budapest as the site.")
    assert proc.returncode == 0, proc.stderr
    place = lines(proc)[0]
    assert (place["text"], place["country"], place["precision"]) == ("Budapest", "HUN", "city")
    assert isinstance(place["geonames_id"], int)
    out = lines(cli("places", "--jsonl", stdin=json.dumps({"id": 7, "text": "Talks in Kyiv."}) + "\n"))
    assert out[0]["id"] == 7 and out[0]["places"][0]["country"] == "UKR"


@pytest.mark.parametrize(
    ("args", "stdin"),
    [
        (("dates",), "text"),
        (("dates", "--anchor", "17/10/2025"), "text"),
        (("dates", "--jsonl"), "not json\n"),
        (("extract", "/no/such/file.txt"), None),
        (("frobnicate",), None),
    ],
)
def test_usage_errors_exit_2(args, stdin):
    proc = cli(*args, stdin=stdin)
    assert proc.returncode == 2
    assert proc.stderr.strip()


def test_process_writes_the_tables(tmp_path):
    landing = tmp_path / "in"
    write(landing, "a.txt", SEED_ARTICLE.read_text(encoding="utf-8"))
    write(landing, "empty.txt", "")
    proc = cli("process", "--input", str(landing), "--output", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "quarantine" in proc.stdout and "counts_reconcile" in proc.stdout
    for table in ("articles", "events", "event_mentions", "quarantine", "event_clusters", "actors"):
        assert list((tmp_path / "out" / "tables" / table).rglob("*.parquet")), table
    assert (tmp_path / "out" / "events.duckdb").exists()


def test_console_script_works_from_any_folder(tmp_path):
    script = Path(sys.executable).parent / "pipeline"
    if not script.exists():
        pytest.skip("the project is not installed in this interpreter's environment (run make install)")
    proc = subprocess.run(
        [str(script), "--version"], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("pipeline ")


def test_extract_reports_an_article_it_could_not_read_and_exits_1_after_the_rest(
    tmp_path, monkeypatch, capsys
):
    # In-process, with a fault injected into the extractor for one of two articles.
    from pipeline import cli as cli_module
    from pipeline import events

    good = write(tmp_path, "good.txt", "date 2025-03-02 Talks\n\nGhana and Togo signed a border agreement.\n")
    bad = write(tmp_path, "bad.txt", "date 2025-03-02 Arrests\n\nKenyan police arrested twelve protesters.\n")
    real = events.extract_article

    def faulty(article, docs):
        if article.source_file == "bad.txt":
            raise RuntimeError("injected")
        return real(article, docs)

    monkeypatch.setattr(events, "extract_article", faulty)
    monkeypatch.setenv("PIPELINE_WORKERS", "1")  # the fault is in this process: no workers
    code = cli_module.main(["extract", str(good), str(bad)])
    out, err = capsys.readouterr()
    assert code == 1
    assert {json.loads(line)["source_file"] for line in out.splitlines()} == {"good.txt"}
    assert "extraction failed on bad.txt: events could not be extracted (RuntimeError: injected)" in err
