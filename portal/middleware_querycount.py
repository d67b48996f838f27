"""An X-Query-Count response header for the benchmark, on only when PORTAL_QUERY_COUNT_HEADER=1.

It counts the queries made before the response is returned; a streamed body's
queries come later and are not in the count.
"""

from django.db import connection


class QueryCountMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counted(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            response = self.get_response(request)
        response["X-Query-Count"] = str(count)
        return response
