"""Errors raised for bad input: the CLI prints their message and exits with code 2."""


class ICSSimError(Exception):
    """Bad input that the user can fix: the message says what and how."""


class ParameterError(ICSSimError, KeyError):
    """An unknown parameter name or an out-of-range value."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""
