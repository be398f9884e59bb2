"""A throwaway Dutch catalogue for developing the language tests before the translation
is merged: ``python tests/i18n/fake_nl.py OUT`` writes ``OUT/nl*.yaml`` with the keys,
placeholders and plural forms of the French catalogue and texts that hold no French word
(``"(nl) error unknown_key {path} {accepted}"``); then run with
``DEPOSITAIRE_EXTRA_CATALOGUE=OUT``. Never write these files into the package: the tests
must fail while the real ``nl*.yaml`` are absent.
"""

from __future__ import annotations

import string
import sys
from pathlib import Path

import yaml

from depositaire.messages import catalogue


def fake_text(key: str, french: str) -> str:
    if len(french) <= 2:  # a code the program reads (a rule title's gender "f", number "p")
        return french
    if "," in french and " " not in french.strip():  # a list (the months): same length
        return ",".join(f"nl{i}" for i, _ in enumerate(french.split(",")))
    names = [n for _, n, _, _ in string.Formatter().parse(french) if n]
    words = key.replace("_", " ").replace(".", " ")
    return " ".join(["(nl)", words, *("{" + n + "}" for n in dict.fromkeys(names))])


def write(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    # Flat dotted keys: the catalogue reads them as the nested ones.
    tree = {
        key: fake_text(key, french)
        for key, french in catalogue("fr").items()
        if not key.endswith(".many")  # French's third plural form; Dutch has one and other
    }
    (out / "nl.yaml").write_text(yaml.safe_dump(tree, allow_unicode=True), "utf-8")
    return out


if __name__ == "__main__":
    print(write(Path(sys.argv[1])))
