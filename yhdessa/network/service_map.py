"""The service map (Vantaa-Kerava model): the family centre's task areas
against the municipalities of a region, with who offers what, and where
there is nobody (a gap) or many (an overlap)."""

from dataclasses import dataclass

from django.db.models import QuerySet

from yhdessa.network.models import Municipality, Organisation, ServiceOffer, TaskArea

OVERLAP_AT = 3  # this many providers of one task in one place is worth a look


@dataclass
class Cell:
    providers: list[Organisation]

    @property
    def status(self) -> str:
        if not self.providers:
            return "gap"
        return "overlap" if len(self.providers) >= OVERLAP_AT else "ok"


def service_map(
    *, towns: QuerySet[Municipality], sector: str = ""
) -> tuple[list[TaskArea], list[Municipality], dict[tuple[int, int], Cell]]:
    """Rows (task areas), columns (municipalities) and cells, in three queries."""
    areas = list(TaskArea.objects.all())
    columns = list(towns.order_by("name"))
    offers = ServiceOffer.objects.filter(municipality__in=columns).select_related("organisation")
    if sector:
        offers = offers.filter(organisation__sector=sector)
    cells = {(a.pk, t.pk): Cell([]) for a in areas for t in columns}
    for offer in offers.order_by("organisation__name"):
        cells[(offer.task_area_id, offer.municipality_id)].providers.append(offer.organisation)
    return areas, columns, cells
