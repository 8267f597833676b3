"""Domain errors shared by the views and the API.

Bad input raises django's ValidationError (422 in the API); an action that
the object's state forbids raises Conflict (409); an actor who may not act
raises django's PermissionDenied (403).
"""


class Conflict(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PracticeNotKept(Exception):
    """The chosen time breaks the team's invitation practice and the convener
    has not confirmed that they convene anyway. The warnings are the
    practice's Breach objects (code and parameters; ``str()`` gives the text)."""

    def __init__(self, warnings: list) -> None:
        super().__init__("; ".join(map(str, warnings)))
        self.warnings = warnings


class DoubleBooked(Exception):
    """Someone at the table already has a meeting at that time and the
    convener has not confirmed that they book them anyway."""

    def __init__(self, warnings: list[str]) -> None:
        super().__init__("; ".join(warnings))
        self.warnings = warnings


class IdentifyingDataFound(Exception):
    """The text seems to hold identifying data other than an identity code
    (a phone number, an email or street address, a birth date) and the writer
    has not confirmed that it belongs there. Identity codes are never
    confirmable: they are a ValidationError."""

    def __init__(self, warnings: list[str]) -> None:
        super().__init__("; ".join(warnings))
        self.warnings = warnings
