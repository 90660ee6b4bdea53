"""The law of international transfers as plain Python.

This package never imports Flask or SQLAlchemy: the registry turns its rows into plain values
and asks these modules for every legal judgement, so the rules can be tested by table without
an application.
"""
