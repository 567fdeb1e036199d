"""Pure registration-allocation core (CONTRACT section 5): stdlib only, no Flask, no database.

    instance.py  validation of the input dict; InstanceError names the offending field
    solver.py    deferred acceptance over (activity, function) seats and the result report
    cli.py       `main()` behind `flask allocation solve FILE` and `python -m app.allocation FILE`
"""
from .instance import InstanceError, validate
from .solver import lottery, solve

__all__ = ["InstanceError", "lottery", "solve", "validate"]
