"""The scoring tables the portal ships (GB/T 19580-2012 for organisations, a default
rubric for individuals), as data in ``review/data/criteria-sets.json``.

The data migration installs them; tests re-install them after a flush. The office enters
later versions through the portal (copy and edit), not by editing the file.
"""

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "criteria-sets.json"


def shipped_sets() -> list[dict]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def install_shipped_sets(CriteriaSet, Criterion, BandGuidance) -> None:
    """Create each shipped set that does not exist yet (by code and version)."""
    for data in shipped_sets():
        if CriteriaSet.objects.filter(code=data["code"], version=data["version"]).exists():
            continue
        criteria_set = CriteriaSet.objects.create(
            code=data["code"],
            version=data["version"],
            name=data["name"],
            applicant_kind=data["applicant_kind"],
            source=data["source"],
            note=data["note"],
        )
        position = 0
        for category in data["categories"]:
            position += 1
            parent = Criterion.objects.create(
                criteria_set=criteria_set,
                code=category["code"],
                name_zh=category["zh"],
                name_en=category["en"],
                points=category["points"],
                kind=category["kind"],
                position=position,
            )
            for item in category["items"]:
                position += 1
                Criterion.objects.create(
                    criteria_set=criteria_set,
                    parent=parent,
                    code=item["code"],
                    name_zh=item["zh"],
                    name_en=item["en"],
                    points=item["points"],
                    kind=category["kind"],
                    position=position,
                )
        for band in data["bands"]:
            BandGuidance.objects.create(
                criteria_set=criteria_set,
                kind=band["kind"],
                low=band["low"],
                high=band["high"],
                text_zh=band["zh"],
                text_en=band["en"],
            )
