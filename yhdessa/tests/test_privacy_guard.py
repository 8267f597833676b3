"""The no-identifiers guard, over many generated identity codes and texts."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum.fi import hetu

from yhdessa.privacy import check_no_identity_codes, find_identity_codes

SIGNS = {1800: "+", 1900: "-YXWVU", 2000: "ABCDEF"}
CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


@st.composite
def identity_codes(draw) -> str:
    """Synthetic codes; the individual numbers 900-999 are the test range."""
    born = draw(st.dates(min_value=date(1850, 1, 1), max_value=date(2099, 12, 31)))
    sign = draw(st.sampled_from(SIGNS[born.year // 100 * 100]))
    individual = draw(st.integers(min_value=900, max_value=999))
    digits = f"{born:%d%m}{born.year % 100:02d}{individual:03d}"
    return f"{born:%d%m}{born.year % 100:02d}{sign}{individual:03d}{CHECK[int(digits) % 31]}"


words = st.text(alphabet=st.characters(categories=["L", "Zs", "P"]), max_size=40)


@given(code=identity_codes(), before=words, after=words)
def test_a_code_anywhere_in_text_is_found(code, before, after):
    assert hetu.is_valid(code, allow_temporary=True)
    text = f"{before} {code} {after}"
    assert code in find_identity_codes(text)
    with pytest.raises(ValidationError) as refusal:
        check_no_identity_codes(summary=text)
    assert code not in str(refusal.value)  # the message masks it


@given(code=identity_codes())
def test_a_mistyped_check_character_is_refused_all_the_same(code):
    wrong = code[:-1] + ("1" if code[-1] != "1" else "2")
    assert find_identity_codes(f"lapsi {wrong}")


@given(text=st.text(alphabet=st.characters(categories=["L", "Zs", "P", "S"])))
def test_text_without_digits_passes(text):
    check_no_identity_codes(summary=text)


@pytest.mark.parametrize(
    "text",
    [
        "Tavataan 12.10.2026 klo 8-10",
        "puh. 040 123 4567",
        "vuonna 2019-2020",
        "Huone 310",
        "311299-XYZ",
        "999999-999A",  # impossible date
    ],
)
def test_ordinary_numbers_pass(text):
    assert find_identity_codes(text) == []
