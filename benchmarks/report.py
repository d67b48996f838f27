"""The benchmark's verdicts and its tables, from the measured results (pure functions).

Targets (issue #18): a warm page within 3× /healthz; its first visit after an unrelated edit
within 1.5× warm, that is, of its first visit after the same edit rolled back (the same work
on the machine, nothing changed: benchmarks/timing.py; a page every edit concerns, or one
the far edit concerns at a size by construction, has no unrelated edit: held to the next
target); after a related edit within 60× /healthz (120× from 1,000,000 projects); each
page within 1.5× its time at the smallest size with the same number of queries, at most 15;
each admin changelist within 1.5× its time at the smallest size. The export is shown, not
held to them.
"""

from benchmarks.pages import DEEP_PAGE, EVERY_EDIT_CONCERNS, HEALTHZ

MAX_WARM_VS_HEALTHZ = 3
MAX_UNRELATED_VS_WARM = 1.5
MAX_RELATED_VS_HEALTHZ = 60
MAX_RELATED_VS_HEALTHZ_AT_A_MILLION = 120
MAX_SIZE_RATIO = 1.5
MAX_QUERIES = 15
MAX_ADMIN_RATIO = 1.5
MAX_EXPORT_GROWTH_MB = 100


def related_limit(size):
    return MAX_RELATED_VS_HEALTHZ_AT_A_MILLION if size >= 1_000_000 else MAX_RELATED_VS_HEALTHZ


def verdict(checks):
    failed = [text for text, ok in checks if not ok]
    return "pass" if not failed else "FAIL: " + "; ".join(failed)


def ratio(a, b):
    return a / b if a is not None and b else None


def page_checks(name, kind, page, base, healthz, size, smallest):
    """(text, ok) pairs for one page at one size; `base` is the page at the smallest size."""
    ok_statuses = {200, 404} if name == DEEP_PAGE and size == smallest else {200}
    if kind == "export":
        ok_statuses = {200, 302}  # more rows than DJANGO_EXPORT_JOB_FROM_ROWS: a job
    checks = [(f"status {page['status']}", page["status"] in ok_statuses)]
    bad = [status for status in page.get("edit_statuses", []) if status not in ok_statuses]
    checks.append((f"status {bad} after edits", not bad))
    if kind != "page" or name == HEALTHZ:
        return checks
    warm = ratio(page["median_ms"], healthz)
    within = warm is not None and warm <= MAX_WARM_VS_HEALTHZ
    checks.append((f"warm {warm or 0:.1f}× healthz > {MAX_WARM_VS_HEALTHZ}", within))
    concerned = name in EVERY_EDIT_CONCERNS or page.get("far_concerns_it")
    if page.get("unrelated_ms") is not None and concerned:
        related = ratio(page["unrelated_ms"], healthz)
        limit = related_limit(size)
        text = f"edit elsewhere (it concerns this page) {related:.0f}× healthz > {limit}"
        checks.append((text, related <= limit))
    elif page.get("unrelated_ms") is not None:
        unrelated = ratio(page["unrelated_ms"], page.get("rolled_back_ms") or page["median_ms"])
        text = f"unrelated edit {unrelated:.1f}× warm after a rolled-back edit"
        checks.append((f"{text} > {MAX_UNRELATED_VS_WARM}", unrelated <= MAX_UNRELATED_VS_WARM))
    if page.get("related_ms") is not None:
        related = ratio(page["related_ms"], healthz)
        limit = related_limit(size)
        checks.append((f"related edit {related:.0f}× healthz > {limit}", related <= limit))
    if size != smallest:
        grown = ratio(page["median_ms"], base["median_ms"])
        checks.append(
            (
                f"{grown or 0:.2f}× the time at {smallest:,} > {MAX_SIZE_RATIO}",
                grown is not None and grown <= MAX_SIZE_RATIO,
            )
        )
        same = base["queries"] is not None and base["queries"] == page["queries"]
        checks.append(
            (
                f"queries {base['queries']} → {page['queries']} (equal, ≤ {MAX_QUERIES})",
                same and page["queries"] <= MAX_QUERIES,
            )
        )
    elif page["queries"] is None or page["queries"] > MAX_QUERIES:
        checks.append((f"queries {page['queries']} > {MAX_QUERIES}", False))
    return checks


