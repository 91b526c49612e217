"""Start-up checks for what must hold before any file is read."""

from django.core import checks


@checks.register(checks.Tags.security)
def openpyxl_uses_defusedxml(app_configs, **kwargs):
    # openpyxl only guards against XML entity attacks when defusedxml is installed.
    from openpyxl import DEFUSEDXML

    if not DEFUSEDXML:
        return [
            checks.Error(
                "openpyxl draait zonder defusedxml: installeer defusedxml en zet "
                "OPENPYXL_DEFUSEDXML niet op False.",
                id="kandidaten.E001",
            )
        ]
    return []
