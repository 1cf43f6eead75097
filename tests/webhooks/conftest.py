"""The API tests' token client, for the webhooks API."""

from tests.api.conftest import api_as  # noqa: F401 - the fixture
