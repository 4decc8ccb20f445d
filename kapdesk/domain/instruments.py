"""Outcome measures (CLINICAL.md, "Outcome measures"): the four instruments, their items and how each is scored.

Answers are stored item by item and scores computed from them, never typed. An incomplete form keeps its answers and
has no total: a missing answer is not a zero. Item labels are kapdesk's own short names for what each item asks
about; the instruments' wording belongs to their publishers.
"""

from __future__ import annotations

from dataclasses import dataclass

from kapdesk.domain.errors import FieldError
from kapdesk.domain.protocols import INSTRUMENTS

PCL5_CUTOFF = 33  # provisional PTSD at or above this total (the literature uses 31–33)
ENDORSED = 2  # a PCL-5 item answered at least this counts towards the DSM-5 pattern
RESPONSE_REDUCTION = 0.5  # response: the total at least halved from baseline
SELF_HARM = "self-harm thoughts"  # the flag raised by PHQ-9 item 9 or QIDS-SR16 item 12 answered 1 or more

# Answer words, kapdesk's own: how often (PHQ-9, GAD-7), how much (PCL-5), how severe (QIDS-SR16).
_OFTEN = ("never", "some days", "over half the days", "almost daily")
_HOW_MUCH = ("none", "a little", "moderate", "a lot", "extreme")
_SEVERITY = ("none", "mild", "moderate", "severe")
_HINDRANCE = ("no hindrance", "some", "a lot", "extreme")


@dataclass(frozen=True)
class Item:
    label: str
    choices: tuple[str, ...]  # the word for each answer, 0 first
    scored: bool = True  # PHQ-9 item 10 is asked but never counted, and may be left blank

    @property
    def highest(self) -> int:
        return len(self.choices) - 1


@dataclass(frozen=True)
class Instrument:
    code: str  # as protocols name it: "PHQ-9"
    name: str  # what it measures, for people
    items: tuple[Item, ...]
    total_max: int
    bands: tuple[tuple[int, str], ...]  # (lowest total, label), ascending
    self_harm_item: int | None = None  # 1-based

    @property
    def scored_items(self) -> int:
        return sum(1 for item in self.items if item.scored)

    def band(self, total: int) -> str:
        return next(label for lowest, label in reversed(self.bands) if total >= lowest)


def _items(choices: tuple[str, ...], *labels: str) -> tuple[Item, ...]:
    return tuple(Item(label, choices) for label in labels)


_PHQ9 = Instrument(
    "PHQ-9",
    "Depression",
    (
        *_items(
            _OFTEN,
            "Interest",
            "Mood",
            "Sleep",
            "Energy",
            "Appetite",
            "Self-view",
            "Concentration",
            "Slowed / restless",
            "Self-harm thoughts",
        ),
        Item("Day-to-day hindrance", _HINDRANCE, scored=False),
    ),
    27,
    ((0, "minimal"), (5, "mild"), (10, "moderate"), (15, "moderately severe"), (20, "severe")),
    self_harm_item=9,
)
_GAD7 = Instrument(
    "GAD-7",
    "Anxiety",
    _items(
        _OFTEN,
        "Nervousness",
        "Worry out of control",
        "Worry about many things",
        "Relaxing",
        "Restlessness",
        "Irritability",
        "Dread",
    ),
    21,
    ((0, "minimal"), (5, "mild"), (10, "moderate"), (15, "severe")),
)
_PCL5 = Instrument(
    "PCL-5",
    "Post-traumatic stress",
    _items(
        _HOW_MUCH,
        # B: intrusion (1–5)
        "Intrusive memories",
        "Nightmares",
        "Flashbacks",
        "Upset at reminders",
        "Body reactions to reminders",
        # C: avoidance (6–7)
        "Avoiding memories",
        "Avoiding reminders",
        # D: mood and thinking (8–14)
        "Memory gaps",
        "Negative beliefs",
        "Blame",
        "Negative feelings",
        "Interest",
        "Feeling cut off",
        "Positive feelings",
        # E: arousal (15–20)
        "Irritability / anger",
        "Risk-taking",
        "On guard",
        "Startle",
        "Concentration",
        "Sleep",
    ),
    80,
    ((0, "below cut-off"), (PCL5_CUTOFF, "provisional PTSD")),
)
_QIDS = Instrument(
    "QIDS-SR16",
    "Depression",
    _items(
        _SEVERITY,
        "Falling asleep",
        "Night waking",
        "Early waking",
        "Oversleeping",
        "Mood",
        "Appetite down",
        "Appetite up",
        "Weight down",
        "Weight up",
        "Concentration",
        "Self-view",
        "Self-harm thoughts",
        "Interest",
        "Energy",
        "Slowed",
        "Restless",
    ),
    27,
    ((0, "none"), (6, "mild"), (11, "moderate"), (16, "severe"), (21, "very severe")),
    self_harm_item=12,
)
CATALOGUE: dict[str, Instrument] = {
    form.code: form for form in sorted((_PHQ9, _GAD7, _PCL5, _QIDS), key=lambda form: INSTRUMENTS.index(form.code))
}

