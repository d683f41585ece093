"""Errors that reach the user as one clear line (never a traceback)."""


class ConflictlensError(Exception):
    """Base of every error the CLI turns into a one-line message and a non-zero exit."""


class InputError(ConflictlensError):
    """A document that cannot be read: empty, binary, undecodable, too large, unknown format."""

    def __init__(self, source: str, reason: str):
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class KnowledgeBaseError(ConflictlensError):
    """A knowledge-base file that does not load or does not validate."""
