from tests.storage_fixtures import database, reusable_database_url, shared_postgres_url  # noqa: F401 - fixtures
