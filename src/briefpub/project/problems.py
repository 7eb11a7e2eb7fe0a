"""Problems found in a translator's or an editor's work, as values.

A problem knows its file, its line, how bad it is, which rule found it and
what to do; only the command line decides how to print it and which exit code
it means.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    severity: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: [{self.rule}] {self.message}"

    def as_dict(self) -> dict:
        return {**asdict(self), "path": str(self.path)}

    @classmethod
    def from_dict(cls, fields: dict) -> Problem:
        """The problem :meth:`as_dict` gave."""
        return cls(Path(fields["path"]), fields["line"], fields["severity"], fields["rule"], fields["message"])

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR
