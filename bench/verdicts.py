"""Time to judge 10,000 transfers with transfers.verdicts.judge, as /api/v1/transfers does.

A mix of EEA, adequacy, partial adequacy, SCC and derogation facts over the countries of the
world, judged today and under a what-if. It prints figures; it never fails on timing.

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
    for label, assume_ended in (("today", None), ("what-if: DPF ended", what_if)):
        rounds = []
        for _ in range(5):
            started = time.perf_counter()
            for entry in facts:
                judge(entry, today, assume_ended)
            rounds.append(time.perf_counter() - started)
        median = statistics.median(rounds)
        print(
            f"  {label:<22} median of 5 rounds {median * 1000:8.1f} ms "
            f"({median / count * 1e6:.1f} µs a transfer)"
        )


if __name__ == "__main__":
    main()
