from django.urls import reverse


def navigation(request):
    """The main navigation, with the current section marked for aria-current."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        ("overzicht", "Overzicht", True),
        ("kandidaten:lijst", "Kandidaten", True),
        ("kandidaten:profiel_nodig", "Profiel nodig", True),
        ("team", "Team", user.has_perm("kandidaten.view_teamoverzicht")),
        ("lijsten:lijsten", "Mijn lijsten", True),
        ("transparantie", "Transparantie", user.has_perm("kandidaten.view_transparantie")),
        ("imports:lijst", "Import", user.has_perm("kandidaten.add_import")),
        ("bewaartermijn", "Bewaartermijn", user.has_perm("kandidaten.view_bewaartermijn")),
        ("audit", "Auditlog", user.has_perm("kandidaten.view_auditevent")),
        ("admin:index", "Beheer", user.is_staff),
    ]
    path = request.path
    nav_items = [{"url": reverse(url_name), "label": label} for url_name, label, allowed in items if allowed]
    # One item is current: the one whose address is the longest start of this page's (/kandidaten/ is not
    # current on /kandidaten/profiel-nodig/). The overview only on itself; a drill-down belongs to it.
    passend = [item["url"] for item in nav_items if path.startswith(item["url"]) and item["url"] != "/"]
    huidige = max(passend, key=len) if passend else ("/" if path == "/" or path.startswith("/signalen/") else None)
    for item in nav_items:
        item["current"] = item["url"] == huidige
    return {"nav_items": nav_items}
