import pytest

from app.project import open_project


@pytest.fixture(scope="session")
def project(builtin_root):
    """The built-in project, opened once for the catalog tests."""
    return open_project(builtin_root)
