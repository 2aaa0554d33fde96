"""attendees.csv as spreadsheets really export it: trailing empty rows, `;` between cells
(the default of many European locales), Windows-1252 or UTF-16 text, and a key given twice
in one cell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from click.testing import CliRunner
from workspaces import meeting, write_workspace

from coverage.cli import main
from coverage.io import load_workspace

HEADER = ["id", "name", "delegation", "expertise", "unavailable"]
ROWS = [
    ["ana", "Ana Souza", "BRA", "privacy:3; ai:1", ""],
    ["ben", "Ben Okafor", "", "ai:2", "2018-11-05 12:00/2018-11-05 14:00"],
]


def run(*args: Any) -> Any:
    return CliRunner().invoke(main, [str(a) for a in args])


def spreadsheet(tmp_path: Path, text: str | bytes) -> Path:
    """A workspace whose attendees come from attendees.csv holding `text`."""
    folder = write_workspace(tmp_path / "ws", [], [meeting("m", "10:00", "11:00")])
    (folder / "attendees.yaml").unlink()
    path = folder / "attendees.csv"
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8", newline="")
    else:
        path.write_bytes(text)
    return folder


def csv_text(delimiter: str = ",", rows: list[list[str]] = ROWS, end: str = "\r\n") -> str:
    def cell(value: str) -> str:
        return f'"{value}"' if delimiter in value or ";" in value else value

    lines = [delimiter.join(HEADER)] + [delimiter.join(cell(v) for v in row) for row in rows]
    return end.join(lines) + end


def people(folder: Path) -> list[tuple[str, str, dict[str, int]]]:
    ws = load_workspace(folder)
    return [(a.id, a.name, dict(a.expertise)) for a in ws.attendees]


EXPECTED = [("ana", "Ana Souza", {"privacy": 3, "ai": 1}), ("ben", "Ben Okafor", {"ai": 2})]


def test_trailing_empty_rows_are_ignored(tmp_path: Path) -> None:
    for n, blank in enumerate([",,,,", ";;;;", "", ",  ,,,"]):
        text = csv_text() + (blank + "\r\n") * 3
        if blank.startswith(";"):
            text = csv_text(";") + (blank + "\r\n") * 3
        assert people(spreadsheet(tmp_path / str(n), text)) == EXPECTED


def test_semicolons_between_cells_are_read(tmp_path: Path) -> None:
    folder = spreadsheet(tmp_path, csv_text(";"))
    assert people(folder) == EXPECTED
    assert load_workspace(folder).attendee("ben").unavailable[0].reason is None


def test_a_windows_1252_file_says_how_to_save_it(tmp_path: Path) -> None:
    rows = [["ana", "Ana Souza", "BRA", "privacy:3", ""], ["jo", "José Núñez", "", "ai:2", ""]]
    folder = spreadsheet(tmp_path, csv_text(rows=rows).encode("cp1252"))
    result = run("check", folder)
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert "attendees.csv: line 3: not UTF-8 text" in line
    assert "Windows-1252" in line and "CSV UTF-8" in line
    assert "Traceback" not in result.output


def test_a_utf16_file_with_its_byte_order_mark_is_read(tmp_path: Path) -> None:
    text = csv_text("\t")
    folder = spreadsheet(tmp_path, b"\xff\xfe" + text.encode("utf-16-le"))
    assert people(folder) == EXPECTED


def test_a_key_given_twice_in_a_cell_is_an_error(tmp_path: Path) -> None:
    rows = [["ana", "Ana", "", "privacy:3; privacy:1", ""]]
    result = run("check", spreadsheet(tmp_path, csv_text(rows=rows)))
    assert result.exit_code == 2
    assert "attendee 'ana' (line 2): field 'expertise': issue 'privacy' is given twice" in (
        result.output
    )


def test_marking_someone_unavailable_keeps_the_semicolons(tmp_path: Path) -> None:
    folder = spreadsheet(tmp_path, csv_text(";"))
    before = (folder / "attendees.csv").read_text(encoding="utf-8").splitlines()
    result = run("unavailable", folder, "ana", "--from", "2018-11-05 09:00", "--to",
                 "2018-11-05 10:00")  # fmt: skip
    assert result.exit_code == 0, result.output
    after = (folder / "attendees.csv").read_text(encoding="utf-8").splitlines()
    assert after[0] == before[0] and after[2] == before[2]
    assert after[1] == 'ana;Ana Souza;BRA;"privacy:3; ai:1";2018-11-05 09:00/2018-11-05 10:00'
    assert len(load_workspace(folder).attendee("ana").unavailable) == 1


def test_a_cell_that_cannot_be_read_does_not_hide_the_other_errors(tmp_path: Path) -> None:
    # Ana's absence has no end, Ben's expertise no level, Cy's delegation is no code: all
    # three are reported at once (the first used to hide the others until it was fixed).
    rows = [
        ["ana", "Ana Souza", "BRA", "privacy:3", "2018-11-05 12:00"],
        ["ben", "Ben Okafor", "", "privacy", ""],
        ["cy", "Cy", "XYZW", "ai:2", ""],
    ]
    result = run("check", spreadsheet(tmp_path, csv_text(rows=rows)))
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert any("attendee 'ana'" in line and "field 'unavailable'" in line for line in lines)
    assert any("attendee 'ben'" in line and "field 'expertise'" in line for line in lines)
    assert any("attendee 'cy'" in line and "field 'delegation'" in line for line in lines)
    assert len(lines) == 3
