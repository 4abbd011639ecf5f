"""Publicity: public comment, publicity lists, objections, approval, awards, supervision.

The most downstream app: may import ``review``, ``applications`` and the core.
"""
