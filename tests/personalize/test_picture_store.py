"""The picture store: uploads kept by content hash, read back only from the store."""

from __future__ import annotations

import io
import json
import os
import stat

import numpy as np
import pytest
from PIL import Image

from app.domain.configuration import UNKNOWN_PICTURE, Configuration, ImageValue
from app.errors import ConfigurationError
from app.personalize.picture_store import (
    PICTURES_FOLDER,
    OldPictureReport,
    PictureStore,
    old_picture_importer,
    pixel_digest,
)
from app.user_dirs import user_data_folder
from tests.file_opens import assert_not_opened, opens


@pytest.fixture
def store(tmp_path) -> PictureStore:
    return PictureStore(tmp_path / "data" / "pictures")


def photo(path, size=(40, 30), colour=(200, 30, 60), fmt=None, **options):
    Image.new("RGB", size, colour).save(path, format=fmt, **options)
    return path


def stored_files(store):
    return sorted(p.name for p in store.folder.iterdir()) if store.folder.exists() else []


def test_the_users_store_is_in_their_data_folder():
    store = PictureStore.default()
    assert store.folder == user_data_folder() / PICTURES_FOLDER
    assert str(store.folder).startswith(os.environ["XDG_DATA_HOME"])


def test_an_upload_lands_in_the_store_by_its_hash(store, tmp_path):
    picture = store.add_file(photo(tmp_path / "holiday.png"))
    digest = picture.removeprefix("sha256:")
    assert picture.startswith("sha256:") and len(digest) == 64
    path = store.path(picture)
    assert path == store.folder / f"{digest}.png"
    with Image.open(path) as stored:  # the id is the hash of the pixels, whatever the encoder
        assert pixel_digest(np.asarray(stored.convert("RGBA"))) == digest
    assert store.add_file(photo(tmp_path / "again.png")) == picture  # same pixels: one file
    assert stored_files(store) == [f"{digest}.png"]
    assert stat.S_IMODE(store.folder.stat().st_mode) == 0o700
    upload = store.upload(picture)
    assert upload.rgba.shape == (30, 40, 4)
    assert upload.rgba[5, 5].tolist() == [200, 30, 60, 255]


