"""The browser knows every length limit the server has: every text field
has a max_length, and renders ``maxlength`` equal to it, so that nobody
writes a long text only to have it refused after sending (or, without a
limit, to meet the bare size limit of the whole request).

The forms are not a chosen few: every Form class in the project is walked.
"""

import importlib
import pkgutil
import re

import pytest
from django import forms

import yhdessa

pytestmark = pytest.mark.django_db


def project_forms() -> list[type[forms.BaseForm]]:
    """Every Form and ModelForm class defined in the project's own modules."""
    for module in pkgutil.walk_packages(yhdessa.__path__, "yhdessa."):
        if not re.search(r"\.(tests|migrations)(\.|$)", module.name):
            importlib.import_module(module.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("yhdessa.") and cls.__module__ != __name__:
            found.append(cls)
    return sorted(found, key=lambda c: (c.__module__, c.__name__))


def unbound(cls: type[forms.BaseForm]) -> forms.BaseForm:
    """The form as a page shows it; a form whose constructor needs page data
    (a meeting, a user) is built from its declared fields alone."""
    try:
        return cls()
    except TypeError:
        form = cls.__new__(cls)
        forms.BaseForm.__init__(form)
        return form


def test_the_walk_finds_the_forms():
    names = {c.__name__ for c in project_forms()}
    assert {"ConcernForm", "PlanForm", "ConveneForm", "OrganisationForm"} <= names


@pytest.mark.parametrize("form_class", project_forms(), ids=lambda c: c.__name__)
def test_every_length_limit_reaches_the_browser(form_class):
    form = unbound(form_class)
    wrong = {}
    for name, field in form.fields.items():
        if not isinstance(field, forms.CharField) or field.widget.is_hidden:
            continue
        if field.max_length is None:
            wrong[name] = "no max_length"
            continue
        html = str(form[name])
        rendered = re.search(r'\bmaxlength="(\d+)"', html)
        if rendered is None or int(rendered.group(1)) != field.max_length:
            wrong[name] = (rendered and int(rendered.group(1)), field.max_length)
    assert wrong == {}, "field: (maxlength in the browser, the form's max_length)"
