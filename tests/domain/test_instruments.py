"""Scoring the four outcome measures as CLINICAL.md sets them out: totals, bands at every boundary, incomplete forms
left unscored, QIDS-SR16 domains, the PCL-5 DSM-5 pattern, the self-harm flag, response and remission. Pure
functions: no database, no Qt."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kapdesk.domain.errors import FieldError
from kapdesk.domain.instruments import (
    CATALOGUE,
    PCL5_CUTOFF,
    SELF_HARM,
    Answers,
    Change,
    change,
    check_answers,
    score,
)
from kapdesk.domain.protocols import INSTRUMENTS

_ = None  # a blank answer


def phq9(total: int, item9: int = 0, item10: int | None = None) -> Answers:
    """PHQ-9 answers summing to `total`, item 9 as given, filled from item 1 up (3 at most each)."""
    rest = total - item9
    firsts = [min(3, max(0, rest - 3 * i)) for i in range(8)]
    assert sum(firsts) == rest
    return (*firsts, item9, item10)


def spread(total: int, items: int, highest: int) -> Answers:
    values = [min(highest, max(0, total - highest * i)) for i in range(items)]
    assert sum(values) == total
    return tuple(values)


def test_the_catalogue_is_the_instruments_protocols_can_ask_for() -> None:
    assert tuple(CATALOGUE) == INSTRUMENTS
    shape = {code: (len(f.items), f.scored_items, {i.highest for i in f.items}) for code, f in CATALOGUE.items()}
    assert shape == {
        "PHQ-9": (10, 9, {3}),
        "GAD-7": (7, 7, {3}),
        "PCL-5": (20, 20, {4}),
        "QIDS-SR16": (16, 16, {3}),
    }
    labels = [item.label for form in CATALOGUE.values() for item in form.items]
    assert all(0 < len(label) <= 28 for label in labels)  # short labels, not the publishers' sentences


@pytest.mark.parametrize(
    ("code", "answers", "total", "band"),
    [
        ("PHQ-9", phq9(0), 0, "minimal"),
        ("PHQ-9", phq9(4), 4, "minimal"),
        ("PHQ-9", phq9(5), 5, "mild"),
        ("PHQ-9", phq9(9), 9, "mild"),
        ("PHQ-9", phq9(10), 10, "moderate"),
        ("PHQ-9", phq9(14), 14, "moderate"),
        ("PHQ-9", phq9(15), 15, "moderately severe"),
        ("PHQ-9", phq9(19), 19, "moderately severe"),
        ("PHQ-9", phq9(20), 20, "severe"),
        ("PHQ-9", phq9(27, item9=3), 27, "severe"),
        ("GAD-7", spread(0, 7, 3), 0, "minimal"),
        ("GAD-7", spread(4, 7, 3), 4, "minimal"),
        ("GAD-7", spread(5, 7, 3), 5, "mild"),
        ("GAD-7", spread(9, 7, 3), 9, "mild"),
        ("GAD-7", spread(10, 7, 3), 10, "moderate"),
        ("GAD-7", spread(14, 7, 3), 14, "moderate"),
        ("GAD-7", spread(15, 7, 3), 15, "severe"),
        ("GAD-7", spread(21, 7, 3), 21, "severe"),
        ("PCL-5", spread(0, 20, 4), 0, "below cut-off"),
        ("PCL-5", spread(PCL5_CUTOFF - 1, 20, 4), 32, "below cut-off"),
        ("PCL-5", spread(PCL5_CUTOFF, 20, 4), 33, "provisional PTSD"),
        ("PCL-5", spread(80, 20, 4), 80, "provisional PTSD"),
    ],
)
def test_totals_and_bands_at_each_boundary(code: str, answers: Answers, total: int, band: str) -> None:
    result = score(code, answers)
    assert (result.total, result.band, result.complete) == (total, band, True)


# QIDS-SR16 answers built domain by domain: sleep items 1–4, mood 5, appetite/weight 6–9, concentration 10,
# self-view 11, suicidal ideation 12, interest 13, energy 14, psychomotor 15–16.
def qids(
    sleep: tuple[int | None, ...] = (0, 0, 0, 0),
    mood: int = 0,
    weight: tuple[int | None, ...] = (0, 0, 0, 0),
    middle: tuple[int | None, ...] = (0, 0, 0, 0, 0),
    motor: tuple[int | None, ...] = (0, 0),
) -> Answers:
    return (*sleep, mood, *weight, *middle, *motor)


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        (qids(), 0, "none"),
        (qids(sleep=(1, 3, 2, 0)), 3, "none"),  # the worst sleep item, not the sum (6)
        (qids(sleep=(1, 3, 2, 0), mood=2, weight=(2, 0, 0, 1)), 7, "mild"),  # 3 + 2 + 2
        (qids(weight=(1, _, _, 3)), 3, "none"),  # one of each either-or pair is a whole form
        (qids(weight=(_, 2, 1, _)), 2, "none"),
        (qids(sleep=(0, 0, 0, 2), mood=1, middle=(1, 1, 0, 0, 0)), 5, "none"),
        (qids(sleep=(0, 0, 0, 2), mood=1, middle=(1, 1, 1, 0, 0)), 6, "mild"),
        (qids(sleep=(3, 0, 0, 0), mood=3, middle=(1, 1, 1, 1, 0)), 10, "mild"),
        (qids(sleep=(3, 0, 0, 0), mood=3, middle=(1, 1, 1, 1, 1)), 11, "moderate"),
        (qids(sleep=(3, 3, 3, 3), mood=3, weight=(3, 3, 3, 3), middle=(2, 2, 0, 2, 0)), 15, "moderate"),
        (qids(sleep=(3, 3, 3, 3), mood=3, weight=(3, 3, 3, 3), middle=(2, 2, 0, 2, 1)), 16, "severe"),
        (qids(sleep=(3,) * 4, mood=3, weight=(3,) * 4, middle=(3, 3, 0, 2, 3), motor=(0, 0)), 20, "severe"),
        (qids(sleep=(3,) * 4, mood=3, weight=(3,) * 4, middle=(3, 3, 0, 3, 3), motor=(0, 0)), 21, "very severe"),
        (qids(sleep=(3,) * 4, mood=3, weight=(3,) * 4, middle=(3,) * 5, motor=(1, 3)), 27, "very severe"),
    ],
)
def test_qids_adds_nine_domains_each_its_worst_item(answers: Answers, total: int, band: str) -> None:
    result = score("QIDS-SR16", answers)
    assert (result.total, result.band, result.complete) == (total, band, True)


@pytest.mark.parametrize(
    ("code", "answers", "answered"),
    [
        ("PHQ-9", (3, 3, 3, 3, 3, 3, 3, 3, _, 0), 8),  # 24 so far, but not a score of 24
        ("PHQ-9", (_,) * 10, 0),
        ("GAD-7", (1, 1, 1, 1, 1, 1, _), 6),
        ("PCL-5", (4,) * 19 + (_,), 19),  # 76 already, over the cut-off, still unscored
        ("QIDS-SR16", qids(sleep=(1, _, 0, 0)), 15),  # a sleep item blank: the domain can't be judged
        ("QIDS-SR16", qids(weight=(_, _, 1, 1)), 14),  # neither appetite item
        ("QIDS-SR16", qids(weight=(1, 1, _, _)), 14),  # neither weight item
        ("QIDS-SR16", qids(motor=(0, _)), 15),
    ],
)
def test_an_incomplete_form_has_no_total_and_no_band(code: str, answers: Answers, answered: int) -> None:
    result = score(code, answers)
    assert (result.total, result.band, result.complete, result.answered) == (None, "", False, answered)
    assert result.provisional_ptsd is None and result.dsm_pattern is None


@pytest.mark.parametrize("item10", [None, 0, 3])
def test_phq9_item_10_is_neither_scored_nor_required(item10: int | None) -> None:
    result = score("PHQ-9", phq9(12, item10=item10))
    assert (result.total, result.complete, result.answered) == (12, True, 9)


@pytest.mark.parametrize(
    ("code", "answers", "flagged"),
    [
        ("PHQ-9", phq9(3, item9=0), False),
        ("PHQ-9", phq9(3, item9=1), True),
        ("PHQ-9", phq9(27, item9=3), True),
        ("PHQ-9", (_, _, _, _, _, _, _, _, 2, _), True),  # raised the moment it is answered, form or no form
        ("QIDS-SR16", qids(middle=(0, 0, 0, 0, 0)), False),
        ("QIDS-SR16", qids(middle=(0, 0, 1, 0, 0)), True),  # item 12
        ("QIDS-SR16", (_,) * 11 + (3,) + (_,) * 4, True),
        ("GAD-7", (3,) * 7, False),  # no self-harm item
        ("PCL-5", (4,) * 20, False),
    ],
)
def test_self_harm_answers_raise_the_flag(code: str, answers: Answers, flagged: bool) -> None:
    result = score(code, answers)
    assert result.self_harm is flagged
    assert result.flags == ((SELF_HARM,) if flagged else ())


def pcl5(b: int = 0, c: int = 0, d: int = 0, e: int = 0, level: int = 2, rest: int = 0) -> Answers:
    """PCL-5 answers with the first `b`, `c`, `d` and `e` items of each cluster at `level`, the others at `rest`."""
    clusters = ((b, 5), (c, 2), (d, 7), (e, 6))
    return tuple(a for on, size in clusters for a in [level] * on + [rest] * (size - on))


@pytest.mark.parametrize(
    ("answers", "pattern"),
    [
        (pcl5(b=1, c=1, d=2, e=2), True),  # the least that meets every cluster
        (pcl5(b=5, c=2, d=7, e=6, level=4), True),
        (pcl5(b=0, c=1, d=2, e=2), False),  # no intrusion
        (pcl5(b=1, c=0, d=2, e=2), False),  # no avoidance
        (pcl5(b=1, c=1, d=1, e=2), False),  # one mood item short
        (pcl5(b=1, c=1, d=2, e=1), False),  # one arousal item short
        (pcl5(b=1, c=1, d=2, e=2, level=1, rest=1), False),  # "a little" is not endorsed
        (pcl5(b=5, c=2, d=7, e=6, level=1), False),  # 20 in total, nothing endorsed
    ],
)
def test_pcl5_dsm_pattern_needs_every_cluster(answers: Answers, pattern: bool) -> None:
    assert score("PCL-5", answers).dsm_pattern is pattern


def test_pcl5_cut_off_and_pattern_are_separate_findings() -> None:
    high_but_no_pattern = score("PCL-5", pcl5(b=5, c=0, d=7, e=6, level=2))  # 36, avoidance missing
    assert (high_but_no_pattern.total, high_but_no_pattern.provisional_ptsd) == (36, True)
    assert high_but_no_pattern.dsm_pattern is False
    low_with_pattern = score("PCL-5", pcl5(b=1, c=1, d=2, e=2))  # 12
    assert (low_with_pattern.provisional_ptsd, low_with_pattern.dsm_pattern) == (False, True)


@pytest.mark.parametrize(
    ("code", "answers", "errors"),
    [
        ("PHQ-9", phq9(5), []),
        ("PHQ-9", (0,) * 10, []),
        ("PHQ-9", (0,) * 9, [FieldError("answers", "PHQ-9 has 10 items; 9 answers were given.")]),
        ("GAD-7", (0,) * 8, [FieldError("answers", "GAD-7 has 7 items; 8 answers were given.")]),
        ("PHQ-9", (0, 0, 4, 0, 0, 0, 0, 0, 0, _), [FieldError("item_3", "Answer 3 (Sleep) must be 0 to 3.")]),
        (
            "PHQ-9",
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 5),
            [FieldError("item_10", "Answer 10 (Day-to-day hindrance) must be 0 to 3.")],
        ),
        ("PCL-5", (4,) * 20, []),
        ("PCL-5", (4,) * 19 + (5,), [FieldError("item_20", "Answer 20 (Sleep) must be 0 to 4.")]),
        ("GAD-7", (0, -1, 0, 0, 0, 0, 7), ["item_2", "item_7"]),
        ("GAD-7", (0, True, 0, 0, 0, 0, 0), ["item_2"]),  # a tick is not a number
        ("BDI-II", (0,) * 21, ["instrument"]),
    ],
)
def test_check_answers_points_at_the_item(code: str, answers: Answers, errors: list[FieldError | str]) -> None:
    """Each case lists the errors in full, or only the fields they are at."""
    found = check_answers(code, answers)
    assert (found if not errors or isinstance(errors[0], FieldError) else [e.field for e in found]) == errors


def test_scoring_refuses_answers_that_do_not_check() -> None:
    with pytest.raises(ValueError, match="must be 0 to 3"):
        score("GAD-7", (0, 0, 0, 0, 0, 0, 9))


@pytest.mark.parametrize(
    ("code", "before", "after", "expected"),
    [
        # PHQ-9: response from a baseline of 10 or more; remission below 5.
        ("PHQ-9", phq9(20), phq9(10), Change(20, 10, 0.5, True, False)),
        ("PHQ-9", phq9(20), phq9(11), Change(20, 11, 0.45, False, False)),
        ("PHQ-9", phq9(12), phq9(4), Change(12, 4, 2 / 3, True, True)),
        ("PHQ-9", phq9(12), phq9(5), Change(12, 5, 7 / 12, True, False)),
        ("PHQ-9", phq9(8), phq9(2), Change(8, 2, 0.75, None, True)),  # too mild at baseline to judge response
        ("PHQ-9", phq9(10), phq9(14), Change(10, 14, -0.4, False, False)),  # worse
        ("PHQ-9", phq9(0), phq9(0), Change(0, 0, None, None, True)),
        # QIDS-SR16: remission at 5 or less.
        ("QIDS-SR16", qids(sleep=(3, 0, 0, 0), mood=3, middle=(2, 2, 0, 2, 0)), qids(sleep=(2, 0, 0, 0), mood=3),
         Change(12, 5, 7 / 12, True, True)),
        ("QIDS-SR16", qids(sleep=(3, 0, 0, 0), mood=3, middle=(2, 2, 0, 2, 0)), qids(sleep=(3, 0, 0, 0), mood=3),
         Change(12, 6, 0.5, True, False)),
        # GAD-7 and PCL-5: response only; remission is not defined for them here.
        ("GAD-7", spread(16, 7, 3), spread(8, 7, 3), Change(16, 8, 0.5, True, None)),
        ("PCL-5", spread(50, 20, 4), spread(30, 20, 4), Change(50, 30, 0.4, False, None)),
    ],
)  # fmt: skip
def test_response_and_remission(code: str, before: Answers, after: Answers, expected: Change) -> None:
    found = change(score(code, before), score(code, after))
    assert found == replace(expected, reduction=pytest.approx(expected.reduction))


def test_no_change_is_judged_from_an_incomplete_form() -> None:
    unscored = score("PHQ-9", (3,) * 8 + (_, _))
    assert change(unscored, score("PHQ-9", phq9(3))) == Change(None, 3, None, None, True)
    assert change(score("PHQ-9", phq9(20)), unscored) == Change(20, None, None, None, None)
    with pytest.raises(ValueError, match="one instrument"):
        change(score("PHQ-9", phq9(20)), score("GAD-7", spread(3, 7, 3)))
