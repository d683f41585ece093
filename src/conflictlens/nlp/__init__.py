"""The spaCy pipeline: one component a module, assembled by build.py."""
