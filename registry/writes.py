"""The commit of a request's write, in one place.

A service checks for a duplicate before it inserts, yet a unique key can still refuse the row:
another request stored the same one meanwhile (on PostgreSQL both can check before either
commits). The work then runs once more in a fresh transaction, where the service's own check
sees the other row and says what is wrong in its own words. Only a second refusal is a
conflict: 409, with nothing stored and nothing already stored lost.
"""

from collections.abc import Callable, Generator
from typing import TypeVar

from flask import abort, current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import Conflict

from registry.database import writing
from registry.domain import DomainError
from registry.extensions import db

T = TypeVar("T")
P = TypeVar("P")


class WriteConflict(Conflict):
    """The database refused the write against what another request stored; nothing was
    stored."""

    description = _l(
        "Someone else changed the same thing at the same moment, so nothing was stored this "
        "time. Reload the page to see what is stored now."
    )


def committed(work: Callable[[], T]) -> T:
    """Run `work` (service calls that add and flush) and commit; return what it returned. On
    SQLite the work takes the write lock as it begins, whatever the request's method.

    Any error rolls the transaction back and is raised again, so a view that catches a domain
    error shows it with nothing stored. Raises WriteConflict when a unique key refuses the
    work twice."""
    try:
        return _commit(work)
    except IntegrityError:
        pass  # stored by another request meanwhile: once more, the service's checks see it
    try:
        return _commit(work)
    except IntegrityError as error:
        raise WriteConflict() from error


def committed_in_steps(steps: Generator[P, None, T]) -> Generator[P, None, T]:
    """Run `steps` (service work that yields its progress as it goes) and commit once it is
    done, in one transaction, as `committed` does for work done at once; yields what the
    steps yield and returns what they returned. Any error, or the caller closing the
    generator, rolls everything back and is raised again. A unique key refusing the work is a
    WriteConflict at once: the steps already shown are not run a second time."""
    with writing(db.session):
        try:
            result = yield from steps
            db.session.commit()
        except IntegrityError as error:
            db.session.rollback()
            _log(error)
            raise WriteConflict() from error
        except BaseException:
            db.session.rollback()
            raise
    return result


def into_form(work: Callable[[], T], *forms: FlaskForm, field: str) -> T | None:
    """Commit `work` as `committed` does. A refusal (DomainError) stores nothing and becomes an
    error on the form field it names, looked up in `forms` in turn, or else on the first form's
    `field`. Returns what `work` returned, or None if it was refused: the form has the error
    to show."""
    try:
        return committed(work)
    except DomainError as error:
        show_refusal(error, *forms, field=field)
        return None


def show_refusal(error: DomainError, *forms: FlaskForm, field: str) -> None:
    """Put a refusal's message on the form field it names, looked up in `forms` in turn, or
    else on the first form's `field`."""
    named = [form[error.field] for form in forms if error.field and error.field in form]
    (named or [forms[0][field]])[0].errors.append(str(error))


def or_conflict(work: Callable[[], T]) -> T:
    """Commit `work` as `committed` does. A refusal (DomainError) stores nothing and answers
    409 with its message."""
    try:
        return committed(work)
    except DomainError as error:
        abort(409, description=str(error))


def refused_as_duplicate(error: IntegrityError) -> WriteConflict:
    """What a write not made through `committed` answers when the database refuses it: the
    transaction rolled back and the reader told, rather than a 500."""
    db.session.rollback()
    _log(error)
    return WriteConflict()


def _commit(work: Callable[[], T]) -> T:
    with writing(db.session):
        try:
            result = work()
            db.session.commit()
        except BaseException as error:
            db.session.rollback()
            if isinstance(error, IntegrityError):
                _log(error)
            raise
    return result


def _log(error: IntegrityError) -> None:
    current_app.logger.warning("the database refused a write: %s", error.orig)
