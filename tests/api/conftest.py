from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from onewindow.accounts.models import User
from onewindow.api.models import ApiToken
from onewindow.api.tokens import do_create_token


class ApiClient:
    """A test client speaking JSON with a bearer token."""

    def __init__(self, token: str) -> None:
        self.client = Client()
        self.auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def get(self, path: str, **headers: str) -> object:
        return self.client.get(f"/api/v1{path}", **self.auth, **headers)

    def post(self, path: str, data: object = None, **headers: str) -> object:
        return self.client.post(
            f"/api/v1{path}",
            data=data if data is not None else {},
            content_type="application/json",
            **self.auth,
            **headers,
        )

    def upload(self, path: str, data: dict[str, object], **headers: str) -> object:
        """A multipart POST (files as ``SimpleUploadedFile`` values)."""
        return self.client.post(f"/api/v1{path}", data=data, **self.auth, **headers)

    def patch(self, path: str, data: object, **headers: str) -> object:
        return self.client.patch(
            f"/api/v1{path}", data=data, content_type="application/json", **self.auth, **headers
        )


@pytest.fixture
def api_as() -> Callable[..., ApiClient]:
    def _api_as(user: User, scope: str = "write") -> ApiClient:
        _token, secret = do_create_token(actor=user, owner=user, name="test", scope=ApiToken.Scope(scope))
        return ApiClient(secret)

    return _api_as
