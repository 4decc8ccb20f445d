"""(j) Patient documents: a consent PDF against a bare reportlab document, and a batch of aftercare handouts.

    .venv/bin/python benchmarks/document_bench.py                 # ~15 s
    .venv/bin/python benchmarks/document_bench.py --rounds 10     # quicker
    .venv/bin/python benchmarks/document_bench.py --profile       # + cProfile of one consent
    .venv/bin/python benchmarks/document_bench.py --json > documents.json

Issue 6's targets: a consent PDF takes at most 3x a bare reportlab document of the same length on the same machine,
and a batch of 100 handouts takes under 3 s. No database: the documents are made from the shipped seed templates
(kapdesk/resources/templates) filled for invented patients, exactly as the services will hand them to
kapdesk.documents.patient_document.document_pdf.

(a) consent, per round (variants interleaved, order rotating, after warm-up rounds):
  bare      the floor: the filled consent-iv seed's headings, paragraphs and lists (same text, same **bold**) as a
            reportlab SimpleDocTemplate with the built-in Helvetica and the sample style sheet: no font to embed, no
            letterhead, no footer, no signature blocks. Once kapdesk has made a PDF, reportlab's streams are left
            binary (sheet_layout.build_pdf turns off its pure-Python ASCII85 step), so the floor is spared it too;
  consent   document_pdf of the same blocks: DejaVu Sans embedded (subset), the letterhead, the patient line and
            "Page x of y" on every page (one extra pass over the pages), and the Patient, Witness and Clinician
            signature blocks. Target: median <= 3x bare;
  +logo     the same with the clinic's logo in the letterhead (informational; the logo is decoded once per process,
            its pixels compressed into each PDF).
(b) batch: 100 aftercare handouts back to back for 100 different invented patients (Unicode names), each one the
  whole job a batch does per patient: placeholder values, filling the parsed template, and the PDF with the logo.
  Target: total < 3 s. Best and median of a few batches are printed.
(c) service batch: the same 100 handouts as the calendar's batch makes them, through DocumentService.make on a
  temporary demo clinic (SQLite, 300 patients), signed in as the front desk: per patient one transaction with the
  course, the active template, the letterhead, the PDF, the stored bytes, the audit event and an fsync'd commit.
  Target: total < 3 s.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from kapdesk.documents.patient_document import DocumentPage, document_pdf
from kapdesk.domain.appointments import Route
from kapdesk.domain.clinic_profile import ClinicProfile
from kapdesk.domain.document_seeds import parse_seed
from kapdesk.domain.document_templates import Block, Heading, Items, Paragraph, fill_blocks, parse
from kapdesk.domain.document_values import CourseFacts, document_values
from kapdesk.domain.patients import PatientRecord
from kapdesk.domain.settings import ClinicSettings

RATIO_TARGET = 3.0
BATCH_TARGET_S = 3.0
TEMPLATES = Path(__file__).resolve().parents[1] / "kapdesk" / "resources" / "templates"
CLINIC = ClinicProfile(
    name="Willamette Ketamine & Integration Clinic",
    address="1200 SE Morrison St, Suite 300\nPortland, OR 97214",
    phone="+15035550100",
    time_zone="America/Los_Angeles",
)
TODAY = date(2026, 11, 20)
SETTINGS = ClinicSettings({})
ROLES = ("Patient", "Witness", "Clinician")
FIRST = ("Łukasz", "Zoë", "Thanh", "Antonín", "María José", "Siobhán", "Jürgen", "Aiyana", "Chidi", "Björk", "Renée")
LAST = ("Dvořák", "Ngô", "Nowak", "O'Connor", "Müller", "García-Núñez", "Okafor", "Søndergaard", "Smith & Sons", "Lê")
VARIANTS = ("bare", "consent", "consent_logo")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))]


def seed(code: str) -> tuple[Block, ...]:
    _, spec = parse_seed((TEMPLATES / f"{code}.md").read_text(encoding="utf-8"))
    return parse(spec.body)


def logo_png() -> bytes:
    """A 900x300 logo with transparency, as a clinic might upload: a circle and a bar."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (900, 300), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((20, 20, 280, 280), fill=(40, 110, 140, 255))
    draw.rectangle((320, 110, 880, 190), fill=(200, 120, 40, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def patient(index: int, rng: random.Random) -> PatientRecord:
    """The index-th invented patient: names repeat only after len(FIRST) * len(LAST) patients."""
    first, last = FIRST[index % len(FIRST)], LAST[index // len(FIRST) % len(LAST)]
    return PatientRecord(
        first_name=first,
        last_name=last,
        date_of_birth=date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 50)),
        escort_name=f"{rng.choice(FIRST)} {last}",
        escort_phone=f"+1503555{rng.randrange(10_000):04d}",
        id=index + 1,
        chart_number=f"KD-{index + 1:06d}",
        version=1,
    )


def course(index: int, route: Route = Route.IV) -> CourseFacts:
    starts = datetime(2026, 11, 23, 17, 0, tzinfo=UTC) + timedelta(minutes=30 * (index % 16))
    return CourseFacts(index, route, "IV induction (6 infusions)", "Dr Miriam Okafor", "Sam Rivera, LCSW", starts)


def page_for(
    person: PatientRecord, blocks: tuple[Block, ...], title: str, code: str, roles: tuple[str, ...], logo: bytes | None
) -> DocumentPage:
    born = f"born {person.date_of_birth:%B} {person.date_of_birth.day}, {person.date_of_birth.year}"  # type: ignore[union-attr]
    return DocumentPage(
        clinic=CLINIC,
        logo=logo,
        title=title,
        blocks=blocks,
        patient_line=f"{person.first_name} {person.last_name} · {born} · chart {person.chart_number}",
        reference=f"{code} v1 · made November 20, 2026 9:05 AM PST",
        signatures=roles,
        e_signature=None,
        page_size="letter",
    )


def filled(code: str, person: PatientRecord, facts: CourseFacts) -> tuple[tuple[Block, ...], str]:
    _, spec = parse_seed((TEMPLATES / f"{code}.md").read_text(encoding="utf-8"))
    blocks, errors = fill_blocks(parse(spec.body), document_values(person, CLINIC, facts, SETTINGS, TODAY))
    if errors:
        raise SystemExit(f"{code}: {[e.message for e in errors]}")
    return blocks, spec.title


def bare_maker(blocks: tuple[Block, ...]) -> Callable[[], bytes]:
    """The floor: the same blocks in reportlab's sample styles and Helvetica, nothing else on the page."""
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import ListFlowable, ListItem, SimpleDocTemplate
    from reportlab.platypus import Paragraph as RLParagraph

    from kapdesk.documents.patient_layout import inline

    sheet = getSampleStyleSheet()

    def make() -> bytes:
        story = []
        for block in blocks:
            match block:
                case Heading(level, text):
                    story.append(RLParagraph(inline(text), sheet["Heading1" if level == 1 else "Heading2"]))
                case Paragraph(text):
                    story.append(RLParagraph(inline(text), sheet["BodyText"]))
                case Items(items, numbered):
                    entries = [ListItem(RLParagraph(inline(i), sheet["BodyText"])) for i in items]
                    story.append(ListFlowable(entries, bulletType="1" if numbered else "bullet"))
        out = io.BytesIO()
        SimpleDocTemplate(out, pagesize=LETTER).build(story)
        return out.getvalue()

    return make


def pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def consent_benchmark(rounds: int, warmup: int, logo: bytes) -> dict[str, Any]:
    person = patient(123, random.Random(0))
    blocks, title = filled("consent-iv", person, course(1))
    makers: dict[str, Callable[[], bytes]] = {
        "bare": bare_maker(blocks),
        "consent": lambda: document_pdf(page_for(person, blocks, title, "consent-iv", ROLES, None)),
        "consent_logo": lambda: document_pdf(page_for(person, blocks, title, "consent-iv", ROLES, logo)),
    }
    samples: dict[str, list[float]] = {v: [] for v in VARIANTS}
    sizes: dict[str, dict[str, int]] = {}
    for variant, make in makers.items():  # the first call registers the fonts and decodes the logo: untimed
        pdf = make()
        sizes[variant] = {"pages": pages(pdf), "bytes": len(pdf)}
    gc.collect()
    for number in range(warmup + rounds):
        order = VARIANTS[number % 3 :] + VARIANTS[: number % 3]
        for variant in order:
            started = time.perf_counter()
            makers[variant]()
            if number >= warmup:
                samples[variant].append(time.perf_counter() - started)
    median = {v: ms(statistics.median(s)) for v, s in samples.items()}
    ratio = median["consent"] / median["bare"]
    return {
        "rounds": rounds,
        "median_ms": median,
        "p95_ms": {v: ms(percentile(s, 0.95)) for v, s in samples.items()},
        "documents": sizes,
        "ratio": round(ratio, 3),
        "ratio_logo": round(median["consent_logo"] / median["bare"], 3),
        "target_ratio": RATIO_TARGET,
        "pass": ratio <= RATIO_TARGET,
    }


def batch_benchmark(handouts: int, batches: int, logo: bytes, seed_value: int) -> dict[str, Any]:
    rng = random.Random(seed_value)
    people = [patient(i, rng) for i in range(handouts)]
    _, spec = parse_seed((TEMPLATES / "aftercare.md").read_text(encoding="utf-8"))
    routes = list(Route)

    def batch() -> tuple[float, list[bytes]]:
        started = time.perf_counter()
        made = []
        for index, person in enumerate(people):
            values = document_values(person, CLINIC, course(index, routes[index % 4]), SETTINGS, TODAY)
            blocks, errors = fill_blocks(parse(spec.body), values)
            if errors:
                raise SystemExit(f"aftercare for {person.chart_number}: {[e.message for e in errors]}")
            made.append(document_pdf(page_for(person, blocks, spec.title, "aftercare", (), logo)))
        return time.perf_counter() - started, made

    batch()  # warm: fonts, the logo, reportlab's own caches
    seconds = []
    for _ in range(batches):
        took, made = batch()
        seconds.append(took)
    return {
        "handouts": handouts,
        "batches": batches,
        "best_s": round(min(seconds), 3),
        "median_s": round(statistics.median(seconds), 3),
        "per_handout_ms": ms(statistics.median(seconds) / handouts),
        "pages": sum(pages(pdf) for pdf in made),
        "distinct_patients": len({(p.first_name, p.last_name) for p in people}),
        "mib": round(sum(map(len, made)) / 2**20, 2),
        "target_s": BATCH_TARGET_S,
        "pass": statistics.median(seconds) < BATCH_TARGET_S,
    }


def service_batch_benchmark(handouts: int, batches: int) -> dict[str, Any]:
    import tempfile

    from sqlalchemy import text

    from kapdesk.domain.document_templates import DocumentKind
    from kapdesk.services.clinic import open_clinic
    from kapdesk.services.demo import DEMO_PASSWORD

    with tempfile.TemporaryDirectory() as folder:
        where = Path(folder)
        clinic = open_clinic(f"sqlite:///{where / 'demo.sqlite3'}", where / "backups", where / "audit.key")
        try:
            clinic.demo.populate(max(300, handouts))
            clinic.auth.sign_in("frontdesk", DEMO_PASSWORD)
            with clinic.database.reading() as connection:
                ids = (
                    connection.execute(
                        text("SELECT id FROM patients WHERE archived_at IS NULL ORDER BY id LIMIT :n"), {"n": handouts}
                    )
                    .scalars()
                    .all()
                )
            clinic.documents.make(ids[0], DocumentKind.AFTERCARE)  # warm
            seconds = []
            for _ in range(batches):
                started = time.perf_counter()
                for patient_id in ids:
                    clinic.documents.make(patient_id, DocumentKind.AFTERCARE)
                seconds.append(time.perf_counter() - started)
        finally:
            clinic.close()
    return {
        "handouts": len(ids),
        "batches": batches,
        "best_s": round(min(seconds), 3),
        "median_s": round(statistics.median(seconds), 3),
        "per_handout_ms": ms(statistics.median(seconds) / len(ids)),
        "target_s": BATCH_TARGET_S,
        "pass": statistics.median(seconds) < BATCH_TARGET_S,
    }


def document_benchmark(
    rounds: int = 30,
    warmup: int = 5,
    handouts: int = 100,
    batches: int = 3,
    seed_value: int = 1,
    with_profile: bool = False,
) -> dict[str, Any]:
    logo = logo_png()
    log(f"documents: consent, {warmup} warm-up + {rounds} rounds")
    results: dict[str, Any] = {"consent": consent_benchmark(rounds, warmup, logo)}
    log(f"documents: {batches} batches of {handouts} aftercare handouts")
    results["batch"] = batch_benchmark(handouts, batches, logo, seed_value)
    log(f"documents: {batches} batches of {handouts} aftercare handouts through DocumentService")
    results["service_batch"] = service_batch_benchmark(handouts, batches)
    if with_profile:
        person = patient(123, random.Random(0))
        blocks, title = filled("consent-iv", person, course(1))
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(20):
            document_pdf(page_for(person, blocks, title, "consent-iv", ROLES, None))
        profile.disable()
        text = io.StringIO()
        pstats.Stats(profile, stream=text).sort_stats("cumulative").print_stats(25)
        results["profile"] = text.getvalue()
    return results


# -- report ------------------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_documents(results: dict[str, Any]) -> None:
    consent, batch = results["consent"], results["batch"]
    docs, m, p = consent["documents"], consent["median_ms"], consent["p95_ms"]
    print()
    print(f"(j) patient documents: consent-iv filled for one patient, {consent['rounds']} rounds, interleaved")
    labels = {
        "bare": "bare reportlab, Helvetica, same blocks (floor)",
        "consent": "document_pdf: DejaVu, letterhead, footer, 3 sig.",
        "consent_logo": "document_pdf + clinic logo",
    }
    print(f"    {'ms':<50} {'median':>8} {'p95':>8} {'pages':>6} {'KiB':>6}")
    for variant, label in labels.items():
        print(
            f"    {label:<50} {m[variant]:>8.2f} {p[variant]:>8.2f} {docs[variant]['pages']:>6} "
            f"{docs[variant]['bytes'] / 1024:>6.0f}"
        )
    print(
        f"  consent / bare: {consent['ratio']:.2f}x (target <= {consent['target_ratio']:.0f}x) "
        f"{verdict(consent['pass'])}; with the logo {consent['ratio_logo']:.2f}x (informational)"
    )
    print(
        f"  {batch['handouts']} aftercare handouts, {batch['distinct_patients']} patients, values + fill + PDF + logo: "
        f"median {batch['median_s']:.2f} s, best {batch['best_s']:.2f} s of {batch['batches']} batches "
        f"({batch['per_handout_ms']:.1f} ms each, {batch['pages']} pages, {batch['mib']:.1f} MiB); "
        f"target < {batch['target_s']:.0f} s {verdict(batch['pass'])}"
    )
    service = results["service_batch"]
    print(
        f"  the same through DocumentService.make (transaction, stored bytes, audit, commit each): median "
        f"{service['median_s']:.2f} s, best {service['best_s']:.2f} s ({service['per_handout_ms']:.1f} ms each); "
        f"target < {service['target_s']:.0f} s {verdict(service['pass'])}"
    )
    if "profile" in results:
        print()
        print(results["profile"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=30, help="timed consent rounds (default %(default)s)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed rounds first (default %(default)s)")
    parser.add_argument("--handouts", type=int, default=100, help="handouts in a batch (default %(default)s)")
    parser.add_argument("--batches", type=int, default=3, help="timed batches (default %(default)s)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="also print cProfile output for the consent")
    parser.add_argument("--json", action="store_true", help="print results as JSON instead of the table")
    args = parser.parse_args(argv)
    if min(args.rounds, args.handouts, args.batches) < 1 or args.warmup < 0:
        parser.error("--rounds, --handouts and --batches must be at least 1, --warmup at least 0")
    results = document_benchmark(args.rounds, args.warmup, args.handouts, args.batches, args.seed, args.profile)
    if args.json:
        json.dump(results, sys.stdout, indent=2, default=str)
        print()
    else:
        print(f"kapdesk document benchmark — Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
        print_documents(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
