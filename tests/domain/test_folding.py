from kapdesk.domain.folding import fold, prefix_upper_bound


def test_accents_case_and_punctuation_fold_away() -> None:
    assert fold("Núñez") == fold("NUNEZ") == "nunez"
    assert fold("Müller") == "muller"
    assert fold("O'Brien") == "obrien"
    assert fold("de la Cruz") == "delacruz"
    assert fold("Łukaszewski") == "lukaszewski"
    assert fold("Søndergaard") == "sondergaard"
    assert fold("Straße") == "strasse"


def test_upper_bound_excludes_exactly_the_strings_outside_the_prefix() -> None:
    bound = prefix_upper_bound("smi")
    assert bound > "smi" and bound > "smith" and bound > "smizzzz"
    assert not bound > "smj"
