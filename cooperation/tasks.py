"""The one Celery task: call a function by its dotted path (cooperation.jobs.run_later).

One generic task keeps the queue's contract to "a function and JSON arguments": the code
that asks for work says what to run, and a worker runs any of it without a task per kind.
"""

from portal.celery import app


@app.task(name="cooperation.call", ignore_result=True)
def call(dotted_path, args, kwargs):
    from cooperation.jobs import run_now

    run_now(dotted_path, args, kwargs)