def evaluate(results, kinds):
    """{size: [row]}: every page at every size with its ratios and verdict.

    `results` is {size: {page: result}}, `kinds` is [(name, kind)] in the table's order.
    """
    sizes = sorted(results)
    smallest = sizes[0]
    table = {}
    for size in sizes:
        healthz = results[size][HEALTHZ]["median_ms"]
        rows = []
        for name, kind in kinds:
            page = results[size][name]
            base = results[smallest][name]
            checks = page_checks(name, kind, page, base, healthz, size, smallest)
            rows.append(
                {
                    "name": name,
                    "page": page,
                    "vs_healthz": ratio(page["median_ms"], healthz),
                    "unrelated_vs_warm": ratio(
                        page.get("unrelated_ms"), page.get("rolled_back_ms") or page["median_ms"]
                    ),
                    "related_vs_healthz": ratio(page.get("related_ms"), healthz),
                    "vs_smallest": None
                    if size == smallest
                    else ratio(page["median_ms"], base["median_ms"]),
                    "result": verdict(checks),
                }
            )
        table[size] = rows
    return table


def evaluate_admin(results):
    """[row]: each changelist at every size, held to 1.5× its time at the smallest size."""
    sizes = sorted(results)
    rows = []
    for label in results[sizes[0]]:
        pages = {size: results[size][label] for size in sizes}
        base = pages[sizes[0]]["median_ms"]
        checks = [(f"status {p['status']} at {s:,}", p["status"] == 200) for s, p in pages.items()]
        larger = [ratio(p["median_ms"], base) for s, p in pages.items() if s != sizes[0]]
        worst = max((r if r is not None else float("inf")) for r in larger) if larger else None
        if worst is not None:
            checks.append((f"{worst:.2f}× the time at {sizes[0]:,}", worst <= MAX_ADMIN_RATIO))
        rows.append({"label": label, "pages": pages, "ratio": worst, "result": verdict(checks)})
    return rows


def number(value, digits=1, suffix=""):
    return "—" if value is None else f"{value:.{digits}f}{suffix}"


def status_note(page):
    return "" if page["status"] == 200 else f" ({page['status']})"


def page_table(size, rows):
    lines = [
        f"### {size:,} projects",
        "",
        "| page | warm ms | × healthz | after an edit rolled back ms | after unrelated edit ms "
        "| × rolled back "
        "| after related edit ms | × healthz | queries | × at smallest size | targets |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        page = row["page"]
        lines.append(
            f"| {row['name']} | {number(page['median_ms'])}{status_note(page)} "
            f"| {number(row['vs_healthz'])} | {number(page.get('rolled_back_ms'))} "
            f"| {edit_cell(page, 'unrelated')} "
            f"| {number(row['unrelated_vs_warm'], 2)} | {edit_cell(page, 'related')} "
            f"| {number(row['related_vs_healthz'], 0)} "
            f"| {page['queries'] if page['queries'] is not None else '—'} "
            f"| {number(row['vs_smallest'], 2)} | {row['result']} |"
        )
    return lines


def edit_cell(page, which):
    """The time of the first visit after an edit, and how the page cache answered it."""
    state = page.get(f"{which}_state")
    return number(page.get(f"{which}_ms")) + (f" ({state})" if state else "")


def admin_table(rows, sizes):
    lines = [
        "### Admin changelists (staff session)",
        "",
        "| changelist | "
        + " | ".join(f"ms at {size:,}" for size in sizes)
        + " | ratio | targets |",
        "| --- | " + " | ".join("---:" for _ in sizes) + " | ---: | --- |",
    ]
    for row in rows:
        times = " | ".join(
            f"{number(row['pages'][size]['median_ms'])}{status_note(row['pages'][size])}"
            for size in sizes
        )
        lines.append(f"| {row['label']} | {times} | {number(row['ratio'], 2)} | {row['result']} |")
    return lines


def markdown(pages, admin, memory, notes):
    """The whole report: a table per size, the admin table, memory and notes, the misses."""
    sizes = sorted(pages)
    lines = []
    for size in sizes:
        lines += page_table(size, pages[size]) + [""]
    if admin:
        lines += admin_table(admin, sizes) + [""]
    for size, growth in memory.items():
        if growth is None:
            lines.append(
                f"- The CSV export of all {size:,} projects is a job of the task queue: "
                "benchmarks/export_job.py measures its worker."
            )
            continue
        lines.append(
            f"- Worker memory growth during a CSV export of all {size:,} projects: "
            f"{growth:.1f} MB ({export_verdict(growth)}, target < {MAX_EXPORT_GROWTH_MB} MB)."
        )
    lines += [f"- {note}" for note in notes]
    missed = sum(row["result"].startswith("FAIL") for rows in pages.values() for row in rows)
    missed += sum(row["result"].startswith("FAIL") for row in admin)
    missed += sum(
        growth is not None and growth >= MAX_EXPORT_GROWTH_MB for growth in memory.values()
    )
    lines.append(f"- Targets missed: {missed}.")
    return "\n".join(lines) + "\n"


def export_verdict(growth_mb):
    return verdict([(f"grew {growth_mb:.0f} MB", growth_mb < MAX_EXPORT_GROWTH_MB)])
