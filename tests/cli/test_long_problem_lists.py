"""A file with thousands of problems prints the first twenty and one line counting the rest:
a product file to ``app validate``, a CSV of orders to ``app store import-orders``."""

from __future__ import annotations

from app.cli.main import main


def test_validate_prints_twenty_problems_of_a_product_file_and_counts_the_rest(
        builtin_root, tmp_path, capsys):
    text = (builtin_root / "configs" / "mug.yaml").read_text(encoding="utf-8")
    path = tmp_path / "mug.yaml"
    path.write_text(text + "".join(f"extra_{i}: 1\n" for i in range(3000)), encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == 21
    assert all(line.startswith(f"{path}: extra_") for line in lines[:20])
    assert lines[-1] == f"... and 2980 more problems in {path}"
    assert "3000 problems in 1 file" in captured.err


def test_validate_shows_every_file_of_a_folder_up_to_its_own_limit(builtin_root, tmp_path,
                                                                   capsys):
    text = (builtin_root / "configs" / "mug.yaml").read_text(encoding="utf-8")
    for i in range(25):
        (tmp_path / f"mug_{i:02}.yaml").write_text(text + "extra: 1\n", encoding="utf-8")
    assert main(["validate", str(tmp_path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 25
    for i, line in enumerate(lines):
        assert line.startswith(f"{tmp_path / f'mug_{i:02}.yaml'}: extra: unknown field")


def test_import_orders_prints_twenty_skipped_rows_and_counts_the_rest(tmp_path, capsys):
    database = f"sqlite:///{tmp_path / 'shop.sqlite3'}"
    path = tmp_path / "orders.csv"
    rows = ["order_id,date,customer_email,share_code,quantity"]
    rows += [f"o{i},not a date,,code,1" for i in range(500)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(["store", "--database", database, "import-orders", str(path)]) == 0
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 21
    assert lines[0] == (f"skipped: {path}: line 2: date: expected a date as YYYY-MM-DD, "
                        "got 'not a date'")
    assert lines[-1] == f"... and 480 more problems in {path}"
    assert "500 rows skipped" in captured.out
