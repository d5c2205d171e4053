"""An unknown key or section is told with the known one nearest it, when one is close."""

from __future__ import annotations

from pathlib import Path

import pytest

from scholarkg.config import HttpConfig, load_config
from scholarkg.errors import ConfigError

pytestmark = pytest.mark.usefixtures("clean_environment")  # tests/conftest.py


@pytest.mark.parametrize(
    ("text", "expected"),
    [  # before: the line ended at "unknown key" / "unknown section [stroe]", with no line
        ('[store]\npaht = "x"\n', ":2: [store] paht: unknown key; did you mean `store.path`?"),
        (
            "[limits]\nharvest_max_page = 3\n",
            ":2: [limits] harvest_max_page: unknown key; did you mean `limits.harvest_max_pages`?",
        ),
        (
            "[serve]\nWorkers = 3\n",
            ":2: [serve] Workers: unknown key; did you mean `serve.workers`?",
        ),
        ('[stroe]\npath = "x"\n', ":1: unknown section [stroe]; did you mean [store]?"),
        ("[store]\nnope = 1\n", ":2: [store] nope: unknown key"),  # nothing close: no guess
        ("[nope]\nx = 1\n", ":1: unknown section [nope]"),
    ],
)
def test_an_unknown_key_in_a_file_names_the_nearest_known_one(
    tmp_path: Path, text: str, expected: str
) -> None:
    mine = tmp_path / "mine.toml"
    mine.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(mine)
    message = str(caught.value)
    assert "\n" not in message and message == f"{mine}{expected}", message


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "SCHOLARKG_STORE__PAHT",
            "environment SCHOLARKG_STORE__PAHT: [store] paht: unknown key; did you mean "
            "SCHOLARKG_STORE__PATH?",
        ),
        ("SCHOLARKG_STORE__NOPE", "environment SCHOLARKG_STORE__NOPE: [store] nope: unknown key"),
        (
            "SCHOLARKG_STROE__PATH",
            "environment SCHOLARKG_STROE__PATH: unknown section [stroe] (known: [data], [store], "
            "[iris], [profiles], [http], [limits], [arxiv], [people], [publish], [serve], "
            "[runner], [schedules], [shacl], [report], [subject_codes]); did you mean [store]?",
        ),
    ],
)
def test_an_unknown_variable_names_the_nearest_known_one(
    monkeypatch: pytest.MonkeyPatch, name: str, expected: str
) -> None:
    monkeypatch.setenv(name, "x")
    with pytest.raises(ConfigError) as caught:
        load_config()
    assert str(caught.value) == expected


def test_a_section_built_directly_names_the_nearest_key() -> None:
    with pytest.raises(ConfigError) as caught:
        HttpConfig(min_intervl=1)  # type: ignore[call-arg]
    assert str(caught.value) == "HttpConfig: min_intervl: unknown key; did you mean `min_interval`?"
