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
        ("transparantie", "Transparantie", user.has_perm("kandidaten.view_transparantie")),
        ("imports:lijst", "Import", user.has_perm("kandidaten.add_import")),
        ("bewaartermijn", "Bewaartermijn", user.has_perm("kandidaten.view_bewaartermijn")),
        ("audit", "Auditlog", user.has_perm("kandidaten.view_auditevent")),
        ("admin:index", "Beheer", user.is_staff),
    ]
    path = request.path
    nav_items = []
    for url_name, label, allowed in items:
        if not allowed:
            continue
        url = reverse(url_name)
        current = path == url if url == "/" else path.startswith(url)
        nav_items.append({"url": url, "label": label, "current": current})
    return {"nav_items": nav_items}
