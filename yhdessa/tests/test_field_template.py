"""_field.html: a field's help and errors sit next to it and are linked to it,
so that a screen reader reads them with the field."""

import re

from django import forms
from django.template.loader import render_to_string


class ExampleForm(forms.Form):
    alias = forms.CharField(label="Tunnus", max_length=60, help_text="Lyhyt tunnus.")
    summary = forms.CharField(label="Kuvaus", max_length=2000, widget=forms.Textarea)
    consent = forms.BooleanField(label="Suostumus", help_text="Perhe on suostunut.")
    language = forms.ChoiceField(
        label="Kieli",
        choices=[("fi", "suomi"), ("sv", "ruotsi")],
        widget=forms.RadioSelect,
        help_text="Kutsujen kieli.",
    )
    topics = forms.MultipleChoiceField(
        label="Aiheet", choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )


def field_html(form: forms.Form, name: str) -> str:
    return render_to_string("_field.html", {"field": form[name]})


def described_by(html: str, tag: str) -> list[str]:
    match = re.search(rf'<{tag}\b[^>]*aria-describedby="([^"]+)"', html)
    assert match, f"no <{tag}> with aria-describedby in {html}"
    return match.group(1).split()


def ids(html: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', html))


def test_help_is_linked_to_its_field():
    html = field_html(ExampleForm(), "alias")
    assert described_by(html, "input") == ["id_alias_helptext"]
    assert "id_alias_helptext" in ids(html)
    assert "aria-invalid" not in html
    assert 'maxlength="60"' in html


def test_an_error_is_next_to_its_field_and_linked_to_it():
    form = ExampleForm({"alias": "", "summary": "x" * 2001})
    html = field_html(form, "alias")
    assert described_by(html, "input") == ["id_alias_helptext", "id_alias_error"]
    assert {"id_alias_helptext", "id_alias_error"} <= ids(html)
    assert 'aria-invalid="true"' in html
    # Label, help, error, then the box: the error is read before typing again.
    order = [html.index(s) for s in ("<label", 'id="id_alias_helptext"', 'id="id_alias_error"')]
    assert order == sorted(order) and order[-1] < html.index("<input")

    html = field_html(form, "summary")
    assert described_by(html, "textarea") == ["id_summary_error"]
    assert "id_summary_error" in ids(html) and 'maxlength="2000"' in html
    assert "2000" in re.search(r'<ul class="errorlist"[^>]*>(.*?)</ul>', html, re.S).group(1)


def test_a_checkbox_has_its_help_and_error_linked():
    html = field_html(ExampleForm({}), "consent")
    assert described_by(html, "input") == ["id_consent_helptext", "id_consent_error"]
    assert {"id_consent_helptext", "id_consent_error"} <= ids(html)


def test_a_group_of_choices_is_described_as_a_group():
    form = ExampleForm({})
    html = field_html(form, "language")
    assert described_by(html, "fieldset") == ["id_language_helptext", "id_language_error"]
    assert {"id_language_helptext", "id_language_error"} <= ids(html)
    assert html.count('aria-invalid="true"') == 2  # each radio button
    html = field_html(form, "topics")
    assert described_by(html, "fieldset") == ["id_topics_error"]
    assert "id_topics_error" in ids(html)
    assert "aria-describedby" not in html.split("</legend>", 1)[1].split('<ul class="choices"')[1]
