"""What every import reports, and how a preview and an import share one run.

An import runs in a transaction; a preview, or any bad row, rolls it back, so
the coordinator sees exactly what the import would do and a bad file writes
nothing.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_lazy

LABELS = {
    "organisation_created": gettext_lazy("uusia organisaatioita"),
    "organisation_updated": gettext_lazy("muuttuneita organisaatioita"),
    "organisation_unchanged": gettext_lazy("ennallaan olevia organisaatioita"),
    "professional_created": gettext_lazy("uusia ammattilaisia"),
    "professional_updated": gettext_lazy("muuttuneita ammattilaisia"),
    "professional_unchanged": gettext_lazy("ennallaan olevia ammattilaisia"),
    "team_created": gettext_lazy("uusia tiimejä"),
    "membership_created": gettext_lazy("uusia tiimijäsenyyksiä"),
    "membership_unchanged": gettext_lazy("ennallaan olevia tiimijäsenyyksiä"),
    "organisation_refused": gettext_lazy("organisaatioita ei tuotu"),
    "service_created": gettext_lazy("uusia palveluja"),
    "service_unchanged": gettext_lazy("ennallaan olevia palveluja"),
    "service_unclassified": gettext_lazy(
        "luokittelemattomia palveluja (tehtäväalue valitaan ylläpitosivulla)"
    ),
    "service_refused": gettext_lazy("palveluja ei tuotu"),
    "offer_created": gettext_lazy("uusia merkintöjä palvelukartalle"),
    "offer_unchanged": gettext_lazy("ennallaan olevia merkintöjä palvelukartalla"),
}


@dataclass
class ImportReport:
    # (row number, reason); the row is None when the whole file is at fault.
    errors: list[tuple[int | None, str]] = field(default_factory=list)
    done: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)  # what was left out of a record, and why
    refused: list[str] = field(default_factory=list)  # records not imported, and why
    new_municipalities: list[str] = field(default_factory=list)
    # Named in the file but not in the system: the administrator may add them.
    unknown_municipalities: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> list[str]:
        """One line per kind of outcome, in a fixed order."""
        return [f"{label}: {self.done[key]}" for key, label in LABELS.items() if self.done[key]]

    def refuse(self, outcome: str, reason: str) -> None:
        """A record that is not imported: counted, and why said."""
        self.done[outcome] += 1
        self.refused.append(reason)


class _Rollback(Exception):
    pass


def preview_or_apply(
    report: ImportReport, *, apply: bool, work: Callable[[], None]
) -> ImportReport:
    """Run ``work`` in a transaction; keep its writes only if ``apply`` and no error."""
    try:
        with transaction.atomic():
            work()
            if report.errors or not apply:
                raise _Rollback
    except _Rollback:
        return report
    report.applied = True
    return report
