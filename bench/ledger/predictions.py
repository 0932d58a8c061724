"""Predictions and conditions: the typed words a check is written in, validated with the ledger.

A check predicts ``kind(bound, ...)``, a ``Prediction``:
  above(x)        the value is greater than x
  below(x)        the value is less than x
  between(a,b)    a < value < b
  equals(x)       the value is x: exact facts (counts of things, constants)
  equals(x,tol)   the value is within tol of x: for measured values, which can never be exact
  never(r)        an event counted over trials does not happen (its rate is below r)
  sometimes(r)    it does happen (the rate is not shown to be below r)
  removed(a)      an event its check's ``versus`` count shows is gone: none here, and fewer than
                  there by a one-sided Fisher exact test at level a (a fix against its control)
(``bench.judge.evaluate`` says how each is judged against an interval.)

``when`` / ``applies`` are ``Conditions``: ``Condition`` words that must all hold on an
interpreter: ``version>=X.Y``, ``version<X.Y``, ``gil-on``, ``gil-off``, ``multicore``,
``pymalloc``, ``parallel`` (see ``bench.ledger.vocabulary``).

Each is also its own text (a ``str`` subclass, immutable): reports print a check's prediction,
and the ledger's fingerprint hashes every claim as JSON, both as they did when these were
plain strings; ``str()`` of each is that text.  Nothing past the ledger parses the text again:
the judge reads ``kind``, ``bounds``, ``words`` and ``version``.

Python 3.9, stdlib only (the measured interpreters import the ledger).
"""
import math
import re

# Kind -> how many numbers it takes.
KINDS = {"above": (1,), "below": (1,), "between": (2,), "equals": (1, 2), "never": (1,), "sometimes": (1,),
         "removed": (1,)}
# The kinds judged on a count of events in trials, not on a plain value.
COUNT_KINDS = ("never", "sometimes", "removed")
# The kinds that compare a count with another count of the same run (the check's ``versus``).
TWO_SAMPLE_KINDS = ("removed",)
# The condition words; the two version words take a (major, minor) version.
CONDITION_WORDS = ("version>=", "version<", "gil-on", "gil-off", "multicore", "pymalloc", "parallel")
_VERSION_WORDS = ("version>=", "version<")

_PREDICTION = re.compile(r"^([A-Za-z_-]*)\((.*)\)$")
_INTEGER = re.compile(r"^-?\d+$")
_VERSION_CONDITION = re.compile(r"^(version(?:>=|<))(\d+)\.(\d+)$")


class LedgerError(ValueError):
    """A malformed ledger entry.  Its message is one line; raised by a claim, it names the claim."""


class _Text(str):
    """An immutable word of the ledger that is also its text (see the module docstring)."""

    def __setattr__(self, name, value):
        raise AttributeError("%s is immutable" % type(self).__name__)

    def __delattr__(self, name):
        raise AttributeError("%s is immutable" % type(self).__name__)

    # Immutable: a copy is the object itself (dataclasses.asdict deep-copies every field).
    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __repr__(self):
        return "%s(%r)" % (type(self).__name__, str(self))


def _known_kinds():
    return ", ".join(sorted(KINDS))


def _arity(kind):
    return " or ".join(str(n) for n in KINDS[kind])


