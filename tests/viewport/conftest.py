import pytest

from tests.viewport.scenes import studio_environment, write_radiance_hdr


@pytest.fixture(scope="session")
def studio_hdr(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("environment")
    return str(write_radiance_hdr(folder / "studio.hdr", studio_environment()))
