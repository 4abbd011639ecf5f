"""What the log says about a refused request: one line, once.

A 4xx (not found, permission denied, a CSRF failure, a suspicious operation such as a
wrong Host header) is the client's doing, not a fault of the portal: a traceback for it
buries real errors. Django logs a suspicious operation twice (``django.security.*``,
then ``django.request``) and runserver adds its own access line, so the first line of a
refused request is kept, without its traceback, and the others are dropped. Server
errors (5xx) and everything else pass unchanged.
"""

import contextlib
import logging

_LOGGED = "_portal_refusal_logged"


class OneLinePerRefusedRequest(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if not isinstance(status, int) or not 400 <= status < 500:
            return True
        if record.name == "django.server":
            # runserver's access line: the application has logged this request already
            return False
        request = getattr(record, "request", None)
        if request is not None:
            if getattr(request, _LOGGED, False):
                return False
            # an object that cannot be marked (not a request): its line is kept
            with contextlib.suppress(AttributeError):
                setattr(request, _LOGGED, True)
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True