# PCL-5 DSM-5 clusters: (first item, last item, how many endorsed items it needs).
PCL5_CLUSTERS = {"B": (1, 5, 1), "C": (6, 7, 1), "D": (8, 14, 2), "E": (15, 20, 2)}
# QIDS-SR16 domains: the items each one takes the highest answer of (1-based).
QIDS_DOMAINS = {
    "sleep": (1, 2, 3, 4),
    "mood": (5,),
    "appetite / weight": (6, 7, 8, 9),
    "concentration": (10,),
    "self-view": (11,),
    "suicidal ideation": (12,),
    "interest": (13,),
    "energy": (14,),
    "psychomotor": (15, 16),
}
# The QIDS-SR16 form asks for either appetite item and either weight item: one of each pair is enough.
QIDS_EITHER = ((6, 7), (8, 9))

Answers = tuple[int | None, ...]


@dataclass(frozen=True)
class Score:
    instrument: str
    total: int | None  # None while incomplete
    band: str  # "" while incomplete
    complete: bool
    answered: int  # scored items answered
    flags: tuple[str, ...] = ()  # SELF_HARM; raised on any answer that shows it, complete or not
    provisional_ptsd: bool | None = None  # PCL-5 only, once complete
    dsm_pattern: bool | None = None  # PCL-5 only, once complete

    @property
    def self_harm(self) -> bool:
        return SELF_HARM in self.flags


def instrument(code: str) -> Instrument:
    """The instrument named `code`; KeyError for one kapdesk doesn't know."""
    return CATALOGUE[code]


def check_answers(code: str, answers: Answers) -> list[FieldError]:
    """What is wrong with a set of answers, each at its item ("item_3"): unknown instrument, wrong number of
    answers, or an answer out of its item's range. Blanks (None) are allowed: the form is then incomplete."""
    form = CATALOGUE.get(code)
    if form is None:
        return [FieldError("instrument", f"Choose one of {', '.join(INSTRUMENTS)}.")]
    if len(answers) != len(form.items):
        return [FieldError("answers", f"{code} has {len(form.items)} items; {len(answers)} answers were given.")]
    errors = []
    for number, (item, answer) in enumerate(zip(form.items, answers, strict=True), start=1):
        if answer is None:
            continue
        if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer <= item.highest:
            errors.append(FieldError(f"item_{number}", f"Answer {number} ({item.label}) must be 0 to {item.highest}."))
    return errors


def score(code: str, answers: Answers) -> Score:
    """The score of a checked set of answers (see check_answers; ValueError if they don't pass)."""
    if errors := check_answers(code, answers):
        raise ValueError("; ".join(e.message for e in errors))
    form = CATALOGUE[code]
    flags = (SELF_HARM,) if form.self_harm_item and (answers[form.self_harm_item - 1] or 0) >= 1 else ()
    answered = sum(1 for item, a in zip(form.items, answers, strict=True) if item.scored and a is not None)
    if code == "QIDS-SR16":
        total = _qids_total(answers)
    elif answered == form.scored_items:
        total = sum(a or 0 for item, a in zip(form.items, answers, strict=True) if item.scored)
    else:
        total = None
    if total is None:
        return Score(code, None, "", False, answered, flags)
    ptsd = pattern = None
    if code == "PCL-5":
        ptsd = total >= PCL5_CUTOFF
        pattern = all(
            sum(1 for a in answers[first - 1 : last] if (a or 0) >= ENDORSED) >= needed
            for first, last, needed in PCL5_CLUSTERS.values()
        )
    return Score(code, total, form.band(total), True, answered, flags, ptsd, pattern)


def _qids_total(answers: Answers) -> int | None:
    """The sum of the nine domains, each its items' highest answer; None unless every domain can be scored: all
    items answered but for the either-or appetite and weight pairs, where one of each pair will do."""
    blank = {n for n, a in enumerate(answers, start=1) if a is None}
    either = {n for pair in QIDS_EITHER for n in pair}
    if blank - either or any(set(pair) <= blank for pair in QIDS_EITHER):
        return None
    return sum(max(answers[n - 1] or 0 for n in items) for items in QIDS_DOMAINS.values())


@dataclass(frozen=True)
class Change:
    """How a later score compares with the baseline (CLINICAL.md): None where a rule doesn't apply."""

    baseline: int | None
    latest: int | None
    reduction: float | None  # the fraction of the baseline total gone (negative when worse)
    response: bool | None
    remission: bool | None


# Response is only judged from a baseline high enough to halve meaningfully; remission lines are inclusive.
RESPONSE_MIN_BASELINE = {"PHQ-9": 10}
REMISSION_AT_MOST = {"PHQ-9": 4, "QIDS-SR16": 5}


def change(baseline: Score, latest: Score) -> Change:
    if baseline.instrument != latest.instrument:
        raise ValueError("a change is between two scores of one instrument")
    code = latest.instrument
    remission = (
        latest.total <= REMISSION_AT_MOST[code] if code in REMISSION_AT_MOST and latest.total is not None else None
    )
    if baseline.total is None or latest.total is None or baseline.total == 0:
        return Change(baseline.total, latest.total, None, None, remission)
    reduction = (baseline.total - latest.total) / baseline.total
    judged = baseline.total >= RESPONSE_MIN_BASELINE.get(code, 1)
    return Change(
        baseline.total, latest.total, reduction, reduction >= RESPONSE_REDUCTION if judged else None, remission
    )
