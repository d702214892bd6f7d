"""Locust users for ``benchmarks/bench_load.py`` (one scenario per run, chosen by OHS_SCENARIO).

Scenarios, all as the district officer of OHS_DISTRICT (渝北 by default):
- ``api``:    ``GET /api/v1/enterprises/?region=…&industry_risk=serious&page=<random>`` with a Bearer token
- ``list``:   ``GET /registry/enterprises/?region=…&page=<random>`` (the list page, logged in by session)
- ``detail``: ``GET /registry/enterprises/<credit code>/`` of random employers in scope

Inputs come from environment variables written by bench_load.py: OHS_TOKEN, OHS_USERNAME,
OHS_PASSWORD, OHS_DISTRICT, OHS_PAGES (pages of the API list), OHS_LIST_PAGES, OHS_KEYS_FILE (one
credit code per line). Users wait for nothing between requests (a closed loop: each user sends its
next request when the previous answer arrived), so req/s is the server's throughput at that
concurrency.
"""

from __future__ import annotations

import os
import random
import re

from locust import FastHttpUser, task

SCENARIO = os.environ.get("OHS_SCENARIO", "api")
DISTRICT = os.environ.get("OHS_DISTRICT", "500112")
TOKEN = os.environ.get("OHS_TOKEN", "")
PAGES = int(os.environ.get("OHS_PAGES", "1"))
LIST_PAGES = int(os.environ.get("OHS_LIST_PAGES", "1"))
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
            return
        page = self.client.get("/login/", name="login (not counted)")
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        answer = self.client.post("/login/", name="login (not counted)", allow_redirects=False, data={
            "username": os.environ["OHS_USERNAME"], "password": os.environ["OHS_PASSWORD"],
            "csrfmiddlewaretoken": csrf, "next": "/"}, headers={"Referer": self.host + "/login/"})
        if answer.status_code != 302:
            raise RuntimeError(f"login failed: {answer.status_code}")

    @task
    def one(self):
        if SCENARIO == "api":
            page = random.randint(1, PAGES)
            self.client.get(f"/api/v1/enterprises/?region={DISTRICT}&industry_risk=serious&page={page}",
                            name="api", headers=self.headers)
        elif SCENARIO == "list":
            page = random.randint(1, LIST_PAGES)
            self.client.get(f"/registry/enterprises/?region={DISTRICT}&page={page}", name="list")
        else:
            self.client.get(f"/registry/enterprises/{random.choice(KEYS)}/", name="detail")
