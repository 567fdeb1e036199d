"""Login rate limiting with Redis storage, as in production (runs when TEST_REDIS_URL is set)."""
import os
import uuid

import pytest

from app import create_app
from app.extensions import db
from tests import factories

REDIS_URL = os.environ.get("TEST_REDIS_URL")


@pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL not set (CI sets it)")
def test_login_limit_shared_through_redis(tmp_path):
    config = {"TESTING": True, "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False,
              "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'r.db'}",
              "RATELIMIT_STORAGE_URI": REDIS_URL, "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4()}"}
    first, second = create_app(config), create_app(config)
    with first.app_context():
        db.create_all()
        factories.user(email="ol@example.nl")
    data = {"email": "ol@example.nl", "password": "fout wachtwoord"}
    # Two app instances (like two gunicorn workers) share one counter in Redis.
    statuses = [first.test_client().post("/login", data=data).status_code for _ in range(3)]
    statuses += [second.test_client().post("/login", data=data).status_code for _ in range(3)]
    assert statuses == [422] * 5 + [429]