class Prediction(_Text):
    """``kind(bounds...)``: ``Prediction("above", (1.5,))`` is ``above(1.5)``.

    Bounds keep the type they were written with (``equals(1)``, ``above(1.0)``), so that the
    text stays as written.
    """

    def __new__(cls, kind, bounds):
        bounds = tuple(bounds)
        if kind not in KINDS:
            raise LedgerError("unknown prediction kind %r (known: %s)" % (kind, _known_kinds()))
        if len(bounds) not in KINDS[kind]:
            raise LedgerError("%s takes %s number(s), got %d" % (kind, _arity(kind), len(bounds)))
        for b in bounds:
            if isinstance(b, bool) or not isinstance(b, (int, float)) or not math.isfinite(b):
                raise LedgerError("%s: %r is not a finite number" % (kind, b))
        self = str.__new__(cls, "%s(%s)" % (kind, ",".join(repr(b) for b in bounds)))
        self.__dict__.update(kind=kind, bounds=bounds)
        return self

    def __reduce__(self):
        return (Prediction, (self.kind, self.bounds))

    @property
    def is_count(self):
        """Judged on a count of events in trials (never, sometimes, removed)."""
        return self.kind in COUNT_KINDS

    @property
    def is_two_sample(self):
        """Judged against a second count (the check's ``versus``): removed."""
        return self.kind in TWO_SAMPLE_KINDS

    def check_versus(self, versus):
        """LedgerError unless a two-sample prediction has a ``versus`` count and no other kind has one."""
        if self.is_two_sample != bool(versus):
            raise LedgerError("%s %s (the count it is compared with)"
                              % (self, "needs a versus metric" if self.is_two_sample else "takes no versus metric"))

    @classmethod
    def parse(cls, text):
        """The prediction ``text`` writes; LedgerError (one line, quoting it) when it is none."""
        if isinstance(text, Prediction):
            return text
        m = _PREDICTION.match(str(text).replace(" ", ""))
        if not m or m.group(1) not in KINDS:
            raise LedgerError("unknown prediction %r (known: %s)" % (text, _known_kinds()))
        kind, args = m.group(1), [a for a in m.group(2).split(",") if a]
        if len(args) not in KINDS[kind]:
            raise LedgerError("prediction %r takes %s number(s), not %d" % (text, _arity(kind), len(args)))
        return cls(kind, [_number(a, text) for a in args])


def _number(word, text):
    try:
        value = int(word) if _INTEGER.match(word) else float(word)
    except ValueError:
        raise LedgerError("prediction %r: %r is not a number" % (text, word)) from None
    if not math.isfinite(value):
        raise LedgerError("prediction %r: %r is not a finite number" % (text, word))
    return value


class Condition(_Text):
    """One condition word: ``Condition("gil-on")``, ``Condition("version>=", (3, 10))``."""

    def __new__(cls, word, version=None):
        if word not in CONDITION_WORDS:
            raise LedgerError("unknown condition %r (known: %s)" % (word, _known_conditions()))
        if (word in _VERSION_WORDS) != (version is not None):
            raise LedgerError("condition %s %s a (major, minor) version"
                              % (word, "takes" if word in _VERSION_WORDS else "takes no"))
        text = word if version is None else "%s%d.%d" % ((word,) + tuple(version))
        self = str.__new__(cls, text)
        self.__dict__.update(word=word, version=None if version is None else tuple(version))
        return self

    def __reduce__(self):
        return (Condition, (self.word, self.version))


def _known_conditions():
    return "version>=X.Y, version<X.Y, " + ", ".join(w for w in CONDITION_WORDS if w not in _VERSION_WORDS)


def _condition(word, text):
    m = _VERSION_CONDITION.match(word)
    if m:
        return Condition(m.group(1), (int(m.group(2)), int(m.group(3))))
    if word not in CONDITION_WORDS or word in _VERSION_WORDS:
        raise LedgerError("unknown condition %r in %r (known: %s)" % (word, text, _known_conditions()))
    return Condition(word)


class Conditions(_Text):
    """Condition words that must all hold, written space-separated; empty: always."""

    def __new__(cls, words=()):
        words = tuple(words)
        for w in words:
            if not isinstance(w, Condition):
                raise LedgerError("%r is not a Condition" % (w,))
        self = str.__new__(cls, " ".join(words))
        self.__dict__["words"] = words
        return self

    def __reduce__(self):
        return (Conditions, (self.words,))

    def has(self, word):
        """Whether one of the words is ``word`` (``"parallel"``, ``"pymalloc"``...)."""
        return any(w.word == word for w in self.words)

    @classmethod
    def parse(cls, text):
        """The conditions ``text`` writes (``"gil-on multicore"``); LedgerError for an unknown word."""
        if isinstance(text, Conditions):
            return text
        return cls(_condition(word, text) for word in str(text).split())
