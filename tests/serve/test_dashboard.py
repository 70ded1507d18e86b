"""The dashboard in Debian's real Chromium (Playwright, never ``playwright install``): log in with a
token, visit every page, change a filter and see the chart change, and see a live alert appear
(without a reload) when ``socialens watch`` reads posts pushed to a real redis-server stream and
posts its alert to the server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.serve.server import redis_server
from tests.streaming.lines import stream_lines

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, server: dict[str, Any]) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(server["url"] + "/")
    yield page
    context.close()
    assert not errors, errors  # no JavaScript error on any page


def log_in(page: Page, token: str) -> None:
    page.fill("#token", token)
    page.click("#login-form button")
    ready(page, "overview")


def ready(page: Page, name: str) -> None:
    expect(page.locator(f'#page[data-page="{name}"][data-ready="yes"]')).to_have_count(1, timeout=20_000)


def signature(page: Page, chart: str) -> Any:
    return json.loads(page.get_attribute(f"#chart-{chart}", "data-signature") or "null")


def test_a_wrong_token_is_refused_and_a_right_one_opens_the_overview(page, server):
    page.fill("#token", "slt_wrong.token")
    page.click("#login-form button")
    expect(page.locator("#login-error")).to_contain_text("unknown")
    log_in(page, server["tokens"]["read"])
    expect(page.locator("#overview-cards")).to_contain_text("6")
    expect(page.locator("#chart-volume canvas")).to_have_count(1)
    expect(page.locator("#chart-languages canvas")).to_have_count(1)


def test_every_page_renders_and_a_filter_changes_the_chart(page, server):
    log_in(page, server["tokens"]["read"])
    page.click('#nav a[data-page="sentiment"]')
    ready(page, "sentiment")
    before = signature(page, "sentiment")
    assert before and any(before)
    page.fill('#filters input[name="until"]', "2024-01-01")
    page.click("#filters button")
    ready(page, "sentiment")
    after = signature(page, "sentiment")
    # Only the Christmas post is before 2024: one month, too thin for a share, drawn grey with its count.
    assert after != before and after == [[{"value": [after[0][0]["value"][0], 0], "posts": 1}]]
    assert after[0][0]["value"][0].startswith("2023-12")
    page.fill('#filters input[name="until"]', "")

    page.click('#nav a[data-page="topics"]')
    ready(page, "topics")
    page.locator("#page table tr.clickable").first.click()
    expect(page.locator("#topic-posts table tbody tr")).not_to_have_count(0)

    page.click('#nav a[data-page="who"]')
    ready(page, "who")
    expect(page.locator("#chart-communities canvas")).to_have_count(1)
    account = page.locator("#page table a[href^='#/profile/u_']").first  # an author (h_: only mentioned)
    name = account.inner_text()
    account.click()
    ready(page, "profile")
    expect(page.locator("#profile-name")).to_contain_text(name)

    page.click('#nav a[data-page="posts"]')
    ready(page, "posts")
    page.fill('#filters input[name="query"]', "oil")
    page.click("#filters button")
    ready(page, "posts")
    expect(page.locator("#post-results")).to_contain_text("2 posts")
    rows = page.locator("#post-results tbody tr")
    expect(rows).to_have_count(2)
    assert all(author.startswith(("u_", "h_")) for author in rows.locator("td:nth-child(2)").all_inner_texts())

    page.click('#nav a[data-page="trends"]')
    ready(page, "trends")
    expect(page.locator("#live-status")).to_contain_text("live")


def test_a_live_alert_from_watch_appears_without_a_reload(page, server, tmp_path: Path):
    import redis

    log_in(page, server["tokens"]["read"])
    page.click('#nav a[data-page="trends"]')
    ready(page, "trends")
    expect(page.locator("#live-status")).to_contain_text("live")
    assert page.locator("#live-alerts tr.live-alert").count() == 0
    with redis_server(tmp_path) as url:
        connection = redis.Redis.from_url(url.rsplit("/", 1)[0])
        for line in stream_lines(300, burst_at=250, burst=15):
            connection.xadd("posts", {"line": line})
        connection.close()
        env = {**os.environ, "SOCIALENS_TOKEN": server["tokens"]["write"]}
        watch = subprocess.run(
            [
                sys.executable, "-m", "socialens.cli.main", "watch", "--source", url,
                "--sink", f"webhook:{server['url']}/api/v1/alerts", "--state", str(tmp_path / "watch.pkl"),
                "--sentiment", "none", "--window", "3600", "--exit-when-idle", "2", "--json",
            ],
            capture_output=True, text=True, timeout=120, env=env,
        )  # fmt: skip
    assert watch.returncode == 0, watch.stderr
    assert json.loads(watch.stdout)["counts"]["alerts"] >= 1
    alert = page.locator("#live-alerts tr.live-alert").first
    expect(alert).to_contain_text("blackout", timeout=20_000)
    assert page.evaluate("performance.getEntriesByType('navigation').length") == 1  # no reload
