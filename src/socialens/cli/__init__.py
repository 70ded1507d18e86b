"""The ``socialens`` command line: one file per command, each a thin wrapper over the library."""
