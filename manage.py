#!/usr/bin/env python
from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Commands work across every clinic (row-level security, clinic.tenancy); the development
    # web server is a web server, where each request names its own clinic.
    if sys.argv[1:2] != ["runserver"]:
        os.environ.setdefault("STIMDIARY_DATABASE_SCOPE", "all")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
