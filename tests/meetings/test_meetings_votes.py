"""The denominator and thresholds of DOMAIN.md §5, read from the shipped rule tables."""

from datetime import date

import pytest

from handbook_desktop.domain.rules import Rule, RuleBook
from handbook_desktop.domain.votes import (
    Participant,
    VoteCountError,
    decide,
    eligible_present,
    required_votes,
    threshold_for,
    vote_denominator,
)
from handbook_desktop.services.rules import shipped_rules

ON = date(2026, 3, 5)


@pytest.fixture(scope="module")
def book():
    return RuleBook.of(shipped_rules())


def official(attendance="present", **kw):
    return Participant("official", attendance, **kw)


def worked_example():
    """10 official members: 1 temporarily away, 1 exempt and absent, 1 absent with accepted reason."""
    people = [official() for _ in range(7)]
    people.append(Participant("temporarily_away", None))
    people.append(Participant("exempt", None))
    people.append(official("absent_excused"))
    return people


def test_worked_example_denominator_and_thresholds(book):
    people = worked_example()
    assert vote_denominator(people) == 7
    resolution = threshold_for(book, "resolution", ON)
    admission = threshold_for(book, "admission", ON)
    assert required_votes(7, resolution) == 4  # 4 > 3.5
    assert required_votes(7, admission) == 5  # 5 >= 4.67
    assert decide(people, "resolution", 4, 3, 0, book, ON).passed
    assert not decide(people, "resolution", 3, 4, 0, book, ON).passed
    assert decide(people, "admission", 5, 2, 0, book, ON).passed
    assert not decide(people, "admission", 4, 3, 0, book, ON).passed
    # official recognition and expulsion: at least 2/3; discipline: more than half
    assert decide(people, "official_recognition", 5, 0, 0, book, ON).required == 5
    assert decide(people, "expulsion", 5, 0, 0, book, ON).required == 5
    assert decide(people, "discipline", 4, 0, 0, book, ON).required == 4


def test_exact_half_and_exact_two_thirds(book):
    # 6 in the denominator: half is 3, so a resolution needs 4; two thirds is exactly 4, enough for admission.
    people = [official() for _ in range(6)]
    assert decide(people, "resolution", 3, 3, 0, book, ON).passed is False
    assert decide(people, "resolution", 4, 2, 0, book, ON).passed is True
    assert decide(people, "admission", 4, 2, 0, book, ON).required == 4
    assert decide(people, "admission", 4, 2, 0, book, ON).passed is True


def test_measured_against_denominator_not_present(book):
    # 9 official summoned, 3 absent without reason: they stay in the denominator.
    people = [official() for _ in range(6)] + [official("absent_unexcused") for _ in range(3)]
    result = decide(people, "resolution", 4, 2, 0, book, ON)
    assert (result.denominator, result.eligible_present, result.required) == (9, 6, 5)
    assert not result.passed  # 4 of 6 present, but not more than half of 9


def test_everybody_absent(book):
    people = [official("absent_excused") for _ in range(3)] + [official("absent_unexcused") for _ in range(2)]
    assert vote_denominator(people) == 2
    assert eligible_present(people) == 0
    result = decide(people, "resolution", 0, 0, 0, book, ON)
    assert not result.passed
    with pytest.raises(VoteCountError):
        decide(people, "resolution", 1, 0, 0, book, ON)


def test_no_official_member_present(book):
    people = [Participant("probationary", "present") for _ in range(4)] + [official("absent_excused")]
    assert vote_denominator(people) == 0
    assert eligible_present(people) == 0
    result = decide(people, "resolution", 0, 0, 0, book, ON)
    assert result.denominator == 0 and not result.passed and result.required == 1
    with pytest.raises(VoteCountError):
        decide(people, "resolution", 2, 0, 0, book, ON)  # probationary members have no vote


def test_exempt_member_present_counts_and_votes(book):
    people = [official() for _ in range(3)] + [Participant("exempt", "present"), Participant("exempt", None)]
    assert vote_denominator(people) == 4
    assert eligible_present(people) == 4
    assert decide(people, "resolution", 3, 1, 0, book, ON).passed  # 3 > 2
    assert decide(people, "admission", 3, 1, 0, book, ON).passed  # 3 >= 8/3
    # an exempt member absent with reason is out either way
    assert vote_denominator([Participant("exempt", "absent_excused")]) == 0


def test_probationary_and_visiting_members_present_do_not_count(book):
    people = [official() for _ in range(5)] + [Participant("probationary", "present") for _ in range(4)]
    people += [Participant("visiting", "present") for _ in range(2)]
    assert vote_denominator(people) == 5
    assert eligible_present(people) == 5
    with pytest.raises(VoteCountError):
        decide(people, "resolution", 6, 0, 0, book, ON)
    assert decide(people, "resolution", 3, 2, 0, book, ON).passed


def test_vote_count_larger_than_eligible_voters_refused(book):
    people = worked_example()
    with pytest.raises(VoteCountError, match="lớn hơn"):
        decide(people, "resolution", 5, 2, 1, book, ON)  # 8 ballots, 7 voters present
    with pytest.raises(VoteCountError):
        decide(people, "resolution", -1, 0, 0, book, ON)
    decide(people, "resolution", 5, 1, 1, book, ON)  # exactly 7 is fine


def test_suspended_members_leave_the_denominator(book):
    people = [official() for _ in range(4)] + [official("absent_unexcused", suspended=True)]
    assert vote_denominator(people) == 4


def test_threshold_comes_from_rule_in_force(book):
    later = RuleBook.of(shipped_rules() + [
        Rule("vote.threshold.resolution", {"fraction": [2, 3], "strictly_more": False}, date(2030, 1, 1), "test"),
    ])
    assert required_votes(7, threshold_for(later, "resolution", ON)) == 4
    assert required_votes(7, threshold_for(later, "resolution", date(2030, 6, 1))) == 5
