"""The no-identifiers guard, over many generated identity codes and texts."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum.fi import hetu

from yhdessa.privacy import (
    check_no_identity_codes,
    find_identity_codes,
    identifying_data_warnings,
    normalise,
    normalise_phone_number,
)

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


# ---- disguised codes: the shapes people (and copy-paste) produce ------------

# Every dash a keyboard, a word processor or a web page may put in place of '-'.
DASHES = [
    "-",
    "\u2010",  # hyphen
    "\u2011",  # non-breaking hyphen
    "\u2012",  # figure dash
    "\u2013",  # en dash
    "\u2014",  # em dash
    "\u2015",  # horizontal bar
    "\u2212",  # minus sign
    "\u2043",  # hyphen bullet
    "\ufe58",  # small em dash
    "\ufe63",  # small hyphen-minus
    "\uff0d",  # fullwidth hyphen-minus
]
INVISIBLE = [
    "\u200b",  # zero-width space
    "\u200c",  # zero-width non-joiner
    "\u200d",  # zero-width joiner
    "\u2060",  # word joiner
    "\ufeff",  # byte order mark
    "\u00ad",  # soft hyphen
    "\u200e",  # left-to-right mark
    "\u202a",  # left-to-right embedding
    "\u034f",  # combining grapheme joiner
    "\ufe0f",  # variation selector
]
SPACES = ["", " ", "  ", "\u00a0", "\u202f", "\u2007", "\t", "\n"]
PREFIXES = ["", "hetu", "HETU:", "Hetu=", "lapsi", "id:", "(", "”", "x"]


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) - ord("0") + 0xFF10) if c.isdigit() else c for c in text)


@st.composite
def wrong_check_codes(draw) -> str:
    code = draw(identity_codes())
    wrong = draw(st.sampled_from(CHECK).filter(lambda c: c != code[-1]))
    return code[:-1] + wrong


@st.composite
def disguised_codes(draw) -> tuple[str, str]:
    """(the plain code, the code as it might be written)."""
    code = draw(identity_codes() | wrong_check_codes())
    born, sign, rest = code[:6], code[6], code[7:]
    if sign == "-":
        sign = draw(st.sampled_from(DASHES))
    if draw(st.booleans()):
        sign = sign.lower()
    text = born + draw(st.sampled_from(SPACES)) + sign + draw(st.sampled_from(SPACES)) + rest
    if draw(st.booleans()):
        text = fullwidth(text)
    chars = list(text)
    for _ in range(draw(st.integers(0, 3))):
        chars.insert(draw(st.integers(0, len(chars))), draw(st.sampled_from(INVISIBLE)))
    return code, draw(st.sampled_from(PREFIXES)) + "".join(chars)


@given(case=disguised_codes(), before=words, after=words)
def test_a_disguised_code_is_refused(case, before, after):
    code, written = case
    text = f"{before} {written} {after}"
    found = find_identity_codes(text)
    assert found, written
    with pytest.raises(ValidationError) as refusal:
        check_no_identity_codes(matters=["Iltarutiini", text])
    assert "henkilötunnuksen" in str(refusal.value)
    assert code not in str(refusal.value)  # masked


@pytest.mark.parametrize(
    "written",
    [
        "hetu131052\u2013908T",  # glued prefix, en dash
        "131052 \u2014 908T",  # em dash with spaces
        "1310\u200b52-908T",  # zero-width space inside the date
        "131052 - 908T",
        "131052\u00a0-\u00a0908T",
        "HETU:131052-908t",
        "131052-908Tkin",  # a suffix glued on
    ],
)
def test_the_reported_shapes_are_refused(written):
    [found] = find_identity_codes(written)
    assert found.startswith("131052") and found.upper().endswith("908T")
    with pytest.raises(ValidationError):
        check_no_identity_codes(follow_up=written)


def test_normalise_reads_text_as_the_guard_does():
    assert normalise("13\u200b10\u00ad52\u2013908T") == "131052-908T"
    assert normalise("\uff11\uff13") == "13"  # fullwidth digits
    assert normalise("a\u00a0b") == "a b"


# ---- ordinary Finnish text is not an identity code -----------------------------

finnish_words = st.sampled_from(
    ["Tavataan", "klo", "puh.", "Perhe", "soittaa", "päiväkoti", "alkaen", "viikolla", "ja", ""]
)


@st.composite
def ordinary_numbers(draw) -> str:
    day = draw(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
    hour, minute = draw(st.integers(0, 23)), draw(st.sampled_from([0, 15, 30, 45]))
    later = min(hour + draw(st.integers(1, 4)), 23)
    dash = draw(st.sampled_from(DASHES))
    n = draw(st.integers(0, 9_999_999))
    return draw(
        st.sampled_from(
            [
                f"{day.day}.{day.month}.{day.year}",
                f"{day:%d.%m.%Y}",
                f"{day.isoformat()}",
                f"{day.day}.{day.month}.",
                f"klo {hour}.{minute:02d}{dash}{later}.{minute:02d}",
                f"{hour}:{minute:02d}",
                f"klo {hour}{dash}{later}",
                f"040 {n // 10000:03d} {n % 10000:04d}",
                f"040{n:07d}",
                f"+358 40 {n:07d}",
                f"(09) {n // 10000:03d} {n % 10000:04d}",
                f"050{dash}{n:07d}",
                f"vuosina {day.year}{dash}{day.year + 1}",
                f"huone {n % 1000}",
            ]
        )
    )


@given(parts=st.lists(st.tuples(finnish_words, ordinary_numbers()), max_size=6))
def test_dates_times_and_phone_numbers_are_not_identity_codes(parts):
    text = " ".join(f"{word} {number}" for word, number in parts)
    assert find_identity_codes(text) == []
    check_no_identity_codes(summary=text)


# ---- phone numbers: validated, kept in E.164 ----------------------------------


@pytest.mark.parametrize(
    "written, stored",
    [
        ("040 123 4567", "+358401234567"),
        ("040-1234567", "+358401234567"),
        ("+358 40 123 4567", "+358401234567"),
        ("(09) 310 1234", "+35893101234"),
        ("+46 70 123 45 67", "+46701234567"),
    ],
)
def test_a_phone_number_is_kept_in_e164(written, stored):
    assert normalise_phone_number(written) == stored


@pytest.mark.parametrize("written", ["12", "abc", "040", "0" * 30, "+999 123"])
def test_what_is_not_a_phone_number_is_refused_with_a_clear_message(written):
    with pytest.raises(ValidationError) as refusal:
        normalise_phone_number(written)
    assert "Puhelinnumero ei ole kelvollinen" in refusal.value.messages[0]


# ---- other identifying data: found for the writer to confirm ------------------

TODAY = date(2026, 3, 2)


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Äiti vastaa numerosta 040 123 4567.", "Puhelinnumero: 040 123 4567"),
        ("Soita +358 50 765 4321 iltaisin", "Puhelinnumero: +358 50 765 4321"),
        ("Viestit osoitteeseen aiti.k@example.fi", "Sähköpostiosoite: aiti.k@example.fi"),
        ("Perhe asuu osoitteessa Koulukatu 5 B 12.", "Katuosoite: Koulukatu 5 B 12"),
        ("Kotikäynti, Mäntytie 3", "Katuosoite: Mäntytie 3"),
        ("Lapsi syntynyt 13.10.2019", "syntymäaika: 13.10.2019"),
        ("Eeli (13.10.2019) aloittaa koulun", "syntymäaika: 13.10.2019"),
        ("vauva s. 1.12.2025", "syntymäaika: 1.12.2025"),
        ("född 2019-10-13", "syntymäaika: 2019-10-13"),
    ],
)
def test_identifying_data_is_found(text, kind):
    warnings = identifying_data_warnings([text], today=TODAY)
    assert any(kind in w for w in warnings), warnings


@pytest.mark.parametrize(
    "text",
    [
        "Tavataan 12.10.2026 klo 8-10 perhekeskuksessa.",
        "Päiväkoti alkaa 1.8.2026.",
        "Iltarutiini: kylpy, iltapala, satu ja nukkumaan klo 19.30.",
        "Seuraava tapaaminen viikolla 14, huone 310.",
        "Perheohjaaja käy kotona kahden viikon välein.",
        "Sovittiin 2.3.2026, että isä soittaa neuvolaan.",
    ],
)
def test_ordinary_plan_text_raises_no_warning(text):
    assert identifying_data_warnings([text], today=TODAY) == []


@given(n=st.integers(0, 9_999_999), before=words, after=words)
def test_a_finnish_mobile_number_anywhere_is_found(n, before, after):
    number = f"040 {n // 10000:03d} {n % 10000:04d}"
    warnings = identifying_data_warnings([f"{before} {number} {after}"], today=TODAY)
    assert f"Puhelinnumero: {number}" in warnings


@given(code=identity_codes())
def test_an_identity_code_is_not_also_read_as_a_phone_number(code):
    # It is refused outright; the warning list is for what may be confirmed.
    assert identifying_data_warnings([f"lapsi {code}"], today=TODAY) == []
