"""Candidate-list figures of issue #4, each beside its floor measured in the same run.

- list page server time, p50 and p95 over 20 fixed filter/sort combinations (national demo scale, a
  superuser: every client counts), and the most SELECTs any of them needed;
- xlsx export of 100,000 rows through the export flow, beside XlsxWriter constant_memory writing the same
  rows from a prepared Python list; peak RSS of the exporting process;
- csv export of the same rows beside the same query's raw rows fetched from a database cursor and written by the
  csv module (fetch included: the least any csv export of these rows costs).
"""

import csv
import datetime
import os
import statistics
import tempfile
import time

from bench.measure import Row, percentile, run_child

SECTION = "kandidatenlijst"
EXPORT_ROWS = 100_000
COMBINATIONS = [
    "", "sort=-naam", "klantprofiel=N", "klantprofiel=N&klantprofiel=L&sort=begeleider", "profiel_nodig=ja",
    "status=open&dgr=ja", "ladder=onbekend&sort=-participatieladder", "doelgroep=Wajong&sort=pers_nr",
    "klant_van=uwv&page=3", "q=jansen", "q=100123", "banenafspraak=nee&sort=-gemeente", "per_page=250",
    "telt_in_sonar=ja&klantprofiel=J", "begeleider=Beleging%20100%25", "status=leeg&page=2",
    "ook_niet_in_bron=on&sort=acties", "dgr=nee&banenafspraak=nee", "klantprofiel=O&sort=-sonar_status",
    "sort=doelgroep&page=10",
]
# Issue #16's features, measured beside the target's 20 (not in it, so its figure stays comparable): the
# Dutch name order deep in the list, an uitvoerende by a part of its name, a name search in name order.
COMBINATIONS_16 = ["sort=naam&page=40", "uitvoerende=alrijde&sort=naam", "q=berg&sort=-naam"]


def _superuser():
    from kandidaten.models import Gebruiker

    user, _ = Gebruiker.objects.get_or_create(username="bench-lijst", defaults={"is_superuser": True})
    return user


def _export_rows_queryset():
    """The list's export rows as the view asks for them (sorted on gemeente, then Dutch name order)."""
    from kandidaten.selectors import kandidaten as selectors
    from kandidaten.tables import EXPORT_FIELDS

    queryset = selectors.kandidaten(_superuser())
    return selectors.export_rijen(queryset, selectors.Sortering("gemeente"), EXPORT_FIELDS)[:EXPORT_ROWS]


def our_export(fmt):
    """The export flow as the list view calls it; the child measures the whole call and its peak RSS."""
    from django.test import RequestFactory

    from kandidaten.exporting import export_response
    from kandidaten.tables import EXPORT_COLUMNS

    request = RequestFactory().get("/kandidaten/", {"_export": fmt})
    request.user = _superuser()
    start = time.perf_counter()
    response = export_response(request, rows=_export_rows_queryset(), columns=EXPORT_COLUMNS, fmt=fmt,
                               filename_base="kandidaten", description="bench")
    size = sum(len(chunk) for chunk in response.streaming_content)
    return {"seconds": time.perf_counter() - start, "bytes": size}


def floor_csv():
    """The export's query run on a raw cursor, its rows written by the csv module as they come: no display, no
    formula check. Timed with the fetch."""
    import io

    from django.db import connection

    from kandidaten.tables import EXPORT_COLUMNS, EXPORT_FIELDS

    sql, params = _export_rows_queryset().values_list(*EXPORT_FIELDS).query.sql_with_params()
    start = time.perf_counter()
    count = 0
    with tempfile.TemporaryFile() as target, connection.chunked_cursor() as cursor:
        text = io.TextIOWrapper(target, encoding="utf-8", newline="")
        writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
        writer.writerow([column.header for column in EXPORT_COLUMNS])
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(2000):
            writer.writerows(chunk)
            count += len(chunk)
        text.flush()
        text.detach()
    return {"seconds": time.perf_counter() - start, "rows": count}


def floor_xlsx():
    """The same rows, fetched first (not timed), written by XlsxWriter constant_memory."""
    from kandidaten.tables import EXPORT_COLUMNS

    rows = [[column.value(row) for column in EXPORT_COLUMNS] for row in _export_rows_queryset()]
    headers = [column.header for column in EXPORT_COLUMNS]
    start = time.perf_counter()
    with tempfile.TemporaryFile() as target:
        import xlsxwriter

        workbook = xlsxwriter.Workbook(target, {"constant_memory": True})
        sheet = workbook.add_worksheet()
        date_format = workbook.add_format({"num_format": "dd-mm-yyyy"})
        sheet.write_row(0, 0, headers)
        for index, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                if isinstance(value, datetime.date):
                    sheet.write_datetime(index, col, datetime.datetime.combine(value, datetime.time()), date_format)
                elif value is not None:
                    sheet.write(index, col, value)
        workbook.close()
    return {"seconds": time.perf_counter() - start, "rows": len(rows)}


def _list_timings(combinations):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(SERVER_NAME="localhost")
    client.force_login(_superuser())
    client.get("/kandidaten/")  # option lists into the cache, as on any busy server
    times, most_selects = [], 0
    for query in combinations:
        for _ in range(3):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(f"/kandidaten/?{query}")
                elapsed = time.perf_counter() - start
            assert response.status_code == 200, (query, response.status_code)
            times.append(elapsed * 1000)
            selects = sum(q["sql"].lstrip().upper().startswith("SELECT") for q in queries.captured_queries)
            most_selects = max(most_selects, selects)
    return times, most_selects


def run(ctx):
    from bench.data import ensure_national

    ensure_national()
    times, most_selects = _list_timings(COMBINATIONS)
    times_16, most_selects_16 = _list_timings(COMBINATIONS_16)
    most_selects = max(most_selects, most_selects_16)
    rows = [
        Row(SECTION, f"lijstpagina p50 ({len(COMBINATIONS)} combinaties × 3)", statistics.median(times), "ms"),
        Row(SECTION, "lijstpagina p95", percentile(times, 0.95), "ms", None, "", "≤ 100 ms",
            percentile(times, 0.95) <= 100),
        Row(SECTION, f"lijstpagina #16 ({len(COMBINATIONS_16)} combinaties × 3): mediaan", statistics.median(times_16),
            "ms"),
        Row(SECTION, "lijstpagina #16: hoogste", max(times_16), "ms"),
        Row(SECTION, "SELECT-queries per pagina (hoogste)", most_selects, "", None, "", "≤ 6", most_selects <= 6),
    ]
    env = {"DATABASE_URL": os.environ["DATABASE_URL"]}
    for fmt, target in (("xlsx", 1.3), ("csv", 1.6)):
        ours = run_child("bench.list_bench:our_export", fmt, env=env)
        floor = run_child(f"bench.list_bench:floor_{fmt}", env=env)
        label = "XlsxWriter constant_memory" if fmt == "xlsx" else "ruwe cursor + csv-module"
        rows.append(Row(SECTION, f"{fmt}-export 100.000 rijen", ours.result["seconds"], "s",
                        floor.result["seconds"], label, f"≤ {target:.1f}× vloer".replace(".", ","),
                        ours.result["seconds"] <= target * floor.result["seconds"]))
        if fmt == "xlsx":
            rows.append(Row(SECTION, "xlsx-export: piekgeheugen", ours.peak_rss_mb, "MB", None, "", "≤ 200 MB",
                            ours.peak_rss_mb <= 200))
    return rows
