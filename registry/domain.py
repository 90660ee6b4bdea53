"""The one base of what a service raises when it refuses a request.

Its message says why, in the reader's language, and is shown as it is: on the form field it
names (`field`), in a 409 page, or in the API's JSON. Nothing is stored when a view gets one:
`registry.writes` rolls the write back.
"""


class DomainError(ValueError):
    """A service refused what was asked; the message says why, and `field`, when known, names
    the form field it is about."""

    field: str | None = None

    def __init__(self, message: str = "", field: str | None = None) -> None:
        super().__init__(message)
        if field is not None:
            self.field = field
