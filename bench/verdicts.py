"""Time to judge 10,000 transfers with transfers.verdicts.judge, as /api/v1/transfers does.

A mix of EEA, adequacy, partial adequacy, SCC and derogation facts over the countries of the
world, judged today and under a what-if. Beside them, the reference measured in the same run:
the same transfers read without judging (each one's country, ground, importer, measures and
assessment looked at, as judging begins), so the ratio is what the law costs over visiting the
rows on this machine now. It prints figures; it never fails on timing.

    .venv/bin/python bench/verdicts.py [--transfers 10000]
"""

import argparse
import random
import statistics
import time
from datetime import date

import pycountry

from transfers.grounds import Derogation, SccModule, TransferGround, TransferTool
from transfers.importers import DpfEntry, Importer
from transfers.measures import catalogue
from transfers.risk import Conclusion
from transfers.verdicts import AssessmentOnRecord, TransferFacts, judge

GROUNDS = [
    None,
    TransferGround(TransferTool.ADEQUACY),
    TransferGround(TransferTool.ADEQUACY, adequacy_decision="2023/1795"),
    TransferGround(TransferTool.SCC, scc_module=SccModule.PROCESSOR_TO_PROCESSOR),
    TransferGround(TransferTool.BCR),
    TransferGround(
        TransferTool.DEROGATION,
        derogation=Derogation.LEGAL_CLAIMS,
        derogation_justification="A claim",
    ),
]


# An approved assessment, due for review in a year.
ASSESSED = AssessmentOnRecord(
    Conclusion.ACCEPTABLE_WITH_MEASURES, date(2026, 3, 1), next_review=date(2027, 3, 1)
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transfers", type=int, default=10_000)
    count = parser.parse_args().transfers
    chance = random.Random(2026)
    countries = [country.alpha_2 for country in pycountry.countries]
    codes = list(catalogue())
    facts = [
        TransferFacts(
            country=chance.choice(countries + ["US"] * 40 + ["IN"] * 20),
            ground=chance.choice(GROUNDS),
            importer=Importer(dpf=DpfEntry(listed=True) if chance.random() < 0.5 else None),
            measures=frozenset(chance.sample(codes, chance.randint(0, 4))),
            assessment=ASSESSED if chance.random() < 0.5 else None,
        )
        for _ in range(count)
    ]
    today = date(2026, 11, 30)  # a fixed day: the figures compare run to run
    what_if = {"2023/1795": today}
    print(f"verdicts: {count} transfers")
    reading = _median_of_rounds(lambda: _read(facts))
    print(f"  {'reference: read only':<22} median of 5 rounds {reading * 1000:8.1f} ms")
    for label, assume_ended in (("today", None), ("what-if: DPF ended", what_if)):
        median = _median_of_rounds(lambda ended=assume_ended: _judge(facts, today, ended))
        print(
            f"  {label:<22} median of 5 rounds {median * 1000:8.1f} ms "
            f"({median / count * 1e6:.1f} µs a transfer) = {median / reading:.0f} x reading"
        )


def _median_of_rounds(work) -> float:
    rounds = []
    for _ in range(5):
        started = time.perf_counter()
        work()
        rounds.append(time.perf_counter() - started)
    return statistics.median(rounds)


def _judge(facts: list[TransferFacts], today: date, assume_ended) -> None:
    for entry in facts:
        judge(entry, today, assume_ended)


def _read(facts: list[TransferFacts]) -> int:
    seen = 0
    for entry in facts:
        seen += bool(entry.country) + bool(entry.ground) + bool(entry.importer)
        seen += len(entry.measures) + bool(entry.assessment)
    return seen


if __name__ == "__main__":
    main()