def test_a_jpeg_is_stored_upright_without_its_metadata(store, tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: turn 90 degrees clockwise to show
    exif[0x010E] = "taken at home, 52.52 N 13.40 E"
    source = photo(tmp_path / "phone.jpg", size=(60, 20), fmt="JPEG", quality=95,
                   exif=exif.tobytes(), comment=b"secret comment")
    path = store.path(store.add_file(source))
    assert path.suffix == ".png"  # lossless: what is read back is what was stored
    data = path.read_bytes()
    assert b"52.52" not in data and b"secret comment" not in data
    with Image.open(path) as stored:
        assert stored.size == (20, 60)  # turned upright once, on the way in
        assert not stored.getexif()


def test_a_picture_with_transparency_keeps_it(store, tmp_path):
    rgba = np.zeros((10, 12, 4), np.uint8)
    rgba[:, :6] = (10, 20, 30, 255)
    Image.fromarray(rgba, "RGBA").save(tmp_path / "logo.webp", lossless=True)
    path = store.path(store.add_file(tmp_path / "logo.webp"))
    assert path.suffix == ".png"
    with Image.open(path) as stored:
        assert stored.mode == "RGBA"
        assert np.asarray(stored)[5, 9, 3] == 0


def test_what_is_not_a_picture_never_reaches_the_store(store, tmp_path):
    (tmp_path / "notes.png").write_text("not a picture")
    with pytest.raises(ConfigurationError, match="not a picture") as caught:
        store.add_file(tmp_path / "notes.png")
    assert caught.value.file == str(tmp_path / "notes.png")  # the user's own file is named
    with pytest.raises(ConfigurationError, match="does not exist"):
        store.add_file(tmp_path / "nowhere.png")
    assert stored_files(store) == []


@pytest.mark.parametrize("picture", [
    "/etc/hostname",
    "../../../etc/hostname",
    "sha256:../../etc/hostname",
    "sha256:" + "A" * 64,  # upper case is not how the store names files
    "sha256:" + "0" * 63,
    "sha256:" + "0" * 64 + "/x",
    "sha256:" + "0" * 64,  # well formed, not there
])
def test_a_picture_the_store_lacks_gets_one_message_and_nothing_is_opened(store, tmp_path,
                                                                           picture):
    store.add_file(photo(tmp_path / "a.png"))
    with opens() as opened:
        assert not store.has(picture)
        with pytest.raises(ConfigurationError) as caught:
            store.read(picture, field="personalization.photo")
    assert caught.value.message == UNKNOWN_PICTURE
    assert caught.value.file is None and caught.value.field == "personalization.photo"
    assert opened == []


def test_a_link_in_the_store_is_not_followed(store, tmp_path):
    picture = store.add_file(photo(tmp_path / "a.png"))
    path = store.path(picture)
    secret = photo(tmp_path / "secret.png", colour=(1, 2, 3))
    path.unlink()
    path.symlink_to(secret)
    with opens() as opened:
        assert not store.has(picture)
        with pytest.raises(ConfigurationError, match="not in the app's picture store"):
            store.upload(picture)
    assert_not_opened(opened, secret)


def test_a_changed_file_in_the_store_is_refused(store, tmp_path):
    picture = store.add_file(photo(tmp_path / "a.png"))
    photo(store.path(picture), colour=(0, 0, 0), fmt="PNG")
    with pytest.raises(ConfigurationError, match="damaged"):
        store.upload(picture)
    assert store.add_file(tmp_path / "a.png") == picture  # uploading it again mends it
    assert store.upload(picture).rgba[0, 0, 0] == 200


def test_missing_lists_each_zone_whose_picture_is_not_there(store, tmp_path):
    here = store.add_file(photo(tmp_path / "a.png"))
    configuration = Configuration(product_id="mug", personalization={
        "front": ImageValue(image=here), "back": ImageValue(image="sha256:" + "1" * 64)})
    assert [(e.field, e.message) for e in store.missing(configuration)] == [
        ("personalization.back", UNKNOWN_PICTURE)]


def old_file(image: str) -> str:
    return json.dumps({"schema_version": 1, "product_id": "mug", "personalization": {
        "photo_print": {"kind": "image", "image": image, "fit": "fill"},
        "wrap_text": {"kind": "text", "text": "Ada"}}})


def test_an_old_file_with_a_path_imports_the_picture(store, tmp_path):
    (tmp_path / "photos").mkdir()
    photo(tmp_path / "photos" / "me.png")
    report = OldPictureReport()
    importer = old_picture_importer(store, tmp_path, "old.json", report)
    for reference in (str(tmp_path / "photos" / "me.png"), "photos/me.png"):
        configuration = Configuration.from_json(old_file(reference), old_pictures=importer)
        value = configuration.personalization["photo_print"]
        assert store.has(value.image) and value.fit == "fill"
        assert "/" not in configuration.to_json()
    assert report.imported == ["photo_print", "photo_print"] and report.problems == []


def test_an_old_file_whose_picture_is_gone_opens_without_it(store, tmp_path):
    report = OldPictureReport()
    importer = old_picture_importer(store, tmp_path, "old.json", report)
    configuration = Configuration.from_json(old_file("/gone/me.png"), old_pictures=importer)
    assert list(configuration.personalization) == ["wrap_text"]
    (problem,) = report.problems
    assert (problem.file, problem.field) == ("old.json", "personalization.photo_print")
    assert "could not be imported" in problem.message and "left empty" in problem.message
    assert report.changed and stored_files(store) == []


def test_a_path_is_refused_where_no_import_is_asked_for(tmp_path):
    photo(tmp_path / "me.png")
    with opens() as opened, pytest.raises(ConfigurationError) as caught:
        Configuration.from_json(old_file(str(tmp_path / "me.png")), source="code.json")
    assert caught.value.field.startswith("personalization.photo_print.")
    assert "picture id" in caught.value.message and str(tmp_path) not in str(caught.value)
    assert_not_opened(opened, tmp_path / "me.png")


def test_stored_bytes_decode_to_the_checked_pixels(store, tmp_path):
    rgba = np.random.default_rng(1).integers(0, 256, (16, 24, 4), dtype=np.uint8)
    Image.fromarray(rgba, "RGBA").save(tmp_path / "noise.png")
    picture = store.add_file(tmp_path / "noise.png")
    with Image.open(io.BytesIO(store.read(picture))) as stored:
        assert np.array_equal(np.asarray(stored.convert("RGBA")), rgba)  # PNG: lossless
