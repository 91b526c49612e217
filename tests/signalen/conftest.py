import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    """The uitvoerenden suggestions are cached per scope; every test starts without them."""
    cache.clear()
    yield
    cache.clear()
