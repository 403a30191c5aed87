#!/usr/bin/env python3
"""Writes files shaped like those analysts hold, for trying evacmap's importers by eye:

  acled-shaped.csv   ACLED's 2023+ columns, N events (default 3,000) around Syrian towns
                     over 2016-2024, mixed time and geo precision, one or two outlets each
  unhcr-shaped.csv   a UNHCR Refugee Data Finder table: origin and asylum countries by year

Made up, deterministic (the same arguments give the same files); never real ACLED data, whose
terms forbid redistributing it. Usage: scripts/import-samples.py OUT_FOLDER [N]
"""

import csv
import random
import sys
from pathlib import Path

TOWNS = [
    ("Damascus", "Damascus", 33.5138, 36.2765),
    ("Douma", "Rural Damascus", 33.5711, 36.4022),
    ("Aleppo", "Aleppo", 36.2021, 37.1343),
    ("Idlib", "Idleb", 35.9306, 36.6339),
    ("Homs", "Homs", 34.7324, 36.7137),
    ("Hama", "Hama", 35.1318, 36.7578),
    ("Daraa", "Dar'a", 32.6189, 36.1021),
    ("Deir ez-Zor", "Deir-ez-Zor", 35.3359, 40.1408),
    ("Raqqa", "Ar-Raqqa", 35.9594, 39.0079),
    ("Qamishli", "Al-Hasakeh", 37.0522, 41.2317),
    ("Afrin", "Aleppo", 36.5117, 36.8694),
    ("Maarat al-Numan", "Idleb", 35.6436, 36.6717),
]
TYPES = [
    ("Battles", "Armed clash", "Political violence"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "Political violence"),
    ("Explosions/Remote violence", "Air/drone strike", "Political violence"),
    ("Violence against civilians", "Attack", "Political violence"),
    ("Protests", "Peaceful protest", "Demonstrations"),
    ("Strategic developments", "Agreement", "Strategic developments"),
]
OUTLETS = ["SOHR", "SANA", "Enab Baladi", "Syria Direct", "North Press Agency", "Step News"]
ACTORS = [
    "Military Forces of Syria (2000-)",
    "HTS: Hayat Tahrir al Sham",
    "SDF: Syrian Democratic Forces",
    "Military Forces of Turkey (2016-)",
    "Civilians (Syria)",
    "Protesters (Syria)",
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]

ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
]


def acled(path: Path, count: int, rng: random.Random) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(ACLED_COLUMNS)
        for i in range(count):
            town, admin1, lat, lon = rng.choice(TOWNS)
            event_type, sub_type, disorder = rng.choice(TYPES)
            year = rng.randint(2016, 2024)
            month = rng.randint(1, 12)
            day = rng.randint(1, 28)
            precision = rng.choices([1, 2, 3], weights=[8, 1, 1])[0]
            geo = rng.choices([1, 2, 3], weights=[6, 3, 1])[0]
            spread = 0.02 if geo == 1 else 0.15
            outlets = rng.sample(OUTLETS, rng.choice([1, 1, 2]))
            fatalities = 0 if event_type == "Protests" else rng.choice([0, 0, 1, 2, 3, 5, 12])
            actor1 = rng.choice(ACTORS)
            actor2 = rng.choice([a for a in ACTORS if a != actor1])
            writer.writerow([
                f"SYR{i + 1}", f"{day:02d} {MONTHS[month - 1]} {year}", year, precision,
                disorder, event_type, sub_type, actor1, "", 1, actor2, "", 2, 12,
                "Civilian targeting" if event_type == "Violence against civilians" else "",
                760, "Middle East", "Syria", admin1, town, "", town,
                f"{lat + rng.uniform(-spread, spread):.4f}",
                f"{lon + rng.uniform(-spread, spread):.4f}", geo, "; ".join(outlets),
                "National", f"On {day} {MONTHS[month - 1]} {year}, {sub_type.lower()} in {town}.",
                fatalities, "", 1700000000 + i,
            ])


COUNTRIES = [
    ("Syrian Arab Rep.", "SYR"), ("Afghanistan", "AFG"), ("South Sudan", "SSD"),
    ("Ukraine", "UKR"), ("Myanmar", "MMR"), ("Sudan", "SDN"),
]
ASYLUM = [
    ("Türkiye", "TUR"), ("Lebanon", "LBN"), ("Jordan", "JOR"), ("Germany", "DEU"),
    ("Iran (Islamic Rep. of)", "IRN"), ("Pakistan", "PAK"), ("Uganda", "UGA"),
    ("Poland", "POL"), ("Bangladesh", "BGD"), ("Chad", "TCD"), ("Egypt", "EGY"),
    ("Sweden", "SWE"),
]


def unhcr(path: Path, rng: random.Random) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([
            "Year", "Country of origin", "Country of origin (ISO)", "Country of asylum",
            "Country of asylum (ISO)", "Refugees under UNHCR's mandate", "Asylum-seekers",
        ])
        # Refugees stay where they found asylum: the same pairs year after year.
        hosts = {origin: rng.sample(ASYLUM, 4) for origin, _ in COUNTRIES}
        for year in range(2015, 2024):
            for origin, origin_iso in COUNTRIES:
                for asylum, asylum_iso in hosts[origin]:
                    writer.writerow([
                        year, origin, origin_iso, asylum, asylum_iso,
                        rng.randint(1_000, 3_500_000), rng.randint(0, 90_000),
                    ])


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    folder = Path(sys.argv[1])
    folder.mkdir(parents=True, exist_ok=True)
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    acled(folder / "acled-shaped.csv", count, random.Random(1))
    unhcr(folder / "unhcr-shaped.csv", random.Random(2))
    print(f"{folder}/acled-shaped.csv: {count} events; {folder}/unhcr-shaped.csv")


if __name__ == "__main__":
    main()
