import numpy as np
import pytest
from PIL import Image

from app.cli.main import main
from app.photoreal.turntable_files import TurntableCancelled, write_turntable
from app.scene.description import Camera
from app.viewport.turntable import orbit_cameras


def test_orbit_keeps_height_and_distance_and_starts_at_the_camera():
    start = Camera("hero", "Hero", position=(1.0, 0.5, 2.0), target=(0.0, 0.2, 0.0))
    cameras = orbit_cameras(start, 4)
    assert cameras[0].position == pytest.approx(start.position)
    assert cameras[1].position == pytest.approx((2.0, 0.5, -1.0))
    for c in cameras:
        offset = np.subtract(c.position, c.target)
        assert np.hypot(offset[0], offset[2]) == pytest.approx(np.hypot(1.0, 2.0))
        assert c.position[1] == 0.5


def frames(count: int):
    for i in range(count):
        yield Image.new("RGB", (32, 24), (i * 40, 100, 200))


def test_sequence_mp4_and_gif_are_written(tmp_path):
    files = write_turntable(frames(5), tmp_path, stem="ball", count=5, fps=10)
    assert [p.name for p in files.frames] == [f"ball_{i:03d}.png" for i in range(5)]
    assert files.mp4.stat().st_size > 100 and files.mp4.read_bytes()[4:8] == b"ftyp"
    with Image.open(files.gif) as gif:
        assert gif.n_frames == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [p.name for p in files.frames] + ["ball.mp4", "ball.gif"])


def test_cancelled_turntable_leaves_nothing(tmp_path):
    made = []

    def counted():
        for image in frames(6):
            made.append(image)
            yield image

    with pytest.raises(TurntableCancelled):
        write_turntable(counted(), tmp_path, cancel=lambda: len(made) >= 3)
    assert list(tmp_path.iterdir()) == []


def test_cli_turntable_from_the_live_view(tmp_path):
    code = main(["turntable", "--product", "mug", "--frames", "3", "--size", "64x48",
                 "--formats", "png,gif", "--out", str(tmp_path)])
    assert code == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["mug.gif", "mug_000.png", "mug_001.png", "mug_002.png"]
    first, second = (np.asarray(Image.open(tmp_path / n), dtype=float) for n in names[1:3])
    assert np.abs(first - second).mean() > 1.0  # the product turned


def test_cli_photoreal_still_writes_exr(tmp_path):
    out = tmp_path / "mug.exr"
    assert main(["render", "--product", "mug", "--photoreal", "--spp", "2", "--size", "64x48",
                 "--out", str(out)]) == 0
    assert out.read_bytes()[:4] == b"\x76\x2f\x31\x01"  # OpenEXR magic
    assert main(["render", "--product", "mug", "--format", "exr", "--size", "64x48",
                 "--out", str(tmp_path / "x.exr")]) == 1
