"""`gilbench snippets`: code blocks found in a Markdown note, run on a real interpreter, comments vs output."""
import json
import subprocess
import sys
import time

import pytest
from _helpers import child_env

from bench.snippets import backend
from bench.snippets.compare import compare, matches
from bench.snippets.execute import Column, run_block, statement_outputs
from bench.snippets.extract import WHOLE_OUTPUT, blocks_of
from bench.snippets.render import render, summary_counts
from bench.snippets.runner import run_note

# A small note in the shapes the study note uses: top-level and list-item fences, a nested list,
# a tilde fence, a transcript labelled bash, own-line and trailing comments, a networked block.
NOTE = '''# A note

```python
print(1 + 1)  # 2
print("a")    # 출력: b
```

- an item

  ```python
  import sys
  raise ValueError("boom")
  ```

  1. nested

     ```py
     while True:
         pass
     ```

```c
int a = 1;
```

~~~bash
>>> x = 2
>>> print(x)  # 2
>>> x + 1
4
>>> for i in range(2):
...     print(i)
...
0
1
~~~

```python
print("the end")
# 출력: the end
```

```python
from elasticsearch import Elasticsearch
es = Elasticsearch("127.0.0.1:9200")
```

```python
print(1)
print("x")
"""
1
y
"""
```
'''

HOST = Column("host", sys.executable)


@pytest.fixture
def blocks():
    return blocks_of(NOTE)


def test_every_fence_is_found_with_its_line_language_and_kind(blocks):
    assert [(b.number, b.line, b.language, b.kind) for b in blocks] == [
        (1, 3, "python", "script"), (2, 10, "python", "script"), (3, 17, "py", "script"),
        (4, 22, "c", "not Python"), (5, 26, "bash", "console"), (6, 38, "python", "script"),
        (7, 43, "python", "script"), (8, 48, "python", "script")]


def test_the_fence_indentation_is_removed_and_no_more(blocks):
    assert blocks[1].source == 'import sys\nraise ValueError("boom")\n'
    assert blocks[2].source == "while True:\n    pass\n"
    assert blocks[1].first_line == "import sys"


def test_a_transcript_splits_into_statements_and_shown_output(blocks):
    console = blocks[4]
    assert [(s.line, s.code, s.shown) for s in console.statements()] == [
        (27, ["x = 2"], []), (28, ["print(x)  # 2"], []), (29, ["x + 1"], ["4"]),
        (31, ["for i in range(2):", "    print(i)", ""], ["0", "1"])]
    assert console.console_input() == "x = 2\nprint(x)  # 2\nx + 1\nfor i in range(2):\n    print(i)\n\n"


def test_comments_that_say_what_a_line_prints(blocks):
    assert [(e.line, e.code, e.expected, e.index) for e in blocks[0].expectations()] == [
        (4, "print(1 + 1)", "2", 0), (5, 'print("a")', "b", 1)]
    assert [(e.line, e.expected) for e in blocks[5].expectations()] == [(39, "the end")]
    assert [(e.line, e.expected, e.index) for e in blocks[4].expectations()] == [
        (28, "2", 1), (29, "4", 2), (31, "0\n1", 3)]
    assert blocks[1].expectations() == []


@pytest.mark.parametrize("expected,printed,same", [
    ("2", "2", True), ("0.459784...", "0.4597841234", True), ("0.459784...", "0.91", False),
    ("3(foo가 선언될 때 1번)", "3", True), ("0 1 4 9", "0", False), ("[42, None]", "[42", False),
    ("0\n1", "0\n1\n", True), ("IMapIterator", "IMapUnorderedIterator", False)])
def test_matching_a_comment_to_an_output(expected, printed, same):
    assert matches(expected, printed) is same


def test_a_script_runs_and_its_comments_are_compared(blocks):
    run = run_block(blocks[0], HOST, 60)
    assert (run.outcome, run.exit_code, run.stdout) == ("ok", 0, "2\na\n")
    rows = compare(blocks[0], run)
    assert [(r["printed"], r["verdict"]) for r in rows] == [("2", "same"), ("a", "differs")]


def test_a_closing_docstring_of_a_printing_block_is_its_shown_output(blocks):
    (shown,) = blocks[7].expectations()
    assert (shown.line, shown.expected, shown.index) == (51, "1\ny", WHOLE_OUTPUT)
    run = run_block(blocks[7], HOST, 60)
    (row,) = compare(blocks[7], run)
    assert (row["printed"], row["verdict"], row["first_difference"]) == ("1\nx", "differs", "output line 2: x")
    # A block that prints nothing and ends with a string is explaining, not showing output.
    assert blocks_of('```python\na = 1\n"""\n1\n"""\n```\n')[0].expectations() == []


