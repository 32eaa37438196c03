"""checkov, started before its arguments are known (cli/lib/checkov-session.ts).

Importing checkov takes seconds; the review starts this at its own start so that the import
overlaps synthesis. It imports checkov's entry point, says "ready" on file descriptor 3, reads
one request from stdin (a JSON list: checkov's arguments) and then does exactly what checkov's
console script does, `sys.exit(Checkov().run())`, with those arguments: the report goes to this
process's stdout and the exit status is checkov's. stdin closed without a request: exit 0.

Usage: python3 checkov-session.py <the venv's checkov console script>
Run it with the venv's python: like the console script, it only finds checkov that way.
"""
import json
import os
import sys
import warnings


def main() -> None:
    # What the console script sees: its own folder first on the path, its own name as argv[0].
    script = sys.argv[1]
    sys.path[0] = os.path.dirname(os.path.abspath(script))

    from checkov.main import Checkov  # the slow part: the whole of checkov

    with os.fdopen(3, "w") as control:
        control.write("ready\n")

    request = sys.stdin.readline()
    if not request:
        sys.exit(0)
    argv = json.loads(request)
    if not isinstance(argv, list) or not all(isinstance(a, str) for a in argv):
        sys.exit(f"checkov-session: expected a JSON list of strings, got {request!r}")
    sys.argv = [script, *argv]

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=SyntaxWarning)
        # argv explicitly: Checkov's default (sys.argv[1:]) was bound when checkov was imported.
        sys.exit(Checkov(argv).run())


# Like the console script: a worker that multiprocessing starts by "spawn" imports this file again.
if __name__ == "__main__":
    main()
