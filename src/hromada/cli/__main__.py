"""`python -m hromada.cli` runs the command line."""

from hromada.cli.main import main

main()
