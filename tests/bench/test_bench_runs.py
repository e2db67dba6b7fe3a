"""`make bench` at a tiny size, so that the runner cannot rot: it must run every scenario
without a failed request and write its JSON. Figures are printed, never asserted."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_the_bench_runs_every_scenario_at_a_tiny_size(tmp_path):
    name = settings.DATABASES["default"]["NAME"].removeprefix("test_")
    out = tmp_path / "results.json"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "BENCH_DATABASE": f"{name}_bench_test",  # never the database of a real bench run
        "BENCH_OUT": str(out),
        "BENCH_CASES": "200",
        "BENCH_CONCURRENCY": "2",
        "BENCH_SECONDS": "2",
        "BENCH_REQUESTS": "2",
        "BENCH_INTAKE_REQUESTS": "10",
        "BENCH_EXPORT_ROWS": "50",
        "BENCH_DUE": "5",
        "BENCH_CONTACTS": "100",
        "BENCH_CHECK_CONTACTS": "20",
        "BENCH_IMPORT_BATCH": "5",
        "BENCH_INPROCESS_REQUESTS": "5",
        "BENCH_INPROCESS_IMPORT_BATCHES": "2",
        "BENCH_PROFILE": "1",  # the profile printout too
        "BENCH_PROFILE_LINES": "5",
        "BENCH_ROTATE_ROWS": "50",
        "BENCH_ROTATE_FILES": "2",
        "BENCH_ROTATE_FILE_MB": "0.1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run = subprocess.run([sys.executable, "-m", "tests.bench"], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=850, check=False)
    print(run.stdout[-20000:], run.stderr[-5000:])

    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(out.read_text())
    assert {r["group"] for r in report["results"]} >= {"intake", "list", "queue", "pages", "export", "sweep", "conduct",
                                                            "keys"}
    assert [r["name"] for r in report["results"] if r["failures"]] == []
