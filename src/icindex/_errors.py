"""The exceptions icindex raises to its users.

Every error names where the problem is (file, key path, city, item) and what was expected
versus what was found. Each subclass also inherits the matching builtin exception, so code
that catches ``ValueError`` keeps working.
"""

from __future__ import annotations

__all__ = [
    "DefinitionError",
    "IcindexError",
    "OutputError",
    "ResponseError",
    "ScoringError",
    "UnknownIdError",
    "UsageError",
]


class IcindexError(Exception):
    """Base class of every error icindex raises on bad input."""


class DefinitionError(IcindexError, ValueError):
    """An index definition is malformed: one line per problem, each naming file and key path.

    Attributes
    ----------
    problems : tuple of str
        Every problem found, each a full sentence naming the place.
    """

    def __init__(self, problems: str | list[str] | tuple[str, ...]) -> None:
        self.problems = (problems,) if isinstance(problems, str) else tuple(problems)
        count = len(self.problems)
        head = "" if count == 1 else f"{count} problems in the definition:\n"
        super().__init__(head + "\n".join(self.problems))


class ResponseError(IcindexError, ValueError):
    """A city's answers cannot be read: names the file, city, item, value and what is accepted."""


class OutputError(IcindexError, OSError):
    """A result cannot be written where it was asked to go: names the path and the reason."""

    def __str__(self) -> str:
        # OSError would format (errno, strerror); print the sentence as it is.
        return str(self.args[0]) if self.args else ""


class ScoringError(IcindexError, ValueError):
    """Scoring was asked for something that cannot be computed (names the node and cities)."""


class UnknownIdError(IcindexError, KeyError):
    """A look-up by id found nothing: names the id and where it was looked for."""

    def __str__(self) -> str:
        # KeyError would quote the message; print it as the sentence it is.
        return str(self.args[0]) if self.args else ""


class UsageError(IcindexError, TypeError, ValueError):
    """A function was called with an argument it cannot take (wrong kind or value).

    Names the function and argument, what was expected and what was given. It is both a
    ``TypeError`` and a ``ValueError``, so code catching either keeps working.
    """
