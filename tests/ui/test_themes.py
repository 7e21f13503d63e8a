"""Theme files: the bundled ones are valid and readable; broken files are skipped with the reason."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import pytest
from textual.color import Color
from textual.theme import Theme

from tikhub_tui.ui.themes import (
    ThemeFileError,
    bundled_theme_dirs,
    load_themes,
    parse_theme,
    user_theme_dir,
)

REPO_THEMES = Path(__file__).resolve().parents[2] / "themes"
GOOD = """\
name = "mine"
dark = false
primary = "#112233"
background = "rgb(250, 250, 250)"
foreground = "black"
[variables]
footer-key-foreground = "#112233 80%"
markdown-h1-text-style = "bold underline"
"""


def bundled() -> dict[str, Theme]:
    found, problems = load_themes([])
    assert problems == []
    return {theme.name: theme for theme in found}


def write(directory: Path, name: str, text: str | bytes) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# -- the bundled themes ------------------------------------------------------------------------


def test_five_bundled_themes_load_from_the_checkout() -> None:
    assert bundled_theme_dirs() == [REPO_THEMES]
    names = set(bundled())
    assert {"tikhub-dark", "tikhub-light", "tikhub-solarized", "tikhub-nord"} <= names
    assert "tikhub-high-contrast" in names
    assert bundled()["tikhub-light"].dark is False
    assert bundled()["tikhub-dark"].dark is True
    assert not (REPO_THEMES / ".keep").exists()


def test_a_wheel_finds_its_packaged_themes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "site-packages" / "tikhub_tui"
    write(package / "_themes", "only.toml", 'name = "only"\nprimary = "#123456"\n')
    monkeypatch.setattr(importlib.resources, "files", lambda _name: package)
    assert bundled_theme_dirs() == [package / "_themes"]
    assert [t.name for t in load_themes([])[0]] == ["only"]


def _luminance(color: Color) -> float:
    def channel(value: int) -> float:
        v = value / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def contrast(foreground: Color, background: Color) -> float:
    """The WCAG contrast ratio (1 to 21)."""
    high, low = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def resolve(value: str, under: Color) -> Color:
    """A CSS colour value of a theme variable ("auto 87%", "#abc 50%") as seen over `under`."""
    colour, *alpha = value.split()
    share = float(alpha[0].rstrip("%")) / 100 if alpha else 1.0
    if colour == "auto":
        return under + under.get_contrast_text(share)
    return under + Color.parse(colour).with_alpha(share)


@pytest.mark.parametrize("name", sorted(bundled()))
def test_bundled_theme_text_is_readable(name: str) -> None:
    theme = bundled()[name]
    variables = {**theme.to_color_system().generate(), **theme.variables}
    background = Color.parse(variables["background"])
    surface = Color.parse(variables["surface"])
    footer = resolve(variables["footer-background"], background)
    body = 7.0 if "high-contrast" in name else 4.5
    for under in (background, surface):
        assert contrast(resolve(variables["text"], under), under) >= body
    for role in ("primary", "secondary", "accent", "warning", "error", "success"):
        assert contrast(resolve(variables[f"text-{role}"], background), background) >= body, role
    assert contrast(resolve(variables["text-muted"], background), background) >= 4.5
    for part in ("footer-key-foreground", "footer-description-foreground"):
        assert contrast(resolve(variables[part], footer), footer) >= 4.5, part


def test_high_contrast_uses_only_xterm_256_colours() -> None:
    """So that a terminal without true colour (common over SSH) shows exactly these colours."""
    levels = {0x00, 0x5F, 0x87, 0xAF, 0xD7, 0xFF}
    greys = {8 + 10 * n for n in range(24)}
    text = (REPO_THEMES / "tikhub-high-contrast.toml").read_text()
    for value in (word.strip('"') for word in text.split() if word.startswith('"#')):
        r, g, b = Color.parse(value).rgb
        assert {r, g, b} <= levels or (r == g == b and r in greys), value


# -- parsing -----------------------------------------------------------------------------------


def test_a_good_file_becomes_a_textual_theme() -> None:
    theme = parse_theme(GOOD)
    assert (theme.name, theme.dark, theme.primary, theme.foreground) == (
        "mine",
        False,
        "#112233",
        "black",
    )
    assert theme.variables["footer-key-foreground"] == "#112233 80%"
    assert theme.to_color_system().generate()["markdown-h1-text-style"] == "bold underline"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('name = "x"\nprimary = "#123456', "not valid TOML"),
        ('primary = "#123456"\n', "needs `name"),
        ('name = "two words"\nprimary = "#123456"\n', "needs `name"),
        ('name = "x"\n', "needs at least `primary"),
        ('name = "x"\nprimary = "#12345G"\n', "`primary = '#12345G'` is not a colour"),
        ('name = "x"\nprimary = "#123456"\nsurface = 3\n', "`surface` must be a colour in quotes"),
        ('name = "x"\nprimary = "#123456"\ndark = "yes"\n', "`dark` must be true or false"),
        ('name = "x"\nprimry = "#123456"\nprimary = "red"\n', "unknown key `primry`"),
        ('name = "x"\nprimary = "red"\ntext_alpha = 2\n', "`text_alpha` must be a number"),
        ('name = "x"\nprimary = "red"\nvariables = 1\n', "[variables] must be a table"),
        ('name = "x"\nprimary = "red"\n[variables]\nbordr = "red"\n', "unknown variable `bordr`"),
        ('name = "x"\nprimary = "red"\n[variables]\nborder = "reddish"\n', "is not a colour"),
        (
            'name = "x"\nprimary = "red"\n[variables]\nlink-style = "loud"\n',
            "is not a text style",
        ),
    ],
)
def test_each_kind_of_broken_file_names_the_problem(text: str, reason: str) -> None:
    with pytest.raises(ThemeFileError) as caught:
        parse_theme(text)
    assert reason in str(caught.value)


# -- the user's directory ----------------------------------------------------------------------


def test_user_files_add_and_override_themes() -> None:
    write(user_theme_dir(), "mine.toml", GOOD)
    write(user_theme_dir(), "dark.toml", 'name = "tikhub-dark"\nprimary = "#FF0000"\n')
    write(user_theme_dir(), "notes.txt", "not a theme")
    found, problems = load_themes()
    by_name = {theme.name: theme for theme in found}
    assert problems == []
    assert by_name["mine"].primary == "#112233"
    assert by_name["tikhub-dark"].primary == "#FF0000"
    assert set(bundled()) < set(by_name)


def test_broken_user_files_are_skipped_and_named() -> None:
    directory = user_theme_dir()
    write(directory, "good.toml", GOOD)
    bad_toml = write(directory, "bad-toml.toml", "name = [")
    nameless = write(directory, "nameless.toml", 'primary = "#123456"\n')
    bad_colour = write(directory, "colour.toml", 'name = "c"\nprimary = "#12"\n')
    latin1 = write(directory, "latin1.toml", 'name = "caf\xe9"\n'.encode("latin-1"))
    found, problems = load_themes()
    assert "mine" in {theme.name for theme in found}
    assert "c" not in {theme.name for theme in found}
    assert len(problems) == 4
    joined = "\n".join(problems)
    for path, reason in [
        (bad_toml, "not valid TOML"),
        (nameless, "needs `name"),
        (bad_colour, "is not a colour"),
        (latin1, "not UTF-8"),
    ]:
        line = next(p for p in problems if p.startswith(str(path)))
        assert reason in line, joined


def test_two_user_files_with_one_name_are_reported() -> None:
    write(user_theme_dir(), "a.toml", 'name = "twin"\nprimary = "#111111"\n')
    write(user_theme_dir(), "b.toml", 'name = "twin"\nprimary = "#222222"\n')
    found, problems = load_themes()
    assert [t.primary for t in found if t.name == "twin"] == ["#222222"]
    assert len(problems) == 1
    assert "b.toml" in problems[0] and "a.toml" in problems[0] and "rename" in problems[0]


def test_a_missing_user_directory_is_fine() -> None:
    assert not user_theme_dir().exists()
    found, problems = load_themes()
    assert problems == []
    assert {theme.name for theme in found} == set(bundled())
