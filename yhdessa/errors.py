"""Domain errors shared by the views and the API.

Bad input raises django's ValidationError (422 in the API); an action that
the object's state forbids raises Conflict (409); an actor who may not act
raises django's PermissionDenied (403).
"""


class Conflict(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
