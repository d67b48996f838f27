"""Edits between the benchmark's requests: one long-lived Django process per database that
saves one figure when asked, as an admin's publish would, so that the next request meets
whatever the change invalidated.

A `manage.py shell -c` per edit would cost a second of start-up each; this process starts
once. It does not compute the summaries again after its edits (settings.WARM_SUMMARIES):
without a shared cache (REDIS_URL) it would fill only its own, and take a core from the
server measured; the server computes them itself (cooperation/counting.py). Each edit adds 1 to the
figure's value and the next takes it away again, so the data ends as it began.

    protocol: the harness writes "<figure id> <+1|-1>\\n"; the editor answers "ok <ms>\\n"
    once the change is committed, or "error <text>\\n". "rollback <figure id> +1\\n" does
    the same work and rolls it back: the visit after it is what an edit is compared with
    (the machine's two cores, and their caches, did the same work; nothing changed).
    "rename <kind> <key> <+1|-1>\\n" corrects the name a page shows of a record (RENAMED):
    +1 adds a mark to it and -1 takes it away again; a pairing, which has no name of its
    own, has its start year moved by one.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


RENAME_MARK = "·"
# kind: (model, the field its key is), as the page links to the record.
RENAMED = {
    "pairing": ("Pairing", "pk"),
    "beneficiary": ("Beneficiary", "pk"),
    "organization": ("Organization", "pk"),
    "region": ("Region", "pk"),
    "source": ("Source", "slug"),
    "project": ("Project", "slug"),
}


def rename(record, delta):
    """Moves a pairing's start year by `delta`; otherwise adds the mark to the name shown
    (the short name where there is one) or takes it away."""
    if record._meta.model_name == "pairing":
        record.start_year += delta
        return
    named = [name for name in ("short_name", "name", "title") if getattr(record, name, "")]
    if not named:
        raise ValueError(f"{record._meta.model_name} {record.pk} has no name to correct")
    field = named[0]
    value = getattr(record, field).removesuffix(RENAME_MARK)
    setattr(record, field, value + RENAME_MARK if delta > 0 else value)


def apply(words):
    """One edit, in the caller's transaction: a figure's value, or a record's name."""
    from decimal import Decimal

    from django.apps import apps

    from cooperation.models import Figure

    if words[0] == "rename":
        model, field = RENAMED[words[1]]
        manager = apps.get_model("cooperation", model).objects.select_for_update()
        record = manager.get(**{field: words[2]})
        rename(record, int(words[3]))
        record.save()
        return
    pk, delta = words[-2:]
    figure = Figure.objects.select_for_update().get(pk=int(pk))
    figure.value += Decimal(delta)
    figure.save()


def serve(lines, answer):
    """The Django side: applies each requested edit in its own transaction."""
    import time

    from django.db import transaction

    for line in lines:
        try:
            words = line.split()
            started = time.perf_counter()
            with transaction.atomic():
                apply(words)
                transaction.set_rollback(words[0] == "rollback")
            answer(f"ok {(time.perf_counter() - started) * 1000:.1f}")
        except Exception as error:  # noqa: BLE001 (reported to the harness, which stops)
            answer(f"error {type(error).__name__}: {error}".replace("\n", " "))


def main():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()

    def answer(text):
        print(text, flush=True)

    answer("ready")
    serve(sys.stdin, answer)


class Editor:
    """The harness's side: starts the editor with a size's environment and asks for edits."""

    def __init__(self, env):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.editor"],
            cwd=ROOT,
            env={**env, "DJANGO_LOG_LEVEL": "WARNING", "DJANGO_WARM_SUMMARIES": "0"},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.signs = {}
        self.times_ms = []
        if self.process.stdout.readline().strip() != "ready":
            self.close()
            raise RuntimeError("The benchmark's editor did not start.")

    def edit(self, figure):
        """Saves `figure` changed by one unit; the change undoes the previous one."""
        self.ask(str(figure))

    def rename(self, kind, key):
        """Marks the name of the record of `kind` (RENAMED) keyed `key`, or unmarks it."""
        self.ask(f"rename {kind} {key}")

    def ask(self, edit):
        sign = self.signs.get(edit, 1)
        self.signs[edit] = -sign
        self.process.stdin.write(f"{edit} {sign:+d}\n")
        self.process.stdin.flush()
        reply = self.process.stdout.readline().strip()
        if not reply.startswith("ok "):
            raise RuntimeError(f"The edit {edit} failed: {reply or 'no answer'}")
        self.times_ms.append(float(reply.split()[1]))

    def roll_back(self, figure):
        """The same save of `figure`, rolled back: the work of an edit without a change."""
        self.process.stdin.write(f"rollback {figure} +1\n")
        self.process.stdin.flush()
        if not self.process.stdout.readline().startswith("ok "):
            raise RuntimeError(f"The rolled-back edit of figure {figure} failed.")

    def close(self):
        """Undoes a change left over, then stops; the data ends as it began."""
        try:
            for edit, sign in list(self.signs.items()):
                if sign == -1:
                    self.ask(edit)
        finally:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


if __name__ == "__main__":
    main()
