"""``depositaire evaluate --jsonl``: one situation per line in, one decision per line out."""

from __future__ import annotations

import json
import subprocess
import sys

from depositaire.engine import decide

POLICE = {
    "holder": {"role": "social_worker", "institution": "cpas"},
    "recipient": {"kind": "police"},
    "request": {"kind": "informal_request"},
    "date": "2026-11-23",
}
TESTIMONY = {
    "holder": {"role": "social_worker", "institution": "cpas"},
    "recipient": {"kind": "judge"},
    "request": {"kind": "testimony", "under_oath": True},
    "date": "2026-11-23",
}


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "depositaire.cli", "evaluate", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        env={"COLUMNS": "100", "PATH": "/usr/bin:/bin"},
    )


def test_each_line_gets_the_decision_evaluate_gives_in_json(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(f"{json.dumps(POLICE)}\n\n{json.dumps(TESTIMONY)}\n", encoding="utf-8")
    proc = run("--jsonl", str(source))
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert lines == [decide(POLICE).to_dict(), decide(TESTIMONY).to_dict()]
    assert "2 lignes lues" in proc.stderr and "0 ligne en erreur" in proc.stderr
    assert "Secret : 1" in proc.stderr and "Peut parler : 1" in proc.stderr


def test_a_bad_line_is_named_by_its_number_and_the_run_goes_on():
    stdin = "\n".join(
        [
            json.dumps(POLICE),
            "{pas du json",
            json.dumps({"holder": {"role": "x"}}),
            json.dumps(TESTIMONY),
        ]
    )
    proc = run("--jsonl", "-", stdin=stdin)
    assert proc.returncode == 1
    out = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [o.get("verdict") for o in out] == ["secret", None, None, "may_disclose"]
    assert out[1]["line"] == 2 and out[2]["line"] == 3
    assert "Ligne 2 : JSON mal formé" in proc.stderr
    assert "Ligne 3 : Valeur inconnue pour « holder.role »" in proc.stderr
    assert "2 lignes en erreur" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_no_progress_bar_is_drawn_when_the_output_is_piped():
    proc = run("--jsonl", "-", stdin=json.dumps(POLICE) + "\n")
    assert proc.returncode == 0
    assert "Décisions" not in proc.stderr and "\x1b[" not in proc.stderr


def test_the_date_option_applies_to_every_line():
    proc = run("--jsonl", "-", "--date", "2016-01-01", stdin=json.dumps(POLICE) + "\n")
    assert json.loads(proc.stdout)["date"] == "2016-01-01"


def test_a_missing_file_or_two_sources_is_a_usage_error(tmp_path):
    assert run("--jsonl", str(tmp_path / "absent.jsonl")).returncode == 2
    both = run("x.yaml", "--jsonl", "-")
    assert both.returncode == 2 and "pas les deux" in both.stderr
    assert run("--jsonl", "-", "--format", "text").returncode == 2


def test_on_a_terminal_a_progress_bar_shows_the_count(tmp_path):
    import pexpect

    source = tmp_path / "in.jsonl"
    source.write_text((json.dumps(POLICE) + "\n") * 300, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    child = pexpect.spawn(
        "/bin/sh",
        ["-c", f"{sys.executable} -m depositaire.cli evaluate --jsonl {source} > {out}"],
        encoding="utf-8",
        env={"COLUMNS": "100", "PATH": "/usr/bin:/bin", "TERM": "xterm"},
        timeout=60,
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Décisions" in child.before and "300/300" in child.before
    assert len(out.read_text(encoding="utf-8").splitlines()) == 300


def test_a_bulk_run_tunes_the_collector_and_puts_it_back(tmp_path, monkeypatch, capsys):
    """The run freezes what it keeps every ``_FREEZE_EVERY`` lines and raises the first
    threshold; afterwards the collector is as it was, and the decisions are the same as
    one by one (a run of more lines than one freeze interval)."""
    import gc

    from depositaire import cli

    monkeypatch.setattr(cli, "_FREEZE_EVERY", 3)
    source = tmp_path / "in.jsonl"
    lines = [POLICE, TESTIMONY] * 4
    source.write_text("".join(json.dumps(s) + "\n" for s in lines), encoding="utf-8")
    before = gc.get_threshold()
    frozen = gc.get_freeze_count()
    seen: list[tuple[int, ...]] = []
    real_freeze = gc.freeze

    def freeze() -> None:
        seen.append(gc.get_threshold())
        real_freeze()

    monkeypatch.setattr(gc, "freeze", freeze)
    assert cli.evaluate_lines(str(source), None) == 0
    assert len(seen) == 1 + len(lines) // 3
    assert all(threshold[0] == cli._BULK_THRESHOLD for threshold in seen[1:])
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() <= frozen
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert out == [decide(s).to_dict() for s in lines]
