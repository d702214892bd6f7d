"""Locust users for ``benchmarks/bench_load.py`` (one scenario per run, chosen by OHS_SCENARIO).

Scenarios, all as the district officer of OHS_DISTRICT (渝北 by default):
- ``api``:    ``GET /api/v1/enterprises/?region=…&industry_risk=serious&page=<random>`` with a Bearer token
- ``list``:   ``GET /registry/enterprises/?region=…&page=<random>`` (the list page, logged in by session)
- ``detail``: ``GET /registry/enterprises/<credit code>/`` of random employers in scope

Inputs come from environment variables written by bench_load.py: OHS_TOKEN,
OHS_DISTRICT, OHS_PAGES (pages of the API list), OHS_LIST_PAGES, OHS_KEYS_FILE (one credit code per
line), OHS_SESSIONS_FILE (one logged-in session key per line). Users wait for nothing between requests (a closed loop: each user sends its
next request when the previous answer arrived), so req/s is the server's throughput at that
concurrency.
"""

from __future__ import annotations

import itertools
import os
import random
from pathlib import Path

from locust import FastHttpUser, task

SCENARIO = os.environ.get("OHS_SCENARIO", "api")
DISTRICT = os.environ.get("OHS_DISTRICT", "500112")
TOKEN = os.environ.get("OHS_TOKEN", "")
PAGES = int(os.environ.get("OHS_PAGES", "1"))
LIST_PAGES = int(os.environ.get("OHS_LIST_PAGES", "1"))
SESSIONS = itertools.cycle(
    Path(os.environ["OHS_SESSIONS_FILE"]).read_text().split() if os.environ.get("OHS_SESSIONS_FILE") else [""]
)
KEYS = []
if os.environ.get("OHS_KEYS_FILE"):
    with open(os.environ["OHS_KEYS_FILE"]) as f:
        KEYS = [line.strip() for line in f if line.strip()]


class DistrictOfficer(FastHttpUser):
    # geventhttpclient: several times less CPU per request than requests, which matters when the
    # load generator shares the 2 cores with the server
    headers: dict = {}

    def wait_time(self):
        return 0

    def on_start(self):
        if SCENARIO == "api":
            self.headers = {"Authorization": f"Bearer {TOKEN}"}
        else:  # a logged-in session of its own (made by bench_load.py: no password hashing in the run)
            self.headers = {"Cookie": f"sessionid={next(SESSIONS)}"}

    @task
    def one(self):
        if SCENARIO == "api":
            path, name = (
                f"/api/v1/enterprises/?region={DISTRICT}&industry_risk=serious&page={random.randint(1, PAGES)}",
                "api",
            )
        elif SCENARIO == "list":
            path, name = (
                f"/registry/enterprises/?region={DISTRICT}&page={random.randint(1, LIST_PAGES)}",
                "list",
            )
        else:
            path, name = f"/registry/enterprises/{random.choice(KEYS)}/", "detail"
        # anything but a 200 (a redirect to the login page, say) is a failure
        with self.client.get(
            path, name=name, headers=self.headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
