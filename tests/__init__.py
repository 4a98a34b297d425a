"""The project's tests, a regular package: some libraries (textstat) install a top-level `tests` package of their
own, which would otherwise win over this folder in `from tests.conftest import ...`."""
