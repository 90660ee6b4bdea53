"""What the database refuses is answered, never a 500: a 409 page, or a JSON error in the API,
with the transaction rolled back. (The forms' own cases are with their modules' tests.)"""

from sqlalchemy.exc import IntegrityError

CONFLICT = "Someone else changed the same thing at the same moment, so nothing was stored"


def test_a_write_the_database_refuses_outside_a_service_is_a_409_json_error_in_the_api(app):
    def refused():
        raise IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed"))

    app.add_url_rule("/api/v1/refused", "refused", refused)
    response = app.test_client().get("/api/v1/refused")
    assert response.status_code == 409
    assert response.json["error"]["status"] == 409
    assert CONFLICT in response.json["error"]["message"]


def test_a_write_the_database_refuses_is_a_409_page(app):
    def refused():
        raise IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed"))

    app.add_url_rule("/refused", "refused", refused)
    response = app.test_client().get("/refused")
    assert response.status_code == 409
    assert CONFLICT in response.text
    assert "This can no longer be done" in response.text
