"""Staff users over the pages they work from: lists with varied filters, client pages, the panel, drill-downs,
the worklist and the transparency report. Started by `python -m loadtest` (make loadtest), never on its own.

Each locust user logs in as one of the accounts `loadtest.setup` made (LOADTEST_ACCOUNTS) and keeps its session.
Requests are named by page kind, so the report gives p50/p95/p99 per kind.
"""

import datetime
import itertools
import json
import os
import random
import re
import time

from locust import HttpUser, between, events, task

ACCOUNTS = json.loads(open(os.environ["LOADTEST_ACCOUNTS"], encoding="utf-8").read())
# Every request's (page kind, milliseconds, failed, when it ended), written at the end for exact percentiles per
# kind and to tell the users' arrival (logging in) from the steady state.
SAMPLES = []


@events.request.add_listener
def _sample(request_type, name, response_time, exception, **kwargs):
    SAMPLES.append((name, response_time, exception is not None, time.time()))


@events.quitting.add_listener
def _write_samples(environment, **kwargs):
    with open(os.environ["LOADTEST_SAMPLES"], "w", encoding="utf-8") as handle:
        json.dump(SAMPLES, handle)
_next_account = itertools.count()
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')

SORTS = ["", "naam", "-naam", "begeleider", "klantprofiel", "acties", "-pers_nr", "gemeente"]
SIGNALEN = [
    ("trajecten", "actief"), ("trajecten", "signaal_verstreken"), ("trajecten", "einde_lt_3mnd"),
    ("trajecten", "zonder_actieve_module"), ("modules", "actief"), ("modules", "signaal_binnen_4wkn"),
    ("modules", "opschortingen"), ("plaatsingen", "actief"), ("plaatsingen", "start_lt_3wkn"),
]
# Think time between two clicks: staff read what a page shows before the next click.
THINK_SECONDS = (float(os.environ.get("LOADTEST_THINK_MIN", "0.5")), float(os.environ.get("LOADTEST_THINK_MAX", "2")))


class Medewerker(HttpUser):
    wait_time = between(*THINK_SECONDS)

    def on_start(self):
        self.account = ACCOUNTS[next(_next_account) % len(ACCOUNTS)]
        page = self.client.get("/inloggen/", name="inloggen")
        self._cookies_over_http()
        token = _CSRF.search(page.text).group(1)
        response = self.client.post(
            "/inloggen/", data={"username": self.account["username"], "password": self.account["password"],
                                "csrfmiddlewaretoken": token},
            name="inloggen", allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"inloggen als {self.account['username']} mislukt ({response.status_code})")
        self._cookies_over_http()

    def _cookies_over_http(self):
        """The app marks its cookies Secure (production runs behind TLS); on loopback http the client drops them
        unless they are set again without the flag."""
        for cookie in list(self.client.cookies):
            if cookie.secure:
                self.client.cookies.set(cookie.name, cookie.value, domain=cookie.domain, path=cookie.path)

    def _peildatum(self):
        return (datetime.date.today() + datetime.timedelta(days=random.choice([0, 0, 0, -7, 14, -30]))).strftime(
            "%d-%m-%Y")

    @task(6)
    def kandidatenlijst(self):
        params = {}
        if random.random() < 0.5:
            params["gemeente"] = random.choice(self.account["gemeente_ids"])
        if random.random() < 0.3:
            params["profiel_nodig"] = "ja"
        if random.random() < 0.2:
            params["klantprofiel"] = random.choice(["N", "L", "O"])
        if random.random() < 0.2 and self.account["begeleiders"]:
            params["begeleider"] = random.choice(self.account["begeleiders"])
        if random.random() < 0.15:
            params["q"] = random.choice(["jan", "de vries", "berg", "0", "el"])
        sort = random.choice(SORTS)
        if sort:
            params["sort"] = sort
        if random.random() < 0.3:
            params["page"] = random.randint(2, 6)
        self.client.get("/kandidaten/", params=params, name="kandidatenlijst")

    @task(4)
    def kandidaat(self):
        if self.account["kandidaat_ids"]:
            self.client.get(f"/kandidaten/{random.choice(self.account['kandidaat_ids'])}/", name="kandidaat")

    @task(3)
    def paneel(self):
        params = {"peildatum": self._peildatum()}
        if random.random() < 0.4:
            params["gemeente"] = random.choice(self.account["gemeente_ids"])
        self.client.get("/", params=params, name="paneel")

    @task(3)
    def doorklik(self):
        groep, teller = random.choice(SIGNALEN)
        params = {"peildatum": self._peildatum()}
        if random.random() < 0.3:
            params["sort"] = random.choice(["naam", "-signaal", "einde", "begeleider"])
        if random.random() < 0.2:
            params["page"] = random.randint(2, 4)
        self.client.get(f"/signalen/{groep}/{teller}/", params=params, name="doorklik")

    @task(2)
    def werklijst(self):
        params = {}
        if self.account["begeleiders"] and random.random() < 0.7:
            params["begeleider"] = random.choice(self.account["begeleiders"])
        self.client.get("/kandidaten/profiel-nodig/", params=params, name="werklijst")

    @task(1)
    def transparantie(self):
        if self.account["transparantie"]:
            self.client.get("/transparantie/", name="transparantie")
