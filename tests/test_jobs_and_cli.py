"""The console command and the periodic-job scheduler behind `lianfang worker`."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.utils import timezone

from lianfang.audit.models import AuditEntry
from lianfang.core import jobs
from lianfang.core.models import PeriodicJobState


def test_periodic_job_is_claimed_once_per_interval(db: None) -> None:
    job = jobs.PERIODIC_JOBS[0]
    now = timezone.now()
    assert jobs.claim_due(job, now) is True
    assert jobs.claim_due(job, now + dt.timedelta(minutes=5)) is False
    assert jobs.claim_due(job, now + job.every) is True
    assert PeriodicJobState.objects.get(name=job.name).last_enqueued_at == now + job.every


def test_worker_batch_runs_the_audit_check_job(
    transactional_db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # The real path: the scheduler enqueues into django-tasks-db and the database worker runs it.
    call_command("worker", "--batch", "--verbosity", "0")
    assert "verify_audit_chain" in capsys.readouterr().out
    entry = AuditEntry.objects.get(object_type="audit.chain")
    assert json.loads(entry.after) == {"ok": True, "checked": 0, "problem": ""}
    call_command("worker", "--batch", "--verbosity", "0")
    assert AuditEntry.objects.filter(object_type="audit.chain").count() == 1  # not due again yet


def test_worker_lists_jobs(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("worker", "--list-jobs")
    assert "verify_audit_chain" in capsys.readouterr().out


def test_console_help_lists_operator_commands() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "lianfang.cli", "--help"], capture_output=True, text=True, check=True
    )
    for command in ("demo", "serve", "worker", "import org", "audit verify", "backup", "restore"):
        assert command in out.stdout


def test_serve_defaults_two_processes_per_core_and_two_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    from lianfang.core.management.commands import serve

    monkeypatch.delenv("LIANFANG_WORKERS", raising=False)
    monkeypatch.delenv("LIANFANG_THREADS", raising=False)
    monkeypatch.setattr(serve.os, "cpu_count", lambda: 3)
    assert (serve.default_workers(), serve.default_threads()) == (6, 2)
    monkeypatch.setattr(serve.os, "cpu_count", lambda: None)  # unknown: still two processes
    assert serve.default_workers() == 2
    monkeypatch.setenv("LIANFANG_WORKERS", "5")
    monkeypatch.setenv("LIANFANG_THREADS", "8")
    assert (serve.default_workers(), serve.default_threads()) == (5, 8)


def test_serve_passes_its_defaults_to_gunicorn(monkeypatch: pytest.MonkeyPatch) -> None:
    from lianfang.core.management.commands import serve

    monkeypatch.setenv("LIANFANG_WORKERS", "3")
    monkeypatch.delenv("LIANFANG_THREADS", raising=False)
    started: list[tuple[str, int, int, int]] = []
    monkeypatch.setattr(serve, "run_gunicorn", lambda *a: started.append(a))
    call_command("serve", "--bind", "127.0.0.1:0")
    assert started == [("127.0.0.1:0", 3, 2, 60)]
