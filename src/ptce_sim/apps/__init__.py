"""Apps layer: what users touch (the command line; later the web view and sweeps)."""
