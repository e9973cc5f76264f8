"""`specpy linearizable` end to end: verdicts, reports, exit codes 0/12/151/152."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from specpy.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "linearizable"

BAD = """\
{:process 0, :type :invoke, :f :write, :value 1}
{:process 0, :type :ok, :f :write, :value 1}
{:process 1, :type :invoke, :f :write, :value 2}
{:process 2, :type :invoke, :f :read, :value nil}
{:process 2, :type :ok, :f :read, :value 2}
{:process 1, :type :ok, :f :write, :value 2}
{:process 2, :type :invoke, :f :read, :value nil}
{:process 2, :type :ok, :f :read, :value 1}
"""


def run(*args: str | Path):
    return CliRunner().invoke(main, ["linearizable", *map(str, args)])


def test_a_stale_read_is_reported_with_the_prefix_and_the_state_it_saw(tmp_path):
    path = tmp_path / "bad.edn"
    path.write_text(BAD)
    result = run("register", path)
    assert result.exit_code == 12
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{path}: NOT linearizable (register, 4 operations, ")
    assert lines[1:] == [
        "  Longest linearizable prefix: the first 7 events (everything before line 8); linearized as",
        "      1. write(1)    process 0, lines 1–2  → the register held 1",
        "      2. write(2)    process 1, lines 3–6  → the register held 2",
        "      3. read() → 2  process 2, lines 4–5  → the register held 2",
        "  Cannot be placed: read() → 1  process 2, lines 7–8",
        "    when it returned, the register held 2",
    ]


def test_several_histories_one_verdict_each_and_a_summary():
    result = run("kv", EXAMPLES / "correct.edn", EXAMPLES / "correct.jsonl", EXAMPLES / "buggy.edn", "--quiet")
    assert result.exit_code == 12
    lines = result.output.splitlines()
    assert [l.split(" (")[0] for l in lines[:3]] == [
        f"{EXAMPLES / 'correct.edn'}: linearizable",
        f"{EXAMPLES / 'correct.jsonl'}: linearizable",
        f"{EXAMPLES / 'buggy.edn'}: NOT linearizable",
    ]
    assert lines[3] == "3 histories: 2 linearizable, 1 not linearizable, 0 unknown, 0 malformed"
    assert run("kv", EXAMPLES / "correct.edn", EXAMPLES / "correct.jsonl").exit_code == 0


def test_json_output(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text("".join(json.dumps({"process": p, "type": t, "f": f, "value": v}) + "\n" for p, t, f, v in [
        (0, "invoke", "write", 1), (0, "ok", "write", 1), (0, "invoke", "read", None), (0, "ok", "read", 2)]))
    result = run("register", path, "--json")
    assert result.exit_code == 12
    out = json.loads(result.stdout)
    assert out["result"] == "not-linearizable" and out["model"] == "register"
    (h,) = out["histories"]
    assert (h["result"], h["operations"], h["events"], h["processes"]) == ("not-linearizable", 2, 4, 1)
    v = h["violation"]
    assert [p["description"] for p in v["prefix"]] == ["write(1)"] and v["prefix"][0]["state"] == 1
    assert v["blocked"]["description"] == "read() → 2" and v["blocked"]["line"] == 3 and v["states"] == [1]


def test_a_malformed_history_is_151_with_file_and_line(tmp_path):
    path = tmp_path / "h.edn"
    path.write_text(BAD.replace(":value 2}\n{:process 1, :type :ok", ":value 2\n{:process 1, :type :ok", 1))
    result = run("register", path, EXAMPLES / "correct.edn")
    assert result.exit_code == 151
    assert f"{path}:5:1: error[E-history-syntax]: not EDN: " in result.stderr
    # An operation the model does not have is located too.
    result = run("queue", EXAMPLES / "correct.edn")
    assert result.exit_code == 151
    assert "correct.edn:1:1: error[E-history-op]: the queue model has no operation 'get' (it has: enqueue, dequeue)" in result.stderr


def test_an_unwritable_html_file_is_refused_before_the_run(tmp_path):
    """cli/files.py: an output that cannot be written is a bad option (151), found before the run."""
    result = run("kv", EXAMPLES / "correct.edn", "--html", tmp_path / "missing" / "t.html", "--json")
    assert result.exit_code == 151 and json.loads(result.stdout)["result"] == "option-error"
    assert "--html " in result.stderr and "does not exist" in result.stderr


def test_a_bad_model_or_option_is_151():
    assert run("registr", EXAMPLES / "correct.edn").exit_code == 151
    assert run("kv", EXAMPLES / "correct.edn", "--initial", "{").exit_code == 151
    assert run("kv", EXAMPLES / "correct.edn", "--timeout", "0").exit_code == 151


def test_a_timeout_is_unknown_and_152(tmp_path):
    hard = tmp_path / "hard.jsonl"
    hard_history(hard, 22)
    result = run("register", hard, EXAMPLES / "correct.edn", "--timeout", "0.5")
    assert result.exit_code == 152
    first, second, summary = result.output.splitlines()
    assert first.startswith(f"{hard}: unknown (register, 23 operations, ") and first.endswith(
        " s): stopped by --timeout before a verdict")
    assert second == f"{EXAMPLES / 'correct.edn'}: unknown (register, 0.00 s): stopped by --timeout before a verdict"
    assert summary == "2 histories: 0 linearizable, 0 not linearizable, 2 unknown, 0 malformed"


def test_the_configuration_limit_stops_a_history_as_unknown_and_152(tmp_path):
    """The search's cache is its memory: at --max-configurations the history is undecided, never
    given a verdict, and never a MemoryError. The hard history with 8 writers caches far more than
    50 configurations before it can say "not linearizable"; the one-process example needs fewer
    than its 400 events (it is decided under the same limit)."""
    hard = tmp_path / "hard.jsonl"
    hard_history(hard, 8)
    result = run("register", hard, "--max-configurations", "50")
    assert result.exit_code == 152
    assert result.output.startswith(f"{hard}: unknown (register, 9 operations, ")
    assert result.output.rstrip().endswith("s): stopped by --max-configurations before a verdict")
    assert run("register", hard).exit_code == 12  # the same history, decided without the limit
    as_json = json.loads(run("register", hard, "--max-configurations", "50", "--json").output)
    assert as_json["result"] == "unknown" and as_json["histories"][0]["reason"] == "configuration-limit"
    assert run("register", hard, "--max-configurations", "0").exit_code == 151


def hard_history(path: Path, n: int = 400) -> None:
    """Concurrent writes of distinct values and reads of a value never written: not linearizable,
    and the search must try many orders of the writes before it can say so."""
    lines = [{"process": p, "type": "invoke", "f": "write", "value": p} for p in range(n)]
    lines += [{"process": n, "type": "invoke", "f": "read", "value": None}, {"process": n, "type": "ok", "f": "read", "value": -1}]
    lines += [{"process": p, "type": "ok", "f": "write", "value": p} for p in range(n)]
    path.write_text("".join(json.dumps(e) + "\n" for e in lines))


def wait_for_cpu(proc: subprocess.Popen, seconds: float, timeout: float = 300) -> None:
    """Wait until proc has used `seconds` of CPU: a point in its run that a loaded
    machine does not move, as a sleep of wall-clock time would."""
    ticks = os.sysconf("SC_CLK_TCK")
    deadline = time.monotonic() + timeout
    while True:
        assert proc.poll() is None, "the run ended before it could be signalled"
        fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        if (int(fields[11]) + int(fields[12])) / ticks >= seconds:  # utime + stime
            return
        assert time.monotonic() < deadline, f"{seconds} s of CPU not used in {timeout} s"
        time.sleep(0.05)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the run's CPU time from /proc")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_stops_the_run_as_unknown(tmp_path, signum):
    hard = tmp_path / "hard.jsonl"
    hard_history(hard, 22)
    proc = subprocess.Popen([sys.executable, "-m", "specpy", "linearizable", "register", str(hard), str(hard)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for_cpu(proc, 2.0)  # start-up done (under 1 s of CPU), deep in the search (22 concurrent writes: minutes of it)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 152, (out, err)
    first, second, summary = out.splitlines()
    assert first.startswith(f"{hard}: unknown (register, 23 operations, ") and first.endswith("stopped by an interrupt before a verdict")
    assert second == f"{hard}: unknown (register, 0.00 s): stopped by an interrupt before a verdict"
    assert summary == "2 histories: 0 linearizable, 0 not linearizable, 2 unknown, 0 malformed"
