"""Spanish double surnames: ``José García López`` is often written ``José García``.

A Spanish name writes two surnames, the father's first (``García``) and the mother's second
(``López``), joined by a hyphen or not; the first alone is the common short form, the second
alone is not (``José López`` is another name). A middle given name looks the same as a first
surname, so this holds only where the first surname is in a small table of common Spanish
surnames that are no given names (``Martín``, ``Santiago``, ``Cruz`` are left out). Portuguese
names write the main surname last (``João Silva Santos`` is ``João Santos``), so their surnames
are not in the table. Comparison only: keys and blocks stay as written.
"""

from __future__ import annotations

from scholarkg.iris import fold

SPANISH_SURNAMES = frozenset(
    {
        "aguilar", "alvarez", "arias", "benitez", "blanco", "bravo", "caballero", "cabrera",
        "calvo", "cano", "carmona", "carrasco", "castillo", "cortes", "crespo", "delgado",
        "diaz", "dominguez", "duran", "fernandez", "ferrer", "fuentes", "gallardo", "gallego",
        "garcia", "garrido", "gimenez", "gomez", "gonzalez", "guerrero", "gutierrez",
        "hernandez", "herrera", "herrero", "hidalgo", "ibanez", "iglesias", "jimenez", "lopez",
        "lozano", "marquez", "martinez", "medina", "mendez", "molina", "montero", "morales",
        "moreno", "moya", "munoz", "navarro", "nieto", "nunez", "ortega", "ortiz", "parra",
        "perez", "prieto", "ramirez", "rodriguez", "rojas", "romero", "rubio", "ruiz", "saez",
        "sanchez", "sanz", "serrano", "soler", "soto", "suarez", "torres", "vargas", "vazquez",
        "velasco",
    }
)  # fmt: skip


def first_surname_alone(text: str) -> str | None:
    """``José García`` for ``José García López`` and for ``José García-López``: the name
    without its second surname, where the first is a Spanish surname (:data:`SPANISH_SURNAMES`)
    and a given name comes before it; ``None`` for any other name (an inverted one too)."""
    words = [] if "," in text else text.split()  # "García López, José": inverted, left be
    if len(words) >= 3 and fold(words[-2]) in SPANISH_SURNAMES:
        return " ".join(words[:-1])
    first, hyphen, second = words[-1].partition("-") if len(words) >= 2 else ("", "", "")
    if hyphen and fold(second) and fold(first) in SPANISH_SURNAMES:
        return " ".join([*words[:-1], first])
    return None


def second_surname_alone(ta: tuple[str, ...], tb: tuple[str, ...]) -> bool:
    """``tb`` (folded words, surname last) writes the second of ``ta``'s two Spanish surnames
    alone, leaving out the first, which no given name of ``tb`` stands for: ``jose lopez``
    for ``jose garcia lopez`` (``jose g lopez`` writes it as an initial)."""
    return (
        len(ta) >= 3
        and ta[-2] in SPANISH_SURNAMES
        and bool(tb)
        and tb[-1] == ta[-1]
        and len(tb) < len(ta)
    )


def two_second_surnames(ta: tuple[str, ...], tb: tuple[str, ...]) -> bool:
    """``ta`` and ``tb`` write one first Spanish surname and two second ones (``jose garcia
    lopez``, ``jose garcia perez``): two names, though each stands for ``jose garcia``."""
    return (
        len(ta) >= 3
        and len(tb) >= 3
        and ta[-2] == tb[-2]
        and ta[-2] in SPANISH_SURNAMES
        and ta[-1] != tb[-1]
    )
