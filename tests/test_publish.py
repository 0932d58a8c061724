"""gilbench publish: a results folder rendered into the committed folder, and its table into a README.

Rendered from the recorded results of a real matrix run (tests/fixtures/matrix-gil; README there).
"""
from pathlib import Path
import json
import os
import re
import shutil
import subprocess
import pytest

from bench.publish import folder

_RECORDED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "matrix-gil")


def _readme(tmp_path, between="old table\n"):
    path = tmp_path / "README.md"
    path.write_text("# project\n\n```\nmake bench\nmake test\n```\n\n" + folder.BEGIN + "\n" + between
                    + folder.END + "\n\n## More\n")
    return path


def test_publish_writes_every_format_and_the_raw_files(tmp_path):
    dest = tmp_path / "docs" / "results"
    readme = _readme(tmp_path)
    folder.publish(_RECORDED, dest, readme)
    for name in ("report.md", "report-why.md", "report.json", "report.html", "README.md"):
        assert (dest / name).is_file(), name
    columns = sorted(d for d in os.listdir(_RECORDED) if os.path.isdir(os.path.join(_RECORDED, d)))
    assert sorted(os.listdir(dest / "raw")) == columns
    for column in columns:
        assert sorted(os.listdir(dest / "raw" / column)) == ["bench.json", "meta.json", "observations.json"]
    about = (dest / "README.md").read_text()
    assert "Time per chapter" in about and "cpu_model not recorded" in about  # the fixture predates cpu_model


def test_the_readme_table_is_replaced_and_traceable_to_the_json(tmp_path):
    dest = tmp_path / "results"
    readme = _readme(tmp_path)
    folder.publish(_RECORDED, dest, readme)
    text = readme.read_text()
    assert "old table" not in text and text.startswith("# project") and text.endswith("## More\n")
    table = text.split(folder.BEGIN)[1].split(folder.END)[0]
    data = json.loads((dest / "report.json").read_text())
    # The compact table: a line per claim measured somewhere, the mark of each cell's verdict (the
    # values are in the report it links), in the JSON's column order.
    marks = {"holds": "\u2713", "contradicted": "\u2717", "partly": "\u25d0", "within-noise": "\u2248",
             "inconclusive": "?", "n/a": "n/a", "not-measured": "\u2013"}
    lines = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-2]]
             for line in table.splitlines() if line.startswith("| ") and not line.startswith("| claim")}
    columns = [i["column"] for i in data["interpreters"]]
    measured = [row for row in data["table"] if any(c["verdict"] != "not-measured" for c in row["cells"].values())]
    assert measured and sorted(lines) == sorted(row["claim"] for row in measured)
    for row in measured:
        assert lines[row["claim"]] == [marks[row["cells"][c]["verdict"]] + ("*" if row["cells"][c]["provisional"] else "")
                                       + (" \u26a0" if row["cells"][c].get("problem") else "")
                                       for c in columns], row["claim"]
    assert "report.md" in table and "When did it stop being true" in table or not any(r["changed_at"] for r in measured)
    folder.publish(_RECORDED, dest, readme)  # again: one table, not two
    assert readme.read_text().count(folder.BEGIN) == 1


def test_a_readme_without_its_markers_is_refused_in_one_line(tmp_path, capsys):
    from bench.cli import main

    readme = tmp_path / "README.md"
    readme.write_text("# project\n")
    dest = tmp_path / "results"
    assert main(["publish", _RECORDED, "--to", str(dest), "--readme", str(readme)]) == 1  # the work failed: exit 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no place for the claim table" in err
    assert readme.read_text() == "# project\n" and not dest.exists()  # checked before anything is written


def test_a_missing_results_folder_leaves_the_published_folder_alone(tmp_path):
    dest = tmp_path / "results"
    dest.mkdir()
    (dest / "keep").write_text("x")
    with pytest.raises(Exception):
        folder.publish(tmp_path / "nothing-here", dest, None)
    assert (dest / "keep").read_text() == "x"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_the_readme_table_is_what_the_published_run_gives_today():
    """The README's claim table is the published run judged by this checkout's ledger: a ledger change
    that moves a verdict must be published (`make publish`), never left to contradict the code."""
    from bench.publish import model as report_model, readme as readme_text

    root = Path(__file__).resolve().parent.parent
    text = (root / "README.md").read_text(encoding="utf-8")
    block = text.split(folder.BEGIN, 1)[1].split(folder.END, 1)[0]
    published = root / "docs" / "results"
    assert block == "\n" + readme_text.claim_table(report_model.build([str(published / "raw")]), "docs/results")


