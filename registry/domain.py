"""The one base of what a service raises when it refuses a request.

Its message says why, in the reader's language, and is shown as it is: in the form, in a 409
page, or in the API's JSON. A view that catches `DomainError` has nothing stored (the write is
rolled back by `registry.writes.committed`).
"""


class DomainError(ValueError):
    """A service refused what was asked; the message says why."""
