from tests.doubles.llm_fixtures import llm_environment  # noqa: F401 - fixtures
