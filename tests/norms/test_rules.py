"""The norm rules on plain facts (no database): the shortcuts that make them fast read the policy exactly.

`evaluate` finds the evidence that counts with two bisections and walks a piket roster from its latest
period back, stopping early. These tests check both against the plain reading of the rule, on random
rosters (overlapping periods, periods without a briefing held, newcomers) and random evidence.
"""
import random
from datetime import date, timedelta

from app.norms import rules
from app.norms.rules import Facts, Rule

BRIEFING = Rule("ops_briefing", "every_weeks", 1, 5, or_when_on_duty=True)
ROLLING = [Rule("ops_briefing", "every_weeks", 1, 5), Rule("ops_briefing", "every_weeks", 2, 3),
           Rule("masterclass", "per_two_years", 1), Rule("system_exercise", "per_two_years", 2)]


def plain_piket(facts: Facts, today: date, duty):
    """The piket rule read forward, period by period: (missed, current, coming) duty periods."""
    def within(days, start, end):
        return any(start <= d <= end for d in days)
    missed = current = coming = None
    for start, end in duty:
        if start > today:
            coming = coming or (start, end)
        elif within(facts.dates, start, min(end, today)):
            missed = None          # a briefing in a later period ends being behind
        elif end < today:
            if facts.held is None or within(facts.held, start, end):
                missed = (start, end)
        else:
            current = (start, end)
    return missed, current, coming


def random_facts(rng: random.Random, today: date) -> Facts:
    first = rules.lookback_start(today)
    day = lambda a, b: a + timedelta(days=rng.randint(0, (b - a).days))  # noqa: E731
    dates = sorted(day(first, today) for _ in range(rng.choice([0, 1, 2, 4, 9, 25])))
    duty, start = [], day(first - timedelta(days=60), first + timedelta(days=60))
    while start < today + timedelta(days=80):
        duty.append((start, start + timedelta(days=rng.choice([0, 3, 6, 6, 13, 40]))))
        start += timedelta(days=rng.choice([-4, 0, 6, 21, 35, 49]))     # sometimes overlapping
    held = None if rng.random() < .3 else tuple(sorted(day(first, today) for _ in range(rng.randint(0, 80))))
    since = None if rng.random() < .5 else day(first - timedelta(days=300), today + timedelta(days=20))
    planned = tuple(sorted(day(today, today + timedelta(days=300)) for _ in range(rng.choice([0, 0, 1, 2]))))
    return Facts(ever=len(dates), last=dates[-1] if dates else None, dates=tuple(dates), planned=planned,
                 since=since, duty=tuple(sorted(duty)), held=held)


def test_piket_roster_walked_back_equals_the_rule_read_forward():
    rng = random.Random(5)
    seen = set()
    for _ in range(4000):
        today = date(2026, 1, 1) + timedelta(days=rng.randint(0, 700))
        facts = random_facts(rng, today)
        # the person's own periods: in this function (since) and recent enough to look at
        duty = [(s, e) for s, e in facts.duty
                if e >= rules.lookback_start(today) and (not facts.since or e >= facts.since)]
        outcome = rules._piket(BRIEFING, facts, today, None)
        if not duty:
            assert outcome is None
            continue
        missed, current, coming = plain_piket(facts, today, duty)
        seen.add(outcome.reason)
        if missed:
            assert (outcome.reason, outcome.duty, outcome.due) == ("duty_missed", missed, coming and coming[1])
        elif current:
            assert (outcome.reason, outcome.duty, outcome.due) == ("duty_now", current, current[1])
        else:
            assert (outcome.reason, outcome.duty) == ("duty_kept", coming)
    assert seen == {"duty_missed", "duty_now", "duty_kept"}


def test_rolling_norm_counts_exactly_the_evidence_inside_its_window():
    rng = random.Random(6)
    for _ in range(3000):
        today = date(2026, 1, 1) + timedelta(days=rng.randint(0, 1200))   # leap days included
        facts = random_facts(rng, today)
        facts.duty = ()
        rule = rng.choice(ROLLING)
        inside = [d for d in facts.dates if rules.in_window(rule, d, today)]
        outcome = rules.evaluate(rule, facts, today)
        assert outcome.done == len(inside)
        if len(inside) >= rule.count and outcome.reason in ("done", "due_soon"):
            assert outcome.due == rules._expires(rule, inside[-rule.count])


def test_share_of_the_year_is_evaluate_at_every_day():
    """The report's share of the year on norm equals evaluating the rule on each day of the year."""
    rng = random.Random(7)
    for _ in range(12):
        today = date(2026, 4, 30)
        facts = random_facts(rng, today)
        rule = rng.choice([BRIEFING] + ROLLING)
        start = date(2026, 1, 1)
        first = max(start, facts.since) if facts.since else start
        days, on_norm = 0, 0
        day = first
        while day <= today:
            upto = sum(1 for d in facts.dates if d <= day)
            seen = Facts(ever=upto, last=facts.dates[upto - 1] if upto else None, dates=facts.dates[:upto],
                         since=facts.since, duty=facts.duty, held=facts.held)
            on_norm += rules.evaluate(rule, seen, day).status != "behind"
            days += 1
            day += timedelta(days=1)
        share = rules.share_on_norm(rule, facts, start, today)
        assert share == (on_norm / days if days else None)
