"""Errors that map to the CLI's exit codes: 2 bad input, 3 infeasible or solver failure."""


class BadInput(Exception):
    """A request that cannot be carried out as asked (exit 2)."""


class Infeasible(Exception):
    """No plan meets the request, or the solver failed (exit 3); the message says why in words."""
