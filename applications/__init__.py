"""Applications: cycles, applicants, dossiers, qualification checks, the public call.

Layering contract (STYLE.md): ``services/`` write, ``selectors.py`` read, views and tasks
are thin. This app may import the ``award_portal`` core; it never imports ``review`` or
``publicity``.
"""
