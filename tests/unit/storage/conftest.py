from tests.storage_fixtures import database, database_url  # noqa: F401 - fixtures
