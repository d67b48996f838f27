"""How the benchmark times pages: warm, then on the first visit after an edit.

The sizes take turns request by request, so that a change in the machine's load during the
run weighs on both sides of a ratio alike.
"""

import statistics
import time
from pathlib import Path

from benchmarks.pages import EXPORT, FULL_EXPORT, HEALTHZ, RENAMED_FROM_PAGE, renamed_record
from benchmarks.servers import EXPORT_TIMEOUT, REQUEST_TIMEOUT, rss_mb

WARMUP = 2
REQUESTS = 15
# Fast pages get more requests, up to these bounds, so that their medians are steadier.
MAX_REQUESTS = 45
SECONDS_PER_PAGE = 3
# Each edit kind is repeated this often per page and size; the median is reported.
EDIT_ROUNDS = 3
ADMIN_WARMUP = 1
ADMIN_REQUESTS = 5
# How long a page may take to be answered from the page cache again before an edit.
SETTLE_SECONDS = 60


def median_ms(seconds):
    return statistics.median(seconds) * 1000 if seconds else None


def timeout_for(url):
    return EXPORT_TIMEOUT if EXPORT in url else REQUEST_TIMEOUT


def in_turns(clients, urls, warmup, least, most=None, seconds=0):
    """{size: (seconds list, last status, query count, bytes)} for one page, the sizes
    taking turns: `least` timed requests each, more (up to `most`) while under `seconds`."""
    most = most or least
    times = {size: [] for size in clients}
    last = {}
    started = time.monotonic()
    for round_ in range(warmup + most):
        timed = round_ - warmup
        if timed >= least and time.monotonic() - started > seconds:
            break
        for size, client in clients.items():
            status, elapsed, headers, body = client.get(urls[size], timeout=timeout_for(urls[size]))
            if timed >= 0:
                times[size].append(elapsed)
            last[size] = (status, headers.get("X-Query-Count"), len(body))
    return {size: (times[size], *last[size]) for size in clients}


def result(url, seconds, status, queries, length):
    return {
        "url": url,
        "status": status,
        "median_ms": median_ms(seconds),
        "queries": int(queries) if queries is not None else None,
        "bytes": length,
        "requests": len(seconds),
    }


def measure_warm(clients, urls):
    """{size: {page: result}}: each page's median once warm (after WARMUP visits)."""
    results = {size: {} for size in clients}
    for index, (name, *_rest) in enumerate(next(iter(urls.values()))):
        page = {size: urls[size][index][1] for size in clients}
        found = in_turns(clients, page, WARMUP, REQUESTS, MAX_REQUESTS, SECONDS_PER_PAGE)
        line = [f"  {name:<36}"]
        for size, (seconds, status, queries, length) in found.items():
            results[size][name] = result(page[size], seconds, status, queries, length)
            line.append(f"{results[size][name]['median_ms']:9.1f} ms q={queries} {status}")
        print("  ".join(line), flush=True)
    return results


