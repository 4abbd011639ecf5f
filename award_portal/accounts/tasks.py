"""Thin Celery wrappers. The lookups behind e-mails asked for by address happen here, in
the worker, so the web request answers the same whether or not the address is known.
Each takes the id of the request's audit event and is safe to run twice."""

from celery import shared_task

from .services import confirmation_send, password_reset_send


@shared_task(name="accounts.password_reset_send")
def password_reset_send_task(request_id: int) -> int:
    return password_reset_send(request_id=request_id)


@shared_task(name="accounts.confirmation_send")
def confirmation_send_task(request_id: int) -> int:
    return confirmation_send(request_id=request_id)
