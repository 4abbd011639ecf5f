"""Small helpers shared by tests (no test logic here)."""

from django.db import connection


def database_url() -> str:
    """The URL of the test database this process is using right now, for a child process
    (a Celery worker, manage.py) that must see the test's data."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