def settle(client, url):
    """Visit the page until the page cache answers it (the summaries an earlier edit made it
    lag behind are computed again), so that an edit's first visit starts warm; a page the
    cache does not keep is visited once."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        _status, _elapsed, headers, _body = client.get(url, timeout=timeout_for(url))
        if headers.get("X-Page-Cache") in (None, "hit") or time.monotonic() > deadline:
            return
        time.sleep(0.1)


def settle_all(clients, urls, index):
    """Settles the page at every size: one size's refresh, still running after its edit,
    would otherwise take a core from the next size's first visit (the sizes share the
    machine here, not in a deployment) and make that visit look slower than it is."""
    for size, client in clients.items():
        settle(client, urls[size][index][1])


def rename_shown(client, url, name, editor):
    """Corrects the name of the first record the page shows (benchmarks/pages.py)."""
    _status, _elapsed, _headers, body = client.get(url, timeout=timeout_for(url))
    shown = renamed_record(name, body.decode("utf-8", "replace"))
    if shown is None:
        raise RuntimeError(f"No record to rename on {name} ({url}).")
    editor.rename(*shown)


def first_visit(client, url):
    """(status, seconds, how the page cache answered: hit, miss, lagging or -)."""
    status, elapsed, headers, _body = client.get(url, timeout=timeout_for(url))
    return status, elapsed, headers.get("X-Page-Cache") or "-"


def measure_edits(clients, urls, editors, facts, results, rounds=EDIT_ROUNDS):
    """Adds to each public page's result its median time on the first visit after an
    unrelated edit ("unrelated_ms") and after an edit of what it shows ("related_ms": a
    figure, or the name of the first record of a list without figures), and
    after the unrelated edit rolled back ("rolled_back_ms"): the page is as warm as before,
    but the editor and the database did the same work on the machine's cores, which makes
    the next request about 0.5 ms slower than one of a back-to-back series (the median
    "warm") whether or not anything changed; an unrelated edit is held to that visit.

    Before each edit the page is visited at every size until it is warm (settle_all); the
    export and /healthz (which shows no data) are left out. How the page cache answered the first
    visits is kept too ("unrelated_state", "related_state": the last round's), and
    whether the size's far edit concerns the page by construction ("far_concerns_it": at
    1,000 projects it lies in the measured pairing's family, benchmarks/pages.py).
    """
    figures = {size: facts[size]["figures"] for size in clients}
    for index, (name, _url, kind, concerns) in enumerate(next(iter(urls.values()))):
        if kind != "page" or concerns is None or name == HEALTHZ:
            continue
        times = {size: {"rolled_back": [], "unrelated": [], "related": []} for size in clients}
        statuses = {size: set() for size in clients}
        states = {size: {} for size in clients}
        for _round in range(rounds):
            for which in ("rolled_back", "unrelated", "related"):
                for size, client in clients.items():
                    url = urls[size][index][1]
                    settle_all(clients, urls, index)
                    if which == "rolled_back":
                        editors[size].roll_back(figures[size]["unrelated"])
                    elif which == "related" and name in RENAMED_FROM_PAGE:
                        rename_shown(client, url, name, editors[size])
                    else:
                        editors[size].edit(figures[size][concerns if which == "related" else which])
                    status, elapsed, state = first_visit(client, url)
                    times[size][which].append(elapsed)
                    statuses[size].add(status)
                    states[size][which] = state
        settle_all(clients, urls, index)  # its refreshes done before the next page
        line = [f"  {name:<36}"]
        for size in clients:
            page = results[size][name]
            page["rolled_back_ms"] = median_ms(times[size]["rolled_back"])
            page["unrelated_ms"] = median_ms(times[size]["unrelated"])
            page["related_ms"] = median_ms(times[size]["related"])
            page["edit_statuses"] = sorted(statuses[size])
            page["far_concerns_it"] = concerns in facts[size]["far_concerns"]
            page["unrelated_state"] = states[size]["unrelated"]
            page["related_state"] = states[size]["related"]
            line.append(
                f"{page['rolled_back_ms']:6.1f} / {page['unrelated_ms']:7.1f} "
                f"{page['unrelated_state']:<7} / {page['related_ms']:7.1f} "
                f"{page['related_state']:<7} ms"
            )
        print("  ".join(line), flush=True)


def measure_admin(clients, changelists):
    """{size: {label: result}}: each admin changelist, warm, in a logged-in staff session."""
    results = {size: {} for size in clients}
    for label, url in changelists:
        found = in_turns(clients, dict.fromkeys(clients, url), ADMIN_WARMUP, ADMIN_REQUESTS)
        line = [f"  admin: {label:<29}"]
        for size, (seconds, status, queries, length) in found.items():
            results[size][label] = result(url, seconds, status, queries, length)
            line.append(f"{results[size][label]['median_ms']:9.1f} ms q={queries} {status}")
        print("  ".join(line), flush=True)
    return results


def export_memory_growth(client, worker):
    """MB the worker's memory grew (its highest RSS) while streaming the full export; None
    when the export is a job (more than DJANGO_EXPORT_JOB_FROM_ROWS rows: a redirect to its
    page), whose worker benchmarks/export_job.py measures."""
    try:  # Reset the kernel's high-water mark so that VmHWM is this export's peak.
        Path(f"/proc/{worker}/clear_refs").write_text("5")
        high_water = True
    except OSError:
        high_water = False
    before = rss_mb(worker)
    highest = before

    def sample():
        nonlocal highest
        highest = max(highest, rss_mb(worker))

    status, seconds, _headers, size = client.get(FULL_EXPORT, timeout=EXPORT_TIMEOUT, sink=sample)
    if high_water:
        highest = max(highest, rss_mb(worker, "VmHWM"))
    if status in (301, 302, 303):
        print(f"  full export: {status}, queued as a job")
        return None
    growth = highest - before
    print(
        f"  full export: {status}, {size / 1e6:.1f} MB in {seconds:.1f} s, "
        f"worker grew {growth:.1f} MB"
    )
    return growth