def _git_checkout(path, text="x = 1\n"):
    """A one-commit git repository at ``path``; its full commit id."""
    def git(*args):
        return subprocess.run(("git", "-C", str(path)) + args, check=True, stdout=subprocess.PIPE,
                              universal_newlines=True, env=dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t",
                                                                GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t")).stdout
    path.mkdir()
    git("init", "-q")
    (path / "a.py").write_text(text)
    git("add", "a.py")
    git("commit", "-q", "-m", "one")
    return git("rev-parse", "HEAD").strip()


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_the_recorded_commit_is_the_checkouts_own_and_says_when_files_changed_or_could_not_be_checked(
        tmp_path, monkeypatch):
    from bench.harness import revision

    head = _git_checkout(tmp_path / "checkout")
    other = _git_checkout(tmp_path / "other", "y = 1\n")
    monkeypatch.setattr(revision, "_ROOT", str(tmp_path / "checkout"))
    # A caller's GIT_DIR names another repository: the checkout's own commit is still the one recorded.
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "other" / ".git"))
    assert revision.source_revision() == head[:12] != other[:12]
    (tmp_path / "checkout" / "a.py").write_text("x = 2\n")
    assert revision.source_revision() == head[:12] + "+changes"
    (tmp_path / "checkout" / "a.py").write_text("x = 1\n")
    (tmp_path / "checkout" / "new.py").write_text("")  # a new, unignored file is a change too
    assert revision.source_revision() == head[:12] + "+changes"
    # A file name that is no UTF-8, printed raw by git (core.quotepath=false): still "+changes".
    (tmp_path / "checkout" / "new.py").unlink()
    open(os.path.join(os.fsencode(tmp_path / "checkout"), b"bad\xff"), "w").close()
    monkeypatch.setenv("GIT_CONFIG_PARAMETERS", "'core.quotepath=false'")
    assert revision.source_revision() == head[:12] + "+changes"
    # The run's own results folder inside the checkout (--out mine, not ignored) is not a new source
    # file (the statistician's reading: every later column read "+changes"); another new file is.
    os.unlink(os.path.join(os.fsencode(tmp_path / "checkout"), b"bad\xff"))
    (tmp_path / "checkout" / "mine" / "3.11.7").mkdir(parents=True)
    (tmp_path / "checkout" / "mine" / "3.11.7" / "meta.json").write_text("{}")
    assert revision.source_revision(str(tmp_path / "checkout" / "mine")) == head[:12]
    assert revision.source_revision(str(tmp_path / "elsewhere")) == head[:12] + "+changes"
    assert revision.source_revision() == head[:12] + "+changes"
    # A status that fails (or times out) is not "clean".
    real = revision._git
    monkeypatch.setattr(revision, "_git", lambda *args: None if args[0] == "status" else real(*args))
    assert revision.source_revision() == head[:12] + "+unchecked"
    # Read at the start and at the end of a run: a change between them is said, not hidden.
    assert revision.as_at_start("abc", "abc") == "abc"
    assert revision.as_at_start("abc", "def+changes") == "abc+changed-during-run"
    assert revision.as_at_start(None, "abc") == "unknown+changed-during-run"


def test_a_run_records_the_commit_it_measured_with_and_the_folder_readme_names_it(tmp_path, monkeypatch):
    from bench.harness import revision
    from bench.publish import readme

    got = revision.source_revision()
    assert got is None or re.fullmatch(r"[0-9a-f]{12,40}(\+changes|\+unchecked)?", got)
    monkeypatch.setattr(revision, "_ROOT", str(tmp_path))  # not a git checkout
    assert revision.source_revision() is None
    if shutil.which("git"):  # a copy with an empty .git inside another repository: not that one's commit
        _git_checkout(tmp_path / "home")
        (tmp_path / "home" / "copy" / ".git").mkdir(parents=True)
        monkeypatch.setattr(revision, "_ROOT", str(tmp_path / "home" / "copy"))
        assert revision.source_revision() is None
        # The same where the path holds a ':' (git splits its ceiling list there).
        _git_checkout(tmp_path / "out:er")
        (tmp_path / "out:er" / "copy" / ".git").mkdir(parents=True)
        monkeypatch.setattr(revision, "_ROOT", str(tmp_path / "out:er" / "copy"))
        assert revision.source_revision() is None

    class _Column:
        def __init__(self, source):
            self.source = source

    assert readme._sources([_Column("abc123abc123"), _Column("abc123abc123")]) == "commit `abc123abc123`"
    assert "1 column(s) recorded none" in readme._sources([_Column("abc123abc123"), _Column(None)])
