"""conflictlens: news articles about armed conflict in, ACLED-style event data out."""

import logging

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
