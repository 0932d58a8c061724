"""One version type: pre-releases, dev builds and the free-threaded suffix sort as CPython releases them."""
import pytest

from bench.ledger import versions


def test_versions_sort_as_released():
    shown = ["3.15.0a1", "3.9.18", "3.14.0rc2", "3.10.13", "3.14.0", "3.14.0b1", "3.13.5t", "3.15.0a1+", "3.14.0a7"]
    assert sorted(shown, key=versions.key) == ["3.9.18", "3.10.13", "3.13.5t", "3.14.0a7", "3.14.0b1", "3.14.0rc2",
                                               "3.14.0", "3.15.0a1", "3.15.0a1+"]


def test_minor_of_a_prerelease_and_a_short_version():
    assert versions.minor("3.15.0a1") == (3, 15) and versions.minor("3.10") == (3, 10)


@pytest.mark.parametrize("text", ["", "3", "three.ten", "3.10.x", None])
def test_unreadable_versions_are_refused_or_sort_first(text):
    with pytest.raises(ValueError):
        versions.key(text)
    assert versions.sort_key(text) < versions.key("3.9.0")


def test_a_prerelease_column_is_judged_by_its_minor_version():
    from bench.judge.evaluate import condition_holds
    from bench.ledger.predictions import Conditions

    assert condition_holds(Conditions.parse("version>=3.10"), {"version": "3.15.0a1"})
    assert not condition_holds(Conditions.parse("version<3.10"), {"version": "3.14.0rc2"})
