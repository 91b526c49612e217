"""Candidate list, "profiel nodig" worklist, client page. Thin: the queries live in selectors.kandidaten."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django_tables2 import RequestConfig

from kandidaten.exporting import FORMATS, export_response
from kandidaten.filters import KandidaatFilter
from kandidaten.models import AuditEvent
from kandidaten.scoping import scope_van
from kandidaten.selectors import kandidaten as selectors
from kandidaten.selectors import keuzes
from kandidaten.tables import EXPORT_COLUMNS, EXPORT_FIELDS, GemeentePaginator, KandidaatTable

PER_PAGE_CHOICES = (25, 50, 100, 250)


def _per_page(request):
    try:
        value = int(request.GET.get("per_page", 50))
    except ValueError:
        return 50
    return value if value in PER_PAGE_CHOICES else 50


def lijst(request):
    scope = scope_van(request)
    base = selectors.kandidaten(scope, ook_niet_in_bron=True)
    filterset = KandidaatFilter(request.GET or None, queryset=base, scope=scope)
    gemeente_namen = dict(filterset.options.gemeenten)
    table = KandidaatTable(filterset.qs, order_by_field="sort", page_field="page", gemeente_namen=gemeente_namen)
    export_format = request.GET.get("_export")
    if export_format in FORMATS:
        if not request.user.has_perm("kandidaten.export_kandidaat"):
            raise PermissionDenied
        RequestConfig(request, paginate=False).configure(table)  # the list's own sort, all pages
        rows = table.data.data.values(*EXPORT_FIELDS)
        return export_response(
            request, rows=rows, columns=EXPORT_COLUMNS, fmt=export_format, filename_base="kandidaten",
            description="Kandidatenlijst", filters={**_audit_filters(filterset), "sort": request.GET.get("sort", "")},
        )
    paginate = {"per_page": _per_page(request), "paginator_class": GemeentePaginator}
    RequestConfig(request, paginate=paginate).configure(table)
    context = {
        "filter": filterset,
        "table": table,
        "per_page": _per_page(request),
        "per_page_choices": PER_PAGE_CHOICES,
        "mijn": request.user.begeleider_naam,
        "can_export": request.user.has_perm("kandidaten.export_kandidaat"),
        "active_filters": filterset.active() if request.GET else {},
    }
    template = "kandidaten/kandidaten/lijst.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#resultaat"
    return render(request, template, context)


def _audit_filters(filterset):
    return {
        name: (list(value) if isinstance(value, (list, tuple)) else value)
        for name, value in filterset.active().items()
    }


def profiel_nodig(request):
    """A begeleider's worklist; for whoever sees several begeleiders also the table per begeleider."""
    scope = scope_van(request)
    options = keuzes.keuzes(scope)
    begeleider = request.GET.get("begeleider") or request.user.begeleider_naam
    if begeleider and begeleider not in options.begeleiders:
        begeleider = ""
    worklist = list(selectors.profiel_nodig(scope, begeleider)[:500]) if begeleider else []
    today = timezone.localdate()
    for kandidaat in worklist:
        kandidaat.dagen = (today - kandidaat.profiel_nodig_sinds).days if kandidaat.profiel_nodig_sinds else None
    overview = selectors.per_begeleider(scope) if request.user.has_perm("kandidaten.change_kandidaat") else []
    return render(request, "kandidaten/kandidaten/profiel_nodig.html", {
        "begeleider": begeleider,
        "begeleiders": options.begeleiders,
        "worklist": worklist,
        "overview": overview,
        "totaal": {
            "nodig": sum(row.profiel_nodig for row in overview),
            "telt": sum(row.telt_in_sonar for row in overview),
        },
    })


def detail(request, pk):
    # Another gemeente's client does not exist for this user: 404, not 403.
    kandidaat = get_object_or_404(scope_van(request).kandidaten().select_related("gemeente__regio"), pk=pk)
    AuditEvent.record(request, AuditEvent.Actie.KANDIDAAT_BEKEKEN, f"Kandidaat {kandidaat.pers_nr} ({kandidaat.pk})")
    return render(request, "kandidaten/kandidaten/detail.html", {
        "kandidaat": kandidaat,
        "waarom": selectors.waarom(kandidaat),
        "geschiedenis": selectors.geschiedenis(kandidaat),
        "items": selectors.items_van(kandidaat),
    })