def test_a_failing_block_reports_the_last_line_of_its_traceback(blocks):
    run = run_block(blocks[1], HOST, 60)
    assert (run.outcome, run.detail, run.exit_code) == ("fail", "ValueError: boom", 1)


def test_a_block_that_never_ends_is_stopped_at_the_time_limit(blocks):
    run = run_block(blocks[2], HOST, 1.5)
    assert (run.outcome, run.detail, run.exit_code) == ("timeout", "timed out after 1.5 s", None)


def test_a_timed_out_block_leaves_no_process_behind(tmp_path):
    pid_file = tmp_path / "child.pid"
    block = blocks_of('```python\nimport subprocess, sys, time\n'
                      'p = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])\n'
                      'open(%r, "w").write(str(p.pid))\ntime.sleep(120)\n```\n' % str(pid_file))[0]
    assert run_block(block, HOST, 5).outcome == "timeout"
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid), "the block's child %d outlived the block" % pid


def _alive(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_transcript_runs_as_an_interactive_session(blocks):
    run = run_block(blocks[4], HOST, 60)
    assert run.outcome == "ok", run.detail
    assert run.outputs == ["", "2\n", "3\n", "0\n1\n"]
    rows = compare(blocks[4], run)
    assert [(r["line"], r["printed"], r["verdict"]) for r in rows] == [
        (28, "2", "same"), (29, "3", "differs"), (31, "0\n1", "same")]


def test_an_exception_in_a_session_is_a_failure_with_its_line():
    block = blocks_of("```\n>>> x = 1\n>>> 1/0\n>>> x\n1\n```\n")[0]
    run = run_block(block, HOST, 60)
    assert (run.outcome, run.detail) == ("fail", "line 3: ZeroDivisionError: division by zero")
    assert [r["verdict"] for r in compare(block, run)] == ["same"]  # the session went on


def test_prompts_split_a_session_into_each_statements_output():
    assert statement_outputs(">>> >>> 2\n>>> ... ... 0\n1\n>>> ", 3) == ["", "2\n", "0\n1\n"]
    assert statement_outputs(">>> ", 2) == ["", ""]


def test_a_networked_block_needs_the_backend_unless_es_url_is_set(blocks):
    es = blocks[6]
    assert backend.needs_backend(es.source) and not backend.needs_backend(blocks[0].source)
    run = run_block(es, HOST, 60, environ={})
    assert (run.outcome, run.detail) == ("needs-backend", "needs the I/O backend (set ES_URL)")
    # The note's own spelling is kept; only host:port moves to the backend's.
    assert backend.point_at_backend(es.source, "http://10.0.0.5:9201") == (
        'from elasticsearch import Elasticsearch\nes = Elasticsearch("10.0.0.5:9201")\n')
    assert backend.point_at_backend(es.source, "http://127.0.0.1:9200") == es.source


def test_the_note_on_the_host_python_in_markdown_and_json(tmp_path):
    note = tmp_path / "note.md"
    note.write_text(NOTE, encoding="utf-8")
    result = run_note(note, [HOST], 1.5, environ={})
    assert summary_counts(result) == {"host": {"ok": 4, "fail": 1, "timeout": 1, "needs-backend": 1}}
    md = render(result, "md")
    for block in blocks_of(NOTE):
        assert "| %d " % block.number in md and "| %d " % block.line in md
    assert "**fail**: ValueError: boom" in md and "timed out after 1.5 s" in md and "✗ a" in md
    data = json.loads(render(result, "json"))
    assert [b["runs"]["host"]["outcome"] for b in data["blocks"]] == [
        "ok", "fail", "timeout", "not-python", "ok", "ok", "needs-backend", "ok"]


def test_the_command_end_to_end_and_bad_input(tmp_path):
    note = tmp_path / "note.md"
    note.write_text("```python\nprint(6 * 7)  # 42\n```\n", encoding="utf-8")
    env = child_env(ES_URL=None)
    cmd = [sys.executable, "-m", "bench", "snippets", str(note), "--pythons", sys.executable, "--format", "json"]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                          timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    block = json.loads(proc.stdout)["blocks"][0]
    # A free-threaded interpreter gets two columns (GIL off, and PYTHON_GIL=1), as in the matrix.
    assert 1 <= len(block["runs"]) <= 2
    for column in block["runs"]:
        assert block["comparisons"][column] == [
            {"line": 2, "code": "print(6 * 7)", "expected": "42", "printed": "42", "verdict": "same"}]
    for bad in (["snippets", str(tmp_path / "missing.md")], ["snippets", str(note), "--timeout", "0"]):
        proc = subprocess.run([sys.executable, "-m", "bench"] + bad, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, universal_newlines=True, timeout=60, env=env)
        assert proc.returncode == 2 and proc.stderr.count("\n") == 1, proc.stderr
        assert proc.stderr.startswith("gilbench: error: ")


def _writer(mib, stream="stdout", then=""):
    return blocks_of('```python\nimport sys\nchunk = "x" * (1 << 20)\nfor _ in range(%d):\n'
                     '    sys.%s.write(chunk)\n%s```\n' % (mib, stream, then))[0]


def test_a_block_that_prints_a_lot_is_read_in_part_and_says_where_it_was_cut():
    run = run_block(_writer(10), HOST, 60)
    assert (run.outcome, run.exit_code) == ("ok", 0)
    assert run.note == "output cut at 4 MiB (10 MiB written)"
    assert run.stdout.startswith("x" * 4000) and run.stdout.endswith(
        "\n[... output cut: 10 MiB written, the first 4 MiB read]")


def test_a_block_whose_output_passes_the_cap_is_stopped():
    # 100 MiB asked for, stopped at 8 MiB: its next write fails, and it ends there.
    block = _writer(100, then='open("finished", "w").close()\n')
    run = run_block(block, HOST, 60, max_output=8 << 20)
    assert (run.outcome, run.detail) == ("fail", "output over 8 MiB: stopped")
    assert run.note.startswith("output cut at 4 MiB (8") and "BrokenPipeError" in run.stderr


def test_the_error_at_the_end_of_a_long_stderr_is_still_found():
    run = run_block(_writer(6, "stderr", then='raise ValueError("at the end")\n'), HOST, 60)
    assert (run.outcome, run.detail) == ("fail", "ValueError: at the end")
    assert run.note == "output cut at 4 MiB (6 MiB written)"


def test_a_transcript_that_prints_a_lot_is_cut_too():
    block = blocks_of('```\n>>> import sys\n>>> n = sys.stdout.write("y" * (5 << 20))\n>>> 1 + 1\n2\n```\n')[0]
    run = run_block(block, HOST, 60)
    assert run.outcome == "ok", run.detail
    assert run.note.startswith("output cut at 4 MiB (5") and run.outputs[2] == "2\n"


def test_the_commands_help_states_the_output_caps():
    import argparse

    from bench.cli import snippets as cli
    from bench.snippets import execute

    parser = cli.register(argparse.ArgumentParser().add_subparsers())
    assert "the first %d MiB and the last %d KiB per stream are kept" % (
        execute._READ_BYTES >> 20, execute._TAIL_BYTES >> 10) in parser.description
    assert "more than %d MiB on a stream is stopped" % (execute.MAX_OUTPUT_BYTES >> 20) in parser.description


def test_pythons_that_name_no_interpreter_say_so(tmp_path):
    note = tmp_path / "note.md"
    note.write_text("```python\nprint(1)\n```\n", encoding="utf-8")
    for value in (",,", " , ", ""):
        proc = subprocess.run([sys.executable, "-m", "bench", "snippets", str(note), "--pythons", value],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=60,
                              env=child_env(ES_URL=None))
        assert proc.returncode == 2 and proc.stdout == "", proc.stderr
        assert proc.stderr == ("gilbench: error: --pythons %r names no interpreter: give ids or paths, e.g. "
                               "--pythons 3.12,3.13t\n" % value)


def test_pythons_items_are_stripped_of_spaces(monkeypatch, tmp_path, capsys):
    from bench.cli import main
    from bench.interpreters import discover

    asked = []

    def resolve(names):
        asked.append(names)
        raise discover.InterpreterError("stop here")

    monkeypatch.setattr(discover, "resolve", resolve)
    note = tmp_path / "note.md"
    note.write_text("```python\nprint(1)\n```\n", encoding="utf-8")
    assert main(["snippets", str(note), "--pythons", " 3.12 , ,3.13t "]) == 2
    assert asked == [["3.12", "3.13t"]]
    assert capsys.readouterr().err == "gilbench: error: stop here\n"
