"""Check that the venv can run ar_collections and its tests (called by `make check`).

Prints one clear line per problem and exits 1 if there is any.
"""

import importlib
import sys

# import name -> (distribution name, why it is needed)
REQUIRED = {
    "yaml": ("PyYAML", "ar_collections reads its ladders as YAML"),
    "pytest": ("pytest", "the test runner"),
    "pytest_odoo": ("pytest-odoo", "runs the Odoo tests under pytest"),
    "hypothesis": ("hypothesis", "property tests of the ladder engine"),
    "freezegun": ("freezegun", "fixed dates in Odoo tests"),
    "websocket": ("websocket-client", "Odoo's browser tests drive Chromium with it"),
}


def main():
    problems = []
    for module, (dist, why) in REQUIRED.items():
        try:
            importlib.import_module(module)
        except ImportError as exc:
            problems.append(f"{dist} missing in {sys.prefix} ({why}): {exc}")
    try:
        import odoo.release
    except ImportError as exc:
        problems.append(
            f"odoo is not importable from {sys.prefix} ({exc}); "
            "`make venv` writes the .pth file that points to ODOO_SRC"
        )
    else:
        if odoo.release.version_info[:2] != (18, 0):
            problems.append(
                f"odoo imported from {odoo.__path__[0]} is "
                f"{odoo.release.version}, not 18.0"
            )
        else:
            try:
                import lxml  # noqa: F401
                import psycopg2  # noqa: F401  (an Odoo requirement)
            except ImportError as exc:
                problems.append(f"Odoo's requirements are incomplete: {exc}")
    for problem in problems:
        print(problem)
    if problems:
        print("(run `make venv`, or delete the venv and run it again)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
