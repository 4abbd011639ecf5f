"""Review: agencies, experts, panels, assignments, scores, ranking, the working group.

May import ``applications`` and the core; moves an application's objects only through
``applications`` services. Never imports ``publicity``.
"""
