from tests.storage_fixtures import (  # noqa: F401 - fixtures
    database,
    database_url,
    reusable_database_url,
    shared_postgres_url,
)
