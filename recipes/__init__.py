"""One script per experiment of the paper; see each module's docstring."""
