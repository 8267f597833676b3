"""Working days: Monday to Friday less Finnish public holidays."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from yhdessa.network.working_days import add_working_days, is_working_day, previous_working_day

DAYS = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))


def test_finnish_holidays_are_days_off():
    assert not is_working_day(date(2026, 12, 6))  # Independence Day
    assert not is_working_day(date(2027, 1, 6))  # Epiphany, a Wednesday
    assert not is_working_day(date(2026, 6, 19))  # Midsummer Eve
    assert is_working_day(date(2026, 12, 2))
    assert add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)


@given(DAYS, st.integers(min_value=1, max_value=10))
def test_adding_counts_exactly_the_working_days(day, count):
    end = add_working_days(day, count)
    between = [day + timedelta(days=i) for i in range(1, (end - day).days + 1)]
    assert sum(map(is_working_day, between)) == count and is_working_day(end)


@given(DAYS)
def test_the_previous_working_day_has_only_days_off_after_it(day):
    before = previous_working_day(day)
    assert before < day and is_working_day(before)
    assert not any(
        is_working_day(before + timedelta(days=i)) for i in range(1, (day - before).days)
    )
