"""The transparency report's stored state per gemeente and stand date (docs/transparantie.md).

The importer calls `leg_stand_vast` inside the transaction that changed clients, with the gemeenten whose
clients it touched and the stand date of its export; admin corrections call it with today's date.
"""


def leg_stand_vast(*, stand, gemeente_ids):
    """Record the report's counts of `gemeente_ids` as they are now, under stand date `stand`.

    Call inside the transaction that changed their clients, after the change. Filled in by issue #13.
    """
